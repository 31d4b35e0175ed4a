package worktree

import (
	"context"
	"errors"
	"fmt"

	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// Problem is one thing verify found wrong.
type Problem struct {
	// Where names the object file, ref or reflog.
	Where string
	Hash  objects.Hash
	Err   error
	// Warning marks something that blocks no read and damages nothing,
	// such as a ref lock file left by a crash: it stops writers (as in
	// git) until removed, so verify names it, but the store is sound.
	Warning bool
}

func (p Problem) String() string {
	if p.Where == "" {
		return p.Err.Error()
	}
	if p.Hash.IsZero() {
		return fmt.Sprintf("%s: %v", p.Where, p.Err)
	}
	return fmt.Sprintf("%s (%s): %v", p.Where, p.Hash, p.Err)
}

// VerifyStats counts what verify looked at.
type VerifyStats struct {
	Objects   int // objects whose hash, compression and syntax were checked
	Refs      int
	Reachable int // objects reached from refs and reflogs
}

// Verify checks every object (hash, zlib, size, syntax), every ref and
// reflog, and that everything reachable from them exists. Each problem
// goes to report; the error is only for failures to look at all.
func (r *Repo) Verify(ctx context.Context, report func(Problem)) (VerifyStats, error) {
	var st VerifyStats
	ost, err := r.objects.Verify(ctx, func(p objects.Problem) {
		report(Problem{Where: p.Path, Hash: p.Hash, Err: p.Err})
	})
	if err != nil {
		return st, err
	}
	st.Objects = ost.Objects()
	rst, err := r.refs.Check(func(err error) {
		report(Problem{Err: err, Warning: errors.Is(err, refs.ErrLocked)})
	})
	if err != nil {
		return st, err
	}
	st.Refs = rst.Refs
	tips := r.tips()
	w := walker{r: r, seen: map[objects.Hash]bool{}, report: report}
	for _, t := range tips {
		// An annotated tag names a tag object; on failure peel returns
		// the object at fault, which the walk then reports.
		h, _ := r.peel(t.hash)
		if err := w.commit(ctx, h, t.where); err != nil {
			return st, err
		}
	}
	st.Reachable = len(w.seen)
	return st, nil
}

type tip struct {
	hash  objects.Hash
	where string
}

// tips lists the commits named by HEAD, every ref and every reflog
// entry: where the connectivity walk starts. Damaged refs were reported
// by refs.Check already.
func (r *Repo) tips() []tip {
	var tips []tip
	if h, err := r.refs.Read(refs.HEAD); err == nil {
		tips = append(tips, tip{h, "HEAD"})
	}
	list, _ := r.refs.List("refs/") // damaged refs were reported by refs.Check
	for _, ref := range list {
		tips = append(tips, tip{ref.Hash, ref.Name})
	}
	for _, name := range append([]string{refs.HEAD}, refNames(list)...) {
		log, err := r.refs.Reflog(name)
		if err != nil {
			continue // reported by refs.Check
		}
		for i, e := range log {
			if !e.New.IsZero() {
				tips = append(tips, tip{e.New, fmt.Sprintf("%s@{%d}", name, i)})
			}
		}
	}
	return tips
}

func refNames(list []refs.Ref) []string {
	out := make([]string, len(list))
	for i, r := range list {
		out[i] = r.Name
	}
	return out
}

// walker checks connectivity: every commit, tree and blob reachable from
// the tips exists and parses.
type walker struct {
	r      *Repo
	seen   map[objects.Hash]bool
	report func(Problem)
}

func (w *walker) commit(ctx context.Context, h objects.Hash, from string) error {
	for !h.IsZero() && !w.seen[h] {
		if err := ctx.Err(); err != nil {
			return err
		}
		w.seen[h] = true
		c, err := w.r.objects.ReadCommit(h)
		if err != nil {
			w.report(Problem{Where: "commit reachable from " + from, Hash: h, Err: err})
			return nil
		}
		w.tree(c.Tree, from)
		if len(c.Parents) == 0 {
			return nil
		}
		for _, p := range c.Parents[1:] {
			if err := w.commit(ctx, p, from); err != nil {
				return err
			}
		}
		h = c.Parents[0]
	}
	return nil
}

func (w *walker) tree(h objects.Hash, from string) {
	if w.seen[h] {
		return
	}
	w.seen[h] = true
	t, err := w.r.objects.ReadTree(h)
	if err != nil {
		w.report(Problem{Where: "tree reachable from " + from, Hash: h, Err: err})
		return
	}
	for _, e := range t.Entries {
		switch e.Mode {
		case objects.ModeDir:
			w.tree(e.Hash, from)
		case objects.ModeSubmodule:
		default:
			if w.seen[e.Hash] {
				continue
			}
			w.seen[e.Hash] = true
			if ok, err := w.r.objects.Has(e.Hash); err != nil || !ok {
				if err == nil {
					err = objects.ErrNotFound
				}
				w.report(Problem{Where: "blob " + e.Name + " reachable from " + from, Hash: e.Hash, Err: err})
			}
		}
	}
}
