package fsx_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
)

// crashLoop cuts power after every call of write in turn and checks every
// crash state with check. It returns the crash points and states tried.
func crashLoop(t *testing.T, base *fsxtest.MemFS, write func(fsx.FS) error, check func(after *fsxtest.MemFS, finished bool) string) (points, states int) {
	t.Helper()
	for n := 0; ; n++ {
		c := fsxtest.NewCrashFS(base)
		c.CrashAfter(n)
		err := write(c)
		finished := !c.Cut()
		if finished && err != nil {
			t.Fatalf("write failed without a cut: %v", err)
		}
		points++
		for desc, after := range c.CrashStates(64) {
			states++
			if msg := check(after, finished); msg != "" {
				t.Errorf("cut after op %d (%v), %s: %s\nlog:\n%s", n, lastOp(c), desc, msg, opNames(c.Log()))
				return points, states
			}
		}
		if finished {
			return points, states
		}
	}
}

func lastOp(c *fsxtest.CrashFS) string {
	for _, o := range c.Log() {
		if o.Err != nil {
			return "next: " + o.String()
		}
	}
	return "finished"
}

// TestWriteFileCrashAtEveryOp proves fsx.WriteFile's durability: for a
// power cut after every call, in every crash state, the file is
// whole-old or whole-new with its mode; once WriteFile has returned, it
// is whole-new in every state.
func TestWriteFileCrashAtEveryOp(t *testing.T) {
	base := baseWithFile(t, "old contents")
	const newData = "new contents, a little longer"
	points, states := crashLoop(t, base,
		func(fsys fsx.FS) error { return fsx.WriteFile(fsys, "/d/f", []byte(newData), 0o644) },
		func(after *fsxtest.MemFS, finished bool) string {
			got := content(t, after, "/d/f")
			if got != "old contents" && got != newData {
				return "torn file: " + got
			}
			if finished && got != newData {
				return "acknowledged write lost"
			}
			if fi, _ := after.Stat("/d/f"); fi.Mode().Perm() != 0o640 {
				return "mode changed to " + fi.Mode().String()
			}
			return ""
		})
	t.Logf("fsx.WriteFile over an existing file: %d crash points, %d crash states, all whole-old or whole-new", points, states)
}

// TestMkdirAllCrashAtEveryOp proves fsx.MkdirAll's directories are
// durable once it returns, and that a cut never leaves a directory whose
// parent is missing visible (trivially) nor a file in place of one.
func TestMkdirAllCrashAtEveryOp(t *testing.T) {
	base := fsxtest.NewMemFS()
	mustDo(t, base.Mkdir("/s", 0o755))
	dirs := []string{"/s/a", "/s/a/b", "/s/a/b/c"}
	points, states := crashLoop(t, base,
		func(fsys fsx.FS) error { return fsx.MkdirAll(fsys, "/s/a/b/c", 0o755) },
		func(after *fsxtest.MemFS, finished bool) string {
			present := 0
			for _, d := range dirs {
				fi, err := after.Stat(d)
				if err != nil {
					break
				}
				if !fi.IsDir() {
					return d + " is not a directory"
				}
				present++
			}
			if finished && present != len(dirs) {
				return "fsx.MkdirAll returned but only " + dirs[max(present-1, 0)] + " survived"
			}
			return ""
		})
	t.Logf("MkdirAll: %d crash points, %d crash states", points, states)
}

// TestCreateTempCrash: a temp file that was never synced leaves at most
// an empty file behind, never a name pointing at another file's bytes.
func TestCreateTempCrash(t *testing.T) {
	base := baseWithFile(t, "x")
	c := fsxtest.NewCrashFS(base)
	f, err := fsx.CreateTemp(c, "/d", "t-", 0o600)
	mustDo(t, err)
	io.WriteString(f, "data")
	for desc, after := range c.CrashStates(16) {
		list, _ := after.ReadDir("/d")
		for _, de := range list {
			if strings.HasPrefix(de.Name(), "t-") {
				if got := content(t, after, "/d/"+de.Name()); got != "" && got != "data" {
					t.Fatalf("%s: temp file holds %q", desc, got)
				}
			}
		}
	}
}

