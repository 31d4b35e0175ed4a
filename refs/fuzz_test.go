package refs

import (
	"bytes"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func FuzzParseRev(f *testing.F) {
	for _, s := range []string{"HEAD", "current", "@", "backup", "v1.0", "3f2a", hexA, "HEAD~", "HEAD~3^2",
		"@{2}", "backup@{1}", "current@{3}~2", "refs/tags/x@{0}^0", "a..b", "HEAD@{", "HEAD^{commit}", "@{-1}",
		"HEAD~99999999999999999999", "x:y", "", "~", "a@b@{1}~1~1", "HEAD@{yesterday}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRev(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Rev != s || !strings.Contains(err.Error(), strconv.Quote(s)) {
				t.Fatalf("ParseRev(%q): error %v is not a *SyntaxError quoting the input", s, err)
			}
			return
		}
		if r.Base == "" || r.Reflog < -1 || r.Reflog > maxRevNumber {
			t.Fatalf("ParseRev(%q) = %+v", s, r)
		}
		for _, st := range r.Steps {
			if (st.Kind != '~' && st.Kind != '^') || st.N < 0 || st.N > maxRevNumber {
				t.Fatalf("ParseRev(%q) has step %+v", s, st)
			}
		}
		again, err := ParseRev(r.String())
		if err != nil || !reflect.DeepEqual(again, r) {
			t.Fatalf("ParseRev(%q) = %+v, but its String %q parses to %+v, %v", s, r, r.String(), again, err)
		}
	})
}

func FuzzParseReflog(f *testing.F) {
	h := fakeHashes(2)
	good := formatReflogLine(ReflogEntry{Old: h[0], New: h[1], Who: sig(), Message: "save: R5 10k→4.7k"})
	f.Add(good)
	f.Add(append(append([]byte{}, good...), good[:50]...))
	f.Add([]byte(hexA + " " + hexA + " A <a@b> 0 +0000\n"))
	f.Add([]byte(hexA + " " + hexA + " A <a@b> 0 +0000\tmsg\twith tab\n"))
	f.Add([]byte(hexA + " " + hexA + " <> 99999999999999999999 +9999\n"))
	f.Add([]byte("garbage\n\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, bad := parseReflog(data)
		if lines := bytes.Count(data, []byte("\n")) + 1; len(entries)+len(bad) > lines {
			t.Fatalf("%d entries and %d bad lines from %d lines", len(entries), len(bad), lines)
		}
		for _, e := range entries {
			line := formatReflogLine(e)
			back, bad := parseReflog(line)
			if len(bad) != 0 || len(back) != 1 {
				t.Fatalf("re-parse of %q: %v, %v", line, back, bad)
			}
			if again := formatReflogLine(back[0]); !bytes.Equal(again, line) {
				t.Fatalf("format is not a fixed point:\n%q\n%q", line, again)
			}
		}
	})
}

func FuzzParseLoose(f *testing.F) {
	for _, s := range []string{hexA + "\n", hexA, "", hexA[:10], "ref: refs/heads/main\n", "ref:", "ref: ../x", hexA + "x", "\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := parseLoose(data)
		if err != nil {
			return
		}
		if v.Target != "" {
			if ValidRefName(v.Target) != nil {
				t.Fatalf("accepted a symbolic ref to %q", v.Target)
			}
			return
		}
		if back, err := parseLoose([]byte(v.Hash.String() + "\n")); err != nil || back != v {
			t.Fatalf("round trip of %s: %+v, %v", v.Hash, back, err)
		}
	})
}

func FuzzParsePacked(f *testing.F) {
	f.Add([]byte("# pack-refs with: peeled fully-peeled sorted \n" + hexA + " refs/heads/main\n" + hexA + " refs/tags/a\n^" + hexA + "\n"))
	f.Add([]byte(hexA + " refs/tags/v1"))
	f.Add([]byte("^" + hexA + "\n"))
	f.Add([]byte("\n\n"))
	f.Add([]byte(hexA + " refs/s\n" + hexA + " refs/s\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		refs, err := parsePacked(data)
		if err != nil {
			return
		}
		for _, r := range refs {
			rest, err := parsePacked(withoutPacked(data, r))
			if err != nil || len(rest) != len(refs)-1 {
				t.Fatalf("without %s: %d refs, %v (had %d)", r.Name, len(rest), err, len(refs))
			}
			for _, o := range rest {
				if o.Name == r.Name {
					t.Fatalf("without %s: still there", r.Name)
				}
			}
		}
	})
}
