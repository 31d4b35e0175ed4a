package fsx

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"time"
)

// RetryPolicy says how often and how patiently to retry transient errors.
type RetryPolicy struct {
	// MaxRetries is how many times a failed call is tried again.
	MaxRetries int
	// Delay is the wait before the first retry; each later wait doubles,
	// with up to 50% random jitter so competing writers spread out.
	Delay time.Duration
	// Sleep waits; nil means time.Sleep honouring the context. Tests set it.
	Sleep func(context.Context, time.Duration) error
}

// DefaultRetry is the policy circuitvc uses: 3 retries from 100 ms.
var DefaultRetry = RetryPolicy{MaxRetries: 3, Delay: 100 * time.Millisecond}

// IsTransient reports whether err is worth retrying: an interrupted or
// busy call (EINTR, EAGAIN, EBUSY, ETXTBSY; on Windows sharing and lock
// violations). Permanent errors such as ENOSPC, EACCES, EROFS and EIO are not.
func IsTransient(err error) bool {
	for _, t := range transientErrnos {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

// Retry calls fn until it succeeds, fails with an error that is not
// transient, or has been retried p.MaxRetries times. The last error is
// returned, annotated with the attempt count when retries were spent.
func Retry(ctx context.Context, p RetryPolicy, fn func() error) error {
	sleep := p.Sleep
	if sleep == nil {
		sleep = Sleep
	}
	delay := p.Delay
	for attempt := 0; ; attempt++ {
		err := fn()
		if err == nil || !IsTransient(err) {
			return err
		}
		if attempt >= p.MaxRetries {
			if attempt == 0 {
				return err
			}
			return fmt.Errorf("%w (gave up after %d retries)", err, attempt)
		}
		wait := delay
		if delay > 0 {
			wait += rand.N(delay/2 + 1)
		}
		if serr := sleep(ctx, wait); serr != nil {
			return errors.Join(err, serr)
		}
		delay *= 2
	}
}

// Sleep waits for d or until ctx ends, whichever is first.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Lock takes the advisory lock on name, polling until it is free or
// timeout has passed; then it fails with an error wrapping ErrLocked.
func Lock(ctx context.Context, fsys FS, name string, timeout time.Duration) (release func() error, err error) {
	deadline := time.Now().Add(timeout)
	wait := 5 * time.Millisecond
	for {
		release, err = fsys.TryLock(name)
		if err == nil || !errors.Is(err, ErrLocked) {
			return release, err
		}
		if !time.Now().Before(deadline) {
			return nil, &fs.PathError{Op: "lock", Path: name, Err: fmt.Errorf("%w (waited %v)", ErrLocked, timeout)}
		}
		if serr := Sleep(ctx, min(wait, time.Until(deadline))); serr != nil {
			return nil, serr
		}
		wait = min(wait*2, 100*time.Millisecond)
	}
}
