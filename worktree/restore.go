package worktree

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// RestoreOptions say what to restore.
type RestoreOptions struct {
	// To is the revision to restore (see Resolve).
	To string
	// Paths limit the restore to these files (relative to the root);
	// empty means every file of the revision.
	Paths []string
	// Author signs the backup and restore commits.
	Author objects.Signature
}

// RestoreResult describes a restore that happened.
type RestoreResult struct {
	Target  objects.Hash
	Backup  objects.Hash // what backup now names; ZeroHash when nothing was saved or edited yet
	Commit  objects.Hash // the commit recording the restore; ZeroHash when history already matched
	Written []string     // working files replaced
	Removed []string     // working files deleted (saved, but absent from the target)
}

// Restore makes the working files as they were at a revision. First the
// working files as they are go to the backup ref (so `restore --to backup`
// undoes this), then each differing file is replaced atomically, then a
// commit records the restore. The whole command holds the store lock.
func (r *Repo) Restore(ctx context.Context, opts RestoreOptions) (*RestoreResult, error) {
	release, err := r.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer release()

	target, err := r.Resolve(opts.To)
	if err != nil {
		return nil, err
	}
	targetSnap, err := r.snapshot(target)
	if err != nil {
		return nil, err
	}
	head, err := r.Head()
	if err != nil {
		return nil, err
	}
	headSnap, err := r.snapshot(head)
	if err != nil {
		return nil, err
	}
	want, err := restoreSet(headSnap, targetSnap, opts)
	if err != nil {
		return nil, err
	}
	for p := range want { // refuse a hostile tree before touching anything
		if err := checkPath(p); err != nil {
			return nil, &PathError{Path: p, Rev: opts.To, Err: err}
		}
	}
	res := &RestoreResult{Target: target}
	var b batch
	work, err := r.workSnapshot(ctx, headSnap, want, &b)
	defer r.saveStatCache()
	if err != nil {
		return nil, err
	}
	plan, err := r.planRestore(work, want, headSnap, opts.Paths)
	if err != nil {
		return nil, err
	}
	// Every object first, in one batch: the backup of the working files
	// (only if files will change: a no-op restore keeps the old backup)
	// and the version recording the restore.
	backup := objects.ZeroHash
	if plan.changes() && !(head.IsZero() && len(work) == 0) {
		backup = head
		if !work.Equal(headSnap) {
			msg := fmt.Sprintf("backup of unsaved work before restore to %s", opts.To)
			if backup, err = b.addCommit(head, work, opts.Author, msg); err != nil {
				return nil, err
			}
		}
	}
	msg := fmt.Sprintf("restore to %s (%s)", opts.To, short(target))
	if !want.Equal(headSnap) {
		if res.Commit, err = b.addCommit(head, want, opts.Author, msg); err != nil {
			return nil, err
		}
	}
	if err := r.backUpAndApply(ctx, &b, backup, head, plan, res, opts); err != nil {
		return nil, err
	}
	if res.Commit.IsZero() {
		return res, nil
	}
	return res, r.moveHead(ctx, head, res.Commit, opts.Author, msg, "restore")
}

// restoreSet is the version a restore records: the target's files, or
// the current version with the named files taken from the target.
func restoreSet(head, target Snapshot, opts RestoreOptions) (Snapshot, error) {
	if len(opts.Paths) == 0 {
		return target, nil
	}
	want := make(Snapshot, len(head))
	for p, e := range head {
		want[p] = e
	}
	for _, p := range opts.Paths {
		e, ok := target[p]
		if !ok {
			return nil, &PathError{Path: p, Rev: opts.To, Err: ErrPathNotFound}
		}
		want[p] = e
	}
	return want, nil
}

// workSnapshot is the tracked working files, and those at the paths of
// want (which the restore may overwrite), as a snapshot; the bytes of
// those that differ from the current version are queued in b.
func (r *Repo) workSnapshot(ctx context.Context, head, want Snapshot, b *batch) (Snapshot, error) {
	files, err := r.scanWork(ctx, head, want.Paths())
	if err != nil {
		return nil, err
	}
	work := Snapshot{}
	for _, wf := range files {
		if wf.Missing {
			continue
		}
		if old, ok := head[wf.Path]; !ok || old.Hash != wf.Hash {
			if err := r.loadWork(ctx, &wf); err != nil {
				return nil, err
			}
			b.addBlob(wf.Path, wf.Data, wf.Hash)
		}
		work[wf.Path] = workEntry(wf, head)
	}
	return work, nil
}

