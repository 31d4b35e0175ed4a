package worktree

import (
	"context"
)

// FileStatus is one tracked file compared with the current version.
type FileStatus struct {
	Path string
	Kind ChangeKind
	// From is the path in the current version of a Renamed file.
	From string
}

// Status compares every tracked working file with the current version:
// unchanged, modified, new (matches a pattern or named, never saved),
// deleted, or renamed (a deleted file and a new one with the same or
// similar content, see findRenames).
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
	var deleted []string
	var added []*workFile
	for i, wf := range files {
		kind, tracked := kindOf(wf, headSnap)
		if !tracked {
			continue
		}
		out = append(out, FileStatus{Path: wf.Path, Kind: kind})
		switch kind {
		case Deleted:
			deleted = append(deleted, wf.Path)
		case Added:
			added = append(added, &files[i])
		}
	}
	from, err := r.workRenames(ctx, headSnap, deleted, added)
	if err != nil {
		return nil, err
	}
	return applyRenames(out, from, func(f *FileStatus) string { return f.Path },
		func(f *FileStatus, old string) { f.Kind, f.From = Renamed, old }), nil
}

// workRenames pairs deleted files of head with added working files (see
// findRenames), reading the bytes of either only when their content must
// be compared. It returns the old path of each renamed file by new path.
func (r *Repo) workRenames(ctx context.Context, head Snapshot, deleted []string, added []*workFile) (map[string]string, error) {
	if len(deleted) == 0 || len(added) == 0 {
		return nil, nil
	}
	ds := make([]renameSide, 0, len(deleted))
	for _, p := range deleted {
		ds = append(ds, renameSide{Path: p, Entry: head[p], load: r.blobLoader(head[p].Hash)})
	}
	as := make([]renameSide, 0, len(added))
	for _, wf := range added {
		load := func() ([]byte, error) {
			err := r.loadWork(ctx, wf)
			return wf.Data, err
		}
		as = append(as, renameSide{Path: wf.Path, Entry: Entry{Mode: wf.Mode, Hash: wf.Hash}, load: load})
	}
	return findRenames(ds, as)
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
