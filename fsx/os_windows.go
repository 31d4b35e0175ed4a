//go:build windows

package fsx

import (
	"errors"
	"os"
	"syscall"
)

// Windows error codes that mean "someone else has the file open right now".
const (
	errorSharingViolation syscall.Errno = 32
	errorLockViolation    syscall.Errno = 33
)

// rename replaces newpath even when it is read-only: os.Rename uses
// MoveFileEx with MOVEFILE_REPLACE_EXISTING, which refuses read-only targets.
func rename(oldpath, newpath string) error {
	err := os.Rename(oldpath, newpath)
	if err == nil || !errors.Is(err, os.ErrPermission) {
		return err
	}
	fi, serr := os.Stat(newpath)
	if serr != nil || fi.Mode().Perm()&0o200 != 0 {
		return err
	}
	if cerr := os.Chmod(newpath, fi.Mode().Perm()|0o200); cerr != nil {
		return err
	}
	if err = os.Rename(oldpath, newpath); err != nil {
		_ = os.Chmod(newpath, fi.Mode().Perm()) // put the read-only bit back
	}
	return err
}

// syncDir is a no-op: Windows has no directory fsync, and NTFS journals
// directory entries itself.
func syncDir(name string) error { return nil }

var transientErrnos = []error{errorSharingViolation, errorLockViolation}
