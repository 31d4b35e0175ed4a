package worktree

import (
	"context"
	"errors"
	"slices"

	"github.com/circuitvc/circuitvc/objects"
)

// undoRestore puts back what a failed restore changed, newest first:
// the current version, the working files (their earlier bytes are in the
// store: in the current version, or in the backup commit just written),
// then backup. It stops at the first step it cannot undo, since each
// earlier step is what keeps the later ones safe: backup holds the bytes
// of files not yet put back. With everything undone, the error is cause
// (nothing was changed); else a *PartialRestoreError says what is left.
func (r *Repo) undoRestore(ctx context.Context, job *restoreJob, rr *restoreRefs, res *RestoreResult, cause error) error {
	// Undo runs even when ctx was cancelled: it must not stop half way.
	ctx = context.WithoutCancel(ctx)
	partial := &PartialRestoreError{Err: cause}
	if rr.head != nil && rr.head.Moved() {
		if err := rr.head.Undo(ctx); err != nil {
			partial.Current, partial.UndoErr = job.commit, err
		}
	}
	if partial.UndoErr == nil {
		partial.UndoErr = r.unapply(ctx, job.work, res)
	}
	partial.Files = append(slices.Clone(res.Written), res.Removed...)
	backupMoved := rr.backup != nil && rr.backup.Moved()
	if backupMoved && partial.UndoErr == nil {
		partial.UndoErr = rr.backup.Undo(ctx)
		backupMoved = rr.backup.Moved()
	}
	if len(partial.Files) > 0 || backupMoved {
		partial.Previous = job.backup
		partial.InBackup = backupMoved || rr.backup == nil
	}
	if partial.UndoErr == nil {
		return cause
	}
	if partial.Current.IsZero() && len(partial.Files) == 0 && partial.Previous.IsZero() {
		return cause
	}
	return partial
}

// unapply puts back the working files a restore replaced or removed, as
// the working snapshot before it holds them, last changed first; res is
// left listing those still changed.
func (r *Repo) unapply(ctx context.Context, before Snapshot, res *RestoreResult) error {
	for len(res.Removed) > 0 {
		p := res.Removed[len(res.Removed)-1]
		if err := r.putBack(ctx, p, before); err != nil {
			return err
		}
		res.Removed = res.Removed[:len(res.Removed)-1]
	}
	for len(res.Written) > 0 {
		p := res.Written[len(res.Written)-1]
		if err := r.putBack(ctx, p, before); err != nil {
			return err
		}
		res.Written = res.Written[:len(res.Written)-1]
	}
	return nil
}

// putBack makes working file p as before holds it: its bytes and mode,
// or absent. A file found so already (its replacement failed before the
// rename) is left alone.
func (r *Repo) putBack(ctx context.Context, p string, before Snapshot) error {
	e, ok := before[p]
	if wf, err := r.statWork(ctx, p); err == nil && wf.Missing != ok && (!ok || sameFile(e, Entry{Mode: wf.Mode, Hash: wf.Hash})) {
		return nil
	}
	if !ok {
		return r.removeWork(p)
	}
	_, data, err := r.objects.Read(e.Hash)
	if err != nil {
		return err
	}
	return r.writeWork(ctx, p, data, e.Mode)
}

// PartialRestoreError reports a restore that failed after it had changed
// the working tree or a ref, and could not put everything back.
type PartialRestoreError struct {
	Files   []string     // working files left replaced or removed
	Current objects.Hash // the current version left at the restore's commit, or ZeroHash
	// Previous is a version holding the working files as they were
	// before the restore (their bytes are stored); InBackup says the
	// backup ref names it.
	Previous objects.Hash
	InBackup bool
	Err      error // why the restore failed
	UndoErr  error // why putting back failed
}

// ErrPartial is wrapped by *PartialRestoreError: a restore that failed
// and could not put back what it had changed.
var ErrPartial = errors.New("failed part way")

func (e *PartialRestoreError) Error() string {
	msg := ErrPartial.Error() + ": " + e.Err.Error() + "; putting things back failed too: " + e.UndoErr.Error()
	if len(e.Files) > 0 {
		msg += "; not put back: " + nameFiles(e.Files)
	}
	if !e.Current.IsZero() {
		msg += "; current is the restore's version " + short(e.Current)
	}
	switch {
	case e.Previous.IsZero():
	case e.InBackup:
		msg += "; backup (" + short(e.Previous) + ") holds the working files as they were before: 'circuitvc restore --to backup' brings them back"
	default:
		msg += "; version " + short(e.Previous) + " holds the working files as they were before: 'circuitvc restore --to " + short(e.Previous) + "' brings them back"
	}
	return msg
}

// Unwrap lets errors.Is find ErrPartial and the cause.
func (e *PartialRestoreError) Unwrap() []error { return []error{ErrPartial, e.Err} }
