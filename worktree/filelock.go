package worktree

import (
	"context"
	"errors"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
)

// flockSuffix names the lock file beside the file it guards.
const flockSuffix = ".lock"

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
// reads or writes of name. fn's own error is returned unchanged.
func WithFileLock(name string, timeout time.Duration, fn func() error) error {
	return flockRun(fsx.OS(), name, timeout, fn)
}

// WithFileLock is the package-level WithFileLock on p's file system.
func (p *Persistence) WithFileLock(name string, timeout time.Duration, fn func() error) error {
	return flockRun(p.fsys, name, timeout, fn)
}

func flockRun(fsys fsx.FS, name string, timeout time.Duration, fn func() error) (err error) {
	lockPath := name + flockSuffix
	release, err := fsx.Lock(context.Background(), fsys, lockPath, timeout)
	if errors.Is(err, fsx.ErrLocked) {
		return &FileLockedError{Path: name, LockPath: lockPath, Timeout: timeout, Err: err}
	}
	if err != nil {
		return &persistError{op: "lock", path: name, err: err}
	}
	defer func() {
		if rerr := release(); rerr != nil && err == nil {
			err = &persistError{op: "unlock", path: name, err: rerr}
		}
	}()
	return fn()
}
