package worktree

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/objects"
)

// A circuit file may use others: a KiCad schematic reads its sub-sheets,
// and a sub-sheet is read through the root schematic that uses it. To
// read such a file as it was at a version, its neighbours must come from
// the same version. TreeFS and WorkFS give the two kinds of version as
// read-only fs.FS values, by slash-separated path from the root.

// TreeFS returns the files of commit as a read-only fs.FS (empty for
// ZeroHash). File contents are read from the store when opened.
func (r *Repo) TreeFS(commit objects.Hash) (fs.FS, error) {
	snap, err := r.snapshot(commit)
	if err != nil {
		return nil, err
	}
	return r.snapshotFS(snap), nil
}

// WorkFS returns the working files as a read-only fs.FS: every regular
// file under the root, tracked or not, outside the store. Paths through
// a symbolic link to a directory are refused, as restore refuses them.
func (r *Repo) WorkFS() fs.FS { return workFS{r} }

func (r *Repo) snapshotFS(snap Snapshot) fs.FS { return &treeFS{r: r, snap: snap} }

// treeFS is a version's files.
type treeFS struct {
	r    *Repo
	snap Snapshot
	once sync.Once
	dirs map[string][]fs.DirEntry // directory → entries, sorted by name
}

func (t *treeFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if _, ok := t.snap[name]; ok {
		data, err := t.ReadFile(name)
		if err != nil {
			return nil, err
		}
		return &memFile{info: fileInfo{name: path.Base(name), size: int64(len(data))}, r: bytes.NewReader(data)}, nil
	}
	entries, err := t.ReadDir(name)
	if err != nil {
		return nil, err
	}
	return &memDir{info: fileInfo{name: path.Base(name), dir: true}, entries: entries}, nil
}

func (t *treeFS) ReadFile(name string) ([]byte, error) {
	e, ok := t.snap[name]
	if !fs.ValidPath(name) || !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	_, data, err := t.r.objects.Read(e.Hash)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return data, nil
}

func (t *treeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	t.once.Do(func() {
		t.dirs = map[string][]fs.DirEntry{".": nil}
		for p := range t.snap {
			var entry fs.DirEntry = treeEntry{t, p}
			for dir := path.Dir(p); ; dir = path.Dir(dir) {
				_, seen := t.dirs[dir]
				t.dirs[dir] = append(t.dirs[dir], entry)
				if seen || dir == "." {
					break
				}
				entry = fs.FileInfoToDirEntry(fileInfo{name: path.Base(dir), dir: true})
			}
		}
		for _, list := range t.dirs {
			slices.SortFunc(list, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
		}
	})
	entries, ok := t.dirs[name]
	if !fs.ValidPath(name) || !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return slices.Clone(entries), nil
}

// treeEntry is a file listed in a treeFS directory; its size is read
// from the store when asked for.
type treeEntry struct {
	t    *treeFS
	path string
}

func (e treeEntry) Name() string      { return path.Base(e.path) }
func (e treeEntry) IsDir() bool       { return false }
func (e treeEntry) Type() fs.FileMode { return 0 }
func (e treeEntry) Info() (fs.FileInfo, error) {
	_, size, rc, err := e.t.r.objects.Open(e.t.snap[e.path].Hash)
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: e.path, Err: err}
	}
	rc.Close()
	return fileInfo{name: e.Name(), size: size}, nil
}

// workFS is the working files.
type workFS struct{ r *Repo }

// check refuses what the working tree does not hold: invalid paths,
// paths into the store, and paths through a symbolic link.
func (w workFS) check(op, name string) error {
	if name == "." {
		return nil
	}
	if !fs.ValidPath(name) || checkPath(name) != nil {
		return &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	if err := w.r.checkParents(name); err != nil {
		return &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	return nil
}

func (w workFS) Open(name string) (fs.File, error) {
	if err := w.check("open", name); err != nil {
		return nil, err
	}
	f, err := w.r.fs.OpenFile(w.r.abs(name), os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil || !fi.IsDir() {
		return f, err
	}
	// A directory is listed as ReadDir lists it: without the store.
	f.Close()
	entries, err := w.ReadDir(name)
	return &memDir{info: fi, entries: entries}, err
}

func (w workFS) ReadFile(name string) ([]byte, error) {
	if err := w.check("open", name); err != nil {
		return nil, err
	}
	return fsx.ReadFile(w.r.fs, w.r.abs(name))
}

func (w workFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := w.check("readdir", name); err != nil {
		return nil, err
	}
	entries, err := w.r.fs.ReadDir(w.r.abs(name))
	return slices.DeleteFunc(entries, func(e fs.DirEntry) bool { return skipDirs[e.Name()] && e.IsDir() }), err
}

// fileInfo describes a file or directory of a treeFS.
type fileInfo struct {
	name string
	size int64
	dir  bool
}

func (i fileInfo) Name() string { return i.name }
func (i fileInfo) Size() int64  { return i.size }
func (i fileInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i fileInfo) ModTime() time.Time { return time.Time{} }
func (i fileInfo) IsDir() bool        { return i.dir }
func (i fileInfo) Sys() any           { return nil }

type memFile struct {
	info fileInfo
	r    *bytes.Reader
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Read(b []byte) (int, error) { return f.r.Read(b) }
func (f *memFile) Close() error               { return nil }

type memDir struct {
	info    fs.FileInfo
	entries []fs.DirEntry
}

func (d *memDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *memDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.Name(), Err: fs.ErrInvalid}
}
func (d *memDir) Close() error { return nil }

// ReadDir returns the next n entries (all of them when n <= 0).
func (d *memDir) ReadDir(n int) ([]fs.DirEntry, error) {
	if n <= 0 {
		out := d.entries
		d.entries = nil
		return out, nil
	}
	if len(d.entries) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(d.entries))
	out := d.entries[:n]
	d.entries = d.entries[n:]
	return out, nil
}
