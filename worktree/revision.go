package worktree

import (
	"errors"
	"fmt"
	"strings"

	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// Resolve turns a revision (a hash or its prefix, current/HEAD/@, backup,
// autosave (the newest snapshot), a tag, a ref name, with @{N}, ~N and ^N suffixes) into a commit hash.
// Failures are *RevisionError wrapping ErrRevisionNotFound, or the parse
// error for malformed syntax.
func (r *Repo) Resolve(rev string) (objects.Hash, error) {
	parsed, err := refs.ParseRev(rev)
	if err != nil {
		return objects.ZeroHash, &RevisionError{Rev: rev, Err: fmt.Errorf("%w: %v", ErrRevisionNotFound, err)}
	}
	h, err := r.resolveBase(parsed)
	if err != nil {
		return objects.ZeroHash, &RevisionError{Rev: rev, Err: err}
	}
	for _, st := range parsed.Steps {
		if h, err = r.step(h, st); err != nil {
			return objects.ZeroHash, &RevisionError{Rev: rev, Err: err}
		}
	}
	return h, nil
}

// refName maps a revision's base to the ref it names, or "" when it
// names none. A full 40-hex hash always names the object, as in git, even
// if a tag of that name exists. A tag that exists but cannot be read is
// an error, not a reason to try the name as a hash.
func (r *Repo) refName(base string) (string, error) {
	if len(base) == 40 && isHex(base) {
		return "", nil
	}
	switch base {
	case "", "@", "HEAD", "current", "main":
		return refs.HEAD, nil
	case "backup":
		return refs.Backup, nil
	case "autosave":
		return AutosaveRef, nil
	}
	if strings.HasPrefix(base, "refs/") {
		return base, nil
	}
	_, err := r.refs.Read(refs.TagPrefix + base)
	switch {
	case err == nil:
		return refs.TagPrefix + base, nil
	case errors.Is(err, refs.ErrNotFound), errors.Is(err, refs.ErrInvalidName):
		// origin/main: a remote-tracking branch.
		if strings.Contains(base, "/") {
			if _, err := r.refs.Read(RemoteRefPrefix + base); err == nil {
				return RemoteRefPrefix + base, nil
			}
		}
		return "", nil
	}
	return "", err
}

func (r *Repo) resolveBase(rev *refs.Rev) (objects.Hash, error) {
	name, err := r.refName(rev.Base)
	if err != nil {
		return objects.ZeroHash, err
	}
	if name != "" {
		var h objects.Hash
		if rev.Reflog >= 0 {
			h, err = r.refs.ReflogAt(name, rev.Reflog)
		} else {
			h, err = r.refs.Read(name)
		}
		if errors.Is(err, refs.ErrNotFound) {
			switch {
			case name == refs.HEAD && rev.Reflog < 0:
				return h, fmt.Errorf("%w: nothing saved yet", ErrRevisionNotFound)
			case name == refs.Backup && rev.Reflog < 0:
				return h, errNoBackup{}
			case name == AutosaveRef && rev.Reflog < 0:
				return h, errNoAutosave{}
			}
			return h, fmt.Errorf("%w: %v", ErrRevisionNotFound, err)
		}
		if err == nil && strings.HasPrefix(name, refs.TagPrefix) {
			return r.peel(h)
		}
		return h, err
	}
	if rev.Reflog >= 0 {
		return objects.ZeroHash, fmt.Errorf("%w: @{%d} needs a ref", ErrRevisionNotFound, rev.Reflog)
	}
	h, err := r.objects.ResolvePrefix(rev.Base)
	var ambiguous *objects.AmbiguousError
	switch {
	case errors.Is(err, objects.ErrNotFound):
		return h, fmt.Errorf("%w: no commit, tag or ref of that name", ErrRevisionNotFound)
	case errors.As(err, &ambiguous):
		return r.onlyCommit(ambiguous)
	case err != nil:
		return h, err
	}
	if _, err := r.objects.ReadCommit(h); err != nil {
		// Only another type of object is "not a commit"; an unreadable or
		// corrupt one must be reported as what it is.
		if errors.Is(err, objects.ErrWrongType) {
			return r.peel(h)
		}
		return h, err
	}
	return h, nil
}

// peel follows annotated tags (git tag -a) to the commit they name, as
// git's REV^{commit} does; an object that is no commit and no tag of one
// is no revision.
func (r *Repo) peel(h objects.Hash) (objects.Hash, error) {
	start := h
	for range maxTagChain {
		// The type alone decides for a commit (the usual case, for every
		// lightweight tag log decorates): only a tag is read whole.
		t, _, rc, err := r.objects.Open(h)
		if err != nil {
			return h, err
		}
		rc.Close()
		if t == objects.CommitObject {
			return h, nil
		}
		if t != objects.TagObject {
			break
		}
		_, data, err := r.objects.Read(h)
		if err != nil {
			return h, err
		}
		if h, err = tagTarget(data); err != nil {
			return start, fmt.Errorf("tag %s: %w", start, err)
		}
	}
	return start, fmt.Errorf("%w: %s is not a commit", ErrRevisionNotFound, start)
}

// maxTagChain bounds how many tags of tags peel follows.
const maxTagChain = 16

// onlyCommit settles an ambiguous abbreviated hash as git log does: when
// exactly one of the objects it matches is a commit, that commit.
// Otherwise the error lists the candidates with enough digits to tell
// them apart.
func (r *Repo) onlyCommit(ambiguous *objects.AmbiguousError) (objects.Hash, error) {
	digits := min(40, max(12, len(ambiguous.Prefix)+2))
	var commits []objects.Hash
	names := make([]string, 0, len(ambiguous.Candidates))
	for _, h := range ambiguous.Candidates {
		t, _, rc, err := r.objects.Open(h)
		if err != nil {
			return objects.ZeroHash, err
		}
		rc.Close()
		if t == objects.CommitObject {
			commits = append(commits, h)
		}
		names = append(names, fmt.Sprintf("%s (%s)", h.String()[:digits], t))
	}
	if len(commits) == 1 {
		return commits[0], nil
	}
	return objects.ZeroHash, fmt.Errorf("%w: %s is ambiguous: it begins %s; give more digits",
		ErrRevisionNotFound, ambiguous.Prefix, strings.Join(names, ", "))
}

// isHex reports whether s is made of hex digits only.
func isHex(s string) bool {
	return s != "" && strings.Trim(strings.ToLower(s), "0123456789abcdef") == ""
}

// step applies one ~N or ^N suffix.
func (r *Repo) step(h objects.Hash, st refs.Step) (objects.Hash, error) {
	if st.Kind == '^' {
		if st.N == 0 {
			return h, nil
		}
		c, err := r.objects.ReadCommit(h)
		if err != nil {
			return h, err
		}
		if st.N > len(c.Parents) {
			return h, fmt.Errorf("%w: %s has no parent %d", ErrRevisionNotFound, short(h), st.N)
		}
		return c.Parents[st.N-1], nil
	}
	for i := 0; i < st.N; i++ {
		c, err := r.objects.ReadCommit(h)
		if err != nil {
			return h, err
		}
		if len(c.Parents) == 0 {
			return h, fmt.Errorf("%w: history has only %d version(s) before it", ErrRevisionNotFound, i)
		}
		h = c.Parents[0]
	}
	return h, nil
}

// short is the 7-hex abbreviation used in messages.
func short(h objects.Hash) string { return h.String()[:7] }
