package refs

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/circuitvc/circuitvc/objects"
)

const memDir = "/work/.circuitvc"

// memStore returns a MemFS holding a store where main = h[0], with a
// reflog, and a tag that is only in packed-refs, all of it durable.
func memStore(t *testing.T, h []objects.Hash) *fsxtest.MemFS {
	t.Helper()
	m := fsxtest.NewMemFS()
	if err := Init(m, memDir); err != nil {
		t.Fatal(err)
	}
	s := Open(m, memDir, Options{})
	if err := s.Update(bg, HEAD, objects.ZeroHash, h[0], sig(), "first"); err != nil {
		t.Fatal(err)
	}
	packed := "# pack-refs with: peeled fully-peeled sorted \n" + h[0].String() + " refs/tags/old\n"
	if err := fsx.WriteFile(m, path.Join(memDir, "packed-refs"), []byte(packed), 0o644); err != nil {
		t.Fatal(err)
	}
	return m
}

// lockFiles lists the *.lock files below dir.
func lockFiles(t *testing.T, fsys fsx.FS, dir string) []string {
	t.Helper()
	entries, err := fsys.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		p := path.Join(dir, e.Name())
		if e.IsDir() {
			out = append(out, lockFiles(t, fsys, p)...)
		} else if strings.HasSuffix(p, ".lock") {
			out = append(out, p)
		}
	}
	return out
}

// checkState asserts what must hold after an update of HEAD from h0 to
// h1 failed or crashed at any point: the ref is whole and either value;
// when it moved, both reflogs record the move.
func checkState(t *testing.T, fsys fsx.FS, h0, h1 objects.Hash, desc string) objects.Hash {
	t.Helper()
	s := Open(fsys, memDir, Options{})
	got, err := s.Read(HEAD)
	if err != nil || (got != h0 && got != h1) {
		t.Fatalf("%s: Read(HEAD) = %s, %v; want %s or %s", desc, got, err, h0, h1)
	}
	for _, ref := range []string{Main, HEAD} {
		log, err := s.Reflog(ref)
		if err != nil || len(log) == 0 || log[len(log)-1].New != h0 {
			t.Fatalf("%s: Reflog(%s) = %+v, %v", desc, ref, log, err)
		}
		if got == h1 && (len(log) != 2 || log[0].Old != h0 || log[0].New != h1) {
			t.Fatalf("%s: %s moved to %s but its reflog does not say so: %+v", desc, ref, h1, log)
		}
	}
	return got
}

// TestUpdateFaults fails each file-system call of an Update in turn: the
// update reports the error, leaves no lock behind and the ref whole.
func TestUpdateFaults(t *testing.T) {
	h := fakeHashes(2)
	base := memStore(t, h)
	points, moved := 0, 0
	for n := 1; ; n++ {
		inner := base.Clone()
		f := fsxtest.NewFaultFS(inner)
		f.FailAt(n, syscall.EIO)
		err := Open(f, memDir, Options{}).Update(bg, HEAD, h[0], h[1], sig(), "second")
		if len(f.Fired()) == 0 {
			if err != nil {
				t.Fatalf("no fault, yet Update = %v", err)
			}
			break
		}
		points++
		desc := f.Fired()[0].String()
		if err == nil { // a fault that changes nothing, such as ReadFile's size hint
			if got := checkState(t, inner, h[0], h[1], desc); got != h[1] {
				t.Fatalf("fault at %s: Update succeeded but HEAD = %s", desc, got)
			}
			continue
		}
		if !errors.Is(err, syscall.EIO) {
			t.Fatalf("fault at %s: Update = %v; want EIO", desc, err)
		}
		if locks := lockFiles(t, inner, memDir); len(locks) != 0 {
			t.Fatalf("fault at %s: lock files left: %v", desc, locks)
		}
		if checkState(t, inner, h[0], h[1], "fault at "+desc) == h[1] {
			moved++ // only a failed directory fsync after the rename
			if !strings.Contains(desc, "syncdir") {
				t.Errorf("fault at %s: the ref moved although Update failed before its rename", desc)
			}
		}
	}
	t.Logf("%d fault points in Update, %d after the ref had moved", points, moved)
	if points < 8 {
		t.Errorf("only %d fault points: is the FaultFS in the path?", points)
	}
}

