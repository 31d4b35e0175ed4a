package refs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/circuitvc/circuitvc/internal/fsx"
)

// lockFile is a held Git lock file: <path>.lock, created with O_EXCL so
// that it excludes every other circuitvc and git writer of <path>.
type lockFile struct {
	fsys   fsx.FS
	retry  fsx.RetryPolicy
	target string // the file the lock will replace
	path   string // target + ".lock"
	f      fsx.File
}

// acquireLock creates target.lock, waiting with backoff while another
// writer holds it, up to timeout; then it fails with a *LockedError naming
// ref. Missing parent directories are made; transient errors are retried
// by policy retry.
func acquireLock(ctx context.Context, fsys fsx.FS, retry fsx.RetryPolicy, ref, target string, timeout time.Duration) (*lockFile, error) {
	lockPath := target + ".lock"
	if err := fsx.MkdirAll(fsys, filepath.Dir(target), 0o755); err != nil {
		return nil, fmt.Errorf("refs: %s: %w", ref, err)
	}
	start := time.Now()
	deadline := start.Add(timeout)
	wait := time.Millisecond
	for {
		var f fsx.File
		err := fsx.Retry(ctx, retry, func() (err error) {
			f, err = fsys.OpenFile(lockPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			return err
		})
		if err == nil {
			return &lockFile{fsys: fsys, retry: retry, target: target, path: lockPath, f: f}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("refs: %s: create lock: %w", ref, err)
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, &LockedError{Ref: ref, Path: lockPath, Waited: time.Since(start).Round(time.Millisecond)}
		}
		// Jitter spreads out writers that started waiting together.
		if err := fsx.Sleep(ctx, min(wait+rand.N(wait/2+1), left)); err != nil {
			return nil, fmt.Errorf("refs: %s: waiting for %s: %w", ref, lockPath, err)
		}
		wait = min(2*wait, 100*time.Millisecond)
	}
}

// put writes data to the lock file, leaving it open and unsynced: the
// caller syncs it together with the reflogs (appendReflogs).
func (l *lockFile) put(data []byte) error {
	if _, err := l.f.Write(data); err != nil {
		_ = l.f.Close()
		l.f = nil
		return err
	}
	return nil
}

// write puts data in the lock file and fsyncs and closes it.
func (l *lockFile) write(data []byte) error {
	f := l.f
	l.f = nil
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// commit renames the lock over its target and fsyncs the directory, so
// that the new value survives a power cut.
func (l *lockFile) commit(ctx context.Context) error {
	err := fsx.Retry(ctx, l.retry, func() error { return l.fsys.Rename(l.path, l.target) })
	if err != nil {
		return err
	}
	l.path = ""
	return l.fsys.SyncDir(filepath.Dir(l.target))
}

// unlock removes the lock without committing it, reporting failure: a
// lock left behind would block every later update.
func (l *lockFile) unlock(ctx context.Context) error {
	if l.f != nil {
		_ = l.f.Close()
		l.f = nil
	}
	p := l.path
	l.path = ""
	if err := fsx.Retry(ctx, l.retry, func() error { return l.fsys.Remove(p) }); err != nil {
		return fmt.Errorf("could not remove lock file %s; remove it by hand: %w", p, err)
	}
	return nil
}

// release removes the lock unless it was committed or unlocked; it is
// safe to defer.
func (l *lockFile) release() {
	if l.f != nil {
		_ = l.f.Close()
		l.f = nil
	}
	if l.path != "" {
		_ = l.fsys.Remove(l.path)
		l.path = ""
	}
}
