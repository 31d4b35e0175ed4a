package worktree

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

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

// Restore makes the working files as they were at a revision (or only
// the named files). It is ordered so that everything that can fail comes
// before anything changes: the store lock is taken, every blob read, the
// locks of the current and backup refs taken and their values checked,
// and unsaved work (a backup commit of the working files) written and
// synced. Then backup moves (so that unsaved work is in a ref before any
// file is overwritten), each differing working file is replaced
// atomically while the commit recording the restore is written, and the
// current version moves once both are on disk (see carryOut).
//
// If any of that fails, what was done is put back — the current version,
// the working files, backup — and the error is the cause: nothing was
// changed. Only if putting back fails too is the error a
// *PartialRestoreError naming what is left changed.
func (r *Repo) Restore(ctx context.Context, opts RestoreOptions) (*RestoreResult, error) {
	release, err := r.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	defer r.saveStatCache()
	if err := r.refuseDuringMerge(); err != nil {
		return nil, err
	}
	job, err := r.planJob(ctx, opts)
	if err != nil {
		return nil, err
	}
	rr, err := r.prepareRefs(ctx, job, opts)
	if err != nil {
		return nil, err
	}
	defer rr.abort()
	// Unsaved work goes to the disk before anything changes. Without it
	// (a clean working tree), the batch holds only the version recording
	// the restore, which current needs and nothing else: carryOut writes
	// it while it replaces the working files, and moves current after.
	if job.backupObjs {
		if err := job.batch.write(r, "back up"); err != nil {
			return nil, err
		}
		job.batch = batch{}
	}
	res := &RestoreResult{Target: job.target, Backup: job.backup, Commit: job.commit}
	if err := r.carryOut(ctx, job, rr, res); err != nil {
		return nil, r.undoRestore(ctx, job, rr, res, err)
	}
	return res, nil
}

// restoreJob is a restore worked out in full before anything changes.
type restoreJob struct {
	target, head objects.Hash
	work         Snapshot // the working files before the restore
	plan         *restorePlan
	batch        batch
	backupObjs   bool         // the batch holds unsaved work (blobs, a backup commit)
	backup       objects.Hash // what backup will name; ZeroHash: leave it
	commit       objects.Hash // the commit recording the restore; ZeroHash: none
	msg          string
}

// planJob resolves the target, reads the working files and every blob
// the restore will write, and queues the objects to store.
func (r *Repo) planJob(ctx context.Context, opts RestoreOptions) (*restoreJob, error) {
	job := &restoreJob{}
	var err error
	if job.target, err = r.Resolve(opts.To); err != nil {
		return nil, err
	}
	targetSnap, err := r.snapshot(job.target)
	if err != nil {
		return nil, err
	}
	if job.head, err = r.Head(); err != nil {
		return nil, err
	}
	headSnap, err := r.snapshot(job.head)
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
	if job.work, err = r.workSnapshot(ctx, headSnap, want, &job.batch); err != nil {
		return nil, err
	}
	if job.plan, err = r.planRestore(job.work, want, headSnap, opts.Paths); err != nil {
		return nil, err
	}
	// The backup of the working files, only if files will change (a
	// no-op restore keeps the old backup), and the version recording the
	// restore.
	if job.plan.changes() && !(job.head.IsZero() && len(job.work) == 0) {
		job.backup = job.head
		if !job.work.Equal(headSnap) {
			msg := fmt.Sprintf("backup of unsaved work before restore to %s", opts.To)
			if job.backup, err = job.batch.addCommit(job.head, job.work, opts.Author, msg); err != nil {
				return nil, err
			}
		}
	}
	job.backupObjs = len(job.batch.objs) > 0
	job.msg = fmt.Sprintf("restore to %s (%s)", opts.To, short(job.target))
	if !want.Equal(headSnap) {
		if job.commit, err = job.batch.addCommit(job.head, want, opts.Author, job.msg); err != nil {
			return nil, err
		}
	}
	return job, nil
}

// restoreRefs are the ref updates of a restore, prepared (locked, their
// values checked) before anything changes; nil when a ref stays.
type restoreRefs struct {
	backup, head *refs.Pending
}

// prepareRefs takes the locks of the current version and of backup, for
// the updates the job makes.
func (r *Repo) prepareRefs(ctx context.Context, job *restoreJob, opts RestoreOptions) (*restoreRefs, error) {
	rr := &restoreRefs{}
	var err error
	if !job.commit.IsZero() {
		verb := "restore"
		if job.head.IsZero() {
			verb += " (initial)"
		}
		if rr.head, err = r.refs.Prepare(ctx, refs.HEAD, job.head, job.commit, opts.Author, verb+": "+job.msg); err != nil {
			return nil, err
		}
	}
	if !job.backup.IsZero() {
		old, err := r.refs.Read(refs.Backup)
		if err != nil && !errors.Is(err, refs.ErrNotFound) {
			rr.abort()
			return nil, err
		}
		if old != job.backup {
			rr.backup, err = r.refs.Prepare(ctx, refs.Backup, old, job.backup, opts.Author, "backup: before restore to "+opts.To)
			if err != nil {
				rr.abort()
				return nil, err
			}
		}
	}
	return rr, nil
}

// abort drops the updates not committed, releasing their locks.
func (rr *restoreRefs) abort() {
	for _, p := range []*refs.Pending{rr.backup, rr.head} {
		if p != nil {
			p.Abort()
		}
	}
}

// carryOut changes the working tree and the refs, in the order that
// loses nothing: backup, which holds the unsaved work, before any working
// file is overwritten, then the current version. When backup is to name
// the current version itself, the working files are already in history:
// backup then moves after them, at the same time as current, so that the
// two wait on the disk together. Objects still queued in job.batch (the
// version recording the restore) are written while the working files
// are, and are on disk before current names them.
func (r *Repo) carryOut(ctx context.Context, job *restoreJob, rr *restoreRefs, res *RestoreResult) error {
	early := rr.backup != nil && job.backup != job.head
	if early {
		if err := rr.backup.Commit(ctx); err != nil {
			return err
		}
	}
	written := make(chan error, 1)
	go func() { written <- job.batch.write(r, "record the restore") }()
	err := r.apply(ctx, job.plan, res)
	if werr := <-written; err == nil {
		err = werr
	}
	if err != nil {
		return err
	}
	late := []*refs.Pending{rr.head}
	if !early {
		late = append(late, rr.backup)
	}
	errs := make([]error, len(late))
	var wg sync.WaitGroup
	for i, p := range late {
		if p == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = p.Commit(ctx)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
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
	mode objects.FileMode
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

// apply carries out a plan, each file replaced atomically. A file is
// listed in res before it is touched: a write that fails may have
// replaced it all the same (only the directory fsync failed), and undo
// must look at it.
func (r *Repo) apply(ctx context.Context, plan *restorePlan, res *RestoreResult) error {
	for _, f := range plan.write {
		res.Written = append(res.Written, f.path)
		if err := r.writeWork(ctx, f.path, f.data, f.mode); err != nil {
			return err
		}
	}
	for _, p := range plan.remove {
		res.Removed = append(res.Removed, p)
		if err := r.removeWork(p); err != nil {
			return err
		}
	}
	return nil
}
