package fsx

import (
	"fmt"
	"io/fs"
	"os"

	"github.com/gofrs/flock"
)

// OS returns the FS backed by the operating system.
func OS() FS { return osFS{} }

type osFS struct{}

func (osFS) OpenFile(name string, flag int, perm fs.FileMode) (File, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err // a nil *os.File must not become a non-nil File
	}
	return f, nil
}

func (osFS) Stat(name string) (fs.FileInfo, error)      { return os.Stat(name) }
func (osFS) Lstat(name string) (fs.FileInfo, error)     { return os.Lstat(name) }
func (osFS) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }
func (osFS) Mkdir(name string, perm fs.FileMode) error  { return os.Mkdir(name, perm) }
func (osFS) Rename(oldpath, newpath string) error       { return rename(oldpath, newpath) }
func (osFS) Link(oldpath, newpath string) error         { return os.Link(oldpath, newpath) }
func (osFS) Remove(name string) error                   { return os.Remove(name) }
func (osFS) Chmod(name string, mode fs.FileMode) error  { return os.Chmod(name, mode) }
func (osFS) Readlink(name string) (string, error)       { return os.Readlink(name) }
func (osFS) SyncDir(name string) error                  { return syncDir(name) }

func (osFS) TryLock(name string) (func() error, error) {
	l := flock.New(name)
	ok, err := l.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	if !ok {
		return nil, &fs.PathError{Op: "lock", Path: name, Err: ErrLocked}
	}
	return l.Unlock, nil
}
