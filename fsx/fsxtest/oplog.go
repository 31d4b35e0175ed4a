package fsxtest

// The operation log shared by FaultFS and CrashFS. Both count every call
// on the FS and on the files it opened — open, stat, lstat, readdir, mkdir,
// rename, link, remove, chmod, readlink, syncdir, lock, unlock and, per
// file, read, readat, write, seek, fstat, sync, close — in one sequence
// numbered from 1, so "operation N" means the same call in a counting run
// and in the run that fails or cuts power at N. Name() is not counted: it
// does no I/O. Print Log() entries in failure messages:
//
//	op 17: rename /s/objects/tmp-3f… → /s/objects/ab/cdef…

import (
	"fmt"
	"io/fs"
	"sync"
	"sync/atomic"

	"github.com/circuitvc/circuitvc/fsx"
)

// Op is one recorded call on a FaultFS or CrashFS.
type Op struct {
	// N is the call's position in the sequence, counting from 1.
	N int
	// Name is the operation: "open", "write", "sync", "rename", ….
	Name string
	// Path is the file the call is about; To is the second path of
	// rename and link.
	Path, To string
	// Err is the error injected into the call, nil when it ran.
	Err error
}

// String renders the op for failure messages.
func (o Op) String() string {
	s := fmt.Sprintf("op %d: %s %s", o.N, o.Name, o.Path)
	if o.To != "" {
		s += " → " + o.To
	}
	if o.Err != nil {
		s += " (failed: " + o.Err.Error() + ")"
	}
	return s
}

// hookFS wraps an FS, logging every call and asking decide whether it
// fails. A failed call does not reach the inner FS, except Close (see
// hookFile.Close).
type hookFS struct {
	inner fsx.FS
	// mu guards log and the owner's state that decide reads.
	mu  sync.Mutex
	log []Op
	// decide returns the error to inject into op, or nil. It is called
	// with mu held.
	decide func(op *Op) error
	// loseFailedSync makes a file whose Sync was failed never sync again
	// (see FaultFS).
	loseFailedSync bool
}

// enter records a call and returns the error to inject, if any.
func (h *hookFS) enter(name, path, to string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	op := Op{N: len(h.log) + 1, Name: name, Path: path, To: to}
	op.Err = h.decide(&op)
	h.log = append(h.log, op)
	return op.Err
}

// Ops returns the number of operations so far.
func (h *hookFS) Ops() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.log)
}

// Log returns every operation so far, in order.
func (h *hookFS) Log() []Op {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Op(nil), h.log...)
}

// OpenFile is FS.OpenFile, logged and subject to injected errors.
func (h *hookFS) OpenFile(name string, flag int, perm fs.FileMode) (fsx.File, error) {
	if err := h.enter("open", name, ""); err != nil {
		return nil, pathErr("open", name, err)
	}
	f, err := h.inner.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &hookFile{h: h, f: f}, nil
}

// Stat is FS.Stat, logged and subject to injected errors.
func (h *hookFS) Stat(name string) (fs.FileInfo, error) {
	if err := h.enter("stat", name, ""); err != nil {
		return nil, pathErr("stat", name, err)
	}
	return h.inner.Stat(name)
}

// Lstat is FS.Lstat, logged and subject to injected errors.
func (h *hookFS) Lstat(name string) (fs.FileInfo, error) {
	if err := h.enter("lstat", name, ""); err != nil {
		return nil, pathErr("lstat", name, err)
	}
	return h.inner.Lstat(name)
}

// ReadDir is FS.ReadDir, logged and subject to injected errors.
func (h *hookFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := h.enter("readdir", name, ""); err != nil {
		return nil, pathErr("open", name, err)
	}
	return h.inner.ReadDir(name)
}

// Mkdir is FS.Mkdir, logged and subject to injected errors.
func (h *hookFS) Mkdir(name string, perm fs.FileMode) error {
	if err := h.enter("mkdir", name, ""); err != nil {
		return pathErr("mkdir", name, err)
	}
	return h.inner.Mkdir(name, perm)
}

// Rename is FS.Rename, logged and subject to injected errors.
func (h *hookFS) Rename(oldpath, newpath string) error {
	if err := h.enter("rename", oldpath, newpath); err != nil {
		return linkErr("rename", oldpath, newpath, err)
	}
	return h.inner.Rename(oldpath, newpath)
}

