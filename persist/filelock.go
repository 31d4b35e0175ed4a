package persist

import (
	"context"
	"errors"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
)

// lockSuffix names the lock file beside the file it guards.
const lockSuffix = ".lock"

// WithFileLock runs fn while holding an exclusive lock on name, waiting
// up to timeout for another holder to let go; then it returns a
// *FileLockedError without running fn. The lock is an OS advisory lock
// (flock(2), LockFileEx on Windows, through gofrs/flock) on name+".lock",
// so it excludes other processes and other goroutines alike, and the OS
// drops it when its holder dies: a crash never leaves a stale lock. The
// lock file itself is left in place, since removing it would let a
// waiter lock a file that is no longer the one others open.
//
// The lock only excludes code that also takes it; it does not stop plain
// reads or writes of name. fn's own error is returned unchanged. When ctx
// ends during the wait, its error is returned (wrapped, with
// ErrPersistence) and fn does not run.
func WithFileLock(ctx context.Context, name string, timeout time.Duration, fn func() error) error {
	return withLock(ctx, fsx.OS(), name, timeout, fn)
}

// WithFileLock is the package-level WithFileLock on p's file system.
func (p *Store) WithFileLock(ctx context.Context, name string, timeout time.Duration, fn func() error) error {
	return withLock(ctx, p.fsys, name, timeout, fn)
}

func withLock(ctx context.Context, fsys fsx.FS, name string, timeout time.Duration, fn func() error) (err error) {
	lockPath := name + lockSuffix
	release, err := fsx.Lock(ctx, fsys, lockPath, timeout)
	if errors.Is(err, fsx.ErrLocked) {
		return &FileLockedError{Path: name, LockPath: lockPath, Timeout: timeout, Err: err}
	}
	if err != nil {
		return &fileError{op: "lock", path: name, err: err}
	}
	defer func() {
		if rerr := release(); rerr != nil && err == nil {
			err = &fileError{op: "unlock", path: name, err: rerr}
		}
	}()
	return fn()
}
