package objects

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrNotFound reports that no object has the requested hash or prefix.
	ErrNotFound = errors.New("object not found")
	// ErrAmbiguous reports that an abbreviated hash matches several objects.
	ErrAmbiguous = errors.New("ambiguous object prefix")
	// ErrCorrupt reports an object whose stored bytes cannot be trusted.
	ErrCorrupt = errors.New("corrupt object")
)

// CorruptError names an object that failed a check, where it is stored and
// why. It wraps ErrCorrupt and the underlying cause.
type CorruptError struct {
	Hash Hash   // the object's name (ZeroHash when unknown)
	Path string // the loose object file or the pack holding it
	Err  error  // what is wrong
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("objects: corrupt object %s (%s): %v", e.Hash, e.Path, e.Err)
}

// Unwrap lets errors.Is match both ErrCorrupt and the cause.
func (e *CorruptError) Unwrap() []error { return []error{ErrCorrupt, e.Err} }

// NotFoundError names the hash or prefix that was looked for. It wraps
// ErrNotFound.
type NotFoundError struct {
	What string // a full hash or an abbreviated prefix
}

func (e *NotFoundError) Error() string { return "objects: " + e.What + ": object not found" }

// Unwrap makes errors.Is(err, ErrNotFound) hold.
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// AmbiguousError lists the objects an abbreviated hash matches. It wraps
// ErrAmbiguous.
type AmbiguousError struct {
	Prefix     string
	Candidates []Hash // sorted
}

func (e *AmbiguousError) Error() string {
	names := make([]string, len(e.Candidates))
	for i, h := range e.Candidates {
		names[i] = h.String()
	}
	return fmt.Sprintf("objects: prefix %s is ambiguous: candidates %s", e.Prefix, strings.Join(names, ", "))
}

// Unwrap makes errors.Is(err, ErrAmbiguous) hold.
func (e *AmbiguousError) Unwrap() error { return ErrAmbiguous }

// Problem is one defect found by Verify.
type Problem struct {
	Hash Hash   // the object (ZeroHash when the defect is not one object's)
	Path string // the file holding it
	Err  error  // what is wrong; usually a *CorruptError
}

func (p Problem) String() string {
	return fmt.Sprintf("%s %s: %v", p.Hash, p.Path, p.Err)
}

func notFound(h Hash) error { return &NotFoundError{What: h.String()} }

func corrupt(h Hash, path string, format string, args ...any) *CorruptError {
	return &CorruptError{Hash: h, Path: path, Err: fmt.Errorf(format, args...)}
}
