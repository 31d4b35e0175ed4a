package refs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/internal/gittest"
	"github.com/circuitvc/circuitvc/objects"
)

// TestReflogGitAgrees: the reflogs Update writes are the ones git shows,
// fsck --strict accepts them, and @{N} means what git means.
func TestReflogGitAgrees(t *testing.T) {
	gittest.Need(t)
	s, dir := newStore(t, Options{})
	c := commits(t, dir, 4)
	who := sig()
	msgs := []string{"save: first", "save: second\nwith a second line", "restore: back  to\tfirst", ""}
	updates := []struct {
		ref      string
		old, new objects.Hash
	}{
		{HEAD, objects.ZeroHash, c[0]},
		{HEAD, c[0], c[1]},
		{Main, c[1], c[0]}, // directly: HEAD's log gets it too, as in git
		{HEAD, c[0], c[3]},
	}
	for i, u := range updates {
		who.When = who.When.Add(time.Minute)
		if err := s.Update(bg, u.ref, u.old, u.new, who, msgs[i]); err != nil {
			t.Fatal(err)
		}
	}
	gittest.Fsck(t, dir)
	wantMsgs := []string{"", "restore: back to first", "save: second with a second line", "save: first"}
	for _, ref := range []string{HEAD, Main} {
		log, err := s.Reflog(ref)
		if err != nil || len(log) != 4 {
			t.Fatalf("Reflog(%s) = %d entries, %v", ref, len(log), err)
		}
		gitLog := strings.Split(gittest.Text(t, dir, "reflog", "show", "--format=%H %gs", ref), "\n")
		for i, e := range log {
			u := updates[len(updates)-1-i]
			if e.Old != u.old || e.New != u.new || e.Message != wantMsgs[i] {
				t.Errorf("%s entry %d = %s→%s %q, want %s→%s %q", ref, i, e.Old, e.New, e.Message, u.old, u.new, wantMsgs[i])
			}
			if e.Who.Name != who.Name || e.Who.Email != who.Email || e.Who.When.Unix() != who.When.Unix()-int64(60*(i)) {
				t.Errorf("%s entry %d: who = %+v", ref, i, e.Who)
			}
			if _, off := e.Who.When.Zone(); off != 90*60 {
				t.Errorf("%s entry %d: zone offset %d", ref, i, off)
			}
			if want := u.new.String() + " " + wantMsgs[i]; strings.TrimSpace(gitLog[i]) != strings.TrimSpace(want) {
				t.Errorf("git reflog %s[%d] = %q, want %q", ref, i, gitLog[i], want)
			}
		}
		for n := range 6 {
			got, err := s.ReflogAt(ref, n)
			want, gerr := gittest.Output(dir, nil, "rev-parse", "--verify", "--quiet", fmt.Sprintf("%s@{%d}", ref, n))
			if (err != nil) != (gerr != nil) || (err == nil && got.String() != strings.TrimSpace(want)) {
				t.Errorf("ReflogAt(%s, %d) = %s, %v; git rev-parse says %q, %v", ref, n, got, err, want, gerr)
			}
			if err != nil && !errors.Is(err, ErrNotFound) {
				t.Errorf("ReflogAt(%s, %d) error %v does not wrap ErrNotFound", ref, n, err)
			}
		}
	}
}

// TestReflogGitWritten: reflogs that git writes parse, including git's
// own messages and zones.
func TestReflogGitWritten(t *testing.T) {
	gittest.Need(t)
	s, dir := newStore(t, Options{})
	c := commits(t, dir, 3)
	gittest.Text(t, dir, "-c", "core.logAllRefUpdates=always", "update-ref", "-m", "one", Backup, c[0].String())
	gittest.Text(t, dir, "-c", "core.logAllRefUpdates=always", "update-ref", "-m", "two", Backup, c[1].String())
	gittest.Text(t, dir, "-c", "core.logAllRefUpdates=always", "update-ref", Backup, c[2].String())
	log, err := s.Reflog(Backup)
	if err != nil || len(log) != 3 {
		t.Fatalf("Reflog = %+v, %v", log, err)
	}
	want := []struct {
		old, new objects.Hash
		msg      string
	}{{c[1], c[2], ""}, {c[0], c[1], "two"}, {objects.ZeroHash, c[0], "one"}}
	for i, w := range want {
		if e := log[i]; e.Old != w.old || e.New != w.new || e.Message != w.msg || e.Who.Email != "test@example.com" {
			t.Errorf("entry %d = %+v, want %+v", i, e, w)
		}
	}
}

