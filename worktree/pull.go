package worktree

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
// for a branch and its upstream.
func (r *Repo) AheadBehind(ref string) (ahead, behind int, err error) {
	head, err := r.Head()
	if err != nil {
		return 0, 0, err
	}
	other, err := r.readRef(ref)
	if err != nil || head == other {
		return 0, 0, err
	}
	ofHead, err := r.history(head)
	if err != nil {
		return 0, 0, err
	}
	ofOther, err := r.history(other)
	if err != nil {
		return 0, 0, err
	}
	for h := range ofHead {
		if !ofOther[h] {
			ahead++
		}
	}
	for h := range ofOther {
		if !ofHead[h] {
			behind++
		}
	}
	return ahead, behind, nil
}

// history is the set of versions in h's history, h included.
func (r *Repo) history(h objects.Hash) (map[objects.Hash]bool, error) {
	set := map[objects.Hash]bool{}
	if h.IsZero() {
		return set, nil
	}
	err := r.ancestors(h, func(c objects.Hash) bool { set[c] = true; return true })
	return set, err
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
