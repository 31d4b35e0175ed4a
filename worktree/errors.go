package worktree

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/circuitvc/circuitvc/internal/circuit"
)

// Sentinel errors of the repository layer. Each is wrapped by a typed
// error carrying the file or revision, so callers can use errors.Is for the
// kind and errors.As for the details.
var (
	// ErrNotRepo: no .circuitvc directory here or in any parent.
	ErrNotRepo = errors.New("not a circuitvc directory (or any of the parent directories)")
	// ErrRevisionNotFound: a revision names no commit.
	ErrRevisionNotFound = errors.New("unknown revision")
	// ErrPathNotFound: a file is not in the revision asked for.
	ErrPathNotFound = errors.New("no such file in revision")
	// ErrInvalidCircuit: validation refused a save.
	ErrInvalidCircuit = errors.New("invalid circuit")
	// ErrNothingToSave: the working files equal the current version.
	ErrNothingToSave = errors.New("nothing to save")
	// ErrUnsafePath: a path would escape the working tree or touch the store.
	ErrUnsafePath = errors.New("unsafe path")
	// ErrExists: init found a store already there.
	ErrExists = errors.New("already a circuitvc directory")
	// ErrBadTagName: a tag name git or circuitvc's revision syntax refuses.
	ErrBadTagName = errors.New("invalid tag name")
	// ErrTagExists: a tag of that name already names a version.
	ErrTagExists = errors.New("already exists")
	// ErrNoSuchTag: a tag to delete does not exist. It is also an
	// ErrRevisionNotFound.
	ErrNoSuchTag error = kindError{msg: "no such tag", kind: ErrRevisionNotFound}
	// ErrDamaged: the store cannot be used as it is (see *DamagedError
	// and *BranchError); 'circuitvc init' repairs it.
	ErrDamaged = errors.New("store is damaged")
)

// kindError is a sentinel that is also an instance of a broader one.
type kindError struct {
	msg  string
	kind error
}

func (e kindError) Error() string { return e.msg }
func (e kindError) Unwrap() error { return e.kind }

// errNoBackup is the unknown revision "backup" before any restore made
// one: said in words, not as a missing ref.
type errNoBackup struct{}

func (errNoBackup) Error() string {
	return "no backup yet: backup is made by the first restore that replaces unsaved work"
}
func (errNoBackup) Unwrap() error { return ErrRevisionNotFound }

// RevisionError reports a revision that could not be resolved.
type RevisionError struct {
	Rev string
	Err error
}

func (e *RevisionError) Error() string { return fmt.Sprintf("revision %q: %v", e.Rev, e.Err) }
func (e *RevisionError) Unwrap() error { return e.Err }

// PathError reports a file that a revision does not hold, or a path that
// is not safe to write.
type PathError struct {
	Path string
	Rev  string // empty when not about a revision
	Err  error
}

func (e *PathError) Error() string {
	if e.Rev != "" {
		return fmt.Sprintf("%s: %v %s", e.Path, e.Err, e.Rev)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}
func (e *PathError) Unwrap() error { return e.Err }

// ValidationError lists why save refused the working files.
type ValidationError struct {
	Problems []*circuit.Error
}

// Error is one line: the first problem, located in its file, and how
// many more there are; 'circuitvc validate' lists them all.
func (e *ValidationError) Error() string {
	if len(e.Problems) == 0 {
		return ErrInvalidCircuit.Error()
	}
	msg := fmt.Sprintf("%v: %s", ErrInvalidCircuit, firstLine(e.Problems[0].Error()))
	if n := len(e.Problems) - 1; n > 0 {
		files := []string{}
		for _, p := range e.Problems {
			if !slices.Contains(files, p.File) {
				files = append(files, p.File)
			}
		}
		msg += fmt.Sprintf(" (and %d more: 'circuitvc validate %s' lists them)", n, strings.Join(files, " "))
	}
	return msg
}
func (e *ValidationError) Unwrap() error { return ErrInvalidCircuit }
