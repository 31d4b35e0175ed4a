package objects

import (
	"bytes"
	"context"
	"fmt"
)

// Reachable lists the objects reachable from want (commits, annotated
// tags, and the trees and blobs of their versions) that are not
// reachable from have: what a fetch or a push must carry, as
// `git rev-list --objects want --not have` computes it. Names in have
// that the store lacks are ignored (the other side may know versions
// this one does not); a missing object reachable from want is an error
// wrapping ErrNotFound. Objects come in the order found: every commit
// before its parents, every tree before its entries.
//
// As git does, only the trees of the have-commits at the boundary of
// the walk are excluded object by object, which keeps the cost
// proportional to what is sent, not to the whole history.
func (s *Store) Reachable(ctx context.Context, want, have []Hash) ([]Hash, error) {
	w := &reachWalk{s: s, ctx: ctx, old: map[Hash]bool{}, seen: map[Hash]bool{}}
	boundary, err := w.markOld(have)
	if err != nil {
		return nil, err
	}
	var commits []Hash
	if err := w.commits(want, &commits); err != nil {
		return nil, err
	}
	for _, c := range boundary {
		if err := w.tree(c, true); err != nil {
			return nil, err
		}
	}
	for _, c := range commits {
		if err := w.tree(w.trees[c], false); err != nil {
			return nil, err
		}
	}
	return w.out, nil
}

type reachWalk struct {
	s     *Store
	ctx   context.Context
	old   map[Hash]bool // commits and tree objects the other side has
	seen  map[Hash]bool // objects already listed
	trees map[Hash]Hash // commit → its tree, for the commits to send
	out   []Hash
}

// markOld marks every commit reachable from have as old and returns the
// trees of the have tips, whose contents are then old too.
func (w *reachWalk) markOld(have []Hash) ([]Hash, error) {
	var trees []Hash
	stack := []Hash{}
	for _, h := range have {
		if ok, err := w.s.Has(h); err != nil {
			return nil, err
		} else if ok {
			stack = append(stack, h)
		}
	}
	for _, h := range stack {
		if c, err := w.peelCommit(h); err == nil && c != nil {
			trees = append(trees, c.Tree)
		}
	}
	for len(stack) > 0 {
		if err := w.ctx.Err(); err != nil {
			return nil, err
		}
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if w.old[h] {
			continue
		}
		w.old[h] = true
		c, err := w.peelCommit(h)
		if err != nil || c == nil {
			continue // a have that is not a commit, or an unreadable one, excludes only itself
		}
		stack = append(stack, c.Parents...)
	}
	return trees, nil
}

// peelCommit reads h as a commit, following annotated tags; nil when h
// is some other object.
func (w *reachWalk) peelCommit(h Hash) (*Commit, error) {
	for range 10 {
		t, data, err := w.s.Read(h)
		if err != nil {
			return nil, err
		}
		switch t {
		case CommitObject:
			return DecodeCommit(data)
		case TagObject:
			if h, err = tagTarget(data); err != nil {
				return nil, err
			}
		default:
			return nil, nil
		}
	}
	return nil, fmt.Errorf("objects: %s: tag chain too long", h)
}

// tagTarget is the object an annotated tag names.
func tagTarget(data []byte) (Hash, error) {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	hex, ok := bytes.CutPrefix(line, []byte("object "))
	if !ok {
		return ZeroHash, fmt.Errorf("objects: tag without an object line")
	}
	return parseHex(hex)
}

// commits lists the new commits and tags reachable from want.
func (w *reachWalk) commits(want []Hash, out *[]Hash) error {
	w.trees = map[Hash]Hash{}
	stack := append([]Hash(nil), want...)
	for len(stack) > 0 {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if w.old[h] || w.seen[h] {
			continue
		}
		t, data, err := w.s.Read(h)
		if err != nil {
			return fmt.Errorf("objects: walk from %s: %w", h, err)
		}
		if t == TreeObject {
			if err := w.tree(h, false); err != nil {
				return err
			}
			continue
		}
		w.mark(h, false)
		switch t {
		case TagObject:
			target, err := tagTarget(data)
			if err != nil {
				return fmt.Errorf("objects: tag %s: %w", h, err)
			}
			stack = append(stack, target)
		case CommitObject:
			c, err := DecodeCommit(data)
			if err != nil {
				return fmt.Errorf("objects: commit %s: %w", h, err)
			}
			w.trees[h] = c.Tree
			*out = append(*out, h)
			stack = append(stack, c.Parents...)
		}
	}
	return nil
}

// tree lists tree h and what it holds, skipping what is old or listed;
// with old set it marks them old instead.
func (w *reachWalk) tree(h Hash, old bool) error {
	if w.old[h] || (!old && w.seen[h]) {
		return nil
	}
	if err := w.ctx.Err(); err != nil {
		return err
	}
	t, err := w.s.ReadTree(h)
	if err != nil {
		if old {
			return nil // the other side's tree, which this store need not hold whole
		}
		return fmt.Errorf("objects: walk: tree %s: %w", h, err)
	}
	w.mark(h, old)
	for _, e := range t.Entries {
		switch {
		case e.Mode == ModeSubmodule:
		case e.Mode == ModeDir:
			if err := w.tree(e.Hash, old); err != nil {
				return err
			}
		case w.old[e.Hash] || w.seen[e.Hash]:
		case old:
			w.old[e.Hash] = true
		default:
			ok, err := w.s.Has(e.Hash)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("objects: walk: blob %s in tree %s: %w", e.Hash, h, notFound(e.Hash))
			}
			w.mark(e.Hash, false)
		}
	}
	return nil
}

func (w *reachWalk) mark(h Hash, old bool) {
	if old {
		w.old[h] = true
		return
	}
	w.seen[h] = true
	w.out = append(w.out, h)
}
