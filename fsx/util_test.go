package fsx_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
)

func TestReadFile(t *testing.T) {
	m := fsxtest.NewMemFS()
	big := bytes.Repeat([]byte("0123456789abcdef"), 70000) // 1.1 MB: many buffer growths
	for _, data := range [][]byte{nil, []byte("x"), big} {
		mustDo(t, fsx.WriteFile(m, "/f", data, 0o644))
		got, err := fsx.ReadFile(m, "/f")
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("fsx.ReadFile of %d bytes = %d bytes, %v", len(data), len(got), err)
		}
	}
	_, err := fsx.ReadFile(m, "/nope")
	wantErr(t, err, fs.ErrNotExist, "open")
}

// TestReadFileError checks a read error names the file once, not twice.
func TestReadFileError(t *testing.T) {
	m := fsxtest.NewMemFS()
	mustDo(t, fsx.WriteFile(m, "/f", []byte("data"), 0o644))
	f := fsxtest.NewFaultFS(m)
	f.Inject(fsxtest.Fault{Op: "read", Err: syscall.EIO})
	_, err := fsx.ReadFile(f, "/f")
	wantErr(t, err, syscall.EIO, "read")
	if want := "read /f: " + syscall.EIO.Error(); err.Error() != want {
		t.Fatalf("err = %q, want %q", err, want)
	}
}

func TestCreateTemp(t *testing.T) {
	m := fsxtest.NewMemFS()
	mustDo(t, m.Mkdir("/d", 0o755))
	seen := map[string]bool{}
	for range 200 {
		f, err := fsx.CreateTemp(m, "/d", "pre-", 0o600)
		mustDo(t, err)
		name := f.Name()
		if seen[name] || filepath.Dir(name) != "/d" || !strings.HasPrefix(filepath.Base(name), "pre-") {
			t.Fatalf("bad or repeated name %q", name)
		}
		seen[name] = true
		mustDo(t, f.Close())
	}
	_, err := fsx.CreateTemp(m, "/nope", "pre-", 0o600)
	wantErr(t, err, fs.ErrNotExist, "open")
}

// fileSystems returns a MemFS and the OS, each with a working directory.
func fileSystems(t *testing.T) map[string]func(t *testing.T) (fsx.FS, string) {
	return map[string]func(t *testing.T) (fsx.FS, string){
		"mem": func(t *testing.T) (fsx.FS, string) {
			m := fsxtest.NewMemFS()
			mustDo(t, m.Mkdir("/w", 0o755))
			return m, "/w"
		},
		"os": func(t *testing.T) (fsx.FS, string) { return fsx.OS(), t.TempDir() },
	}
}

func TestWriteFileAtomic(t *testing.T) {
	for fsName, mk := range fileSystems(t) {
		t.Run(fsName, func(t *testing.T) {
			fsys, dir := mk(t)
			name := filepath.Join(dir, "f")

			mustDo(t, fsx.WriteFile(fsys, name, []byte("one"), 0o640))
			mustDo(t, fsys.Chmod(name, 0o600))
			mustDo(t, fsx.WriteFile(fsys, name, []byte("two"), 0o644))
			fi, err := fsys.Stat(name)
			mustDo(t, err)
			if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
				t.Fatalf("mode %v, want the old file's 0600", fi.Mode())
			}

			// A read-only target is replaced and stays read-only.
			mustDo(t, fsys.Chmod(name, 0o444))
			mustDo(t, fsx.WriteFile(fsys, name, []byte("three"), 0o644))
			if got := content(t, fsys, name); got != "three" {
				t.Fatalf("read-only target = %q", got)
			}
			if fi, _ := fsys.Stat(name); fi.Mode().Perm()&0o200 != 0 {
				t.Fatalf("read-only bit lost: %v", fi.Mode())
			}
			mustDo(t, fsys.Chmod(name, 0o644))

			// A failing writer leaves the old file and no temp file.
			boom := errors.New("boom")
			err = fsx.WriteFileAtomic(fsys, name, 0o644, func(w io.Writer) error {
				io.WriteString(w, "partial")
				return boom
			})
			if !errors.Is(err, boom) || !strings.Contains(err.Error(), name) {
				t.Fatalf("err = %v", err)
			}
			if got := content(t, fsys, name); got != "three" {
				t.Fatalf("after failed write = %q", got)
			}
			if tmps := tempFiles(t, fsys, dir); len(tmps) > 0 {
				t.Fatalf("temp files left: %v", tmps)
			}
		})
	}
}

// TestWriteFileReplacesSymlink: WriteFile over a symbolic link replaces
// the link and never writes through it to the file outside.
func TestWriteFileReplacesSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	for fsName, mk := range fileSystems(t) {
		t.Run(fsName, func(t *testing.T) {
			fsys, dir := mk(t)
			outside := filepath.Join(dir, "outside")
			mustDo(t, fsx.WriteFile(fsys, outside, []byte("secret"), 0o644))
			link := filepath.Join(dir, "link")
			symlink := os.Symlink
			if m, ok := fsys.(*fsxtest.MemFS); ok {
				symlink = m.Symlink
			}
			mustDo(t, symlink(outside, link))
			mustDo(t, fsx.WriteFile(fsys, link, []byte("mine"), 0o644))
			if got := content(t, fsys, outside); got != "secret" {
				t.Fatalf("wrote through the link: %q", got)
			}
			fi, err := fsys.Lstat(link)
			if err != nil || !fi.Mode().IsRegular() || content(t, fsys, link) != "mine" {
				t.Fatalf("link not replaced: %v, %v", fi, err)
			}
		})
	}
}

