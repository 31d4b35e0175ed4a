package worktree

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/circuitvc/circuitvc/internal/merge"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// PullOptions say what to pull.
type PullOptions struct {
	TransferOptions
	// Message is the merge version's message when the histories have
	// diverged; empty means "merge origin/BRANCH".
	Message string
	// Favor settles merge conflicts in favour of one side.
	Favor merge.Favor
}

// PullResult says what a pull did.
type PullResult struct {
	Fetch  *FetchResult
	Ref    string // the remote-tracking ref merged (refs/remotes/origin/main)
	Merge  *MergeResult
	Ahead  int // versions of current the remote still lacks (push them)
	Behind int // always 0 after a pull that merged
}

// Pull fetches from a remote and brings its copy of the current branch
// into current: a fast-forward when current is in its history, else the
// semantic merge of Merge (conflicts are left for resolve, as there).
func (r *Repo) Pull(ctx context.Context, opts PullOptions) (*PullResult, error) {
	branch, _, err := r.refs.Resolve(refs.HEAD)
	if err != nil && !errors.Is(err, refs.ErrNotFound) {
		return nil, err
	}
	if !strings.HasPrefix(branch, "refs/heads/") {
		return nil, fmt.Errorf("pull: %w: current is not on a branch", ErrRefused)
	}
	fr, err := r.Fetch(ctx, opts.TransferOptions)
	if err != nil {
		return nil, err
	}
	res := &PullResult{Fetch: fr, Ref: trackingRef(fr.Remote.Name, branch)}
	theirs, err := r.readRef(res.Ref)
	if err != nil {
		return nil, err
	}
	if theirs.IsZero() {
		return res, fmt.Errorf("pull: %w: %s has no branch %s", ErrRevisionNotFound, fr.Remote.Name, strings.TrimPrefix(branch, "refs/heads/"))
	}
	msg := opts.Message
	if msg == "" {
		msg = "merge " + strings.TrimPrefix(res.Ref, RemoteRefPrefix)
	}
	res.Merge, err = r.Merge(ctx, MergeOptions{Rev: res.Ref, Author: opts.Author, Message: msg, Favor: opts.Favor})
	if err != nil {
		return res, err
	}
	res.Ahead, res.Behind, err = r.AheadBehind(res.Ref)
	return res, err
}

// AheadBehind counts the versions of current that ref lacks (ahead)
// and those of ref that current lacks (behind), as `git status` does
// for a branch and its upstream. Both histories are walked at once,
// newest first, and the walk stops once every version left to visit is
// in both and older than every version found in one only: its cost
// follows the versions that differ, not the length of the history. As
// in git, a version dated before one of its parents (clocks that
// disagree) could make a count too large.
func (r *Repo) AheadBehind(ref string) (ahead, behind int, err error) {
	head, err := r.Head()
	if err != nil {
		return 0, 0, err
	}
	other, err := r.readRef(ref)
	if err != nil || head == other {
		return 0, 0, err
	}
	const ofHead, ofOther, both = 1, 2, 3
	flags := map[objects.Hash]uint8{}
	when := map[objects.Hash]time.Time{}
	q := &commitQueue{}
	mark := func(h objects.Hash, f uint8) error {
		if h.IsZero() || flags[h]|f == flags[h] {
			return nil
		}
		flags[h] |= f
		c, err := r.objects.ReadCommit(h)
		if err != nil {
			return err
		}
		when[h] = c.Committer.When
		heap.Push(q, LogEntry{Hash: h, Commit: c})
		return nil
	}
	// done: what is left to visit is in both histories, and too old to
	// be an ancestor of a version found in one only.
	done := func() bool {
		if !allIn(*q, flags, both) {
			return false
		}
		newest := (*q)[0].Commit.Committer.When
		for h, f := range flags {
			if f != both && !newest.Before(when[h]) {
				return false
			}
		}
		return true
	}
	if err := mark(head, ofHead); err != nil {
		return 0, 0, err
	}
	if err := mark(other, ofOther); err != nil {
		return 0, 0, err
	}
	for q.Len() > 0 && !done() {
		e := heap.Pop(q).(LogEntry)
		for _, p := range e.Commit.Parents {
			if err := mark(p, flags[e.Hash]); err != nil {
				return 0, 0, err
			}
		}
	}
	for _, f := range flags {
		switch f {
		case ofHead:
			ahead++
		case ofOther:
			behind++
		}
	}
	return ahead, behind, nil
}

// allIn reports whether every queued version carries flags f.
func allIn(q commitQueue, flags map[objects.Hash]uint8, f uint8) bool {
	for _, e := range q {
		if flags[e.Hash] != f {
			return false
		}
	}
	return true
}

// Upstream is the remote-tracking ref of the current branch on the
// default remote (refs/remotes/origin/main), or "" when there is none.
func (r *Repo) Upstream() (string, error) {
	branch, _, err := r.refs.Resolve(refs.HEAD)
	if err != nil && !errors.Is(err, refs.ErrNotFound) {
		return "", err
	}
	if !strings.HasPrefix(branch, "refs/heads/") {
		return "", nil
	}
	ref := trackingRef(DefaultRemote, branch)
	h, err := r.readRef(ref)
	if err != nil || h.IsZero() {
		return "", err
	}
	return ref, nil
}
