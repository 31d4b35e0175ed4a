package fsx_test

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
)

// sleepRecorder is a RetryPolicy.Sleep that waits for nothing and
// remembers what it was asked to wait.
type sleepRecorder struct{ waits []time.Duration }

func (s *sleepRecorder) sleep(_ context.Context, d time.Duration) error {
	s.waits = append(s.waits, d)
	return nil
}

// renameWithFaults returns a MemFS-backed FaultFS whose renames fail
// times times with errno, and the retried call.
func renameWithFaults(t *testing.T, errno error, times int) (*fsxtest.FaultFS, func() error) {
	t.Helper()
	m := fsxtest.NewMemFS()
	mustDo(t, fsx.WriteFile(m, "/a", []byte("a"), 0o644))
	f := fsxtest.NewFaultFS(m)
	if times > 0 { // Times 0 would mean once
		f.Inject(fsxtest.Fault{Op: "rename", Times: times, Err: errno})
	}
	return f, func() error { return f.Rename("/a", "/b") }
}

func TestRetryTransientUpToLimit(t *testing.T) {
	const delay = 100 * time.Millisecond
	cases := 0
	for _, errno := range fsx.TransientErrnos {
		for _, fails := range []int{0, 1, fsx.DefaultRetry.MaxRetries, fsx.DefaultRetry.MaxRetries + 1} {
			cases++
			var s sleepRecorder
			p := fsx.RetryPolicy{MaxRetries: fsx.DefaultRetry.MaxRetries, Delay: delay, Sleep: s.sleep}
			f, call := renameWithFaults(t, errno, fails)
			err := fsx.Retry(context.Background(), p, call)
			attempts := f.Ops()
			if fails <= p.MaxRetries {
				if err != nil || attempts != fails+1 {
					t.Fatalf("%v ×%d: err = %v after %d attempts, want success after %d", errno, fails, err, attempts, fails+1)
				}
			} else {
				if !errors.Is(err, errno) || attempts != p.MaxRetries+1 {
					t.Fatalf("%v ×%d: err = %v after %d attempts", errno, fails, err, attempts)
				}
				if !strings.Contains(err.Error(), "gave up after 3 retries") || !strings.Contains(err.Error(), "/a") {
					t.Fatalf("error does not say what and how often: %v", err)
				}
			}
			// Waits double from Delay, each with up to 50% jitter.
			if len(s.waits) != min(fails, p.MaxRetries) {
				t.Fatalf("%d waits for %d failures", len(s.waits), fails)
			}
			for i, w := range s.waits {
				lo := delay << i
				if w < lo || w > lo+lo/2 {
					t.Fatalf("wait %d = %v, want in [%v, %v]", i, w, lo, lo+lo/2)
				}
			}
		}
	}
	t.Logf("Retry: %d transient-error cases (%d transient errnos)", cases, len(fsx.TransientErrnos))
}

func TestRetryPermanentNotRetried(t *testing.T) {
	for _, errno := range []error{syscall.ENOSPC, syscall.EACCES, syscall.EROFS, syscall.EIO, fsxtest.ErrPowerCut} {
		if fsx.IsTransient(errno) {
			t.Fatalf("%v counted transient", errno)
		}
		var s sleepRecorder
		f, call := renameWithFaults(t, errno, 1)
		err := fsx.Retry(context.Background(), fsx.RetryPolicy{MaxRetries: 3, Delay: time.Second, Sleep: s.sleep}, call)
		if !errors.Is(err, errno) || f.Ops() != 1 || len(s.waits) != 0 {
			t.Fatalf("%v: err = %v after %d attempts, %d waits", errno, err, f.Ops(), len(s.waits))
		}
		if strings.Contains(err.Error(), "gave up") {
			t.Fatalf("permanent error annotated as retried: %v", err)
		}
	}
}

