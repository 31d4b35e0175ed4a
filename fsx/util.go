package fsx

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ReadFile reads the whole of name.
func ReadFile(fsys FS, name string) ([]byte, error) {
	f, err := fsys.OpenFile(name, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var size int
	if fi, err := f.Stat(); err == nil && fi.Size() < 1<<40 {
		size = int(fi.Size())
	}
	buf := make([]byte, 0, size+512)
	for {
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, &fs.PathError{Op: "read", Path: name, Err: unwrapPath(err)}
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// unwrapPath is the cause inside a path or link error, which names a
// file the caller is about to name itself.
func unwrapPath(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}

// MkdirAll makes name and any missing parents, syncing each parent whose
// entries changed so that the new directories survive a power cut.
func MkdirAll(fsys FS, name string, perm fs.FileMode) error {
	fi, err := fsys.Stat(name)
	if err == nil {
		if fi.IsDir() {
			return nil
		}
		return &fs.PathError{Op: "mkdir", Path: name, Err: errors.New("not a directory")}
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return err // not "missing": making it or its parents would fail or mislead
	}
	parent := filepath.Dir(name)
	if parent != name {
		if err := MkdirAll(fsys, parent, perm); err != nil {
			return err
		}
	}
	if err := fsys.Mkdir(name, perm); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil
		}
		return err
	}
	return fsys.SyncDir(parent)
}

// CreateTemp creates a new file in dir whose name starts with prefix,
// opened for reading and writing with O_EXCL, so it never reuses a name.
func CreateTemp(fsys FS, dir, prefix string, perm fs.FileMode) (File, error) {
	var b [8]byte
	for range 100 {
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		name := filepath.Join(dir, prefix+hex.EncodeToString(b[:]))
		f, err := fsys.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, &fs.PathError{Op: "createtemp", Path: filepath.Join(dir, prefix+"*"), Err: fs.ErrExist}
}

// WriteFileAtomic replaces name with the bytes that write produces, so
// that name is at every instant either whole-old or whole-new: the bytes
// go to a temp file in the same directory, which is fsynced, given the
// old file's mode (perm when there was none) and renamed over name; then
// the directory is fsynced. On any error before the rename the temp file
// is removed and name is untouched; if only the directory fsync fails,
// name is whole-new but may not survive a power cut.
func WriteFileAtomic(fsys FS, name string, perm fs.FileMode, write func(io.Writer) error) error {
	return ReplaceFile(fsys, name, KeepPerm(perm), write)
}

// PermFunc chooses the permissions of a file being replaced from those
// of the file it replaces; exists is false when there was none.
type PermFunc func(old fs.FileMode, exists bool) fs.FileMode

// KeepPerm keeps the permissions of the file replaced, and gives a new
// file perm.
func KeepPerm(perm fs.FileMode) PermFunc {
	return func(old fs.FileMode, exists bool) fs.FileMode {
		if exists {
			return old
		}
		return perm
	}
}

// ReplaceFile is WriteFileAtomic with the new file's permissions chosen
// by perm from the old file's.
func ReplaceFile(fsys FS, name string, perm PermFunc, write func(io.Writer) error) error {
	// Only a missing file means "no mode to keep": on any other error the
	// old mode is unknown, and guessing would silently change it.
	var mode fs.FileMode
	if fi, err := fsys.Stat(name); err == nil {
		mode = perm(fi.Mode().Perm(), true)
	} else if errors.Is(err, fs.ErrNotExist) {
		mode = perm(0, false)
	} else {
		return err
	}
	pf, err := NewPendingFile(fsys, filepath.Dir(name), "."+filepath.Base(name)+".tmp-", mode)
	if err != nil {
		return about("replace", name, err)
	}
	defer pf.Cleanup()
	if err := write(pf); err != nil {
		return about("write", name, err)
	}
	if err := pf.Close(); err != nil {
		return about(closeOp(err), name, err)
	}
	// The temp file was created with mode, but the umask may have cut it.
	if err := fsys.Chmod(pf.Name(), mode); err != nil {
		return about("chmod", name, err)
	}
	if err := pf.Rename(name); err != nil {
		return about("rename", name, err)
	}
	return fsys.SyncDir(filepath.Dir(name))
}

// about reports a failure on the temp file of an atomic replace as one
// on name, the file the caller knows: the temp file's name (".x.tmp-…")
// means nothing to a user, and it is gone once the error is returned.
func about(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: name, Err: unwrapPath(err)}
}

// closeOp is the operation a PendingFile's Close failed in: "sync" or
// "close".
func closeOp(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Op == "sync" {
		return "sync"
	}
	return "close"
}

// WriteFile is WriteFileAtomic for bytes already in memory.
func WriteFile(fsys FS, name string, data []byte, perm fs.FileMode) error {
	return WriteFileAtomic(fsys, name, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
