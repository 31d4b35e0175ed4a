package worktree

import (
	"container/heap"
	"context"
	"errors"
	"path"
	"strings"

	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// LogEntry is one version in history.
type LogEntry struct {
	Hash   objects.Hash
	Commit *objects.Commit
}

// LogOptions select the history to walk.
type LogOptions struct {
	// From is the newest commit; ZeroHash means HEAD.
	From objects.Hash
	// Path, when set, keeps only versions that changed that file.
	Path string
	// Max stops after this many entries (0: no limit).
	Max int
}

// Log calls fn for each version, newest first (by committer date, as
// git log does), until history ends, Max is reached or fn fails.
func (r *Repo) Log(ctx context.Context, opts LogOptions, fn func(LogEntry) error) error {
	from := opts.From
	if from.IsZero() {
		h, err := r.Head()
		if err != nil || h.IsZero() {
			return err
		}
		from = h
	}
	// The commits come from the commit cache (see objects.CommitCache):
	// one file read instead of one object per commit. Saving what it
	// learnt is best effort: log must work on a store it cannot write.
	cc := r.objects.OpenCommitCache()
	defer func() { _ = cc.Close() }()
	q := &commitQueue{}
	seen := map[objects.Hash]bool{from: true}
	c, err := cc.ReadCommit(from)
	if err != nil {
		return err
	}
	heap.Push(q, LogEntry{Hash: from, Commit: c})
	for n := 0; q.Len() > 0 && (opts.Max <= 0 || n < opts.Max); {
		if err := ctx.Err(); err != nil {
			return err
		}
		e := heap.Pop(q).(LogEntry)
		for _, p := range e.Commit.Parents {
			if seen[p] {
				continue
			}
			seen[p] = true
			pc, err := cc.ReadCommit(p)
			if err != nil {
				return err
			}
			heap.Push(q, LogEntry{Hash: p, Commit: pc})
		}
		if opts.Path != "" {
			changed, err := r.changedPath(cc, e.Commit, opts.Path)
			if err != nil {
				return err
			}
			if !changed {
				continue
			}
		}
		if err := fn(e); err != nil {
			return err
		}
		n++
	}
	return nil
}

// changedPath reports whether a commit changed p against its first parent.
func (r *Repo) changedPath(cc *objects.CommitCache, c *objects.Commit, p string) (bool, error) {
	now, err := r.lookup(c.Tree, p)
	if err != nil {
		return false, err
	}
	var before Entry
	if len(c.Parents) > 0 {
		pc, err := cc.ReadCommit(c.Parents[0])
		if err != nil {
			return false, err
		}
		if before, err = r.lookup(pc.Tree, p); err != nil {
			return false, err
		}
	}
	return now != before, nil
}

// lookup finds one path in a tree without reading the rest; a missing
// path gives the zero Entry.
func (r *Repo) lookup(tree objects.Hash, p string) (Entry, error) {
	parts := strings.Split(path.Clean(p), "/")
	for i, name := range parts {
		t, err := r.objects.ReadTree(tree)
		if err != nil {
			return Entry{}, err
		}
		var found *objects.TreeEntry
		for j := range t.Entries {
			if t.Entries[j].Name == name {
				found = &t.Entries[j]
				break
			}
		}
		switch {
		case found == nil:
			return Entry{}, nil
		case i == len(parts)-1:
			if found.Mode == objects.ModeDir {
				return Entry{}, nil
			}
			return Entry{Mode: found.Mode, Hash: found.Hash}, nil
		case found.Mode != objects.ModeDir:
			return Entry{}, nil
		}
		tree = found.Hash
	}
	return Entry{}, nil
}

// commitQueue orders commits newest first by committer time.
type commitQueue []LogEntry

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	return q[i].Commit.Committer.When.After(q[j].Commit.Committer.When)
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(LogEntry)) }
func (q *commitQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// Decorations names the versions that refs point at, as git log
// --decorate does: "current", "backup", "autosave" and "tag: NAME", in
// that order.
// A ref that does not exist names nothing; one that cannot be read is an
// error.
func (r *Repo) Decorations() (map[Hash][]string, error) {
	out := map[Hash][]string{}
	for _, ref := range []struct{ name, label string }{{refs.HEAD, "current"}, {refs.Backup, "backup"}, {AutosaveRef, "autosave"}} {
		h, err := r.refs.Read(ref.name)
		if errors.Is(err, refs.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[h] = append(out[h], ref.label)
	}
	tags, err := r.Tags()
	if err != nil {
		return nil, err
	}
	for _, t := range tags {
		out[t.Commit] = append(out[t.Commit], "tag: "+t.Name)
	}
	tracking, err := r.refs.List(RemoteRefPrefix)
	if err != nil {
		return nil, err
	}
	for _, t := range tracking {
		if !strings.HasSuffix(t.Name, "/HEAD") {
			out[t.Hash] = append(out[t.Hash], strings.TrimPrefix(t.Name, RemoteRefPrefix))
		}
	}
	return out, nil
}
