package worktree

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// Tag is a name given to a version (refs/tags/NAME).
type Tag struct {
	Name   string
	Commit objects.Hash
}

// TagError reports a tag that could not be made, moved or deleted.
type TagError struct {
	Name string
	Err  error
}

func (e *TagError) Error() string { return fmt.Sprintf("tag %q: %v", e.Name, e.Err) }
func (e *TagError) Unwrap() error { return e.Err }

// Tags lists the tags, sorted by name.
func (r *Repo) Tags() ([]Tag, error) {
	list, err := r.refs.List(refs.TagPrefix)
	out := make([]Tag, 0, len(list))
	for _, t := range list {
		// An annotated tag (git tag -a) names a tag object: show its commit.
		h, perr := r.peel(t.Hash)
		if perr != nil {
			h = t.Hash
		}
		out = append(out, Tag{Name: strings.TrimPrefix(t.Name, refs.TagPrefix), Commit: h})
	}
	return out, err
}

// CheckTagName refuses a name that git refuses as a tag
// (git-check-ref-format), one that circuitvc's revision syntax reserves
// (current, backup, HEAD, main), one that looks like a hash (4 to 40 hex
// digits: it would hide or be hidden by an abbreviated hash) and a full
// ref name (refs/…, which would become refs/tags/refs/…). The error wraps
// ErrBadTagName.
func CheckTagName(name string) error {
	switch {
	case strings.HasPrefix(name, "refs/"):
		return &TagError{Name: name, Err: fmt.Errorf("%w: a tag name is what follows refs/tags/, so it cannot start with refs/", ErrBadTagName)}
	case len(name) >= 4 && len(name) <= 40 && isHex(name):
		return &TagError{Name: name, Err: fmt.Errorf("%w: tag name looks like a hash (4 to 40 hex digits name an object)", ErrBadTagName)}
	}
	if err := refs.ValidTagName(name); err != nil {
		return &TagError{Name: name, Err: fmt.Errorf("%w: %w", ErrBadTagName, err)}
	}
	return nil
}

// TagOptions say what SetTag names.
type TagOptions struct {
	// Name is the tag, without refs/tags/.
	Name string
	// Rev is the revision it names; empty means current.
	Rev string
	// Force moves an existing tag instead of refusing with ErrTagExists.
	Force bool
	// Who signs the reflog entry.
	Who objects.Signature
}

// SetTag names the version Rev and returns the commit named and the one
// the tag named before (ZeroHash when it is new). An existing tag is
// refused with ErrTagExists unless Force; the move is a compare-and-swap
// against the value read, so a concurrent change fails with
// refs.ErrConflict instead of being overwritten.
func (r *Repo) SetTag(ctx context.Context, opts TagOptions) (commit, previous objects.Hash, err error) {
	if err := CheckTagName(opts.Name); err != nil {
		return objects.ZeroHash, objects.ZeroHash, err
	}
	rev := opts.Rev
	if rev == "" {
		rev = "current"
	}
	if commit, err = r.Resolve(rev); err != nil {
		return objects.ZeroHash, objects.ZeroHash, err
	}
	ref := refs.TagPrefix + opts.Name
	previous, err = r.refs.Read(ref)
	switch {
	case errors.Is(err, refs.ErrNotFound):
		previous = objects.ZeroHash
	case err != nil:
		return commit, objects.ZeroHash, &TagError{Name: opts.Name, Err: err}
	case !opts.Force:
		return commit, previous, &TagError{Name: opts.Name, Err: fmt.Errorf("%w: it names %s (use -f to move it)", ErrTagExists, short(previous))}
	case previous == commit:
		return commit, previous, nil
	}
	msg := "tag: " + rev
	if !previous.IsZero() {
		msg = fmt.Sprintf("tag: moved from %s to %s", short(previous), rev)
	}
	if err := r.refs.Update(ctx, ref, previous, commit, opts.Who, msg); err != nil {
		return commit, previous, &TagError{Name: opts.Name, Err: err}
	}
	return commit, previous, nil
}

// DeleteTag removes tag name (the version it named stays in history) and
// returns the commit it named. A tag that does not exist is an error
// wrapping ErrNoSuchTag and ErrRevisionNotFound.
func (r *Repo) DeleteTag(ctx context.Context, name string) (objects.Hash, error) {
	ref := refs.TagPrefix + name
	if err := refs.ValidRefName(ref); err != nil {
		return objects.ZeroHash, &TagError{Name: name, Err: ErrNoSuchTag}
	}
	h, err := r.refs.Read(ref)
	if errors.Is(err, refs.ErrNotFound) {
		return h, &TagError{Name: name, Err: ErrNoSuchTag}
	}
	if err != nil {
		return h, &TagError{Name: name, Err: err}
	}
	if err := r.refs.Delete(ctx, ref, h); err != nil {
		return h, &TagError{Name: name, Err: err}
	}
	return h, nil
}
