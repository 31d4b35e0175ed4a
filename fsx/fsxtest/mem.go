package fsxtest

// MemFS is the in-memory FS that the tests of objects, refs and worktree
// run on. It behaves like package os on Linux for every FS method —
// directories, hard links sharing one inode, atomic rename, Link that never
// replaces, symbolic links, permissions, in-process TryLock — and returns
// the same *fs.PathError / *os.LinkError values with the same errnos, so
// errors.Is(err, fs.ErrNotExist) and errors.Is(err, syscall.ENOTEMPTY)
// hold exactly where they would on disk. The conformance tests in
// mem_test.go run one table against both.
//
// Typical use in another package's test:
//
//	m := fsxtest.NewMemFS()
//	if err := fsx.MkdirAll(m, "/repo/.circuitvc", 0o755); err != nil { … }
//	store, err := objects.Open(m, "/repo/.circuitvc")
//	…
//	base := m.Clone() // a fresh copy per fault or crash iteration
//
// Paths are OS paths cleaned with filepath.Clean; relative paths are taken
// relative to the root, so "a/b" and "/a/b" name the same file. Permission
// bits are honoured as for an unprivileged owner (even when the test runs
// as root): a file without 0o200 cannot be opened for writing, one without
// 0o400 not for reading, and a directory without 0o200 refuses new,
// removed or renamed entries. Owners, groups, umask and the execute bit
// are not modelled.

import (
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
)

// maxSymlinkHops is how many symbolic links one lookup follows before
// failing with ELOOP, as Linux does.
const maxSymlinkHops = 40

// MemFS is an in-memory FS. The zero value is not usable: call NewMemFS.
// It is safe for concurrent use.
type MemFS struct {
	mu    sync.Mutex
	root  *inode
	locks map[*inode]bool
	// j records, under a CrashFS, every change not yet made durable; nil
	// for a plain MemFS, which then keeps no durable state at all.
	j *journal
}

// inode is a file, directory or symbolic link. Directory entries point at
// inodes, so hard links share one.
type inode struct {
	mode    fs.FileMode // type bits and permissions
	data    []byte      // regular files
	target  string      // symbolic links
	entries map[string]*inode
	mtime   time.Time

	// Durable state, kept only under a CrashFS: the data and mode as of
	// the last Sync, the entries as of the last SyncDir.
	ddata    []byte
	dmode    fs.FileMode
	dentries map[string]*inode
}

func (n *inode) isDir() bool     { return n.mode.IsDir() }
func (n *inode) isSymlink() bool { return n.mode&fs.ModeSymlink != 0 }

// NewMemFS returns an empty file system holding only the root directory.
func NewMemFS() *MemFS {
	return &MemFS{root: newInode(fs.ModeDir | 0o755), locks: map[*inode]bool{}}
}

func newInode(mode fs.FileMode) *inode {
	n := &inode{mode: mode, dmode: mode, mtime: time.Now()}
	if mode.IsDir() {
		n.entries = map[string]*inode{}
		n.dentries = map[string]*inode{}
	}
	return n
}

// splitPath cleans name and returns its elements below the root. After
// filepath.Clean a ".." can only lead a relative path, and the root is its
// own parent, so those are dropped.
func splitPath(name string) []string {
	p := filepath.Clean(name)
	p = p[len(filepath.VolumeName(p)):]
	var parts []string
	for _, s := range strings.Split(p, string(filepath.Separator)) {
		if s != "" && s != "." && s != ".." {
			parts = append(parts, s)
		}
	}
	return parts
}

// where is the result of a lookup: the directory holding the final
// element, that directory's canonical path, the element's name and its
// inode (nil when absent). dir is nil when the path names the root.
type where struct {
	dir     *inode
	dirPath []string
	base    string
	node    *inode
}

// path returns the canonical elements of the looked-up name.
func (w where) path() []string {
	if w.dir == nil {
		return nil
	}
	return append(slices.Clone(w.dirPath), w.base)
}

