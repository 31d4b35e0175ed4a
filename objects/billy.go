package objects

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/circuitvc/circuitvc/fsx"
	billy "github.com/go-git/go-billy/v5"
)

// errReadOnlyFS is returned by the billy methods go-git's pack reader never
// calls: the adapter exists only so that it can reopen pack files.
var errReadOnlyFS = errors.New("objects: pack reader file system is read-only")

// billyFS lets go-git's packfile reader open pack files through fsx.FS,
// read-only.
type billyFS struct{ fsys fsx.FS }

var _ billy.Filesystem = billyFS{}

func (b billyFS) Open(name string) (billy.File, error) {
	f, err := b.fsys.OpenFile(name, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	return billyFile{f}, nil
}

func (b billyFS) OpenFile(name string, flag int, perm os.FileMode) (billy.File, error) {
	if flag != os.O_RDONLY {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errReadOnlyFS}
	}
	return b.Open(name)
}

func (b billyFS) Stat(name string) (os.FileInfo, error)  { return b.fsys.Stat(name) }
func (b billyFS) Lstat(name string) (os.FileInfo, error) { return b.fsys.Lstat(name) }
func (b billyFS) Join(elem ...string) string             { return filepath.Join(elem...) }
func (b billyFS) Readlink(name string) (string, error)   { return b.fsys.Readlink(name) }
func (b billyFS) Root() string                           { return "" }

func (b billyFS) ReadDir(name string) ([]os.FileInfo, error) {
	entries, err := b.fsys.ReadDir(name)
	if err != nil {
		return nil, err
	}
	infos := make([]os.FileInfo, 0, len(entries))
	for _, e := range entries {
		if fi, err := e.Info(); err == nil {
			infos = append(infos, fi)
		}
	}
	return infos, nil
}

func (billyFS) Create(string) (billy.File, error)           { return nil, errReadOnlyFS }
func (billyFS) Rename(string, string) error                 { return errReadOnlyFS }
func (billyFS) Remove(string) error                         { return errReadOnlyFS }
func (billyFS) TempFile(string, string) (billy.File, error) { return nil, errReadOnlyFS }
func (billyFS) MkdirAll(string, os.FileMode) error          { return errReadOnlyFS }
func (billyFS) Symlink(string, string) error                { return errReadOnlyFS }
func (billyFS) Chroot(string) (billy.Filesystem, error)     { return nil, errReadOnlyFS }

// billyFile adds the locking and truncation billy.File wants, which the
// pack reader never uses.
type billyFile struct{ fsx.File }

func (billyFile) Lock() error          { return nil }
func (billyFile) Unlock() error        { return nil }
func (billyFile) Truncate(int64) error { return errReadOnlyFS }
