package worktree

import (
	"errors"
	"io/fs"
	"syscall"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/internal/circuit"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// Kind is what sort of failure an error is, in the terms a user acts on:
// try again later, repair the store, fix the circuit… The command line
// turns each kind into its exit code.
type Kind int

// The kinds of failure, from KindOf.
const (
	// Other is any failure of no other kind.
	Other Kind = iota
	// Refused: the request itself was refused, as given (a tag name git
	// refuses, or one that already names a version without Force).
	Refused
	// Invalid: a circuit is invalid, malformed or no circuit at all.
	Invalid
	// Busy: another process held a lock past the lock timeout, or moved
	// a ref while the operation ran; nothing was changed.
	Busy
	// NotRepo: no store in the directory or any parent.
	NotRepo
	// UnknownRevision: a revision names no version.
	UnknownRevision
	// NoSuchFile: a file is not in the revision asked for, or not on disk.
	NoSuchFile
	// Damaged: the store holds a damaged or missing object or ref, or its
	// HEAD is unusable; nothing was changed.
	Damaged
	// FileSystem: the file system refused (permission, disk full,
	// read-only, I/O error); nothing was changed.
	FileSystem
	// Partial: a restore failed after replacing working files and could
	// not put them back (*PartialRestoreError says which and where their
	// bytes are).
	Partial
	// Rejected: a remote refused a push, or it would have dropped
	// versions (not a fast-forward: fetch or pull first, or force).
	Rejected
	// Unreachable: a remote could not be reached.
	Unreachable
	// AuthFailed: a remote wanted credentials, or refused those given.
	AuthFailed
	// NoRemoteRepo: a remote answered, but holds no repository there.
	NoRemoteRepo
)

// Kinds lists every Kind, Other first.
func Kinds() []Kind {
	return []Kind{Other, Refused, Invalid, Busy, NotRepo, UnknownRevision, NoSuchFile, Damaged, FileSystem, Partial,
		Rejected, Unreachable, AuthFailed, NoRemoteRepo}
}

// String names the kind.
func (k Kind) String() string {
	switch k {
	case Refused:
		return "refused"
	case Invalid:
		return "invalid"
	case Busy:
		return "busy"
	case NotRepo:
		return "not a store"
	case UnknownRevision:
		return "unknown revision"
	case NoSuchFile:
		return "no such file"
	case Damaged:
		return "damaged store"
	case FileSystem:
		return "file system"
	case Partial:
		return "partial"
	case Rejected:
		return "rejected"
	case Unreachable:
		return "remote unreachable"
	case AuthFailed:
		return "authentication failed"
	case NoRemoteRepo:
		return "remote repository not found"
	}
	return "other"
}

// KindOf classifies an error of this package or of the packages it is
// built on (circuit, fsx, objects, refs); nil is Other. When an error
// could be of several kinds, the first in this order wins: Refused,
// Partial, Rejected, AuthFailed, Unreachable, NoRemoteRepo, Invalid,
// Busy, NotRepo, UnknownRevision, NoSuchFile, Damaged, FileSystem.
func KindOf(err error) Kind {
	switch {
	case err == nil:
		return Other
	case errors.Is(err, ErrBadTagName), errors.Is(err, ErrTagExists), errors.Is(err, ErrRefused):
		return Refused
	case errors.Is(err, ErrPartial):
		return Partial
	case errors.Is(err, ErrRejected):
		return Rejected
	case errors.Is(err, ErrAuth):
		return AuthFailed
	case errors.Is(err, ErrUnreachable):
		return Unreachable
	case errors.Is(err, ErrRemoteNotFound):
		return NoRemoteRepo
	case errors.Is(err, ErrInvalidCircuit), errors.Is(err, circuit.ErrSyntax),
		errors.Is(err, circuit.ErrInvalid), errors.Is(err, circuit.ErrNotCircuit):
		return Invalid
	case errors.Is(err, fsx.ErrLocked), errors.Is(err, refs.ErrLocked), errors.Is(err, refs.ErrConflict):
		return Busy
	case errors.Is(err, ErrNotRepo):
		return NotRepo
	case errors.Is(err, ErrRevisionNotFound):
		return UnknownRevision
	case errors.Is(err, ErrPathNotFound), errors.Is(err, fs.ErrNotExist):
		return NoSuchFile
	case errors.Is(err, ErrDamaged), errors.Is(err, objects.ErrCorrupt), errors.Is(err, refs.ErrCorrupt),
		errors.Is(err, objects.ErrNotFound):
		return Damaged
	case isFileSystemError(err):
		return FileSystem
	}
	return Other
}

// isFileSystemError reports an error the file system returned: one of
// the errnos a user fixes outside circuitvc, or any *fs.PathError.
func isFileSystemError(err error) bool {
	for _, e := range []error{fs.ErrPermission, syscall.ENOSPC, syscall.EROFS, syscall.EIO, syscall.EACCES, syscall.EDQUOT, syscall.EISDIR} {
		if errors.Is(err, e) {
			return true
		}
	}
	var pe *fs.PathError
	return errors.As(err, &pe)
}