// lookup resolves name, following symbolic links in every element but
// the last, and in the last too when followLast is set.
func (m *MemFS) lookup(name string, followLast bool) (where, error) {
	return m.walk(splitPath(name), followLast, 0)
}

func (m *MemFS) walk(parts []string, followLast bool, hops int) (where, error) {
	if len(parts) == 0 {
		return where{node: m.root}, nil
	}
	cur, curPath := m.root, []string{}
	for i, part := range parts {
		if !cur.isDir() {
			return where{}, syscall.ENOTDIR
		}
		last := i == len(parts)-1
		child := cur.entries[part]
		if last && (child == nil || !child.isSymlink() || !followLast) {
			return where{dir: cur, dirPath: curPath, base: part, node: child}, nil
		}
		if child == nil {
			return where{}, syscall.ENOENT
		}
		if !child.isSymlink() {
			cur, curPath = child, append(slices.Clone(curPath), part)
			continue
		}
		if hops++; hops > maxSymlinkHops {
			return where{}, syscall.ELOOP
		}
		w, err := m.walk(linkTarget(curPath, child.target), true, hops)
		if err != nil || last {
			return w, err
		}
		if w.node == nil {
			return where{}, syscall.ENOENT
		}
		cur, curPath = w.node, w.path()
	}
	panic("unreachable")
}

// linkTarget resolves a symbolic link's target against the canonical path
// of the directory holding the link.
func linkTarget(dirPath []string, target string) []string {
	sep := string(filepath.Separator)
	if filepath.IsAbs(target) || strings.HasPrefix(target, sep) {
		return splitPath(target)
	}
	return splitPath(sep + strings.Join(append(slices.Clone(dirPath), target), sep))
}

func pathErr(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: name, Err: err}
}

func linkErr(op, oldname, newname string, err error) error {
	return &os.LinkError{Op: op, Old: oldname, New: newname, Err: err}
}

// writable reports whether entries may be added to or removed from dir.
func writable(dir *inode) bool { return dir.mode&0o200 != 0 }

// setEntry adds (node != nil) or removes a directory entry, recording the
// change in u for the crash model.
func (m *MemFS) setEntry(u *unit, dir *inode, name string, node *inode) {
	if node == nil {
		delete(dir.entries, name)
	} else {
		dir.entries[name] = node
	}
	dir.mtime = time.Now()
	if u != nil {
		u.changes = append(u.changes, entryChange{dir: dir, name: name, node: node})
	}
}

// OpenFile opens name as os.OpenFile does.
func (m *MemFS) OpenFile(name string, flag int, perm fs.FileMode) (fsx.File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	excl := flag&os.O_CREATE != 0 && flag&os.O_EXCL != 0
	w, err := m.lookup(name, !excl)
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	acc := flag & (os.O_WRONLY | os.O_RDWR)
	f := &memFile{m: m, name: name, read: acc != os.O_WRONLY, write: acc != 0, append: flag&os.O_APPEND != 0}
	switch node := w.node; {
	case node != nil && excl:
		return nil, pathErr("open", name, syscall.EEXIST)
	case node == nil && flag&os.O_CREATE == 0:
		return nil, pathErr("open", name, syscall.ENOENT)
	case node == nil:
		if !writable(w.dir) {
			return nil, pathErr("open", name, syscall.EACCES)
		}
		f.ino = newInode(perm & fs.ModePerm)
		u := m.begin("create " + name)
		m.setEntry(u, w.dir, w.base, f.ino)
		m.end(u)
	case node.isDir() && (f.write || flag&(os.O_TRUNC|os.O_CREATE) != 0):
		return nil, pathErr("open", name, syscall.EISDIR)
	case f.read && node.mode&0o400 == 0, f.write && node.mode&0o200 == 0:
		return nil, pathErr("open", name, syscall.EACCES)
	default:
		f.ino = node
		if f.write && flag&os.O_TRUNC != 0 && len(node.data) > 0 {
			m.truncate(node, 0, "truncate "+name)
		}
	}
	return f, nil
}

