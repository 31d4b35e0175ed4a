package fsxtest

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
)

// env is one file system under the conformance suite, with a fresh
// directory to work in.
type env struct {
	fsys    fsx.FS
	root    string
	symlink func(oldname, newname string) error
	// perms is false where permission bits are not enforced: the OS when
	// the test runs as root or on Windows.
	perms bool
}

func (e env) p(name string) string { return filepath.Join(e.root, name) }

func (e env) write(t *testing.T, name, data string) {
	t.Helper()
	f, err := e.fsys.OpenFile(e.p(name), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte(data)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func (e env) read(t *testing.T, name string) string {
	t.Helper()
	b, err := fsx.ReadFile(e.fsys, e.p(name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (e env) mkdir(t *testing.T, name string) {
	t.Helper()
	if err := e.fsys.Mkdir(e.p(name), 0o755); err != nil {
		t.Fatal(err)
	}
}

// wantErr checks that err is target (errors.Is) and, when op is not
// empty, that it is an *fs.PathError or *os.LinkError with that Op, as
// package os returns.
func wantErr(t *testing.T, err, target error, op string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("err = %v, want %v", err, target)
	}
	if op == "" {
		return
	}
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		if pe.Op != op {
			t.Fatalf("err = %#v, want Op %q", pe, op)
		}
	case errors.As(err, &le):
		if le.Op != op {
			t.Fatalf("err = %#v, want Op %q", le, op)
		}
	default:
		t.Fatalf("err = %T %v, want *fs.PathError or *os.LinkError", err, err)
	}
}

// envs returns the file systems the conformance suite runs against: the
// OS in a temporary directory and a MemFS.
func envs(t *testing.T) map[string]func(t *testing.T) env {
	return map[string]func(t *testing.T) env{
		"os": func(t *testing.T) env {
			return env{fsys: fsx.OS(), root: t.TempDir(), symlink: os.Symlink,
				perms: os.Geteuid() != 0 && runtime.GOOS != "windows"}
		},
		"mem": func(t *testing.T) env {
			m := NewMemFS()
			if err := m.Mkdir("/conf", 0o755); err != nil {
				t.Fatal(err)
			}
			return env{fsys: m, root: "/conf", symlink: m.Symlink, perms: true}
		},
	}
}

var conformance = []struct {
	name string
	run  func(t *testing.T, e env)
}{
	{"write read stat", func(t *testing.T, e env) {
		e.write(t, "f", "hello")
		if got := e.read(t, "f"); got != "hello" {
			t.Fatalf("read %q", got)
		}
		fi, err := e.fsys.Stat(e.p("f"))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Name() != "f" || fi.Size() != 5 || fi.IsDir() || !fi.Mode().IsRegular() {
			t.Fatalf("stat: name %q size %d mode %v", fi.Name(), fi.Size(), fi.Mode())
		}
	}},
	{"open missing", func(t *testing.T, e env) {
		_, err := e.fsys.OpenFile(e.p("nope"), os.O_RDONLY, 0)
		wantErr(t, err, fs.ErrNotExist, "open")
		var pe *fs.PathError
		if errors.As(err, &pe); pe.Path != e.p("nope") {
			t.Fatalf("path %q", pe.Path)
		}
		_, err = e.fsys.OpenFile(e.p("nodir/f"), os.O_WRONLY|os.O_CREATE, 0o644)
		wantErr(t, err, fs.ErrNotExist, "open")
		_, err = e.fsys.Stat(e.p("nope"))
		wantErr(t, err, fs.ErrNotExist, "stat")
		_, err = e.fsys.Lstat(e.p("nope"))
		wantErr(t, err, fs.ErrNotExist, "lstat")
	}},
	{"exclusive create", func(t *testing.T, e env) {
		e.write(t, "f", "x")
		_, err := e.fsys.OpenFile(e.p("f"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		wantErr(t, err, fs.ErrExist, "open")
	}},
	{"append and truncate", func(t *testing.T, e env) {
		e.write(t, "f", "abc")
		f, err := e.fsys.OpenFile(e.p("f"), os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.Seek(0, io.SeekStart) // O_APPEND writes at the end regardless
		f.Write([]byte("def"))
		f.Close()
		if got := e.read(t, "f"); got != "abcdef" {
			t.Fatalf("after append %q", got)
		}
		e.write(t, "f", "x")
		if got := e.read(t, "f"); got != "x" {
			t.Fatalf("after truncate %q", got)
		}
	}},
	{"seek readat and holes", func(t *testing.T, e env) {
		f, err := e.fsys.OpenFile(e.p("f"), os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		f.Write([]byte("ab"))
		if off, err := f.Seek(4, io.SeekCurrent); off != 6 || err != nil {
			t.Fatalf("seek = %d, %v", off, err)
		}
		f.Write([]byte("z"))
		buf := make([]byte, 10)
		n, err := f.ReadAt(buf, 0)
		if n != 7 || err != io.EOF || !bytes.Equal(buf[:n], []byte("ab\x00\x00\x00\x00z")) {
			t.Fatalf("readat = %d %v %q", n, err, buf[:n])
		}
		if n, err := f.Read(buf); n != 0 || err != io.EOF {
			t.Fatalf("read at end = %d, %v", n, err)
		}
		if off, err := f.Seek(-1, io.SeekEnd); off != 6 || err != nil {
			t.Fatalf("seek end = %d, %v", off, err)
		}
		if _, err := f.Seek(-10, io.SeekStart); err == nil {
			t.Fatal("negative seek succeeded")
		}
	}},
	{"closed file", func(t *testing.T, e env) {
		f, err := e.fsys.OpenFile(e.p("f"), os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		_, err = f.Write([]byte("x"))
		wantErr(t, err, os.ErrClosed, "write")
		_, err = f.Read(make([]byte, 1))
		wantErr(t, err, os.ErrClosed, "read")
		wantErr(t, f.Sync(), os.ErrClosed, "sync")
		wantErr(t, f.Close(), os.ErrClosed, "close")
	}},
	{"wrong access mode", func(t *testing.T, e env) {
		e.write(t, "f", "x")
		f, err := e.fsys.OpenFile(e.p("f"), os.O_RDONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.Write([]byte("y")); err == nil {
			t.Fatal("write to read-only handle succeeded")
		}
		g, err := e.fsys.OpenFile(e.p("f"), os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer g.Close()
		if _, err := g.Read(make([]byte, 1)); err == nil {
			t.Fatal("read from write-only handle succeeded")
		}
	}},
	{"directory not writable as file", func(t *testing.T, e env) {
		e.mkdir(t, "d")
		_, err := e.fsys.OpenFile(e.p("d"), os.O_WRONLY, 0)
		if err == nil {
			t.Fatal("opened a directory for writing")
		}
	}},
	{"mkdir", func(t *testing.T, e env) {
		e.mkdir(t, "d")
		wantErr(t, e.fsys.Mkdir(e.p("d"), 0o755), fs.ErrExist, "mkdir")
		wantErr(t, e.fsys.Mkdir(e.p("x/y"), 0o755), fs.ErrNotExist, "mkdir")
		e.write(t, "f", "")
		wantErr(t, e.fsys.Mkdir(e.p("f"), 0o755), fs.ErrExist, "mkdir")
		wantErr(t, e.fsys.Mkdir(e.p("f/y"), 0o755), syscall.ENOTDIR, "mkdir")
		fi, err := e.fsys.Stat(e.p("d"))
		if err != nil || !fi.IsDir() {
			t.Fatalf("stat dir: %v %v", fi, err)
		}
	}},
	{"path through a file", func(t *testing.T, e env) {
		e.write(t, "f", "")
		_, err := e.fsys.Stat(e.p("f/x"))
		wantErr(t, err, syscall.ENOTDIR, "stat")
	}},
	{"readdir sorted", func(t *testing.T, e env) {
		e.mkdir(t, "d")
		for _, n := range []string{"b", "a", "c"} {
			e.write(t, "d/"+n, n)
		}
		e.mkdir(t, "d/sub")
		list, err := e.fsys.ReadDir(e.p("d"))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, de := range list {
			names = append(names, de.Name())
			if de.IsDir() != (de.Name() == "sub") {
				t.Fatalf("%s IsDir = %v", de.Name(), de.IsDir())
			}
		}
		if !slices.Equal(names, []string{"a", "b", "c", "sub"}) {
			t.Fatalf("names %v", names)
		}
		_, err = e.fsys.ReadDir(e.p("nope"))
		wantErr(t, err, fs.ErrNotExist, "open")
		_, err = e.fsys.ReadDir(e.p("d/a"))
		if err == nil {
			t.Fatal("readdir of a file succeeded")
		}
	}},
	{"rename", func(t *testing.T, e env) {
		e.write(t, "a", "new")
		e.write(t, "b", "old")
		if err := e.fsys.Rename(e.p("a"), e.p("b")); err != nil {
			t.Fatal(err)
		}
		if got := e.read(t, "b"); got != "new" {
			t.Fatalf("b = %q", got)
		}
		_, err := e.fsys.Stat(e.p("a"))
		wantErr(t, err, fs.ErrNotExist, "stat")
		wantErr(t, e.fsys.Rename(e.p("a"), e.p("c")), fs.ErrNotExist, "rename")
		e.mkdir(t, "d")
		e.mkdir(t, "d2")
		wantErr(t, e.fsys.Rename(e.p("b"), e.p("d")), fs.ErrExist, "rename")
		if err := e.fsys.Rename(e.p("d"), e.p("d/sub")); err == nil {
			t.Fatal("moved a directory into itself")
		}
		if err := e.fsys.Rename(e.p("d"), e.p("b")); err == nil {
			t.Fatal("moved a directory over a file")
		}
		if err := e.fsys.Rename(e.p("b"), e.p("d2/b")); err != nil {
			t.Fatal(err)
		}
		if got := e.read(t, "d2/b"); got != "new" {
			t.Fatalf("d2/b = %q", got)
		}
		if err := e.fsys.Rename(e.p("d2"), e.p("d3")); err != nil {
			t.Fatal(err)
		}
		if got := e.read(t, "d3/b"); got != "new" {
			t.Fatalf("d3/b = %q", got)
		}
	}},
	{"hard links share one file", func(t *testing.T, e env) {
		e.write(t, "a", "one")
		if err := e.fsys.Link(e.p("a"), e.p("b")); err != nil {
			t.Fatal(err)
		}
		f, err := e.fsys.OpenFile(e.p("b"), os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("+two"))
		f.Close()
		if got := e.read(t, "a"); got != "one+two" {
			t.Fatalf("a = %q", got)
		}
		e.write(t, "c", "c")
		wantErr(t, e.fsys.Link(e.p("a"), e.p("c")), fs.ErrExist, "link")
		if got := e.read(t, "c"); got != "c" {
			t.Fatalf("link replaced c: %q", got)
		}
		wantErr(t, e.fsys.Link(e.p("nope"), e.p("x")), fs.ErrNotExist, "link")
		// Renaming one link over another to the same file does nothing.
		if err := e.fsys.Rename(e.p("a"), e.p("b")); err != nil {
			t.Fatal(err)
		}
		if e.read(t, "a") != "one+two" || e.read(t, "b") != "one+two" {
			t.Fatal("rename between links of one file changed something")
		}
		if err := e.fsys.Remove(e.p("a")); err != nil {
			t.Fatal(err)
		}
		if got := e.read(t, "b"); got != "one+two" {
			t.Fatalf("b after removing a = %q", got)
		}
	}},
	{"remove", func(t *testing.T, e env) {
		e.mkdir(t, "d")
		e.write(t, "d/f", "")
		wantErr(t, e.fsys.Remove(e.p("d")), syscall.ENOTEMPTY, "remove")
		if err := e.fsys.Remove(e.p("d/f")); err != nil {
			t.Fatal(err)
		}
		if err := e.fsys.Remove(e.p("d")); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.fsys.Remove(e.p("d")), fs.ErrNotExist, "remove")
	}},
	{"chmod", func(t *testing.T, e env) {
		e.write(t, "f", "x")
		if err := e.fsys.Chmod(e.p("f"), 0o600); err != nil {
			t.Fatal(err)
		}
		fi, err := e.fsys.Stat(e.p("f"))
		if err != nil {
			t.Fatal(err)
		}
		if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
			t.Fatalf("mode %v", fi.Mode())
		}
		wantErr(t, e.fsys.Chmod(e.p("nope"), 0o600), fs.ErrNotExist, "chmod")
	}},
	{"read-only file", func(t *testing.T, e env) {
		if !e.perms {
			t.Skip("permissions not enforced here (root or Windows)")
		}
		e.write(t, "f", "x")
		e.fsys.Chmod(e.p("f"), 0o444)
		_, err := e.fsys.OpenFile(e.p("f"), os.O_WRONLY, 0)
		wantErr(t, err, fs.ErrPermission, "open")
		if got := e.read(t, "f"); got != "x" {
			t.Fatalf("read %q", got)
		}
	}},
	{"read-only directory", func(t *testing.T, e env) {
		if !e.perms {
			t.Skip("permissions not enforced here (root or Windows)")
		}
		e.mkdir(t, "d")
		e.write(t, "d/f", "x")
		e.fsys.Chmod(e.p("d"), 0o555)
		defer e.fsys.Chmod(e.p("d"), 0o755) // let t.TempDir clean up
		_, err := e.fsys.OpenFile(e.p("d/g"), os.O_WRONLY|os.O_CREATE, 0o644)
		wantErr(t, err, fs.ErrPermission, "open")
		wantErr(t, e.fsys.Remove(e.p("d/f")), fs.ErrPermission, "remove")
		wantErr(t, e.fsys.Rename(e.p("d/f"), e.p("g")), fs.ErrPermission, "rename")
		wantErr(t, e.fsys.Mkdir(e.p("d/sub"), 0o755), fs.ErrPermission, "mkdir")
	}},
	{"symlinks", func(t *testing.T, e env) {
		if runtime.GOOS == "windows" {
			t.Skip("symbolic links need privileges on Windows")
		}
		e.write(t, "target", "data")
		if err := e.symlink("target", e.p("link")); err != nil {
			t.Fatal(err)
		}
		if got, err := e.fsys.Readlink(e.p("link")); got != "target" || err != nil {
			t.Fatalf("readlink = %q, %v", got, err)
		}
		fi, err := e.fsys.Lstat(e.p("link"))
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Fatalf("lstat = %v, %v", fi, err)
		}
		fi, err = e.fsys.Stat(e.p("link"))
		if err != nil || !fi.Mode().IsRegular() || fi.Size() != 4 {
			t.Fatalf("stat = %v, %v", fi, err)
		}
		if got := e.read(t, "link"); got != "data" {
			t.Fatalf("read through link %q", got)
		}
		_, err = e.fsys.Readlink(e.p("target"))
		wantErr(t, err, syscall.EINVAL, "readlink")
		e.symlink(e.p("nowhere"), e.p("dangling"))
		_, err = e.fsys.Stat(e.p("dangling"))
		wantErr(t, err, fs.ErrNotExist, "stat")
		if _, err := e.fsys.Lstat(e.p("dangling")); err != nil {
			t.Fatal(err)
		}
		e.mkdir(t, "d")
		e.write(t, "d/inner", "in")
		e.symlink("d", e.p("dl"))
		if got := e.read(t, "dl/inner"); got != "in" {
			t.Fatalf("read through dir link %q", got)
		}
		e.symlink("../target", e.p("d/up"))
		if got := e.read(t, "d/up"); got != "data" {
			t.Fatalf("read through ../ link %q", got)
		}
		e.symlink("loop", e.p("loop"))
		_, err = e.fsys.Stat(e.p("loop"))
		wantErr(t, err, syscall.ELOOP, "stat")
		// Rename and Remove act on the link, not its target.
		if err := e.fsys.Rename(e.p("link"), e.p("link2")); err != nil {
			t.Fatal(err)
		}
		if err := e.fsys.Remove(e.p("link2")); err != nil {
			t.Fatal(err)
		}
		if got := e.read(t, "target"); got != "data" {
			t.Fatalf("target after removing link %q", got)
		}
	}},
	{"syncdir", func(t *testing.T, e env) {
		e.mkdir(t, "d")
		if err := e.fsys.SyncDir(e.p("d")); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.fsys.SyncDir(e.p("nope")), fs.ErrNotExist, "")
	}},
	{"trylock", func(t *testing.T, e env) {
		release, err := e.fsys.TryLock(e.p("lock"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.fsys.Stat(e.p("lock")); err != nil {
			t.Fatalf("lock file not created: %v", err)
		}
		_, err = e.fsys.TryLock(e.p("lock"))
		wantErr(t, err, fsx.ErrLocked, "lock")
		if err := release(); err != nil {
			t.Fatal(err)
		}
		release, err = e.fsys.TryLock(e.p("lock"))
		if err != nil {
			t.Fatalf("lock after release: %v", err)
		}
		release()
	}},
}

// TestConformance runs every case against the OS and against MemFS: the
// two must agree for MemFS to stand in for the disk in other tests.
func TestConformance(t *testing.T) {
	n := 0
	for name, mk := range envs(t) {
		for _, c := range conformance {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				n++
				c.run(t, mk(t))
			})
		}
	}
	t.Logf("conformance: %d runs (%d cases on the OS and on MemFS)", n, len(conformance))
}

func TestMemRelativePaths(t *testing.T) {
	m := NewMemFS()
	if err := fsx.MkdirAll(m, "a/b", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := fsx.WriteFile(m, "a/b/f", []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"/a/b/f", "a/b/f", "./a/./b/f", "../a/b/../b/f", "/a//b/f"} {
		if b, err := fsx.ReadFile(m, name); err != nil || string(b) != "x" {
			t.Errorf("fsx.ReadFile(%q) = %q, %v", name, b, err)
		}
	}
}

func TestMemCloneIsIndependent(t *testing.T) {
	m := NewMemFS()
	fsx.WriteFile(m, "/f", []byte("one"), 0o644)
	m.Link("/f", "/g")
	c := m.Clone()
	fsx.WriteFile(m, "/f", []byte("two"), 0o644)
	if b, _ := fsx.ReadFile(c, "/f"); string(b) != "one" {
		t.Fatalf("clone changed: %q", b)
	}
	// Hard links stay shared inside the clone.
	f, _ := c.OpenFile("/g", os.O_WRONLY|os.O_APPEND, 0)
	f.Write([]byte("+"))
	f.Close()
	if b, _ := fsx.ReadFile(c, "/f"); string(b) != "one+" {
		t.Fatalf("clone lost the hard link: %q", b)
	}
	if c.Dump() == m.Dump() {
		t.Fatal("dumps of different trees are equal")
	}
}

// TestMemCreateReadOnlyFile checks what WriteFileAtomic relies on: a new
// file opened for writing may be created with a read-only mode.
func TestMemCreateReadOnlyFile(t *testing.T) {
	m := NewMemFS()
	f, err := m.OpenFile("/f", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o444)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = m.OpenFile("/f", os.O_RDWR, 0)
	wantErr(t, err, fs.ErrPermission, "open")
}

// TestReadOnly: under the read-only directory every change fails with
// EROFS and every read passes; outside it nothing is refused.
func TestReadOnly(t *testing.T) {
	m := NewMemFS()
	for _, d := range []string{"/w/store/sub", "/w/work"} {
		if err := fsx.MkdirAll(m, d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := fsx.WriteFile(m, "/w/store/f", []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	ro := ReadOnly(m, "/w/store")
	changes := map[string]error{
		"create":  fsx.WriteFile(ro, "/w/store/g", []byte("y"), 0o644),
		"append":  func() error { _, err := ro.OpenFile("/w/store/f", os.O_WRONLY|os.O_APPEND, 0); return err }(),
		"mkdir":   ro.Mkdir("/w/store/d", 0o755),
		"rename":  ro.Rename("/w/store/f", "/w/work/f"),
		"link":    ro.Link("/w/work/none", "/w/store/h"),
		"remove":  ro.Remove("/w/store/f"),
		"chmod":   ro.Chmod("/w/store/f", 0o600),
		"newlock": func() error { _, err := ro.TryLock("/w/store/new.lock"); return err }(),
	}
	for what, err := range changes {
		if !errors.Is(err, syscall.EROFS) {
			t.Errorf("%s under the read-only dir: %v, want EROFS", what, err)
		}
	}
	if data, err := fsx.ReadFile(ro, "/w/store/f"); err != nil || string(data) != "x" {
		t.Errorf("read: %q, %v", data, err)
	}
	release, err := ro.TryLock("/w/store/f")
	if err != nil {
		t.Errorf("lock of an existing file: %v", err)
	} else {
		release()
	}
	if err := fsx.WriteFile(ro, "/w/work/f", []byte("z"), 0o644); err != nil {
		t.Errorf("write outside the read-only dir: %v", err)
	}
}