// Link is FS.Link, logged and subject to injected errors.
func (h *hookFS) Link(oldpath, newpath string) error {
	if err := h.enter("link", oldpath, newpath); err != nil {
		return linkErr("link", oldpath, newpath, err)
	}
	return h.inner.Link(oldpath, newpath)
}

// Remove is FS.Remove, logged and subject to injected errors.
func (h *hookFS) Remove(name string) error {
	if err := h.enter("remove", name, ""); err != nil {
		return pathErr("remove", name, err)
	}
	return h.inner.Remove(name)
}

// Chmod is FS.Chmod, logged and subject to injected errors.
func (h *hookFS) Chmod(name string, mode fs.FileMode) error {
	if err := h.enter("chmod", name, ""); err != nil {
		return pathErr("chmod", name, err)
	}
	return h.inner.Chmod(name, mode)
}

// Readlink is FS.Readlink, logged and subject to injected errors.
func (h *hookFS) Readlink(name string) (string, error) {
	if err := h.enter("readlink", name, ""); err != nil {
		return "", pathErr("readlink", name, err)
	}
	return h.inner.Readlink(name)
}

// SyncDir is FS.SyncDir, logged and subject to injected errors.
func (h *hookFS) SyncDir(name string) error {
	if err := h.enter("syncdir", name, ""); err != nil {
		return pathErr("sync", name, err)
	}
	return h.inner.SyncDir(name)
}

// TryLock counts the lock as "lock" and its release as "unlock".
func (h *hookFS) TryLock(name string) (func() error, error) {
	if err := h.enter("lock", name, ""); err != nil {
		return nil, pathErr("lock", name, err)
	}
	release, err := h.inner.TryLock(name)
	if err != nil {
		return nil, err
	}
	return func() error {
		if err := h.enter("unlock", name, ""); err != nil {
			return pathErr("unlock", name, err)
		}
		return release()
	}, nil
}

// hookFile is a file opened through a hookFS.
type hookFile struct {
	h *hookFS
	f fsx.File
	// syncFailed: an injected Sync failure, with loseFailedSync, made
	// every later Sync of this descriptor a no-op that reports success.
	syncFailed atomic.Bool
}

func (f *hookFile) Name() string { return f.f.Name() }

func (f *hookFile) Read(p []byte) (int, error) {
	if err := f.h.enter("read", f.f.Name(), ""); err != nil {
		return 0, pathErr("read", f.f.Name(), err)
	}
	return f.f.Read(p)
}

func (f *hookFile) ReadAt(p []byte, off int64) (int, error) {
	if err := f.h.enter("readat", f.f.Name(), ""); err != nil {
		return 0, pathErr("read", f.f.Name(), err)
	}
	return f.f.ReadAt(p, off)
}

func (f *hookFile) Write(p []byte) (int, error) {
	if err := f.h.enter("write", f.f.Name(), ""); err != nil {
		return 0, pathErr("write", f.f.Name(), err)
	}
	return f.f.Write(p)
}

func (f *hookFile) Seek(offset int64, whence int) (int64, error) {
	if err := f.h.enter("seek", f.f.Name(), ""); err != nil {
		return 0, pathErr("seek", f.f.Name(), err)
	}
	return f.f.Seek(offset, whence)
}

func (f *hookFile) Stat() (fs.FileInfo, error) {
	if err := f.h.enter("fstat", f.f.Name(), ""); err != nil {
		return nil, pathErr("stat", f.f.Name(), err)
	}
	return f.f.Stat()
}

func (f *hookFile) Sync() error {
	if err := f.h.enter("sync", f.f.Name(), ""); err != nil {
		if f.h.loseFailedSync {
			f.syncFailed.Store(true)
		}
		return pathErr("sync", f.f.Name(), err)
	}
	if f.syncFailed.Load() {
		return nil // the kernel reported the error once and dropped the dirty pages
	}
	return f.f.Sync()
}

// Close closes the inner file even when it injects an error: close(2)
// releases the descriptor whatever it reports, and a test running
// thousands of fault points on the OS must not run out of descriptors.
func (f *hookFile) Close() error {
	err := f.h.enter("close", f.f.Name(), "")
	cerr := f.f.Close()
	if err != nil {
		return pathErr("close", f.f.Name(), err)
	}
	return cerr
}