// TestDeleteFaults does the same for Delete of a packed tag.
func TestDeleteFaults(t *testing.T) {
	h := fakeHashes(2)
	base := memStore(t, h)
	points := 0
	for n := 1; ; n++ {
		inner := base.Clone()
		f := fsxtest.NewFaultFS(inner)
		f.FailAt(n, syscall.EIO)
		err := Open(f, memDir, Options{}).Delete(bg, TagPrefix+"old", h[0])
		if len(f.Fired()) == 0 {
			if err != nil {
				t.Fatalf("no fault, yet Delete = %v", err)
			}
			break
		}
		points++
		desc := f.Fired()[0].String()
		if err != nil && !errors.Is(err, syscall.EIO) {
			t.Fatalf("fault at %s: Delete = %v; want EIO", desc, err)
		}
		if locks := lockFiles(t, inner, memDir); len(locks) != 0 {
			if !strings.Contains(desc, ": remove ") || !strings.Contains(err.Error(), "remove it by hand") {
				t.Fatalf("fault at %s: lock files left: %v (Delete = %v)", desc, locks, err)
			}
		}
		s := Open(inner, memDir, Options{})
		got, rerr := s.Read(TagPrefix + "old")
		if rerr != nil && !errors.Is(rerr, ErrNotFound) || rerr == nil && got != h[0] || err == nil && rerr == nil {
			t.Fatalf("fault at %s: Delete = %v, then Read(tag) = %s, %v", desc, err, got, rerr)
		}
		if got, err := s.Read(HEAD); err != nil || got != h[0] {
			t.Fatalf("fault at %s: HEAD = %s, %v", desc, got, err)
		}
	}
	t.Logf("%d fault points in Delete", points)
}

// TestUpdatePermanentErrors: disk full, permission denied and a read-only
// file system fail an Update at once with an error naming the file and
// saying that nothing changed — and nothing did.
func TestUpdatePermanentErrors(t *testing.T) {
	h := fakeHashes(2)
	for _, errno := range []error{syscall.ENOSPC, syscall.EACCES, syscall.EROFS} {
		inner := memStore(t, h)
		f := fsxtest.NewFaultFS(inner)
		f.Inject(fsxtest.Fault{Op: "write", Times: -1, Err: errno})
		err := Open(f, memDir, Options{}).Update(bg, HEAD, h[0], h[1], sig(), "second")
		if !errors.Is(err, errno) || !strings.Contains(err.Error(), "main.lock") || !strings.Contains(err.Error(), "nothing was changed") {
			t.Errorf("%v: Update = %v", errno, err)
		}
		checkState(t, inner, h[0], h[1], errno.Error())
		var pe *fs.PathError
		if !errors.As(err, &pe) {
			t.Errorf("%v: no *fs.PathError in %v", errno, err)
		}
	}
}

// TestUpdateCrash cuts the power after every call of an Update and
// checks every outcome the disk may show: the ref is whole, it is the
// old or the new value, and if it is the new one its reflog entry is
// there too (the reflog is fsynced before the rename). Once Update has
// returned, the new value survives every power cut.
func TestUpdateCrash(t *testing.T) {
	h := fakeHashes(2)
	base := memStore(t, h)
	cuts, states := 0, 0
	for n := 0; ; n++ {
		c := fsxtest.NewCrashFS(base)
		c.CrashAfter(n)
		err := Open(c, memDir, Options{}).Update(bg, HEAD, h[0], h[1], sig(), "second")
		for desc, after := range c.CrashStates(64) {
			states++
			got := checkState(t, after, h[0], h[1], "power cut after "+desc)
			if err == nil && got != h[1] {
				t.Fatalf("power cut after %s: the acknowledged update was lost", desc)
			}
		}
		if !c.Cut() {
			break
		}
		cuts++
	}
	t.Logf("%d cut points, %d power-cut states checked", cuts, states)
}

