package refs

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/internal/gittest"
	"github.com/circuitvc/circuitvc/objects"
)

// TestStaleLock: a lock file nobody removes makes Update wait and then
// fail with a *LockedError naming it, changing nothing — and stock git
// fails the same way on the same lock.
func TestStaleLock(t *testing.T) {
	gittest.Need(t)
	s, dir := newStore(t, Options{LockTimeout: 50 * time.Millisecond})
	c := commits(t, dir, 2)
	if err := s.Update(bg, HEAD, objects.ZeroHash, c[0], sig(), "first"); err != nil {
		t.Fatal(err)
	}
	lockPath := filepath.Join(dir, "refs", "heads", "main.lock")
	writeFile(t, lockPath, "someone else's\n")
	logBefore := readAll(t, filepath.Join(dir, "logs", "HEAD"))

	_, gitErr := gittest.Output(dir, nil, "update-ref", Main, c[1].String())
	if gitErr == nil || !strings.Contains(gitErr.Error(), "main.lock") {
		t.Errorf("git update-ref with main.lock held: %v; want a lock failure", gitErr)
	}
	for _, ref := range []string{HEAD, Main} {
		err := s.Update(bg, ref, c[0], c[1], sig(), "second")
		var le *LockedError
		if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
			t.Fatalf("Update(%s) = %v; want a *LockedError", ref, err)
		}
		if le.Path != lockPath || le.Ref != Main || !strings.Contains(err.Error(), lockPath) || !strings.Contains(err.Error(), "may be removed") {
			t.Errorf("LockedError = %+v, %q", le, err)
		}
	}
	if err := s.Delete(bg, Main, objects.ZeroHash); !errors.Is(err, ErrLocked) {
		t.Errorf("Delete = %v; want ErrLocked", err)
	}
	if h, err := s.Read(HEAD); err != nil || h != c[0] {
		t.Errorf("Read after failed updates = %s, %v; want %s", h, err, c[0])
	}
	if got := readAll(t, lockPath); got != "someone else's\n" {
		t.Errorf("the other writer's lock was touched: %q", got)
	}
	if got := readAll(t, filepath.Join(dir, "logs", "HEAD")); got != logBefore {
		t.Errorf("reflog changed:\n%s", got)
	}
	// Once the lock is gone both work again.
	os.Remove(lockPath)
	if err := s.Update(bg, HEAD, c[0], c[1], sig(), "second"); err != nil {
		t.Fatal(err)
	}
	gittest.Text(t, dir, "update-ref", Main, c[0].String(), c[1].String())
	gittest.Fsck(t, dir)
}

// TestOurLockBlocksGit: while circuitvc holds a ref's lock, git cannot
// update the ref.
func TestOurLockBlocksGit(t *testing.T) {
	gittest.Need(t)
	s, dir := newStore(t, Options{})
	c := commits(t, dir, 2)
	gittest.Text(t, dir, "update-ref", Main, c[0].String())
	lock, err := s.lock(bg, Main, s.path(Main))
	if err != nil {
		t.Fatal(err)
	}
	if out, err := gittest.Output(dir, nil, "update-ref", Main, c[1].String(), c[0].String()); err == nil {
		t.Errorf("git update-ref succeeded while we held the lock: %s", out)
	}
	if _, err := gittest.Output(dir, nil, "tag", "-d", "nothing"); err == nil {
		t.Error("sanity: git tag -d of a missing tag succeeded")
	}
	lock.release()
	gittest.Text(t, dir, "update-ref", Main, c[1].String(), c[0].String())
	if h, _ := s.Read(Main); h != c[1] {
		t.Errorf("main = %s after git's update, want %s", h, c[1])
	}
}

// waitFS tells a test each time a writer finds a ref lock taken and is
// about to wait for it, so that the test acts during the wait without
// guessing how long it takes.
type waitFS struct {
	fsx.FS
	waits  int
	onWait func(n int)
}

