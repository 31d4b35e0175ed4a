package worktree

import (
	"context"
)

// FileStatus is one tracked file compared with the current version.
type FileStatus struct {
	Path string
	Kind ChangeKind
}

// Status compares every tracked working file with the current version:
// unchanged, modified, new (matches a pattern or named, never saved) or
// deleted.
func (r *Repo) Status(ctx context.Context) ([]FileStatus, error) {
	head, err := r.Head()
	if err != nil {
		return nil, err
	}
	headSnap, err := r.snapshot(head)
	if err != nil {
		return nil, err
	}
	paths, err := r.trackedPaths(headSnap, nil)
	if err != nil {
		return nil, err
	}
	defer r.saveStatCache()
	out := make([]FileStatus, 0, len(paths))
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		wf, err := r.statWork(ctx, p)
		if err != nil {
			return nil, err
		}
		old, inHead := headSnap[p]
		kind := Unchanged
		switch {
		case wf.Missing && inHead:
			kind = Deleted
		case wf.Missing:
			continue
		case !inHead:
			kind = Added
		case old.Mode != wf.Mode || old.Hash != wf.Hash:
			kind = Modified
		}
		out = append(out, FileStatus{Path: p, Kind: kind})
	}
	return out, nil
}
