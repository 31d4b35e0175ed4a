// Package fsx is circuitvc's one seam to the file system.
//
// Every read and write of the store and of the working directory goes
// through an FS, so that tests can swap the operating system for a
// fault-injecting or crashable implementation (package fsxtest, as
// testing/fstest serves io/fs). Paths are ordinary OS paths. A program
// that embeds circuitvc may pass its own FS where the packages take one
// (worktree.OpenOptions, persist.Options, objects.Open, refs.Open); nil
// or OS() is the operating system.
//
// On top of FS the package provides the durable operations the rest of
// circuitvc is built from: PendingFile, the one durable-write protocol
// (temp file, write, fsync, rename or link, directory fsync, clean up on
// error); atomic file replacement built on it (WriteFile, ReplaceFile);
// bounded waits for locks (Lock, Poll) and retries of transient errors
// (Retry).
package fsx

import (
	"errors"
	"io"
	"io/fs"
)

// File is an open file. *os.File satisfies it.
type File interface {
	io.Reader
	io.ReaderAt
	io.Writer
	io.Seeker
	io.Closer
	Name() string
	Stat() (fs.FileInfo, error)
	// Sync commits the file's contents to stable storage.
	Sync() error
}

// FS is the set of file-system operations circuitvc uses. Errors are
// *fs.PathError or *os.LinkError values, as package os returns them, so
// errors.Is(err, fs.ErrNotExist) and friends work on every implementation.
type FS interface {
	// OpenFile opens name with os.OpenFile's flags and permissions.
	OpenFile(name string, flag int, perm fs.FileMode) (File, error)
	Stat(name string) (fs.FileInfo, error)
	// Lstat is Stat without following a final symbolic link.
	Lstat(name string) (fs.FileInfo, error)
	// ReadDir lists a directory sorted by name.
	ReadDir(name string) ([]fs.DirEntry, error)
	// Mkdir makes one directory; it fails with fs.ErrExist if it exists.
	Mkdir(name string, perm fs.FileMode) error
	// Rename atomically replaces newpath with oldpath.
	Rename(oldpath, newpath string) error
	// Link makes newpath a hard link to oldpath; it never replaces an
	// existing newpath (fs.ErrExist).
	Link(oldpath, newpath string) error
	Remove(name string) error
	Chmod(name string, mode fs.FileMode) error
	Readlink(name string) (string, error)
	// SyncDir commits a directory's entries (creations, renames,
	// removals) to stable storage.
	SyncDir(name string) error
	// TryLock takes an exclusive advisory lock on the file name, creating
	// it if needed, without waiting. It returns ErrLocked when another
	// holder has it. The lock ends with release or with the process.
	TryLock(name string) (release func() error, err error)
}

// ErrLocked reports that a lock is held by someone else.
var ErrLocked = errors.New("locked by another process")
