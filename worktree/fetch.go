package worktree

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// DefaultRemote is the remote fetch, push and pull use when none is named,
// and the one clone adds.
const DefaultRemote = "origin"

// Progress reports a transfer under way.
type Progress struct {
	Phase string // "receiving" or "sending"
	Bytes int64  // so far
	Start time.Time
}

// TransferOptions are what fetch, push, pull and clone share.
type TransferOptions struct {
	// Remote is the remote's name; "" means DefaultRemote.
	Remote string
	// Auth finds credentials for http(s) and ssh remotes.
	Auth Auth
	// Author signs the reflog entries (here, and in a local remote).
	Author objects.Signature
	// Progress, when set, is called as bytes go by.
	Progress func(Progress)
}

func (o TransferOptions) remote() string {
	if o.Remote == "" {
		return DefaultRemote
	}
	return o.Remote
}

// progress returns the byte counter for phase, or nil.
func (o TransferOptions) progress(phase string) func(int64) {
	if o.Progress == nil {
		return nil
	}
	start := time.Now()
	return func(n int64) { o.Progress(Progress{Phase: phase, Bytes: n, Start: start}) }
}

// RefChange is one ref a fetch or a push moved, or could not move.
type RefChange struct {
	Ref      string       // the ref moved: refs/remotes/origin/main, refs/tags/v1 (fetch); refs/heads/main (push)
	Old, New objects.Hash // Old is ZeroHash for a new ref
	Forced   bool         // not a fast-forward: versions were dropped from the ref's history
	Err      error        // why it was not moved; nil when it was
}

// FetchResult says what a fetch brought.
type FetchResult struct {
	Remote Remote
	Head   string // the branch the remote's HEAD names ("refs/heads/main"); "" when unknown or empty
	// Branches are the remote's branches (refs/heads/…), sorted.
	Branches []string
	Changes  []RefChange
	Objects  int   // objects received
	Bytes    int64 // bytes received
}

// Fetch brings the branches and tags of a remote into this store: its
// branches become remote-tracking refs (refs/remotes/NAME/BRANCH, moved
// even when not a fast-forward, as git's "+" refspec does), its tags
// become tags unless one of the same name already names another version.
// The pack is stored durably (objects.ReceivePack) and every version it
// brings is checked whole before any ref moves; refs move by
// compare-and-swap with reflogs. The working files and current are
// untouched (see Pull).
func (r *Repo) Fetch(ctx context.Context, opts TransferOptions) (*FetchResult, error) {
	rm, err := r.RemoteNamed(opts.remote())
	if err != nil {
		return nil, err
	}
	c, err := dial(ctx, r.fs, rm.URL, r.root, opts.Auth, opts.Author)
	if err != nil {
		return nil, err
	}
	defer c.close()
	return r.fetchFrom(ctx, c, rm, opts)
}

// trackingRef is the local name of a remote's ref: refs/remotes/NAME/X
// for its branch X, the same name for a tag.
func trackingRef(remote, name string) string {
	if b, ok := strings.CutPrefix(name, "refs/heads/"); ok {
		return RemoteRefPrefix + remote + "/" + b
	}
	return name
}

func (r *Repo) fetchFrom(ctx context.Context, c conn, rm Remote, opts TransferOptions) (*FetchResult, error) {
	adv, err := c.list(ctx)
	if err != nil {
		return nil, err
	}
	res := &FetchResult{Remote: rm, Head: adv.head}
	var todo []RefChange
	var want, present []objects.Hash
	for _, name := range slices.Sorted(maps.Keys(adv.refs)) {
		if strings.HasPrefix(name, "refs/heads/") {
			res.Branches = append(res.Branches, name)
		}
		ch := RefChange{Ref: trackingRef(rm.Name, name), New: adv.refs[name]}
		if ch.Old, err = r.readRef(ch.Ref); err != nil {
			return nil, err
		}
		if ch.Old == ch.New {
			continue
		}
		if strings.HasPrefix(name, refs.TagPrefix) && !ch.Old.IsZero() {
			ch.Err = fmt.Errorf("%w: tag %s already names %s here; the remote's is %s", ErrRejected,
				strings.TrimPrefix(name, refs.TagPrefix), short(ch.Old), short(ch.New))
			res.Changes = append(res.Changes, ch)
			continue
		}
		todo = append(todo, ch)
		if ok, err := r.objects.Has(ch.New); err != nil {
			return nil, err
		} else if !ok && !slices.Contains(want, ch.New) {
			want = append(want, ch.New)
		} else if ok && !slices.Contains(present, ch.New) {
			present = append(present, ch.New)
		}
	}
	have, err := r.refTips()
	if err != nil {
		return nil, err
	}
	// A version already here may lack its history: a fetch killed
	// between two of the packs a remote sends can store the tip before
	// the rest. As git's quickfetch does, check that it is whole, and
	// fetch it when it is not.
	if len(present) > 0 {
		if _, err := r.objects.Reachable(ctx, present, have); errors.Is(err, objects.ErrNotFound) {
			want = append(want, present...)
		} else if err != nil {
			return nil, err
		}
	}
	if len(want) > 0 {
		err := c.fetch(ctx, want, have, func(rd io.Reader) error {
			st, err := r.objects.ReceivePack(ctx, rd, opts.progress("receiving"))
			res.Objects += st.Objects
			res.Bytes += st.Bytes
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("fetch from %s: %w", rm.URL, err)
		}
		if _, err := r.objects.Reachable(ctx, want, have); err != nil {
			return nil, fmt.Errorf("fetch from %s: what arrived is incomplete, no ref was moved: %w", rm.URL, err)
		}
	}
	for _, ch := range todo {
		if !ch.Old.IsZero() {
			if ch.Forced, err = r.notAncestor(ch.Old, ch.New); err != nil {
				return nil, err
			}
		}
		how := "fast-forward"
		switch {
		case ch.Old.IsZero():
			how = "storing head"
		case ch.Forced:
			how = "forced-update"
		}
		ch.Err = r.refs.Update(ctx, ch.Ref, ch.Old, ch.New, opts.Author, "fetch "+rm.Name+": "+how)
		res.Changes = append(res.Changes, ch)
	}
	return res, nil
}

// readRef reads a ref, ZeroHash when it does not exist.
func (r *Repo) readRef(name string) (objects.Hash, error) {
	h, err := r.refs.Read(name)
	if errors.Is(err, refs.ErrNotFound) {
		return objects.ZeroHash, nil
	}
	return h, err
}

// refTips lists the versions the refs of this store name: what a fetch
// tells the remote this store has.
func (r *Repo) refTips() ([]objects.Hash, error) {
	all, err := r.refs.List("refs/")
	if err != nil {
		return nil, err
	}
	var out []objects.Hash
	for _, ref := range all {
		if !slices.Contains(out, ref.Hash) {
			out = append(out, ref.Hash)
		}
	}
	return out, nil
}

// notAncestor reports whether old is not in new's history: moving a ref
// from old to new would drop versions.
func (r *Repo) notAncestor(old, new objects.Hash) (bool, error) {
	found := false
	err := r.ancestors(new, func(h objects.Hash) bool {
		found = h == old
		return !found
	})
	return !found, err
}
