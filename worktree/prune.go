package worktree

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// DefaultPruneExpire is how long gc keeps unreachable objects by default:
// two weeks, git's gc.pruneExpire.
const DefaultPruneExpire = 14 * 24 * time.Hour

// PruneNever (circuitvc.pruneExpire never, gc --prune=never) keeps every
// unreachable object: gc then only packs the loose objects.
const PruneNever time.Duration = -1

// ParsePruneExpire reads circuitvc.pruneExpire and gc --prune: "now" (0),
// "never" (PruneNever), a duration (90m, 36h, 1d, 2w) or git's
// "N.unit.ago" ("2.weeks.ago", git's default, so that a config shared
// with git reads the same).
func ParsePruneExpire(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "now":
		return 0, nil
	case "never":
		return PruneNever, nil
	}
	if parts := strings.Split(s, "."); len(parts) == 3 && parts[2] == "ago" {
		n, err := strconv.ParseUint(parts[0], 10, 32)
		unit, ok := gitDateUnits[strings.TrimSuffix(parts[1], "s")]
		if err == nil && ok {
			return time.Duration(n) * unit, nil
		}
	} else if d, err := parseAge(s); err == nil {
		return d, nil
	}
	return 0, fmt.Errorf("%q is not an expiry (now, never, 2w, 36h, 2.weeks.ago)", s)
}

// gitDateUnits are the units of git's relative dates, as approxidate
// counts them.
var gitDateUnits = map[string]time.Duration{
	"second": time.Second, "minute": time.Minute, "hour": time.Hour,
	"day": 24 * time.Hour, "week": 7 * 24 * time.Hour,
	"month": 30 * 24 * time.Hour, "year": 365 * 24 * time.Hour,
}

// pruneCutoff turns an expiry into what objects.Pack needs: a copy
// modified before the returned time may go. The time is rounded down to
// the second, so that an object written in the second gc starts is kept
// even on a file system whose clock lags the process's.
func pruneCutoff(now time.Time, expire time.Duration) time.Time {
	return now.Add(-expire).Truncate(time.Second)
}

// reachable returns what gc keeps: keep, every object that the refs,
// HEAD, every reflog entry (old and new value) and a merge in progress
// reach, to be packed; and protect, what objects too young to drop
// (objects.Store.Retained) reach besides, to be left where they are (as
// git keeps what recent objects reference: packing them would make them
// young again). A missing or damaged object reachable from a ref is an
// error (nothing is then deleted); below a young object it is not, as it
// may be a concurrent git's half-written work.
func (r *Repo) reachable(ctx context.Context, cutoff time.Time) (keep, protect map[objects.Hash]bool, err error) {
	roots, err := r.pruneRoots()
	if err != nil {
		return nil, nil, err
	}
	w := &reachWalk{r: r, ctx: ctx, seen: map[objects.Hash]bool{}}
	for _, t := range roots {
		if err := w.walk(t.hash, t.where, true); err != nil {
			return nil, nil, err
		}
	}
	keep, w.seen = w.seen, map[objects.Hash]bool{}
	w.skip = keep
	young, err := r.objects.Retained(cutoff)
	if err != nil {
		return nil, nil, err
	}
	for _, h := range young {
		if err := w.walk(h, "", false); err != nil {
			return nil, nil, err
		}
	}
	return keep, w.seen, nil
}

// pruneRoots lists what gc keeps with everything it reaches. Unlike
// verify's tips it fails on a ref it cannot read: what that ref names
// cannot be known, so nothing may be deleted.
func (r *Repo) pruneRoots() ([]tip, error) {
	var roots []tip
	add := func(h objects.Hash, where string) {
		if !h.IsZero() {
			roots = append(roots, tip{h, where})
		}
	}
	if h, err := r.refs.Read(refs.HEAD); err == nil {
		add(h, "HEAD")
	} else if !errors.Is(err, refs.ErrNotFound) {
		return nil, err
	}
	list, err := r.refs.List("refs/")
	if err != nil {
		return nil, err
	}
	for _, ref := range list {
		add(ref.Hash, ref.Name)
	}
	for _, name := range append([]string{refs.HEAD}, refNames(list)...) {
		log, err := r.refs.Reflog(name)
		if err != nil {
			return nil, err
		}
		for i, e := range log {
			where := fmt.Sprintf("%s@{%d}", name, i)
			add(e.New, where)
			add(e.Old, where)
		}
	}
	st, err := r.readMergeState()
	if err != nil {
		return nil, err
	}
	if st != nil {
		for _, v := range []string{st.Theirs, st.Head, st.Backup} {
			if h, err := objects.ParseHash(v); err == nil {
				add(h, "the merge in progress")
			}
		}
	}
	return roots, nil
}

// reachWalk marks objects reachable from roots, depth first with an
// explicit stack (a history of thousands of snapshots is one long chain).
type reachWalk struct {
	r    *Repo
	ctx  context.Context
	seen map[objects.Hash]bool
	skip map[objects.Hash]bool // seen by an earlier walk
}

type reachItem struct {
	h    objects.Hash
	blob bool // known to be a blob: only its presence matters
}

func (w *reachWalk) walk(root objects.Hash, where string, required bool) error {
	stack := []reachItem{{h: root}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if w.seen[it.h] || w.skip[it.h] {
			continue
		}
		if err := w.ctx.Err(); err != nil {
			return err
		}
		next, err := w.children(it)
		if err != nil {
			if !required {
				continue
			}
			return fmt.Errorf("object %s reachable from %s: %w", it.h, where, err)
		}
		w.seen[it.h] = true
		stack = append(stack, next...)
	}
	return nil
}

// children returns what object it.h points to.
func (w *reachWalk) children(it reachItem) ([]reachItem, error) {
	if it.blob {
		ok, err := w.r.objects.Has(it.h)
		if err == nil && !ok {
			err = objects.ErrNotFound
		}
		return nil, err
	}
	t, data, err := w.r.objects.Read(it.h)
	if err != nil {
		return nil, err
	}
	switch t {
	case objects.CommitObject:
		c, err := objects.DecodeCommit(data)
		if err != nil {
			return nil, err
		}
		out := []reachItem{{h: c.Tree}}
		for _, p := range c.Parents {
			out = append(out, reachItem{h: p})
		}
		return out, nil
	case objects.TreeObject:
		tr, err := objects.DecodeTree(data)
		if err != nil {
			return nil, err
		}
		var out []reachItem
		for _, e := range tr.Entries {
			switch e.Mode {
			case objects.ModeSubmodule: // another repository's commit
			case objects.ModeDir:
				out = append(out, reachItem{h: e.Hash})
			default:
				out = append(out, reachItem{h: e.Hash, blob: true})
			}
		}
		return out, nil
	case objects.TagObject:
		h, err := tagTarget(data)
		return []reachItem{{h: h}}, err
	}
	return nil, nil
}

// tagTarget is the object an annotated tag names (its first header line).
func tagTarget(data []byte) (objects.Hash, error) {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	hex, ok := bytes.CutPrefix(line, []byte("object "))
	if !ok {
		return objects.ZeroHash, fmt.Errorf("tag without an object line: %w", objects.ErrCorrupt)
	}
	return objects.ParseHash(string(hex))
}