func (w *waitFS) OpenFile(name string, flag int, perm fs.FileMode) (fsx.File, error) {
	f, err := w.FS.OpenFile(name, flag, perm)
	if flag&os.O_EXCL != 0 && strings.HasSuffix(name, ".lock") && errors.Is(err, fs.ErrExist) {
		w.waits++
		w.onWait(w.waits)
	}
	return f, err
}

// TestLockReleasedWhileWaiting: a lock that goes away during the wait
// lets the update through.
func TestLockReleasedWhileWaiting(t *testing.T) {
	_, dir := newStore(t, Options{})
	lockPath := filepath.Join(dir, "refs", "heads", "main.lock")
	writeFile(t, lockPath, "")
	w := &waitFS{FS: fsx.OS(), onWait: func(n int) {
		if n == 3 { // the writer has waited twice: let it through
			os.Remove(lockPath)
		}
	}}
	s := Open(w, dir, Options{LockTimeout: time.Minute})
	h := fakeHashes(1)[0]
	if err := s.Update(bg, HEAD, objects.ZeroHash, h, sig(), "waited"); err != nil {
		t.Fatal(err)
	}
	if w.waits != 3 {
		t.Errorf("Update found the lock taken %d times; want 3", w.waits)
	}
	if got, err := s.Read(HEAD); err != nil || got != h {
		t.Errorf("Read = %s, %v", got, err)
	}
}

func TestLockWaitCancelled(t *testing.T) {
	_, dir := newStore(t, Options{})
	writeFile(t, filepath.Join(dir, "refs", "heads", "main.lock"), "")
	ctx, cancel := context.WithCancel(bg)
	s := Open(&waitFS{FS: fsx.OS(), onWait: func(int) { cancel() }}, dir, Options{LockTimeout: time.Minute})
	err := s.Update(ctx, Main, objects.ZeroHash, fakeHashes(1)[0], sig(), "x")
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "main.lock") {
		t.Fatalf("Update = %v; want context.Canceled naming the lock", err)
	}
}

func TestLockNoWait(t *testing.T) {
	s, dir := newStore(t, Options{LockTimeout: -1})
	writeFile(t, filepath.Join(dir, "refs", "tags", "v1.lock"), "")
	err := s.Update(bg, TagPrefix+"v1", objects.ZeroHash, fakeHashes(1)[0], sig(), "x")
	var le *LockedError
	if !errors.As(err, &le) || le.Waited != 0 {
		t.Fatalf("Update = %v; want an immediate *LockedError", err)
	}
}

func TestUpdateRefusals(t *testing.T) {
	s, dir := newStore(t, Options{})
	h := fakeHashes(1)[0]
	tests := []struct {
		name, ref string
		new       objects.Hash
		wantErr   error
	}{
		{"zero new", Main, objects.ZeroHash, nil},
		{"bad name", "refs/heads/../../config", h, ErrInvalidName},
		{"not under refs", "config", h, ErrInvalidName},
		{"lock suffix", "refs/tags/x.lock", h, ErrInvalidName},
	}
	for _, tt := range tests {
		err := s.Update(bg, tt.ref, objects.ZeroHash, tt.new, sig(), "x")
		if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
			t.Errorf("%s: Update = %v; want %v", tt.name, err, tt.wantErr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "config.lock")); !os.IsNotExist(err) {
		t.Error("a lock was made outside refs/")
	}
	// A damaged ref refuses a compare-and-swap but may be repaired by Set.
	writeFile(t, filepath.Join(dir, "refs", "circuitvc", "backup"), "garbage")
	if err := s.Update(bg, Backup, objects.ZeroHash, h, sig(), "x"); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Update over garbage = %v; want ErrCorrupt", err)
	}
	if err := s.Set(bg, Backup, h, sig(), "repair"); err != nil {
		t.Errorf("Set over garbage = %v", err)
	}
	if got, err := s.Read(Backup); err != nil || got != h {
		t.Errorf("Read after repair = %s, %v", got, err)
	}
}

func readAll(t testing.TB, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