// TestWriteFileNewFileCrashAtEveryOp: a new file is missing or whole-new
// after any cut, and present once WriteFile has returned.
func TestWriteFileNewFileCrashAtEveryOp(t *testing.T) {
	base := fsxtest.NewMemFS()
	mustDo(t, fsx.MkdirAll(base, "/d", 0o755))
	points, states := crashLoop(t, base,
		func(fsys fsx.FS) error { return fsx.WriteFile(fsys, "/d/n", []byte("data"), 0o644) },
		func(after *fsxtest.MemFS, finished bool) string {
			switch got := content(t, after, "/d/n"); {
			case got != "data" && got != "<missing>":
				return "torn file: " + got
			case finished && got != "data":
				return "acknowledged write lost"
			}
			return ""
		})
	t.Logf("fsx.WriteFile of a new file: %d crash points, %d crash states", points, states)
}

// baseWithFile returns a MemFS holding /d/f with the given contents.
func baseWithFile(t *testing.T, data string) *fsxtest.MemFS {
	t.Helper()
	m := fsxtest.NewMemFS()
	if err := fsx.MkdirAll(m, "/d", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := fsx.WriteFile(m, "/d/f", []byte(data), 0o640); err != nil {
		t.Fatal(err)
	}
	return m
}

// tempFiles lists the names in dir that WriteFileAtomic's temp files use.
func tempFiles(t *testing.T, fsys fsx.FS, dir string) []string {
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

func opNames(ops []fsxtest.Op) string {
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
			f := fsxtest.NewFaultFS(mem)
			f.FailAt(n, errno)
			err := fsx.WriteFile(f, "/d/f", []byte("new contents, longer"), 0o600)
			fired := f.Fired()
			if len(fired) == 0 {
				if err != nil {
					t.Fatalf("no fault fired but fsx.WriteFile failed: %v", err)
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
			got, rerr := fsx.ReadFile(mem, "/d/f")
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
		f := fsxtest.NewFaultFS(mem)
		f.FailFrom(n, syscall.ENOSPC)
		err := fsx.WriteFile(f, "/d/f", []byte("new"), 0o644)
		fired := f.Fired()
		if len(fired) == 0 {
			break
		}
		points++
		if !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("%v: err = %v", fired[0], err)
		}
		got, _ := fsx.ReadFile(mem, "/d/f")
		if string(got) != "old" && string(got) != "new" {
			t.Fatalf("%v: /d/f = %q", fired[0], got)
		}
		removeFailed := slices.ContainsFunc(fired, func(o fsxtest.Op) bool { return o.Name == "remove" })
		tmps := tempFiles(t, mem, "/d")
		if len(tmps) > 0 != removeFailed {
			t.Fatalf("%v: temp files %v, remove failed: %v", fired[0], tmps, removeFailed)
		}
		if len(tmps) > 0 {
			leftovers++
		}
	}
	t.Logf("fsx.WriteFile, persistent ENOSPC: %d fault points, %d leave a temp file (cleanup itself failed)", points, leftovers)
}

// TestWriteFileNewFileFaults: a fault while creating a file that did not
// exist leaves no file at all (or the whole new one after the rename).
func TestWriteFileNewFileFaults(t *testing.T) {
	base := fsxtest.NewMemFS()
	fsx.MkdirAll(base, "/d", 0o755)
	points := 0
	for n := 1; ; n++ {
		mem := base.Clone()
		f := fsxtest.NewFaultFS(mem)
		f.FailAt(n, syscall.EIO)
		err := fsx.WriteFile(f, "/d/new", []byte("data"), 0o644)
		if len(f.Fired()) == 0 {
			break
		}
		points++
		if err == nil {
			t.Fatalf("%v: no error", f.Fired()[0])
		}
		got, rerr := fsx.ReadFile(mem, "/d/new")
		if !errors.Is(rerr, fs.ErrNotExist) && string(got) != "data" {
			t.Fatalf("%v: /d/new = %q, %v", f.Fired()[0], got, rerr)
		}
		if tmps := tempFiles(t, mem, "/d"); len(tmps) > 0 {
			t.Fatalf("%v: temp files left: %v", f.Fired()[0], tmps)
		}
	}
	t.Logf("fsx.WriteFile of a new file: %d fault points", points)
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
		f := fsxtest.NewFaultFS(fsx.OS())
		f.FailAt(n, syscall.EIO)
		err := fsx.WriteFile(f, name, []byte("new"), 0o644)
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
		if tmps := tempFiles(t, fsx.OS(), dir); len(tmps) > 0 {
			t.Fatalf("%v: temp files left: %v", f.Fired()[0], tmps)
		}
	}
	t.Logf("fsx.WriteFile on the OS: %d fault points", points)
}
