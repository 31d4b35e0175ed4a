package fsx

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
)

// baseWithFile returns a MemFS holding /d/f with the given contents.
func baseWithFile(t *testing.T, data string) *MemFS {
	t.Helper()
	m := NewMemFS()
	if err := MkdirAll(m, "/d", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(m, "/d/f", []byte(data), 0o640); err != nil {
		t.Fatal(err)
	}
	return m
}

// tempFiles lists the names in dir that WriteFileAtomic's temp files use.
func tempFiles(t *testing.T, fsys FS, dir string) []string {
	t.Helper()
	list, err := fsys.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var tmps []string
	for _, de := range list {
		if strings.Contains(de.Name(), ".tmp-") {
			tmps = append(tmps, de.Name())
		}
	}
	return tmps
}

func opNames(ops []Op) string {
	var s []string
	for _, o := range ops {
		s = append(s, o.String())
	}
	return strings.Join(s, "\n")
}

// TestWriteFileFaultAtEveryOp fails each call of WriteFile over an
// existing file in turn, with each errno, and checks that WriteFile
// reports the fault, leaves the file whole (old, or new when only the
// final directory sync failed) and no temp file behind.
func TestWriteFileFaultAtEveryOp(t *testing.T) {
	errnos := []error{syscall.EIO, syscall.ENOSPC, syscall.EACCES, syscall.EROFS, syscall.EINTR}
	points := 0
	for _, errno := range errnos {
		base := baseWithFile(t, "old contents")
		for n := 1; ; n++ {
			mem := base.Clone()
			f := NewFaultFS(mem)
			f.FailAt(n, errno)
			err := WriteFile(f, "/d/f", []byte("new contents, longer"), 0o600)
			fired := f.Fired()
			if len(fired) == 0 {
				if err != nil {
					t.Fatalf("no fault fired but WriteFile failed: %v", err)
				}
				break
			}
			points++
			at := fired[0]
			if !errors.Is(err, errno) {
				t.Fatalf("%v: err = %v, want %v", at, err, errno)
			}
			if !strings.Contains(err.Error(), "/d") {
				t.Errorf("%v: error names neither file nor directory: %v", at, err)
			}
			got, rerr := ReadFile(mem, "/d/f")
			want := "old contents"
			if at.Name == "syncdir" { // the rename had happened
				want = "new contents, longer"
			}
			if rerr != nil || string(got) != want {
				t.Fatalf("%v: /d/f = %q, %v; want %q\nlog:\n%s", at, got, rerr, want, opNames(f.Log()))
			}
			if fi, _ := mem.Stat("/d/f"); fi.Mode().Perm() != 0o640 {
				t.Errorf("%v: mode %v, want the old file's 0640", at, fi.Mode())
			}
			if tmps := tempFiles(t, mem, "/d"); len(tmps) > 0 {
				t.Fatalf("%v: temp files left: %v", at, tmps)
			}
		}
	}
	t.Logf("WriteFile: %d fault points (%d errnos) exercised, all clean", points, len(errnos))
}

// TestWriteFileFaultFromEveryOp makes every call from the nth on fail, as
// a disk that fills up does, so WriteFile's own cleanup fails too. The
// file is still whole; a temp file is left behind exactly when removing
// it was one of the failed calls — the one case a caller must clean up
// (objects' gc and a later WriteFile's fresh name make it harmless).
func TestWriteFileFaultFromEveryOp(t *testing.T) {
	base := baseWithFile(t, "old")
	points, leftovers := 0, 0
	for n := 1; ; n++ {
		mem := base.Clone()
		f := NewFaultFS(mem)
		f.FailFrom(n, syscall.ENOSPC)
		err := WriteFile(f, "/d/f", []byte("new"), 0o644)
		fired := f.Fired()
		if len(fired) == 0 {
			break
		}
		points++
		if !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("%v: err = %v", fired[0], err)
		}
		got, _ := ReadFile(mem, "/d/f")
		if string(got) != "old" && string(got) != "new" {
			t.Fatalf("%v: /d/f = %q", fired[0], got)
		}
		removeFailed := slices.ContainsFunc(fired, func(o Op) bool { return o.Name == "remove" })
		tmps := tempFiles(t, mem, "/d")
		if len(tmps) > 0 != removeFailed {
			t.Fatalf("%v: temp files %v, remove failed: %v", fired[0], tmps, removeFailed)
		}
		if len(tmps) > 0 {
			leftovers++
		}
	}
	t.Logf("WriteFile, persistent ENOSPC: %d fault points, %d leave a temp file (cleanup itself failed)", points, leftovers)
}

// TestWriteFileNewFileFaults: a fault while creating a file that did not
// exist leaves no file at all (or the whole new one after the rename).
func TestWriteFileNewFileFaults(t *testing.T) {
	base := NewMemFS()
	MkdirAll(base, "/d", 0o755)
	points := 0
	for n := 1; ; n++ {
		mem := base.Clone()
		f := NewFaultFS(mem)
		f.FailAt(n, syscall.EIO)
		err := WriteFile(f, "/d/new", []byte("data"), 0o644)
		if len(f.Fired()) == 0 {
			break
		}
		points++
		if err == nil {
			t.Fatalf("%v: no error", f.Fired()[0])
		}
		got, rerr := ReadFile(mem, "/d/new")
		if !errors.Is(rerr, fs.ErrNotExist) && string(got) != "data" {
			t.Fatalf("%v: /d/new = %q, %v", f.Fired()[0], got, rerr)
		}
		if tmps := tempFiles(t, mem, "/d"); len(tmps) > 0 {
			t.Fatalf("%v: temp files left: %v", f.Fired()[0], tmps)
		}
	}
	t.Logf("WriteFile of a new file: %d fault points", points)
}

// TestWriteFileFaultsOnOS runs the fault loop on the real disk, to show
// FaultFS wraps the OS as well as MemFS.
func TestWriteFileFaultsOnOS(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "f")
	points := 0
	for n := 1; ; n++ {
		if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		f := NewFaultFS(OS())
		f.FailAt(n, syscall.EIO)
		err := WriteFile(f, name, []byte("new"), 0o644)
		if len(f.Fired()) == 0 {
			break
		}
		points++
		if !errors.Is(err, syscall.EIO) {
			t.Fatalf("%v: err = %v", f.Fired()[0], err)
		}
		got, _ := os.ReadFile(name)
		if string(got) != "old" && !(f.Fired()[0].Name == "syncdir" && string(got) == "new") {
			t.Fatalf("%v: file = %q", f.Fired()[0], got)
		}
		if tmps := tempFiles(t, OS(), dir); len(tmps) > 0 {
			t.Fatalf("%v: temp files left: %v", f.Fired()[0], tmps)
		}
	}
	t.Logf("WriteFile on the OS: %d fault points", points)
}

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
					MkdirAll(m, filepath.Dir(path), 0o755)
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
	WriteFile(m, "/a", []byte("a"), 0o644)
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
	if err := WriteFile(f, "/f", []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(f, "/f"); err != nil {
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
