package worktree

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/internal/gittest"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

func TestFindWalksUp(t *testing.T) {
	r := newRepo(t, nil)
	sub := filepath.Join(r.Root(), "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	found, err := Find(sub, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer found.Close()
	if found.Root() != r.Root() {
		t.Errorf("root = %s, want %s", found.Root(), r.Root())
	}
	if _, err := Find(t.TempDir(), OpenOptions{}); !errors.Is(err, ErrNotRepo) {
		t.Errorf("Find outside a store: err = %v, want ErrNotRepo", err)
	}
	if _, err := Init(r.Root(), OpenOptions{}); !errors.Is(err, ErrExists) {
		t.Errorf("Init twice: err = %v, want ErrExists", err)
	}
}

func TestSaveStatusRestore(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t, nil)
	writeWorkFile(t, r, "amp.circuit.json", circuitV("10k"))
	writeWorkFile(t, r, "sub/diagram.json", []byte(`{"parts": [], "connections": []}`))
	writeWorkFile(t, r, "notes.txt", []byte("not tracked\n"))
	wantStatus(t, r, map[string]ChangeKind{"amp.circuit.json": Added, "sub/diagram.json": Added})

	first := mustSave(t, r, "v1")
	if len(first.Changes) != 2 || !first.Parent.IsZero() {
		t.Fatalf("first save = %+v", first)
	}
	wantStatus(t, r, map[string]ChangeKind{"amp.circuit.json": Unchanged, "sub/diagram.json": Unchanged})
	if _, err := r.Save(ctx, SaveOptions{Author: testSig}); !errors.Is(err, ErrNothingToSave) {
		t.Fatalf("save unchanged: err = %v, want ErrNothingToSave", err)
	}

	writeWorkFile(t, r, "amp.circuit.json", circuitV("4.7k"))
	wantStatus(t, r, map[string]ChangeKind{"amp.circuit.json": Modified, "sub/diagram.json": Unchanged})
	second := mustSave(t, r, "")
	if second.Parent != first.Commit || second.Message == "" {
		t.Fatalf("second save = %+v", second)
	}

	// restore v1 with an unsaved edit in place: the edit goes to backup
	writeWorkFile(t, r, "amp.circuit.json", circuitV("unsaved"))
	res, err := r.Restore(ctx, RestoreOptions{To: "current~1", Author: testSig})
	if err != nil {
		t.Fatal(err)
	}
	if got := readWorkFile(t, r, "amp.circuit.json"); got != string(circuitV("10k")) {
		t.Fatalf("after restore: %s", got)
	}
	if res.Commit.IsZero() || res.Backup.IsZero() {
		t.Fatalf("restore result = %+v", res)
	}
	if _, err := r.Restore(ctx, RestoreOptions{To: "backup", Author: testSig}); err != nil {
		t.Fatal(err)
	}
	if got := readWorkFile(t, r, "amp.circuit.json"); got != string(circuitV("unsaved")) {
		t.Fatalf("after restore --to backup: %s", got)
	}
	gittest.Fsck(t, r.Dir())
}

func wantStatus(t *testing.T, r *Repo, want map[string]ChangeKind) {
	t.Helper()
	got, err := r.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	gotMap := map[string]ChangeKind{}
	for _, f := range got {
		gotMap[f.Path] = f.Kind
	}
	if len(gotMap) != len(want) {
		t.Fatalf("status = %v, want %v", gotMap, want)
	}
	for p, k := range want {
		if gotMap[p] != k {
			t.Errorf("status %s = %v, want %v", p, gotMap[p], k)
		}
	}
}

func TestRestoreRemovesAndKeeps(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1"))
	mustSave(t, r, "a")
	writeWorkFile(t, r, "b.circuit.json", circuitV("2"))
	mustSave(t, r, "a+b")
	writeWorkFile(t, r, "c.circuit.json", circuitV("3")) // never saved
	res, err := r.Restore(ctx, RestoreOptions{To: "current~1", Author: testSig})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Removed) != 1 || res.Removed[0] != "b.circuit.json" {
		t.Errorf("removed = %v, want [b.circuit.json]", res.Removed)
	}
	if _, err := os.Stat(r.abs("b.circuit.json")); !os.IsNotExist(err) {
		t.Errorf("b.circuit.json still there: %v", err)
	}
	if got := readWorkFile(t, r, "c.circuit.json"); got != string(circuitV("3")) {
		t.Error("a never-saved file was touched by restore")
	}
	// the never-saved file is in backup all the same
	snap, err := r.Snapshot(res.Backup)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := snap["c.circuit.json"]; !ok {
		t.Errorf("backup lacks the never-saved file: %v", snap.Paths())
	}
	// restoring one file leaves the others as they are
	if _, err := r.Restore(ctx, RestoreOptions{To: "current~1", Paths: []string{"a.circuit.json"}, Author: testSig}); err != nil {
		t.Fatal(err)
	}
	_, err = r.Restore(ctx, RestoreOptions{To: "current~2", Paths: []string{"b.circuit.json"}, Author: testSig})
	var pe *PathError
	if !errors.As(err, &pe) || !errors.Is(err, ErrPathNotFound) {
		t.Errorf("restore of a file absent from the revision: err = %v", err)
	}
	gittest.Fsck(t, r.Dir())
}

