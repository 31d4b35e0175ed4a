package refs

import (
	"errors"
	"fmt"
	"time"

	"github.com/circuitvc/circuitvc/objects"
)

var (
	// ErrNotFound reports that a ref (or a reflog entry) does not exist.
	ErrNotFound = errors.New("ref not found")
	// ErrLocked reports that a ref's lock file is held by another writer.
	ErrLocked = errors.New("ref is locked")
	// ErrConflict reports that a ref did not hold the value an update
	// expected (a lost compare-and-swap).
	ErrConflict = errors.New("ref changed concurrently")
	// ErrCorrupt reports a ref, packed-refs or reflog file whose contents
	// cannot be parsed.
	ErrCorrupt = errors.New("corrupt ref")
	// ErrInvalidName reports a ref or tag name that git-check-ref-format
	// (or circuitvc) refuses.
	ErrInvalidName = errors.New("invalid ref name")
	// ErrSyntax reports a malformed revision string.
	ErrSyntax = errors.New("bad revision syntax")
)

// LockedError reports that a ref could not be locked because its lock
// file existed for the whole wait. It wraps ErrLocked.
type LockedError struct {
	Ref    string        // the ref being updated, e.g. refs/heads/main
	Path   string        // the lock file, e.g. .circuitvc/refs/heads/main.lock
	Waited time.Duration // how long the update waited
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("refs: %s: lock file %s exists (waited %v): another circuitvc or git process "+
		"is updating it; if no such process is running, a crash left the file behind and it may be removed",
		e.Ref, e.Path, e.Waited)
}

// Unwrap makes errors.Is(err, ErrLocked) hold.
func (e *LockedError) Unwrap() error { return ErrLocked }

// ConflictError reports a failed compare-and-swap: the ref held Actual
// where the update expected Expected (ZeroHash meaning "no such ref"). It
// wraps ErrConflict.
type ConflictError struct {
	Ref      string
	Expected objects.Hash
	Actual   objects.Hash
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("refs: %s: expected %s, found %s: it was changed by another process; nothing was updated",
		e.Ref, describe(e.Expected), describe(e.Actual))
}

// Unwrap makes errors.Is(err, ErrConflict) hold.
func (e *ConflictError) Unwrap() error { return ErrConflict }

func describe(h objects.Hash) string {
	if h.IsZero() {
		return "no ref"
	}
	return h.String()
}

// CorruptError names a ref file (loose ref, packed-refs or reflog) whose
// contents cannot be parsed, and why. It wraps ErrCorrupt.
type CorruptError struct {
	Ref  string // the ref concerned, when known
	Path string // the file
	Err  error  // what is wrong
}

func (e *CorruptError) Error() string {
	if e.Ref == "" {
		return fmt.Sprintf("refs: %s: %v", e.Path, e.Err)
	}
	return fmt.Sprintf("refs: %s: %s: %v", e.Ref, e.Path, e.Err)
}

// Unwrap lets errors.Is match both ErrCorrupt and the cause.
func (e *CorruptError) Unwrap() []error { return []error{ErrCorrupt, e.Err} }

// SyntaxError reports a malformed revision string. It wraps ErrSyntax.
type SyntaxError struct {
	Rev string // the whole input
	Msg string // what is wrong
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("refs: bad revision %q: %s", e.Rev, e.Msg)
}

// Unwrap makes errors.Is(err, ErrSyntax) hold.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

func notFound(name string) error { return fmt.Errorf("refs: %s: %w", name, ErrNotFound) }
