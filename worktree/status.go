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
	files, err := r.scanWork(ctx, headSnap, nil)
	defer r.saveStatCache()
	if err != nil {
		return nil, err
	}
	out := make([]FileStatus, 0, len(files))
	for _, wf := range files {
		if kind, tracked := kindOf(wf, headSnap); tracked {
			out = append(out, FileStatus{Path: wf.Path, Kind: kind})
		}
	}
	return out, nil
}

// Tracked lists the tracked files present in the working tree: those of
// the current version and those matching the patterns, without reading
// them.
func (r *Repo) Tracked() ([]string, error) {
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
	out := paths[:0]
	for _, p := range paths {
		if r.HasWorkFile(p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// scanWork stats every tracked file: those of the current version, those
// matching the patterns and extra. Missing files are included as Missing.
func (r *Repo) scanWork(ctx context.Context, head Snapshot, extra []string) ([]workFile, error) {
	paths, err := r.trackedPaths(head, extra)
	if err != nil {
		return nil, err
	}
	out := make([]workFile, 0, len(paths))
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		wf, err := r.statWork(ctx, p)
		if err != nil {
			return nil, err
		}
		out = append(out, wf)
	}
	return out, nil
}

// kindOf compares a working file with the current version; tracked is
// false for a file that is in neither.
func kindOf(wf workFile, head Snapshot) (kind ChangeKind, tracked bool) {
	old, inHead := head[wf.Path]
	switch {
	case wf.Missing && inHead:
		return Deleted, true
	case wf.Missing:
		return Unchanged, false
	case !inHead:
		return Added, true
	case !sameFile(old, Entry{Mode: wf.Mode, Hash: wf.Hash}):
		return Modified, true
	}
	return Unchanged, true
}