func TestResolve(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t, nil)
	var commits []string
	for _, v := range []string{"1", "2", "3"} {
		writeWorkFile(t, r, "a.circuit.json", circuitV(v))
		commits = append(commits, mustSave(t, r, "v"+v).Commit.String())
	}
	if _, err := r.Restore(ctx, RestoreOptions{To: "current~2", Author: testSig}); err != nil {
		t.Fatal(err)
	}
	head, _ := r.Head()
	tests := []struct {
		rev  string
		want string // "" means an error wrapping ErrRevisionNotFound
	}{
		{"current", head.String()},
		{"HEAD", head.String()},
		{"@", head.String()},
		{"current~1", commits[2]},
		{"HEAD^", commits[2]},
		{"current~3", commits[0]},
		{"current^^^", commits[0]},
		{"backup", commits[2]},
		{"@{1}", commits[2]},
		{"current@{3}", commits[0]},
		{commits[1], commits[1]},
		{commits[1][:7], commits[1]},
		{"current~4", ""},
		{"nosuch", ""},
		{"ffffffff", ""},
		{"current@{99}", ""},
		{"~~~bad", ""},
	}
	for _, tt := range tests {
		h, err := r.Resolve(tt.rev)
		switch {
		case tt.want == "" && !errors.Is(err, ErrRevisionNotFound):
			t.Errorf("Resolve(%q) = %v, %v; want ErrRevisionNotFound", tt.rev, h, err)
		case tt.want != "" && (err != nil || h.String() != tt.want):
			t.Errorf("Resolve(%q) = %v, %v; want %s", tt.rev, h, err, tt.want)
		}
	}
}

func TestGoGitReadsHistory(t *testing.T) {
	r := newRepo(t, nil)
	for _, v := range []string{"1", "2", "3"} {
		writeWorkFile(t, r, "dir/a.circuit.json", circuitV(v))
		mustSave(t, r, "v"+v)
	}
	var ours []string
	if err := r.Log(context.Background(), LogOptions{}, func(e LogEntry) error {
		ours = append(ours, e.Hash.String())
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	repo, err := git.PlainOpen(r.Dir())
	if err != nil {
		t.Fatal(err)
	}
	iter, err := repo.Log(&git.LogOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var theirs []string
	err = iter.ForEach(func(c *object.Commit) error {
		theirs = append(theirs, c.Hash.String())
		f, err := c.File("dir/a.circuit.json")
		if err != nil {
			return err
		}
		_, err = f.Contents()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ours) != 3 || len(theirs) != 3 {
		t.Fatalf("ours %v, go-git %v", ours, theirs)
	}
	for i := range ours {
		if ours[i] != theirs[i] {
			t.Errorf("entry %d: ours %s, go-git %s", i, ours[i], theirs[i])
		}
	}
}

func TestLogPath(t *testing.T) {
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1"))
	mustSave(t, r, "a1")
	writeWorkFile(t, r, "b.circuit.json", circuitV("1"))
	mustSave(t, r, "b1")
	writeWorkFile(t, r, "a.circuit.json", circuitV("2"))
	mustSave(t, r, "a2")
	var msgs []string
	err := r.Log(context.Background(), LogOptions{Path: "a.circuit.json"}, func(e LogEntry) error {
		msgs = append(msgs, firstLine(e.Commit.Message))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0] != "a2" || msgs[1] != "a1" {
		t.Errorf("log a.circuit.json = %v, want [a2 a1]", msgs)
	}
}

func TestNoOpRestoreKeepsBackup(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1"))
	mustSave(t, r, "v1")
	writeWorkFile(t, r, "a.circuit.json", circuitV("2"))
	mustSave(t, r, "v2")
	writeWorkFile(t, r, "a.circuit.json", circuitV("unsaved"))
	first, err := r.Restore(ctx, RestoreOptions{To: "current~1", Author: testSig})
	if err != nil {
		t.Fatal(err)
	}
	// the same restore again changes no file, so backup must still hold
	// the unsaved edit
	again, err := r.Restore(ctx, RestoreOptions{To: "current", Author: testSig})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Written)+len(again.Removed) != 0 || !again.Commit.IsZero() {
		t.Fatalf("no-op restore did something: %+v", again)
	}
	if b, _ := r.Resolve("backup"); b != first.Backup {
		t.Fatalf("backup moved from %s to %s", first.Backup, b)
	}
}

func TestSaveBigFile(t *testing.T) {
	if testing.Short() {
		t.Skip("a file over 16 MiB")
	}
	ctx := context.Background()
	r := newRepo(t, nil)
	pad := strings.Repeat("x", bigFile)
	valid := []byte(`{"metadata": {"pad": "` + pad + `"}, "components": [{"id": "R1", "pins": ["1"]}], "nets": []}`)
	writeWorkFile(t, r, "big.circuit.json", valid)
	res, err := r.Save(ctx, SaveOptions{Author: testSig})
	if err != nil {
		t.Fatal(err)
	}
	if res.Message != "add big.circuit.json" {
		t.Errorf("message = %q, want the plain one for a big file", res.Message)
	}
	// a big file is still refused when it is not JSON at all
	writeWorkFile(t, r, "big.circuit.json", valid[:len(valid)-1])
	_, err = r.Save(ctx, SaveOptions{Author: testSig})
	var ve *ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "big.circuit.json:1:") {
		t.Fatalf("save of a truncated big file: err = %v, want a located validation error", err)
	}
}