// backUpAndApply stores the batch, moves backup and rewrites the working
// files. Unsaved work must be in backup before any file is overwritten;
// but when the working files equal the current version (backup is the
// current version, or there is nothing at all), they are already in
// history, so the files are written while the rest reaches the disk.
func (r *Repo) backUpAndApply(ctx context.Context, b *batch, backup, head objects.Hash, plan *restorePlan, res *RestoreResult, opts RestoreOptions) error {
	if backup != head && !backup.IsZero() {
		if err := r.storeAndBackUp(ctx, b, backup, head, opts); err != nil {
			return err
		}
		res.Backup = backup
		return r.apply(ctx, plan, res)
	}
	done := make(chan error, 1)
	go func() { done <- r.storeAndBackUp(ctx, b, backup, head, opts) }()
	aerr := r.apply(ctx, plan, res)
	if err := errors.Join(<-done, aerr); err != nil {
		return err
	}
	res.Backup = backup
	return nil
}

// storeAndBackUp writes the batch and points backup at its commit (none
// when backup is zero). When backup is the current version, which is
// already stored, the two wait on the disk at the same time.
func (r *Repo) storeAndBackUp(ctx context.Context, b *batch, backup, head objects.Hash, opts RestoreOptions) error {
	if backup.IsZero() {
		return b.write(r, "back up")
	}
	if backup != head {
		if err := b.write(r, "back up"); err != nil {
			return err
		}
		return r.setBackup(ctx, backup, opts)
	}
	done := make(chan error, 1)
	go func() { done <- r.setBackup(ctx, backup, opts) }()
	werr := b.write(r, "back up")
	return errors.Join(<-done, werr)
}

// setBackup points the backup ref at commit, keeping the earlier value
// in its reflog.
func (r *Repo) setBackup(ctx context.Context, commit objects.Hash, opts RestoreOptions) error {
	old, err := r.refs.Read(refs.Backup)
	if err != nil && !errors.Is(err, refs.ErrNotFound) {
		return err
	}
	if old == commit {
		return nil
	}
	return r.refs.Update(ctx, refs.Backup, old, commit, opts.Author, "backup: before restore to "+opts.To)
}

// restorePlan is what a restore will do to the working files, with the
// bytes already read: a damaged object fails the restore before any
// working file is touched.
type restorePlan struct {
	write  []plannedFile
	remove []string
}

// changes reports whether the plan touches any working file.
func (p *restorePlan) changes() bool { return len(p.write)+len(p.remove) > 0 }

type plannedFile struct {
	path string
	data []byte
	mode filemode.FileMode
}

// planRestore works out how to make the working files equal want: files
// whose content differs are rewritten; files saved in the current
// version but absent from want are removed. Files never saved are left
// alone. With named paths, only those files are looked at: every other
// working file keeps its bytes, saved or not.
func (r *Repo) planRestore(work, want, head Snapshot, named []string) (*restorePlan, error) {
	plan := &restorePlan{}
	paths := slices.Compact(slices.Sorted(slices.Values(named)))
	if len(named) == 0 {
		paths = want.Paths()
	}
	for _, p := range paths {
		e := want[p]
		if w, ok := work[p]; ok && sameFile(w, e) {
			continue
		}
		_, data, err := r.objects.Read(e.Hash)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		plan.write = append(plan.write, plannedFile{p, data, e.Mode})
	}
	if len(named) > 0 {
		return plan, nil
	}
	for _, p := range head.Paths() {
		if _, keep := want[p]; !keep {
			if _, exists := work[p]; exists {
				plan.remove = append(plan.remove, p)
			}
		}
	}
	return plan, nil
}

// apply carries out a plan, each file replaced atomically.
func (r *Repo) apply(ctx context.Context, plan *restorePlan, res *RestoreResult) error {
	for _, f := range plan.write {
		if err := r.writeWork(ctx, f.path, f.data, f.mode); err != nil {
			return err
		}
		res.Written = append(res.Written, f.path)
	}
	for _, p := range plan.remove {
		if err := r.removeWork(p); err != nil {
			return err
		}
		res.Removed = append(res.Removed, p)
	}
	return nil
}