// info describes n under the name base.
func (n *inode) info(base string) fs.FileInfo {
	fi := &memInfo{name: base, mode: n.mode, mtime: n.mtime}
	switch {
	case n.isSymlink():
		fi.size = int64(len(n.target))
	case !n.isDir():
		fi.size = int64(len(n.data))
	}
	return fi
}

// Stat describes name, following symbolic links.
func (m *MemFS) Stat(name string) (fs.FileInfo, error) { return m.stat("stat", name, true) }

// Lstat describes name without following a final symbolic link.
func (m *MemFS) Lstat(name string) (fs.FileInfo, error) { return m.stat("lstat", name, false) }

func (m *MemFS) stat(op, name string, follow bool) (fs.FileInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, err := m.lookup(name, follow)
	if err == nil && w.node == nil {
		err = syscall.ENOENT
	}
	if err != nil {
		return nil, pathErr(op, name, err)
	}
	return w.node.info(filepath.Base(name)), nil
}

// ReadDir lists the directory name sorted by entry name.
func (m *MemFS) ReadDir(name string) ([]fs.DirEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, err := m.lookup(name, true)
	if err == nil && w.node == nil {
		err = syscall.ENOENT
	}
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	if !w.node.isDir() {
		return nil, pathErr("readdirent", name, syscall.ENOTDIR)
	}
	names := slices.Sorted(maps.Keys(w.node.entries))
	list := make([]fs.DirEntry, len(names))
	for i, n := range names {
		list[i] = fs.FileInfoToDirEntry(w.node.entries[n].info(n))
	}
	return list, nil
}

// Mkdir makes the directory name; it fails with fs.ErrExist if name exists.
func (m *MemFS) Mkdir(name string, perm fs.FileMode) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, err := m.lookup(name, false)
	switch {
	case err != nil:
	case w.dir == nil || w.node != nil:
		err = syscall.EEXIST
	case !writable(w.dir):
		err = syscall.EACCES
	}
	if err != nil {
		return pathErr("mkdir", name, err)
	}
	u := m.begin("mkdir " + name)
	m.setEntry(u, w.dir, w.base, newInode(fs.ModeDir|perm&fs.ModePerm))
	m.end(u)
	return nil
}

// Rename atomically replaces newpath with oldpath, as os.Rename does: it
// refuses to replace a directory (EEXIST), to move a directory over a file
// (ENOTDIR) or into itself (EINVAL), and does nothing when both names
// are links to the same file.
func (m *MemFS) Rename(oldpath, newpath string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.rename(oldpath, newpath); err != nil {
		return linkErr("rename", oldpath, newpath, err)
	}
	return nil
}

func (m *MemFS) rename(oldpath, newpath string) error {
	wo, err := m.lookup(oldpath, false)
	if err != nil {
		return err
	}
	if wo.node == nil {
		return syscall.ENOENT
	}
	wn, err := m.lookup(newpath, false)
	if err != nil {
		return err
	}
	switch {
	case wo.dir == nil || wn.dir == nil:
		return syscall.EBUSY
	case wn.node != nil && wn.node.isDir():
		return syscall.EEXIST // os.Rename refuses to replace a directory
	case wn.node == wo.node:
		return nil // POSIX: two links to one file, nothing to do
	case wo.node.isDir() && wn.node != nil:
		return syscall.ENOTDIR
	case wo.node.isDir() && isBelow(wn.path(), wo.path()):
		return syscall.EINVAL
	case !writable(wo.dir) || !writable(wn.dir):
		return syscall.EACCES
	}
	u := m.begin("rename " + oldpath + " → " + newpath)
	m.setEntry(u, wn.dir, wn.base, wo.node)
	m.setEntry(u, wo.dir, wo.base, nil)
	m.end(u)
	return nil
}

