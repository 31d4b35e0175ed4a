package refs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
)

// lockFile is a held Git lock file: <path>.lock, created with O_EXCL so
// that it excludes every other circuitvc and git writer of <path>. It is
// the PendingFile whose commit renames it over <path>.
type lockFile struct {
	retry  fsx.RetryPolicy
	target string // the file the lock will replace
	path   string // target + ".lock"
	pf     *fsx.PendingFile
}

// acquireLock creates target.lock, waiting while another writer holds it
// (fsx.Poll), up to timeout; then it fails with a *LockedError naming
// ref. Missing parent directories are made; transient errors are retried
// by policy retry.
func acquireLock(ctx context.Context, fsys fsx.FS, retry fsx.RetryPolicy, ref, target string, timeout time.Duration) (*lockFile, error) {
	lockPath := target + ".lock"
	if err := fsx.MkdirAll(fsys, filepath.Dir(target), 0o755); err != nil {
		return nil, fmt.Errorf("refs: %s: %w", ref, err)
	}
	var pf *fsx.PendingFile
	var createErr error
	ok, waited, err := fsx.Poll(ctx, timeout, func() (bool, error) {
		err := fsx.Retry(ctx, retry, func() (err error) {
			pf, err = fsx.NewPendingFileAt(fsys, lockPath, 0o644)
			return err
		})
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		if err != nil {
			createErr = fmt.Errorf("refs: %s: create lock: %w", ref, err)
			return false, createErr
		}
		return true, nil
	})
	switch {
	case ok:
		return &lockFile{retry: retry, target: target, path: lockPath, pf: pf}, nil
	case createErr != nil:
		return nil, createErr
	case err != nil:
		return nil, fmt.Errorf("refs: %s: waiting for %s: %w", ref, lockPath, err)
	}
	return nil, &LockedError{Ref: ref, Path: lockPath, Waited: waited.Round(time.Millisecond)}
}

// put writes data to the lock file, leaving it open and unsynced: the
// caller fsyncs it together with the reflogs (appendReflogs).
func (l *lockFile) put(data []byte) error {
	_, err := l.pf.Write(data)
	return err
}

// write puts data in the lock file and fsyncs and closes it.
func (l *lockFile) write(data []byte) error {
	if err := l.put(data); err != nil {
		return err
	}
	return l.pf.Close()
}

// commit renames the lock over its target and fsyncs the directory, so
// that the new value survives a power cut. committed tells whether the
// rename happened when it fails.
func (l *lockFile) commit(ctx context.Context) error {
	return fsx.Retry(ctx, l.retry, func() error { return l.pf.CommitRename(l.target) })
}

// committed reports whether commit renamed the lock over its target.
func (l *lockFile) committed() bool { return l.pf.Committed() }

// unlock removes the lock without committing it, reporting failure: a
// lock left behind would block every later update.
func (l *lockFile) unlock(ctx context.Context) error {
	if err := fsx.Retry(ctx, l.retry, l.pf.Cleanup); err != nil {
		return fmt.Errorf("could not remove lock file %s; remove it by hand: %w", l.path, err)
	}
	return nil
}

// release removes the lock unless it was committed or unlocked; it is
// safe to defer.
func (l *lockFile) release() { _ = l.pf.Cleanup() }