func TestRetryNoRetries(t *testing.T) {
	f, call := renameWithFaults(t, fsx.TransientErrnos[0], 1)
	err := fsx.Retry(context.Background(), fsx.RetryPolicy{}, call)
	if !errors.Is(err, fsx.TransientErrnos[0]) || f.Ops() != 1 || strings.Contains(err.Error(), "gave up") {
		t.Fatalf("err = %v after %d attempts", err, f.Ops())
	}
}

func TestRetrySleepCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, call := renameWithFaults(t, fsx.TransientErrnos[0], 5)
	err := fsx.Retry(ctx, fsx.RetryPolicy{MaxRetries: 3, Delay: time.Hour}, call) // the real sleep honours ctx
	if !errors.Is(err, context.Canceled) || !errors.Is(err, fsx.TransientErrnos[0]) {
		t.Fatalf("err = %v, want both the cause and the cancellation", err)
	}
}

// releasingFS releases a held lock on the nth TryLock, so a test can
// show Lock waits for a release without depending on timing.
type releasingFS struct {
	fsx.FS
	attempts, at int
	release      func() error
}

func (r *releasingFS) TryLock(name string) (func() error, error) {
	r.attempts++
	if r.attempts == r.at {
		r.release()
	}
	return r.FS.TryLock(name)
}

func TestLock(t *testing.T) {
	for name, mk := range map[string]func(t *testing.T) (fsx.FS, string){
		"mem": func(t *testing.T) (fsx.FS, string) { return fsxtest.NewMemFS(), "/lock" },
		"os":  func(t *testing.T) (fsx.FS, string) { return fsx.OS(), filepath.Join(t.TempDir(), "lock") },
	} {
		t.Run(name, func(t *testing.T) {
			fsys, lock := mk(t)
			ctx := context.Background()
			release, err := fsx.Lock(ctx, fsys, lock, time.Second)
			mustDo(t, err)

			_, err = fsx.Lock(ctx, fsys, lock, 20*time.Millisecond)
			var pe *fs.PathError
			if !errors.Is(err, fsx.ErrLocked) || !errors.As(err, &pe) || pe.Path != lock || !strings.Contains(err.Error(), "waited") {
				t.Fatalf("held lock: err = %v", err)
			}

			r := &releasingFS{FS: fsys, at: 3, release: release}
			release2, err := fsx.Lock(ctx, r, lock, time.Minute)
			if err != nil || r.attempts != 3 {
				t.Fatalf("lock released while waiting: err = %v after %d attempts", err, r.attempts)
			}

			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if _, err := fsx.Lock(cctx, fsys, lock, time.Minute); !errors.Is(err, context.Canceled) {
				t.Fatalf("cancelled wait: err = %v", err)
			}
			mustDo(t, release2())
			release3, err := fsx.Lock(cctx, fsys, lock, 0) // free: no wait, so no ctx check
			mustDo(t, err, release3())
		})
	}
}

func TestLockOtherErrorNotWaited(t *testing.T) {
	f := fsxtest.NewFaultFS(fsxtest.NewMemFS())
	f.Inject(fsxtest.Fault{Op: "lock", Err: syscall.EACCES})
	_, err := fsx.Lock(context.Background(), f, "/lock", time.Minute)
	if !errors.Is(err, syscall.EACCES) || f.Ops() != 1 {
		t.Fatalf("err = %v after %d ops", err, f.Ops())
	}
}

func TestIsTransient(t *testing.T) {
	for _, errno := range fsx.TransientErrnos {
		wrapped := &fs.PathError{Op: "rename", Path: "x", Err: errno}
		if !fsx.IsTransient(errno) || !fsx.IsTransient(wrapped) {
			t.Errorf("%v not transient", errno)
		}
	}
	if fsx.IsTransient(nil) || fsx.IsTransient(fsx.ErrLocked) || fsx.IsTransient(fs.ErrNotExist) {
		t.Error("nil, fsx.ErrLocked or ErrNotExist counted transient")
	}
}