// isBelow reports whether p lies strictly inside dir.
func isBelow(p, dir []string) bool {
	return len(p) > len(dir) && slices.Equal(p[:len(dir)], dir)
}

// Link makes newpath a hard link to oldpath; it never replaces newpath.
// Like Linux's link(2), it links a symbolic link itself, not its target.
func (m *MemFS) Link(oldpath, newpath string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.link(oldpath, newpath); err != nil {
		return linkErr("link", oldpath, newpath, err)
	}
	return nil
}

func (m *MemFS) link(oldpath, newpath string) error {
	wo, err := m.lookup(oldpath, false)
	if err != nil {
		return err
	}
	if wo.node == nil {
		return syscall.ENOENT
	}
	wn, err := m.lookup(newpath, false)
	switch {
	case err != nil:
		return err
	case wn.dir == nil || wn.node != nil:
		return syscall.EEXIST
	case wo.node.isDir():
		return syscall.EPERM
	case !writable(wn.dir):
		return syscall.EACCES
	}
	u := m.begin("link " + oldpath + " → " + newpath)
	m.setEntry(u, wn.dir, wn.base, wo.node)
	m.end(u)
	return nil
}

// Symlink makes newname a symbolic link to oldname, as os.Symlink does.
// It is not part of FS: circuitvc never makes links, but its tests need
// them to check that nothing is written through one.
func (m *MemFS) Symlink(oldname, newname string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, err := m.lookup(newname, false)
	switch {
	case err != nil:
	case w.dir == nil || w.node != nil:
		err = syscall.EEXIST
	case !writable(w.dir):
		err = syscall.EACCES
	}
	if err != nil {
		return linkErr("symlink", oldname, newname, err)
	}
	n := newInode(fs.ModeSymlink | 0o777)
	n.target = oldname
	u := m.begin("symlink " + oldname + " → " + newname)
	m.setEntry(u, w.dir, w.base, n)
	m.end(u)
	return nil
}

// Remove removes a file, symbolic link or empty directory.
func (m *MemFS) Remove(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, err := m.lookup(name, false)
	switch {
	case err != nil:
	case w.dir == nil:
		err = syscall.EBUSY
	case w.node == nil:
		err = syscall.ENOENT
	case w.node.isDir() && len(w.node.entries) > 0:
		err = syscall.ENOTEMPTY
	case !writable(w.dir):
		err = syscall.EACCES
	}
	if err != nil {
		return pathErr("remove", name, err)
	}
	u := m.begin("remove " + name)
	m.setEntry(u, w.dir, w.base, nil)
	m.end(u)
	return nil
}

// Chmod sets the permission bits of name, following symbolic links.
func (m *MemFS) Chmod(name string, mode fs.FileMode) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, err := m.lookup(name, true)
	if err == nil && w.node == nil {
		err = syscall.ENOENT
	}
	if err != nil {
		return pathErr("chmod", name, err)
	}
	n := w.node
	n.mode = n.mode&^fs.ModePerm | mode&fs.ModePerm
	if m.j != nil {
		m.j.add(&unit{desc: "chmod " + name, ino: n, kind: unitChmod, mode: n.mode})
	}
	return nil
}

// Readlink returns the target of the symbolic link name.
func (m *MemFS) Readlink(name string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, err := m.lookup(name, false)
	switch {
	case err != nil:
	case w.node == nil:
		err = syscall.ENOENT
	case !w.node.isSymlink():
		err = syscall.EINVAL
	}
	if err != nil {
		return "", pathErr("readlink", name, err)
	}
	return w.node.target, nil
}