// TestTransientRetried: transient errors (a busy rename, an interrupted
// open or read) are retried up to the policy's limit; one more fails
// cleanly.
func TestTransientRetried(t *testing.T) {
	h := fakeHashes(2)
	noSleep := &fsx.RetryPolicy{MaxRetries: 3, Sleep: func(context.Context, time.Duration) error { return nil }}
	tests := []struct {
		op     string
		times  int
		errno  error
		wantOK bool
	}{
		{"rename", 3, syscall.EBUSY, true},
		{"rename", 4, syscall.EBUSY, false},
		{"open", 3, syscall.EINTR, true},
		{"read", 3, syscall.EAGAIN, true},
		{"open", 4, syscall.EINTR, false},
	}
	for _, tt := range tests {
		inner := memStore(t, h)
		f := fsxtest.NewFaultFS(inner)
		f.Inject(fsxtest.Fault{Op: tt.op, Times: tt.times, Err: tt.errno})
		err := Open(f, memDir, Options{Retry: noSleep}).Update(bg, HEAD, h[0], h[1], sig(), "second")
		if tt.wantOK != (err == nil) || err != nil && !errors.Is(err, tt.errno) {
			t.Errorf("%s failing %d times with %v: Update = %v", tt.op, tt.times, tt.errno, err)
		}
		want := h[0]
		if tt.wantOK {
			want = h[1]
		}
		if got := checkState(t, inner, h[0], h[1], tt.op); got != want {
			t.Errorf("%s failing %d times: HEAD = %s, want %s", tt.op, tt.times, got, want)
		}
		if locks := lockFiles(t, inner, memDir); len(locks) != 0 {
			t.Errorf("%s failing %d times: locks left: %v", tt.op, tt.times, locks)
		}
	}
}

// TestDeleteCrash: a tag that is loose (h1) and also, stale, in
// packed-refs (h0) is deleted; whatever a power cut leaves, the tag is
// h1 or gone — the stale packed value never comes back — and once Delete
// has returned it is gone.
func TestDeleteCrash(t *testing.T) {
	h := fakeHashes(2)
	base := memStore(t, h)
	if err := Open(base, memDir, Options{}).Update(bg, TagPrefix+"old", h[0], h[1], sig(), "move"); err != nil {
		t.Fatal(err)
	}
	cuts, states := 0, 0
	for n := 0; ; n++ {
		c := fsxtest.NewCrashFS(base)
		c.CrashAfter(n)
		err := Open(c, memDir, Options{}).Delete(bg, TagPrefix+"old", h[1])
		for desc, after := range c.CrashStates(64) {
			states++
			got, rerr := Open(after, memDir, Options{}).Read(TagPrefix + "old")
			switch {
			case rerr == nil && got == h[1] && err != nil:
			case errors.Is(rerr, ErrNotFound):
			default:
				t.Fatalf("power cut after %s (Delete = %v): tag = %s, %v", desc, err, got, rerr)
			}
		}
		if !c.Cut() {
			break
		}
		cuts++
	}
	t.Logf("%d cut points, %d power-cut states checked", cuts, states)
}

// TestUpdateRetriesHonourContext: the retries of a transient error inside
// an update wait on the caller's context, not on one of their own, so a
// cancelled update returns at once and changes nothing.
func TestUpdateRetriesHonourContext(t *testing.T) {
	h := fakeHashes(2)
	m := memStore(t, h)
	f := fsxtest.NewFaultFS(m)
	f.Inject(fsxtest.Fault{Op: "open", Path: "/logs/", Times: -1, Err: syscall.EINTR})
	s := Open(f, memDir, Options{Retry: &fsx.RetryPolicy{MaxRetries: 5, Delay: time.Hour}})
	ctx, cancel := context.WithCancel(bg)
	cancel()
	err := s.Update(ctx, HEAD, h[0], h[1], sig(), "second")
	if !errors.Is(err, context.Canceled) || !errors.Is(err, syscall.EINTR) {
		t.Fatalf("Update = %v; want the transient error and the cancellation", err)
	}
	if got, err := Open(m, memDir, Options{}).Read(HEAD); err != nil || got != h[0] {
		t.Errorf("HEAD = %s, %v after the cancelled update; want %s", got, err, h[0])
	}
	if locks := lockFiles(t, m, memDir); len(locks) > 0 {
		t.Errorf("locks left: %v", locks)
	}
}