func TestReflogDamaged(t *testing.T) {
	h := fakeHashes(3)
	good := func(old, new objects.Hash, msg string) string {
		return string(formatReflogLine(ReflogEntry{Old: old, New: new, Who: sig(), Message: msg}))
	}
	tests := []struct {
		name     string
		content  string
		wantMsgs []string // newest first
		wantBad  []string
	}{
		{"clean", good(objects.ZeroHash, h[0], "a") + good(h[0], h[1], "b"), []string{"b", "a"}, nil},
		{"truncated last line", good(objects.ZeroHash, h[0], "a") + good(h[0], h[1], "b")[:50], []string{"a"}, []string{"line 2: unterminated"}},
		{"truncated in the message", good(objects.ZeroHash, h[0], "a") + strings.TrimSuffix(good(h[0], h[1], "bbbb"), "b\n"), []string{"a"}, []string{"unterminated"}},
		{"garbage line", "garbage\n" + good(objects.ZeroHash, h[0], "a"), []string{"a"}, []string{"line 1: want"}},
		{"bad hash", strings.Replace(good(objects.ZeroHash, h[0], "a"), "0", "x", 1), nil, []string{"old value: not a hash"}},
		{"bad zone", strings.Replace(good(objects.ZeroHash, h[0], "a"), "+0130", "+01:30", 1), nil, []string{"bad time zone"}},
		{"no email", h[0].String() + " " + h[1].String() + " Ada 1700000000 +0000\tm\n", nil, []string{"without <email>"}},
		{"empty", "", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, dir := newStore(t, Options{})
			writeFile(t, filepath.Join(dir, "logs", "refs", "heads", "main"), tt.content)
			log, err := s.Reflog(Main)
			if err != nil {
				t.Fatal(err)
			}
			var msgs []string
			for _, e := range log {
				msgs = append(msgs, e.Message)
			}
			if strings.Join(msgs, ",") != strings.Join(tt.wantMsgs, ",") {
				t.Errorf("messages = %q, want %q", msgs, tt.wantMsgs)
			}
			bad, err := s.CheckReflog(Main)
			if err != nil || len(bad) != len(tt.wantBad) {
				t.Fatalf("CheckReflog = %v, %v; want %d problems", bad, err, len(tt.wantBad))
			}
			for i, b := range bad {
				if !errors.Is(b, ErrCorrupt) || !strings.Contains(b.Error(), tt.wantBad[i]) || !strings.Contains(b.Error(), "logs/refs/heads/main") {
					t.Errorf("problem %d = %v, want one naming the file and saying %q", i, b, tt.wantBad[i])
				}
			}
		})
	}
}

// TestReflogAppendAfterCrash: an append after a crash-truncated line
// terminates that line first, so the new entry stays whole for us and
// for git.
func TestReflogAppendAfterCrash(t *testing.T) {
	gittest.Need(t)
	s, dir := newStore(t, Options{})
	c := commits(t, dir, 2)
	if err := s.Update(bg, Main, objects.ZeroHash, c[0], sig(), "first"); err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(dir, "logs", "refs", "heads", "main")
	f, err := os.OpenFile(logFile, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(c[0].String() + " " + c[1].String()[:10]) // a torn append
	f.Close()
	if err := s.Update(bg, Main, c[0], c[1], sig(), "second"); err != nil {
		t.Fatal(err)
	}
	log, err := s.Reflog(Main)
	if err != nil || len(log) != 2 || log[0].Message != "second" || log[1].Message != "first" {
		t.Fatalf("Reflog = %+v, %v", log, err)
	}
	if got := gittest.Text(t, dir, "reflog", "show", "--format=%gs", Main); got != "second\nfirst" {
		t.Errorf("git reflog show = %q", got)
	}
}

func TestReflogSanitizes(t *testing.T) {
	who := objects.Signature{Name: " Eve <evil>\nX ", Email: "e<v>e@x\n", When: time.Unix(1, 0).In(time.FixedZone("", -(3*3600 + 30*60)))}
	e := ReflogEntry{Old: objects.ZeroHash, New: fakeHashes(1)[0], Who: who, Message: "  multi\n\nline\tmsg  "}
	line := formatReflogLine(e)
	if want := " Eve evilX <eve@x> 1 -0330\tmulti line msg\n"; !strings.HasSuffix(string(line), want) {
		t.Fatalf("line = %q, want suffix %q", line, want)
	}
	back, bad := parseReflog(line)
	if len(bad) != 0 || len(back) != 1 || back[0].Who.Name != "Eve evilX" || back[0].Who.Email != "eve@x" || back[0].Message != "multi line msg" {
		t.Fatalf("parse = %+v, %v", back, bad)
	}
	if _, off := back[0].Who.When.Zone(); off != -(3*3600 + 30*60) {
		t.Errorf("zone = %d", off)
	}
}

func TestReflogAtErrors(t *testing.T) {
	s, _ := newStore(t, Options{})
	if _, err := s.ReflogAt(Backup, 0); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "refs/circuitvc/backup@{0}") {
		t.Errorf("ReflogAt(no log) = %v", err)
	}
	if _, err := s.ReflogAt(Backup, -1); err == nil {
		t.Error("ReflogAt(-1) succeeded")
	}
	if _, err := s.ReflogAt("bad..name", 0); !errors.Is(err, ErrInvalidName) {
		t.Errorf("ReflogAt(bad name) = %v", err)
	}
}
