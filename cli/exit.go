package cli

import (
	"errors"
	"io/fs"
	"syscall"

	"github.com/circuitvc/circuitvc/internal/fsx"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
	"github.com/circuitvc/circuitvc/worktree"
)

// Exit codes. They are part of the interface: scripts rely on them, the
// README lists them, and they never change meaning.
const (
	ExitOK          = 0  // success
	ExitDifferent   = 1  // diff --exit-code found differences; verify found problems
	ExitUsage       = 2  // bad flags or arguments
	ExitInvalid     = 3  // a circuit failed validation (validate, save)
	ExitLocked      = 4  // another process holds the store or a ref past the lock timeout, or moved a ref meanwhile
	ExitNotRepo     = 5  // no .circuitvc here or above
	ExitBadRevision = 6  // a revision names no commit
	ExitNoPath      = 7  // a file is not in the revision, or does not exist
	ExitCorrupt     = 8  // the store holds a damaged object or ref
	ExitIO          = 9  // the file system refused: permission, disk full, read-only, I/O error
	ExitFailure     = 10 // anything else
	ExitPartial     = 11 // a restore failed after changing files and could not put them back
)

// usageError marks a mistake in how the command was called.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// silentError carries an exit code whose explanation was already printed
// (diff --exit-code, verify's list).
type silentError struct{ code int }

func (e silentError) Error() string { return "" }

// exitCode maps an error to its exit code: the one place that does.
func exitCode(err error) int {
	var se silentError
	var ue usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &se):
		return se.code
	case errors.As(err, &ue):
		return ExitUsage
	case errors.Is(err, worktree.ErrPartial):
		return ExitPartial
	case errors.Is(err, worktree.ErrInvalidCircuit):
		return ExitInvalid
	case errors.Is(err, fsx.ErrLocked), errors.Is(err, refs.ErrLocked), errors.Is(err, refs.ErrConflict):
		return ExitLocked
	case errors.Is(err, worktree.ErrNotRepo):
		return ExitNotRepo
	case errors.Is(err, worktree.ErrRevisionNotFound):
		return ExitBadRevision
	case errors.Is(err, worktree.ErrPathNotFound), errors.Is(err, fs.ErrNotExist):
		return ExitNoPath
	case errors.Is(err, worktree.ErrDamaged), errors.Is(err, objects.ErrCorrupt), errors.Is(err, refs.ErrCorrupt), errors.Is(err, objects.ErrNotFound):
		return ExitCorrupt
	case isIOError(err):
		return ExitIO
	}
	return ExitFailure
}

func isIOError(err error) bool {
	for _, e := range []error{fs.ErrPermission, syscall.ENOSPC, syscall.EROFS, syscall.EIO, syscall.EACCES, syscall.EDQUOT, syscall.EISDIR} {
		if errors.Is(err, e) {
			return true
		}
	}
	var pe *fs.PathError
	return errors.As(err, &pe)
}