// SyncDir makes the entries of the directory name durable (see CrashFS).
// Like fsync on an open file, it also makes a file's data durable when
// name is a file.
func (m *MemFS) SyncDir(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, err := m.lookup(name, true)
	if err == nil && w.node == nil {
		err = syscall.ENOENT
	}
	if err != nil {
		return pathErr("open", name, err)
	}
	m.sync(w.node)
	return nil
}

// TryLock takes the lock on name, creating the file (mode 0o600) if
// needed. Locks exclude each other within the MemFS, like flock(2) locks
// taken through separate opens.
func (m *MemFS) TryLock(name string) (func() error, error) {
	f, err := m.OpenFile(name, os.O_CREATE|os.O_RDONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	ino := f.(*memFile).ino
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.locks[ino] {
		return nil, pathErr("lock", name, fsx.ErrLocked)
	}
	m.locks[ino] = true
	var once sync.Once
	return func() error {
		once.Do(func() {
			m.mu.Lock()
			delete(m.locks, ino)
			m.mu.Unlock()
		})
		return nil
	}, nil
}

// Clone returns an independent copy of the file system as it is now,
// hard links included. Under a CrashFS the copy holds everything written
// so far (no data loss), all of it durable.
func (m *MemFS) Clone() *MemFS {
	m.mu.Lock()
	defer m.mu.Unlock()
	return copyTree(m.root,
		func(n *inode) map[string]*inode { return n.entries },
		func(n *inode) []byte { return n.data },
		func(n *inode) fs.FileMode { return n.mode })
}

// copyTree copies the graph reachable from root, seen through the given
// views of entries, data and mode, into a new MemFS whose state is all
// durable. Hard links stay shared.
func copyTree(root *inode, entries func(*inode) map[string]*inode, data func(*inode) []byte, mode func(*inode) fs.FileMode) *MemFS {
	out := &MemFS{locks: map[*inode]bool{}}
	seen := map[*inode]*inode{}
	var cp func(n *inode) *inode
	cp = func(n *inode) *inode {
		if c, ok := seen[n]; ok {
			return c
		}
		c := newInode(mode(n))
		c.mtime, c.target = n.mtime, n.target
		seen[n] = c
		if c.isDir() {
			for name, child := range entries(n) {
				c.entries[name] = cp(child)
			}
			c.dentries = maps.Clone(c.entries)
		} else {
			c.data = slices.Clone(data(n))
			c.ddata = slices.Clone(c.data)
		}
		return c
	}
	out.root = cp(root)
	return out
}

// Dump lists every path below the root, sorted, one a line: the path, its
// mode, and for a file its size and a short SHA-256 of its bytes, for a
// symbolic link its target. Tests compare dumps and print them on failure.
func (m *MemFS) Dump() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var lines []string
	var walk func(n *inode, p string)
	walk = func(n *inode, p string) {
		for _, name := range slices.Sorted(maps.Keys(n.entries)) {
			c, cp := n.entries[name], p+"/"+name
			switch {
			case c.isDir():
				lines = append(lines, fmt.Sprintf("%s %v", cp, c.mode))
				walk(c, cp)
			case c.isSymlink():
				lines = append(lines, fmt.Sprintf("%s %v -> %s", cp, c.mode, c.target))
			default:
				sum := sha256.Sum256(c.data)
				lines = append(lines, fmt.Sprintf("%s %v %d %x", cp, c.mode, len(c.data), sum[:6]))
			}
		}
	}
	walk(m.root, "")
	return strings.Join(lines, "\n")
}

// memFile is an open MemFS file. Its offset and state are guarded by the
// file system's mutex.
type memFile struct {
	m                   *MemFS
	ino                 *inode
	name                string
	read, write, append bool
	off                 int64
	closed              bool
}

// check returns the error for op on f, or nil when it may proceed.
func (f *memFile) check(op string, needRead, needWrite bool) error {
	switch {
	case f.closed:
		return pathErr(op, f.name, os.ErrClosed)
	case needRead && f.ino.isDir():
		return pathErr(op, f.name, syscall.EISDIR)
	case needRead && !f.read, needWrite && !f.write:
		return pathErr(op, f.name, syscall.EBADF)
	}
	return nil
}

