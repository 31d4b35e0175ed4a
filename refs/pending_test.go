package refs

import (
	"errors"
	"maps"
	"path"
	"strings"
	"syscall"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/circuitvc/circuitvc/objects"
)

// refFiles reads every file of the ref store below dir (HEAD, loose
// refs, packed-refs, reflogs), lock files included: what "the refs are
// bit-for-bit unchanged" compares.
func refFiles(t *testing.T, fsys fsx.FS, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(d string)
	walk = func(d string) {
		entries, err := fsys.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			p := path.Join(d, e.Name())
			if e.IsDir() {
				walk(p)
				continue
			}
			data, err := fsx.ReadFile(fsys, p)
			if err != nil {
				t.Fatal(err)
			}
			out[strings.TrimPrefix(p, dir+"/")] = string(data)
		}
	}
	walk(dir)
	return out
}

func sameFiles(t *testing.T, got, want map[string]string, desc string) {
	t.Helper()
	if maps.Equal(got, want) {
		return
	}
	for p, w := range want {
		if g, ok := got[p]; !ok || g != w {
			t.Errorf("%s: %s = %q (present %v), want %q", desc, p, g, ok, w)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: %s appeared", desc, p)
		}
	}
}

// pendingCases are updates to prepare on memStore: HEAD (through to
// refs/heads/main, with HEAD's reflog), a ref that does not exist yet
// and a tag found only in packed-refs.
func pendingCases(h []objects.Hash) []struct {
	name     string
	old, new objects.Hash
} {
	return []struct {
		name     string
		old, new objects.Hash
	}{
		{HEAD, h[0], h[1]},
		{Backup, objects.ZeroHash, h[1]},
		{TagPrefix + "old", h[0], h[1]},
	}
}

// TestPendingUndo: Commit then Undo leaves every ref file and reflog as
// it was, byte for byte; so does Abort without Commit.
func TestPendingUndo(t *testing.T) {
	h := fakeHashes(2)
	for _, c := range pendingCases(h) {
		m := memStore(t, h)
		before := refFiles(t, m, memDir)
		s := Open(m, memDir, Options{})
		p, err := s.Prepare(bg, c.name, c.old, c.new, sig(), "try")
		if err != nil {
			t.Fatalf("%s: Prepare: %v", c.name, err)
		}
		if err := p.Commit(bg); err != nil || !p.Moved() {
			t.Fatalf("%s: Commit: %v (moved %v)", c.name, err, p.Moved())
		}
		if got, err := s.Read(c.name); err != nil || got != c.new {
			t.Fatalf("%s after Commit: %s, %v", c.name, got, err)
		}
		if err := p.Undo(bg); err != nil {
			t.Fatalf("%s: Undo: %v", c.name, err)
		}
		p.Abort()
		sameFiles(t, refFiles(t, m, memDir), before, c.name+" after Undo")

		p, err = s.Prepare(bg, c.name, c.old, c.new, sig(), "try")
		if err != nil {
			t.Fatal(err)
		}
		p.Abort()
		sameFiles(t, refFiles(t, m, memDir), before, c.name+" after Abort")
	}
}

// TestPendingFaults fails each file-system call of Prepare and Commit
// in turn: whenever the ref did not move, every ref file and reflog is
// as it was, byte for byte, and no lock is left; when it moved (only a
// failed directory fsync after the rename), Undo puts everything back.
func TestPendingFaults(t *testing.T) {
	h := fakeHashes(2)
	for _, c := range pendingCases(h) {
		base := memStore(t, h)
		before := refFiles(t, base, memDir)
		points, moved := 0, 0
		for n := 1; ; n++ {
			inner := base.Clone()
			f := fsxtest.NewFaultFS(inner)
			f.FailAt(n, syscall.EIO)
			s := Open(f, memDir, Options{})
			p, err := s.Prepare(bg, c.name, c.old, c.new, sig(), "try")
			if err == nil {
				err = p.Commit(bg)
			}
			if len(f.Fired()) == 0 {
				if err != nil {
					t.Fatalf("%s: no fault, yet %v", c.name, err)
				}
				break
			}
			points++
			desc := c.name + ": " + f.Fired()[0].String()
			if err == nil {
				continue // a fault that changes nothing, such as ReadFile's size hint
			}
			if !errors.Is(err, syscall.EIO) {
				t.Errorf("%s: err = %v, want EIO", desc, err)
			}
			if p != nil && p.Moved() {
				moved++
				if err := p.Undo(bg); err != nil {
					t.Errorf("%s: Undo: %v", desc, err)
				}
			} else if !strings.Contains(err.Error(), "nothing was changed") && p != nil {
				t.Errorf("%s: err = %v, want it to say nothing was changed", desc, err)
			}
			if p != nil {
				p.Abort()
			}
			sameFiles(t, refFiles(t, inner, memDir), before, desc)
		}
		t.Logf("%s: %d fault points, %d after the ref moved (undone)", c.name, points, moved)
	}
}
