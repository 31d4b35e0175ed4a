package worktree

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// PushOptions say what to push.
type PushOptions struct {
	TransferOptions
	// Force moves the remote's branch (and, with Tags, its tags) even
	// when that drops versions from its history.
	Force bool
	// Tags pushes every tag as well.
	Tags bool
}

// PushResult says what a push did. Changes name the remote's refs;
// those the remote or the fast-forward check refused carry an Err.
type PushResult struct {
	Remote  Remote
	Changes []RefChange
	Objects int // objects sent
	// Warnings are problems after the push succeeded (the
	// remote-tracking ref could not be updated).
	Warnings []string
}

// Push sends the current branch (as the branch of the same name) and,
// with Tags, every tag to a remote. A branch moves only forward unless
// Force: if the remote's branch holds versions this store lacks, it is
// "rejected: fetch first"; if it is not in the current history, it is
// "rejected: not a fast-forward" (pull, then push). The remote moves each
// ref by compare-and-swap from the value it advertised, so of two pushes
// at once the second is rejected too. After a successful push the
// remote-tracking ref follows. The error wraps ErrRejected when any ref
// was refused; the result says which.
func (r *Repo) Push(ctx context.Context, opts PushOptions) (*PushResult, error) {
	rm, err := r.RemoteNamed(opts.remote())
	if err != nil {
		return nil, err
	}
	branch, head, err := r.refs.Resolve(refs.HEAD)
	if errors.Is(err, refs.ErrNotFound) {
		return nil, fmt.Errorf("push: %w: nothing saved yet", ErrRevisionNotFound)
	}
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(branch, "refs/heads/") {
		return nil, fmt.Errorf("push: %w: current is not on a branch (HEAD holds %s)", ErrRefused, short(head))
	}
	c, err := dial(ctx, r.fs, rm.URL, r.root, opts.Auth, opts.Author)
	if err != nil {
		return nil, err
	}
	defer c.close()
	adv, err := c.list(ctx)
	if err != nil {
		return nil, err
	}
	res := &PushResult{Remote: rm}
	local := map[string]objects.Hash{branch: head}
	if opts.Tags {
		tags, err := r.refs.List(refs.TagPrefix)
		if err != nil {
			return nil, err
		}
		for _, t := range tags {
			local[t.Name] = t.Hash
		}
	}
	updates, err := r.planPush(local, adv, opts.Force, res)
	if err != nil || len(updates) == 0 {
		return res, r.pushError(rm, res, err)
	}
	if err := r.sendUpdates(ctx, c, rm, updates, adv, opts, res); err != nil {
		return res, err
	}
	return res, r.pushError(rm, res, nil)
}

// planPush works out which refs to move, and rejects (into res) those
// that would drop versions without force.
func (r *Repo) planPush(local map[string]objects.Hash, adv *remoteRefs, force bool, res *PushResult) ([]refUpdate, error) {
	var updates []refUpdate
	for _, name := range slices.Sorted(maps.Keys(local)) {
		u := refUpdate{name: name, old: adv.refs[name], new: local[name]}
		if u.old == u.new {
			continue
		}
		var why error
		if !u.old.IsZero() && !force {
			switch have, err := r.objects.Has(u.old); {
			case err != nil:
				return nil, err
			case strings.HasPrefix(name, refs.TagPrefix):
				why = fmt.Errorf("%w: tag %s already names another version there (--force replaces it)", ErrRejected, strings.TrimPrefix(name, refs.TagPrefix))
			case !have:
				why = fmt.Errorf("%w: %s holds versions not here (fetch first: 'circuitvc pull', then push)", ErrRejected, name)
			default:
				dropped, err := r.notAncestor(u.old, u.new)
				if err != nil {
					return nil, err
				}
				if dropped {
					why = fmt.Errorf("%w: %s is not a fast-forward: the remote has versions current lacks ('circuitvc pull', then push; or --force to drop them)", ErrRejected, name)
				}
			}
		}
		if why != nil {
			res.Changes = append(res.Changes, RefChange{Ref: name, Old: u.old, New: u.new, Err: why})
			continue
		}
		updates = append(updates, u)
	}
	return updates, nil
}

// sendUpdates packs what the remote lacks and asks it to move the refs.
func (r *Repo) sendUpdates(ctx context.Context, c conn, rm Remote, updates []refUpdate, adv *remoteRefs, opts PushOptions, res *PushResult) error {
	var want, have []objects.Hash
	for _, u := range updates {
		want = append(want, u.new)
	}
	for _, h := range adv.refs {
		have = append(have, h)
	}
	hashes, err := r.objects.Reachable(ctx, want, have)
	if err != nil {
		return err
	}
	res.Objects = len(hashes)
	results, err := c.push(ctx, updates, r.objects, hashes, opts.progress("sending"))
	if err != nil {
		return fmt.Errorf("push to %s: %w", rm.URL, err)
	}
	for i, u := range updates {
		ch := RefChange{Ref: u.name, Old: u.old, New: u.new, Forced: opts.Force && r.drops(u), Err: results[i]}
		res.Changes = append(res.Changes, ch)
		if ch.Err != nil || !strings.HasPrefix(u.name, "refs/heads/") {
			continue
		}
		// The remote moved: so does what this store knows of it. The
		// push is done even if this fails; the next fetch repairs it.
		if err := r.refs.Set(ctx, trackingRef(rm.Name, u.name), u.new, opts.Author, "update by push"); err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("pushed, but %s could not follow: %v", trackingRef(rm.Name, u.name), err))
		}
	}
	return nil
}

// drops reports whether u drops versions from the remote ref's history
// (its old value is unknown here, or not in the new one's history).
func (r *Repo) drops(u refUpdate) bool {
	if u.old.IsZero() {
		return false
	}
	if have, err := r.objects.Has(u.old); err != nil || !have {
		return true
	}
	dropped, err := r.notAncestor(u.old, u.new)
	return err != nil || dropped
}

// pushError is the error of a push: err, else the first rejection.
func (r *Repo) pushError(rm Remote, res *PushResult, err error) error {
	if err != nil {
		return err
	}
	for _, ch := range res.Changes {
		if ch.Err != nil {
			return fmt.Errorf("push to %s: %w", rm.URL, ch.Err)
		}
	}
	return nil
}
