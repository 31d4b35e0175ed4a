package fsxtest

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/circuitvc/circuitvc/fsx"
)

// ReadOnly returns an FS on which every call that would change anything
// under dir fails with EROFS, as on a read-only mount: opening for
// writing or creating, mkdir, rename, link, remove, chmod, and a lock
// that would create its file. Reads, fsyncs and locks of existing files
// pass, as they do on such a mount; outside dir every call passes. Tests
// use it for a read-only store when they run as root, whom permission
// bits do not stop.
func ReadOnly(inner fsx.FS, dir string) fsx.FS {
	return readOnly{FS: inner, dir: filepath.Clean(dir)}
}

type readOnly struct {
	fsx.FS
	dir string
}

func (f readOnly) under(name string) bool {
	name = filepath.Clean(name)
	return name == f.dir || strings.HasPrefix(name, f.dir+string(filepath.Separator))
}

func (f readOnly) OpenFile(name string, flag int, perm fs.FileMode) (fsx.File, error) {
	if f.under(name) && flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_TRUNC|os.O_APPEND) != 0 {
		return nil, pathErr("open", name, syscall.EROFS)
	}
	return f.FS.OpenFile(name, flag, perm)
}

func (f readOnly) Mkdir(name string, perm fs.FileMode) error {
	if f.under(name) {
		return pathErr("mkdir", name, syscall.EROFS)
	}
	return f.FS.Mkdir(name, perm)
}

func (f readOnly) Rename(oldpath, newpath string) error {
	if f.under(oldpath) || f.under(newpath) {
		return linkErr("rename", oldpath, newpath, syscall.EROFS)
	}
	return f.FS.Rename(oldpath, newpath)
}

func (f readOnly) Link(oldpath, newpath string) error {
	if f.under(newpath) {
		return linkErr("link", oldpath, newpath, syscall.EROFS)
	}
	return f.FS.Link(oldpath, newpath)
}

func (f readOnly) Remove(name string) error {
	if f.under(name) {
		return pathErr("remove", name, syscall.EROFS)
	}
	return f.FS.Remove(name)
}

func (f readOnly) Chmod(name string, mode fs.FileMode) error {
	if f.under(name) {
		return pathErr("chmod", name, syscall.EROFS)
	}
	return f.FS.Chmod(name, mode)
}

func (f readOnly) TryLock(name string) (func() error, error) {
	if f.under(name) {
		if _, err := f.FS.Stat(name); errors.Is(err, fs.ErrNotExist) {
			return nil, pathErr("lock", name, syscall.EROFS)
		}
	}
	return f.FS.TryLock(name)
}