// TestWriteFileStatError is the regression test for a bug found with
// FaultFS: a Stat failing with anything but "not exist" used to be taken
// as "no file", so WriteFile replaced the file with the default mode.
func TestWriteFileStatError(t *testing.T) {
	m := fsxtest.NewMemFS()
	mustDo(t, fsx.WriteFile(m, "/f", []byte("old"), 0o600))
	f := fsxtest.NewFaultFS(m)
	f.Inject(fsxtest.Fault{Op: "stat", Err: syscall.EIO})
	err := fsx.WriteFile(f, "/f", []byte("new"), 0o644)
	wantErr(t, err, syscall.EIO, "stat")
	if got := content(t, m, "/f"); got != "old" {
		t.Fatalf("/f = %q", got)
	}
}

func TestMkdirAll(t *testing.T) {
	for fsName, mk := range fileSystems(t) {
		t.Run(fsName, func(t *testing.T) {
			fsys, dir := mk(t)
			deep := filepath.Join(dir, "a", "b", "c")
			mustDo(t, fsx.MkdirAll(fsys, deep, 0o755), fsx.MkdirAll(fsys, deep, 0o755))
			if fi, err := fsys.Stat(deep); err != nil || !fi.IsDir() {
				t.Fatalf("stat = %v, %v", fi, err)
			}
			file := filepath.Join(dir, "a", "f")
			mustDo(t, fsx.WriteFile(fsys, file, nil, 0o644))
			if err := fsx.MkdirAll(fsys, file, 0o755); err == nil {
				t.Fatal("fsx.MkdirAll over a file succeeded")
			}
			if err := fsx.MkdirAll(fsys, filepath.Join(file, "x"), 0o755); err == nil {
				t.Fatal("fsx.MkdirAll below a file succeeded")
			}
		})
	}
}

// TestMkdirAllFaults: a fault at any call leaves no half-made directory
// that later calls trip over: retrying MkdirAll afterwards succeeds.
func TestMkdirAllFaults(t *testing.T) {
	points := 0
	for n := 1; ; n++ {
		m := fsxtest.NewMemFS()
		f := fsxtest.NewFaultFS(m)
		f.FailAt(n, syscall.EIO)
		err := fsx.MkdirAll(f, "/a/b/c", 0o755)
		if len(f.Fired()) == 0 {
			mustDo(t, err)
			break
		}
		points++
		// A failed Stat is not fatal: MkdirAll then makes the directory.
		switch fi, serr := m.Stat("/a/b/c"); {
		case err == nil && (serr != nil || !fi.IsDir()):
			t.Fatalf("%v: fsx.MkdirAll succeeded but /a/b/c: %v", f.Fired()[0], serr)
		case err != nil && !errors.Is(err, syscall.EIO):
			t.Fatalf("%v: err = %v", f.Fired()[0], err)
		}
		if err := fsx.MkdirAll(m, "/a/b/c", 0o755); err != nil {
			t.Fatalf("%v: retry failed: %v", f.Fired()[0], err)
		}
	}
	t.Logf("MkdirAll: %d fault points", points)
}

// TestLockExcludes: writers that take Lock around a read-modify-write of
// one file never lose an update, on MemFS and on the OS.
func TestLockExcludes(t *testing.T) {
	const workers, rounds = 8, 10
	for fsName, mk := range fileSystems(t) {
		t.Run(fsName, func(t *testing.T) {
			fsys, dir := mk(t)
			counter, lock := filepath.Join(dir, "counter"), filepath.Join(dir, "lock")
			mustDo(t, fsx.WriteFile(fsys, counter, []byte("0"), 0o644))
			errs := make(chan error, workers)
			for range workers {
				go func() {
					errs <- func() error {
						for range rounds {
							release, err := fsx.Lock(context.Background(), fsys, lock, time.Minute)
							if err != nil {
								return err
							}
							b, err := fsx.ReadFile(fsys, counter)
							if err != nil {
								return err
							}
							n, _ := strconv.Atoi(string(b))
							if err := fsx.WriteFile(fsys, counter, []byte(strconv.Itoa(n+1)), 0o644); err != nil {
								return err
							}
							if err := release(); err != nil {
								return err
							}
						}
						return nil
					}()
				}()
			}
			for range workers {
				mustDo(t, <-errs)
			}
			if got := content(t, fsys, counter); got != strconv.Itoa(workers*rounds) {
				t.Fatalf("counter = %s, want %d", got, workers*rounds)
			}
		})
	}
}

// TestWriteFileErrorsNameTheFile: whichever step of an atomic replace
// fails, the error names the file being replaced, never its temp file
// (".good.circuit.json.tmp-…", gone by then and unknown to the user), and
// keeps its cause for errors.Is.
func TestWriteFileErrorsNameTheFile(t *testing.T) {
	base := fsxtest.NewMemFS()
	if err := fsx.MkdirAll(base, "/w", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := fsx.WriteFile(base, "/w/good.circuit.json", []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	points := 0
	for n := 1; ; n++ {
		f := fsxtest.NewFaultFS(base.Clone())
		f.FailAt(n, syscall.EIO)
		err := fsx.WriteFile(f, "/w/good.circuit.json", []byte("new"), 0o644)
		if len(f.Fired()) == 0 {
			break
		}
		points++
		op := f.Fired()[0]
		if err == nil {
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, ".tmp-") || !errors.Is(err, syscall.EIO) || !strings.Contains(msg, "/w") {
			t.Errorf("fault at %v: error %q names a temp file, loses the cause or names no file", op, msg)
		}
		if op.Path != "/w" && !strings.Contains(msg, "/w/good.circuit.json") {
			t.Errorf("fault at %v: error %q does not name the file", op, msg)
		}
	}
	if points < 6 {
		t.Errorf("only %d fault points", points)
	}
}
