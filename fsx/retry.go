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
	ok, _, err := Poll(ctx, timeout, func() (bool, error) {
		release, err = fsys.TryLock(name)
		if errors.Is(err, ErrLocked) {
			return false, nil
		}
		return err == nil, err
	})
	if err == nil && !ok {
		err = &fs.PathError{Op: "lock", Path: name, Err: fmt.Errorf("%w (waited %v)", ErrLocked, timeout)}
	}
	return release, err
}

// Poll waits for something another process holds, such as a lock: it
// calls try until try reports done or fails, or until timeout has passed
// since the first call, and returns whether try succeeded and how long
// it waited. try is called at once, and again after waits that double
// from 1 ms to 100 ms, each with up to 50% random jitter so that waiters
// who started together spread out. A timeout of zero or less means one
// call. When ctx ends first, its error is returned.
func Poll(ctx context.Context, timeout time.Duration, try func() (done bool, err error)) (done bool, waited time.Duration, err error) {
	start := time.Now()
	deadline := start.Add(timeout)
	wait := time.Millisecond
	for {
		if done, err := try(); done || err != nil {
			return done, time.Since(start), err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return false, time.Since(start), nil
		}
		if err := Sleep(ctx, min(wait+rand.N(wait/2+1), left)); err != nil {
			return false, time.Since(start), err
		}
		wait = min(2*wait, 100*time.Millisecond)
	}
}