func (f *memFile) Name() string { return f.name }

func (f *memFile) Read(p []byte) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.check("read", true, false); err != nil {
		return 0, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if f.off >= int64(len(f.ino.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.ino.data[f.off:])
	f.off += int64(n)
	return n, nil
}

func (f *memFile) ReadAt(p []byte, off int64) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.check("read", true, false); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, pathErr("readat", f.name, syscall.EINVAL)
	}
	if off >= int64(len(f.ino.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.ino.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *memFile) Write(p []byte) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.check("write", false, true); err != nil {
		return 0, err
	}
	if f.ino.isDir() {
		return 0, pathErr("write", f.name, syscall.EBADF)
	}
	if f.append {
		f.off = int64(len(f.ino.data))
	}
	f.m.writeAt(f.ino, f.off, p, "write "+f.name)
	f.off += int64(len(p))
	return len(p), nil
}

func (f *memFile) Seek(offset int64, whence int) (int64, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.check("seek", false, false); err != nil {
		return 0, err
	}
	switch whence {
	case io.SeekCurrent:
		offset += f.off
	case io.SeekEnd:
		offset += int64(len(f.ino.data))
	case io.SeekStart:
	default:
		return 0, pathErr("seek", f.name, syscall.EINVAL)
	}
	if offset < 0 {
		return 0, pathErr("seek", f.name, syscall.EINVAL)
	}
	f.off = offset
	return offset, nil
}

func (f *memFile) Close() error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.check("close", false, false); err != nil {
		return err
	}
	f.closed = true
	return nil
}

func (f *memFile) Stat() (fs.FileInfo, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.check("stat", false, false); err != nil {
		return nil, err
	}
	return f.ino.info(filepath.Base(f.name)), nil
}

// Sync makes the file's data and mode durable (see CrashFS).
func (f *memFile) Sync() error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if err := f.check("sync", false, false); err != nil {
		return err
	}
	f.m.sync(f.ino)
	return nil
}

// writeAt writes p at off, filling any gap with zeros, as a file write does.
func (m *MemFS) writeAt(n *inode, off int64, p []byte, desc string) {
	n.data = applyWrite(n.data, off, p)
	n.mtime = time.Now()
	if m.j != nil && len(p) > 0 {
		m.j.add(&unit{desc: desc, ino: n, kind: unitWrite, off: off, data: slices.Clone(p)})
	}
}

func applyWrite(data []byte, off int64, p []byte) []byte {
	if end := off + int64(len(p)); end > int64(len(data)) {
		data = append(data, make([]byte, end-int64(len(data)))...)
	}
	copy(data[off:], p)
	return data
}

func (m *MemFS) truncate(n *inode, size int64, desc string) {
	n.data = applyTruncate(n.data, size)
	n.mtime = time.Now()
	if m.j != nil {
		m.j.add(&unit{desc: desc, ino: n, kind: unitTruncate, off: size})
	}
}

func applyTruncate(data []byte, size int64) []byte {
	if size <= int64(len(data)) {
		return data[:size:size] // a later write must not see the old tail
	}
	return append(data, make([]byte, size-int64(len(data)))...)
}

// memInfo is the fs.FileInfo of a MemFS inode at the time of the call.
type memInfo struct {
	name  string
	size  int64
	mode  fs.FileMode
	mtime time.Time
}

func (fi *memInfo) Name() string       { return fi.name }
func (fi *memInfo) Size() int64        { return fi.size }
func (fi *memInfo) Mode() fs.FileMode  { return fi.mode }
func (fi *memInfo) ModTime() time.Time { return fi.mtime }
func (fi *memInfo) IsDir() bool        { return fi.mode.IsDir() }
func (fi *memInfo) Sys() any           { return nil }
