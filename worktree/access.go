package worktree

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/circuitvc/circuitvc/objects"
)

// Snapshot reads the files of a commit.
func (r *Repo) Snapshot(commit objects.Hash) (Snapshot, error) { return r.snapshot(commit) }

// Commit reads one commit.
func (r *Repo) Commit(h objects.Hash) (*objects.Commit, error) { return r.objects.ReadCommit(h) }

// FileAt returns the bytes of path p at a commit; a missing file is a
// *PathError wrapping ErrPathNotFound. rev names the commit in messages.
func (r *Repo) FileAt(commit objects.Hash, rev, p string) ([]byte, error) {
	c, err := r.objects.ReadCommit(commit)
	if err != nil {
		return nil, err
	}
	e, err := r.lookup(c.Tree, p)
	if err != nil {
		return nil, err
	}
	if e.Hash.IsZero() {
		return nil, &PathError{Path: p, Rev: rev, Err: ErrPathNotFound}
	}
	_, data, err := r.objects.Read(e.Hash)
	if err != nil {
		return nil, fmt.Errorf("%s:%s: %w", rev, p, err)
	}
	return data, nil
}

// HasWorkFile reports whether the working file p exists.
func (r *Repo) HasWorkFile(p string) bool {
	_, err := r.fs.Lstat(r.abs(p))
	return err == nil
}

// FilePair is one file on both sides of a comparison.
type FilePair struct {
	// Path is the file's path on the new side (on the old side when it
	// was deleted).
	Path string
	// OldPath is the path on the old side of a renamed file, else "".
	OldPath          string
	Old, New         []byte
	OldMode, NewMode objects.FileMode
	// OldOK and NewOK say whether the file exists on each side.
	OldOK, NewOK bool
	// OldFiles and NewFiles are all the files of each side's version
	// (TreeFS, WorkFS), for a file that uses others (a KiCad schematic's
	// sub-sheets and root).
	OldFiles, NewFiles fs.FS
	// the blob ids of the sides, for rename detection
	oldHash, newHash objects.Hash
}

// PlainPair is the FilePair of two files outside any version, compared
// as one file at path: both sides exist, as regular files.
func PlainPair(path string, old, new []byte) FilePair {
	return FilePair{Path: path, Old: old, New: new, OldOK: true, NewOK: true,
		OldMode: objects.ModeRegular, NewMode: objects.ModeRegular}
}

// Renamed reports whether the pair is one file under two paths.
func (p FilePair) Renamed() bool { return p.OldPath != "" }

// Compare lists the files that differ between two commits, sorted by
// path. A ZeroHash new side means the working files. paths, when given,
// limit the result. A deleted file and an added one with the same or
// similar content are one renamed file (see findRenames).
func (r *Repo) Compare(ctx context.Context, oldC, newC objects.Hash, paths []string) ([]FilePair, error) {
	oldSnap, err := r.snapshot(oldC)
	if err != nil {
		return nil, err
	}
	var newSnap Snapshot
	var work map[string]*workFile // the working files, when they are the new side
	if newC.IsZero() {
		head, err := r.Head()
		if err != nil {
			return nil, err
		}
		headSnap, err := r.snapshot(head)
		if err != nil {
			return nil, err
		}
		defer r.saveStatCache()
		if newSnap, work, err = r.hashWork(ctx, headSnap, oldSnap); err != nil {
			return nil, err
		}
	} else if newSnap, err = r.snapshot(newC); err != nil {
		return nil, err
	}
	oldFiles, newFiles := r.snapshotFS(oldSnap), r.snapshotFS(newSnap)
	if work != nil {
		newFiles = r.WorkFS()
	}
	var out []FilePair
	for _, p := range unionPaths(oldSnap, newSnap, paths) {
		o, ook := oldSnap[p]
		n, nok := newSnap[p]
		if ook == nok && o == n {
			continue
		}
		fp := FilePair{Path: p, OldOK: ook, NewOK: nok, OldMode: o.Mode, NewMode: n.Mode, oldHash: o.Hash, newHash: n.Hash,
			OldFiles: oldFiles, NewFiles: newFiles}
		if ook {
			if _, fp.Old, err = r.objects.Read(o.Hash); err != nil {
				return nil, err
			}
		}
		if nok {
			if fp.New, err = r.readSide(ctx, work[p], n); err != nil {
				return nil, err
			}
		}
		out = append(out, fp)
	}
	return pairRenamed(out)
}

// pairRenamed merges each deleted and added pair that findRenames pairs
// into one renamed pair, at its new path.
func pairRenamed(pairs []FilePair) ([]FilePair, error) {
	var deleted, added []renameSide
	gone := map[string]FilePair{}
	for _, p := range pairs {
		switch {
		case !p.NewOK:
			deleted = append(deleted, renameSide{Path: p.Path, Entry: Entry{Mode: p.OldMode, Hash: p.oldHash}, load: constant(p.Old)})
			gone[p.Path] = p
		case !p.OldOK:
			added = append(added, renameSide{Path: p.Path, Entry: Entry{Mode: p.NewMode, Hash: p.newHash}, load: constant(p.New)})
		}
	}
	from, err := findRenames(deleted, added)
	if err != nil {
		return nil, err
	}
	return applyRenames(pairs, from, func(p *FilePair) string { return p.Path },
		func(p *FilePair, old string) {
			o := gone[old]
			p.OldPath, p.Old, p.OldMode, p.oldHash, p.OldOK = old, o.Old, o.OldMode, o.oldHash, true
		}), nil
}

func constant(data []byte) func() ([]byte, error) {
	return func() ([]byte, error) { return data, nil }
}

// readSide gives the new side's bytes: the working file's when wf is
// set (read once: statWork may have read it already), else the blob's.
func (r *Repo) readSide(ctx context.Context, wf *workFile, e Entry) ([]byte, error) {
	if wf != nil {
		err := r.loadWork(ctx, wf)
		return wf.Data, err
	}
	_, data, err := r.objects.Read(e.Hash)
	return data, err
}

// hashWork is the working state of the files tracked now or present in
// other, hashed but not stored, with the files found (some already read).
func (r *Repo) hashWork(ctx context.Context, head, other Snapshot) (Snapshot, map[string]*workFile, error) {
	files, err := r.scanWork(ctx, head, other.Paths())
	if err != nil {
		return nil, nil, err
	}
	snap, byPath := Snapshot{}, map[string]*workFile{}
	for i, wf := range files {
		if !wf.Missing {
			snap[wf.Path] = workEntry(wf, head)
			byPath[wf.Path] = &files[i]
		}
	}
	return snap, byPath, nil
}

func unionPaths(a, b Snapshot, only []string) []string {
	if len(only) > 0 {
		return only
	}
	seen := map[string]bool{}
	for p := range a {
		seen[p] = true
	}
	for p := range b {
		seen[p] = true
	}
	s := make(Snapshot, len(seen))
	for p := range seen {
		s[p] = Entry{}
	}
	return s.Paths()
}
