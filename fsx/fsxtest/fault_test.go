package fsxtest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
)

func TestFaultSelection(t *testing.T) {
	tests := []struct {
		name  string
		fault Fault
		// ops is the sequence of calls; want marks which fail.
		ops  []string
		want []bool
	}{
		{"every op", Fault{Times: -1}, []string{"stat", "mkdir"}, []bool{true, true}},
		{"first only", Fault{}, []string{"stat", "stat"}, []bool{true, false}},
		{"after two", Fault{After: 2}, []string{"stat", "stat", "stat", "stat"}, []bool{false, false, true, false}},
		{"k times", Fault{Times: 2}, []string{"stat", "stat", "stat"}, []bool{true, true, false}},
		{"by op", Fault{Op: "mkdir", Times: -1}, []string{"stat", "mkdir", "stat"}, []bool{false, true, false}},
		{"op list", Fault{Op: "remove,mkdir", Times: -1}, []string{"stat", "mkdir", "remove"}, []bool{false, true, true}},
		{"by path", Fault{Path: "refs/", Times: -1}, []string{"stat", "stat refs/x"}, []bool{false, true}},
		{"op counts matches only", Fault{Op: "mkdir", After: 1}, []string{"mkdir", "stat", "mkdir"}, []bool{false, false, true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMemFS()
			f := NewFaultFS(m)
			f.Inject(tc.fault)
			for i, op := range tc.ops {
				name, path, _ := strings.Cut(op, " ")
				path = "/" + path + fmt.Sprint(i)
				var err error
				switch name {
				case "stat":
					_, err = f.Stat(path)
					if errors.Is(err, fs.ErrNotExist) {
						err = nil
					}
				case "mkdir":
					fsx.MkdirAll(m, filepath.Dir(path), 0o755)
					err = f.Mkdir(path, 0o755)
				case "remove":
					err = f.Remove(path)
					if errors.Is(err, fs.ErrNotExist) {
						err = nil
					}
				}
				if failed := errors.Is(err, syscall.EIO); failed != tc.want[i] {
					t.Errorf("op %d %s: err = %v, want failure %v", i, op, err, tc.want[i])
				}
			}
		})
	}
}

// TestFaultErrors checks injected errors look like package os errors and
// that a failed call has no effect.
func TestFaultErrors(t *testing.T) {
	m := NewMemFS()
	fsx.WriteFile(m, "/a", []byte("a"), 0o644)
	f := NewFaultFS(m)
	f.Inject(Fault{Op: "rename", Err: syscall.EXDEV})
	err := f.Rename("/a", "/b")
	var le *os.LinkError
	if !errors.As(err, &le) || le.Op != "rename" || le.Old != "/a" || le.New != "/b" || !errors.Is(err, syscall.EXDEV) {
		t.Fatalf("rename err = %#v", err)
	}
	if _, err := m.Stat("/a"); err != nil {
		t.Fatal("failed rename had an effect")
	}
	f.Inject(Fault{Op: "write", Err: syscall.ENOSPC})
	file, err := f.OpenFile("/a", os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = file.Write([]byte("x"))
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Op != "write" || pe.Path != "/a" || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("write err = %#v", err)
	}
	f.Inject(Fault{Op: "close"})
	if err := file.Close(); !errors.Is(err, syscall.EIO) {
		t.Fatalf("close err = %v", err)
	}
	log := f.Log()
	if len(log) != f.Ops() || len(log) != 4 {
		t.Fatalf("log %v, ops %d", log, f.Ops())
	}
	want := "op 1: rename /a → /b (failed: " + syscall.EXDEV.Error() + ")"
	if log[0].String() != want {
		t.Fatalf("log[0] = %q, want %q", log[0], want)
	}
	if len(f.Fired()) != 3 {
		t.Fatalf("fired %v", f.Fired())
	}
	f.Clear()
	if err := f.Rename("/a", "/b"); err != nil {
		t.Fatalf("after Clear: %v", err)
	}
}

// TestFaultCountsEveryCall checks the counted operation names, which
// other packages' tests use in filters.
func TestFaultCountsEveryCall(t *testing.T) {
	m := NewMemFS()
	f := NewFaultFS(m)
	if err := fsx.WriteFile(f, "/f", []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := fsx.ReadFile(f, "/f"); err != nil {
		t.Fatal(err)
	}
	release, err := f.TryLock("/lock")
	if err != nil {
		t.Fatal(err)
	}
	release()
	var names []string
	for _, o := range f.Log() {
		names = append(names, o.Name)
	}
	want := []string{"stat", "open", "write", "sync", "close", "chmod", "rename", "syncdir",
		"open", "fstat", "read", "read", "close", "lock", "unlock"}
	if !slices.Equal(names, want) {
		t.Fatalf("ops %v\nwant %v", names, want)
	}
}

// TestFaultOverCrash composes the two: when WriteFile reports a failed
// directory sync, the new file is visible but a power cut may lose it —
// the reason callers must not treat that error as "nothing changed" nor
// as "saved".
func TestFaultOverCrash(t *testing.T) {
	c := NewCrashFS(baseWithFile(t, "old"))
	f := NewFaultFS(c)
	f.Inject(Fault{Op: "syncdir", Err: syscall.EIO})
	err := fsx.WriteFile(f, "/d/f", []byte("new"), 0o644)
	if !errors.Is(err, syscall.EIO) {
		t.Fatalf("err = %v", err)
	}
	if got := content(t, c, "/d/f"); got != "new" {
		t.Fatalf("before the cut: %q", got)
	}
	if got := content(t, c.Crash(), "/d/f"); got != "old" {
		t.Fatalf("after the cut: %q", got)
	}
}
