package persist

import (
	"errors"
	"fmt"
	"io/fs"
	"time"
)

// ErrPersistence is the kind of every failure the package returns
// (Store's methods, WithFileLock, Load, Save):
// errors.Is(err, ErrPersistence) holds for all of them, including
// *FileLockedError and *DataIntegrityError. The cause stays reachable
// too, so errors.Is(err, fs.ErrNotExist) or errors.Is(err, syscall.ENOSPC)
// answer what went wrong.
var ErrPersistence = errors.New("persistence error")

// FileLockedError reports that a file's lock stayed held by another
// process (or goroutine) for the whole timeout. It wraps fsx.ErrLocked.
type FileLockedError struct {
	Path     string        // the file that was to be locked
	LockPath string        // the lock file actually waited on (Path + ".lock")
	Timeout  time.Duration // how long the caller waited
	Err      error         // the lock error, wrapping fsx.ErrLocked
}

func (e *FileLockedError) Error() string {
	return fmt.Sprintf("persistence: %s is locked by another process (waited %v on %s)", e.Path, e.Timeout, e.LockPath)
}

// Unwrap returns the lock error.
func (e *FileLockedError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrPersistence) hold.
func (e *FileLockedError) Is(target error) bool { return target == ErrPersistence }

// DataIntegrityError reports data that was refused: a validation function
// rejected it, a value could not be encoded as JSON, or a file is not
// valid UTF-8 JSON (or does not fit the Go value it is loaded into).
// Nothing was written when Save returns it.
type DataIntegrityError struct {
	Path string // the file read or to be written
	// Line and Col locate a syntax or encoding error in the file
	// (1-based); both are 0 when the error has no position.
	Line, Col int
	Err       error // the cause: the validator's error, *json.SyntaxError, …
}

func (e *DataIntegrityError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("persistence: data integrity: %s:%d:%d: %v", e.Path, e.Line, e.Col, e.Err)
	}
	return fmt.Sprintf("persistence: data integrity: %s: %v", e.Path, e.Err)
}

// Unwrap returns the cause.
func (e *DataIntegrityError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrPersistence) hold.
func (e *DataIntegrityError) Is(target error) bool { return target == ErrPersistence }

// fileError is every other failure: an operation on a file and the
// file-system error behind it, plus what it means for the file.
type fileError struct {
	op   string // "load", "save", "backup", "restore", "hash", "lock"
	path string
	err  error
	note string // e.g. "amp.json unchanged"; empty when nothing can be promised
}

func (e *fileError) Error() string {
	msg := fmt.Sprintf("persistence: %s %s: %s", e.op, e.path, cause(e.path, e.err))
	if e.note != "" {
		msg += " (" + e.note + ")"
	}
	return msg
}

func (e *fileError) Unwrap() error        { return e.err }
func (e *fileError) Is(target error) bool { return target == ErrPersistence }

// cause renders err without repeating path: a *fs.PathError about
// path itself reads "open: permission denied" rather than naming the file
// twice. Errors about other files (temp, backup) keep their names.
func cause(path string, err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path && err == error(pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}
