package persist

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
)

func TestWithFileLockTimeout(t *testing.T) {
	name := filepath.Join(t.TempDir(), "c.json")
	held := make(chan struct{})
	done := make(chan struct{})
	go func() {
		_ = WithFileLock(bg, name, time.Second, func() error {
			close(held)
			<-done
			return nil
		})
	}()
	<-held
	ran := false
	err := WithFileLock(bg, name, 50*time.Millisecond, func() error { ran = true; return nil })
	close(done)
	var le *FileLockedError
	if !errors.As(err, &le) || !errors.Is(err, ErrPersistence) || !errors.Is(err, fsx.ErrLocked) {
		t.Fatalf("WithFileLock on a held lock: %v, want *FileLockedError", err)
	}
	if ran {
		t.Error("fn ran without the lock")
	}
	if le.Path != name || le.LockPath != name+".lock" || le.Timeout != 50*time.Millisecond {
		t.Errorf("FileLockedError = %+v", le)
	}
}

// TestWithFileLockSerialisesGoroutines runs load-increment-save cycles
// from many goroutines: without mutual exclusion updates would be lost.
func TestWithFileLockSerialisesGoroutines(t *testing.T) {
	const workers, rounds = 8, 25
	name := filepath.Join(t.TempDir(), "counter.json")
	p := New(Options{EnableBackups: true})
	if err := p.Save(bg, name, map[string]int{"n": 0}); err != nil {
		t.Fatal(err)
	}
	var inside, overlaps atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for range workers {
		wg.Go(func() {
			for range rounds {
				errs <- WithFileLock(bg, name, 30*time.Second, func() error {
					if inside.Add(1) > 1 {
						overlaps.Add(1)
					}
					defer inside.Add(-1)
					var c map[string]int
					if err := p.Load(bg, name, &c); err != nil {
						return err
					}
					c["n"]++
					return p.Save(bg, name, c)
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var c map[string]int
	if err := p.Load(bg, name, &c); err != nil {
		t.Fatal(err)
	}
	if c["n"] != workers*rounds || overlaps.Load() != 0 {
		t.Errorf("counter = %d, want %d; %d overlapping holders", c["n"], workers*rounds, overlaps.Load())
	}
}

func TestWithFileLockReleases(t *testing.T) {
	name := filepath.Join(t.TempDir(), "c.json")
	errFn := errors.New("fn failed")
	tests := []struct {
		name string
		fn   func() error
		want error
	}{
		{"fn succeeds", func() error { return nil }, nil},
		{"fn error returned unchanged", func() error { return errFn }, errFn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := WithFileLock(bg, name, time.Second, tt.fn); err != tt.want {
				t.Errorf("WithFileLock = %v, want %v", err, tt.want)
			}
			// The lock is free again at once.
			if err := WithFileLock(bg, name, 0, func() error { return nil }); err != nil {
				t.Errorf("lock not released: %v", err)
			}
		})
	}
	t.Run("released after panic", func(t *testing.T) {
		func() {
			defer func() { _ = recover() }()
			_ = WithFileLock(bg, name, time.Second, func() error { panic("boom") })
		}()
		if err := WithFileLock(bg, name, 0, func() error { return nil }); err != nil {
			t.Errorf("lock not released after panic: %v", err)
		}
	})
}

// TestContextEndsWaits: a cancelled context ends a wait for a lock and
// the retries of a transient error at once, with the file untouched and
// fn not run.
func TestContextEndsWaits(t *testing.T) {
	mem := fsxtest.NewMemFS()
	put(t, mem, "/c.json", "old\n")
	held, err := mem.TryLock("/c.json" + lockSuffix)
	if err != nil {
		t.Fatal(err)
	}
	defer held()
	faulty := fsxtest.NewFaultFS(mem)
	faulty.Inject(fsxtest.Fault{Op: "rename", Times: -1, Err: transientErrnos[0]})
	p := New(Options{FS: faulty, MaxRetries: 100, RetryDelay: time.Hour})
	ctx, cancel := context.WithCancel(bg)
	cancel()
	ran := false
	err = p.WithFileLock(ctx, "/c.json", time.Hour, func() error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrPersistence) || ran {
		t.Errorf("WithFileLock = %v, fn ran: %v; want ErrPersistence wrapping context.Canceled", err, ran)
	}
	err = p.SaveBytes(ctx, "/c.json", []byte("new\n"))
	if !errors.Is(err, context.Canceled) || !errors.Is(err, transientErrnos[0]) || !errors.Is(err, ErrPersistence) {
		t.Errorf("SaveBytes = %v; want ErrPersistence wrapping the transient error and context.Canceled", err)
	}
	if got, _ := fsx.ReadFile(mem, "/c.json"); string(got) != "old\n" {
		t.Errorf("file holds %q after a cancelled save", got)
	}
}

func TestWithFileLockFSError(t *testing.T) {
	fsys := fsxtest.NewFaultFS(fsx.OS())
	fsys.Inject(fsxtest.Fault{Op: "lock", Err: syscall.EIO})
	p := New(Options{FS: fsys})
	err := p.WithFileLock(bg, filepath.Join(t.TempDir(), "c.json"), time.Second, func() error { return nil })
	var le *FileLockedError
	if !errors.Is(err, ErrPersistence) || !errors.Is(err, syscall.EIO) || errors.As(err, &le) {
		t.Errorf("lock I/O error: %v, want ErrPersistence wrapping EIO and no FileLockedError", err)
	}
}

// lockHelperEnv makes the test binary act as another process
// holding a lock; see TestLockHelperProcess.
const lockHelperEnv = "CIRCUITVC_PERSIST_LOCK_HELPER"

// TestWithFileLockAcrossProcesses holds the lock in a child process: the
// parent must time out while the child holds it, and get it once the
// child has exited.
func TestWithFileLockAcrossProcesses(t *testing.T) {
	name := filepath.Join(t.TempDir(), "shared.json")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelperProcess$")
	cmd.Env = append(os.Environ(), lockHelperEnv+"="+name)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		cmd.Process.Kill()
		t.Fatalf("helper said %q, %v", line, err)
	}
	err = WithFileLock(bg, name, 100*time.Millisecond, func() error { return nil })
	var le *FileLockedError
	if !errors.As(err, &le) {
		t.Errorf("lock held by another process: got %v, want *FileLockedError", err)
	}
	stdin.Close() // the helper exits, and the OS drops its lock
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
	if err := WithFileLock(bg, name, 5*time.Second, func() error { return nil }); err != nil {
		t.Errorf("lock after the other process ended: %v", err)
	}
}

// TestLockHelperProcess is not a test: run by
// TestWithFileLockAcrossProcesses, it holds the lock until stdin closes.
func TestLockHelperProcess(t *testing.T) {
	name := os.Getenv(lockHelperEnv)
	if name == "" {
		t.Skip("helper process for TestWithFileLockAcrossProcesses")
	}
	err := WithFileLock(bg, name, 5*time.Second, func() error {
		fmt.Println("locked")
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
