package refs

// Fault over crash for ref updates: each fsync of an Update (lock file,
// reflogs, their new directories, the ref's directory) and of a Delete is
// failed in turn on a FaultFS over a CrashFS. An update that reports
// success survives a power cut with its reflog entries; one that fails
// leaves the ref and its reflogs as they were, before the cut and after.

import (
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/circuitvc/circuitvc/objects"
)

// refAndLog reads ref name and the number of entries of each reflog.
func refAndLog(fsys fsx.FS, name string, logs ...string) (objects.Hash, []int, error) {
	s := Open(fsys, memDir, Options{})
	h, err := s.Read(name)
	if errors.Is(err, ErrNotFound) {
		h, err = objects.ZeroHash, nil
	}
	if err != nil {
		return h, nil, err
	}
	var n []int
	for _, l := range logs {
		entries, err := s.Reflog(l)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return h, nil, err
		}
		n = append(n, len(entries))
	}
	return h, n, nil
}

// syncFaultCase is one ref operation and what it leaves: the ref's value
// and its reflogs' lengths before and after.
type syncFaultCase struct {
	name      string
	ref       string
	logs      []string
	run       func(s *Store) error
	old, new  objects.Hash
	oldN, nwN []int
}

func TestRefSyncFaults(t *testing.T) {
	h := fakeHashes(2)
	base := memStore(t, h)
	if err := Open(base, memDir, Options{}).Update(bg, "refs/heads/side", objects.ZeroHash, h[1], sig(), "side"); err != nil {
		t.Fatal(err)
	}
	cases := []syncFaultCase{
		{"update HEAD", HEAD, []string{HEAD, Main},
			func(s *Store) error { return s.Update(bg, HEAD, h[0], h[1], sig(), "second") },
			h[0], h[1], []int{1, 1}, []int{2, 2}},
		{"create a ref in a new directory", "refs/heads/topic/x", []string{"refs/heads/topic/x"},
			func(s *Store) error {
				return s.Update(bg, "refs/heads/topic/x", objects.ZeroHash, h[1], sig(), "branch")
			},
			objects.ZeroHash, h[1], []int{0}, []int{1}},
		{"set the backup ref", Backup, []string{Backup},
			func(s *Store) error { return s.Set(bg, Backup, h[1], sig(), "backup") },
			objects.ZeroHash, h[1], []int{0}, []int{1}},
		{"delete a loose branch", "refs/heads/side", []string{"refs/heads/side"},
			func(s *Store) error { return s.Delete(bg, "refs/heads/side", h[1]) },
			h[1], objects.ZeroHash, []int{1}, []int{0}},
		{"delete a packed tag", "refs/tags/old", nil,
			func(s *Store) error { return s.Delete(bg, "refs/tags/old", h[0]) },
			h[0], objects.ZeroHash, nil, nil},
	}
	for _, c := range cases {
		runs := 0
		for sf := range fsxtest.SyncFaults(base, nil, func(fsys fsx.FS) error { return c.run(Open(fsys, memDir, Options{})) }) {
			runs++
			desc := fmt.Sprintf("%s, fault at %v (err %v)", c.name, sf.Op, sf.Err)
			switch {
			case sf.Op.N > 0 && sf.Err == nil:
				t.Errorf("%s: the failed fsync went unreported", desc)
			case sf.Err == nil:
				checkRef(t, sf.Disk.Crash(), c, true, false, desc+", power cut after success")
			case !errors.Is(sf.Err, syscall.EIO):
				t.Errorf("%s: want EIO", desc)
			default:
				checkRef(t, sf.Disk, c, false, false, desc+", after the failure")
				checkRef(t, sf.Disk.Crash(), c, false, true, desc+", power cut after the failure")
				if locks := lockFiles(t, sf.Disk, memDir); len(locks) > 0 {
					t.Errorf("%s: lock files left: %v", desc, locks)
				}
			}
		}
		if runs < 3 {
			t.Errorf("%s: %d runs", c.name, runs)
		}
	}
}

// checkRef: the ref and its reflogs are all old or all new (all new when
// done). After a power cut, the reflogs may list an update whose ref
// rename was lost, as in git: they reach the disk first. A failed delete
// may have removed the ref (only its directory fsync failed, which the
// error says) and not yet its reflog.
func checkRef(t *testing.T, fsys fsx.FS, c syncFaultCase, done, cut bool, desc string) {
	t.Helper()
	got, n, err := refAndLog(fsys, c.ref, c.logs...)
	oldLog, newLog := fmt.Sprint(n) == fmt.Sprint(c.oldN), fmt.Sprint(n) == fmt.Sprint(c.nwN)
	switch {
	case err != nil:
		t.Errorf("%s: %v", desc, err)
	case got == c.new && newLog:
	case cut && got == c.old && newLog:
	case !done && c.new.IsZero() && got == c.new && oldLog:
	case done:
		t.Errorf("%s: %s = %s with reflog lengths %v, want %s and %v: acknowledged update lost", desc, c.ref, got, n, c.new, c.nwN)
	case got != c.old || !oldLog:
		t.Errorf("%s: %s = %s with reflog lengths %v: half done (was %s and %v)", desc, c.ref, got, n, c.old, c.oldN)
	}
}

// TestUpdateReportsFailedFsyncs: an update whose lock file or reflog
// cannot be fsynced fails with the cause and leaves the ref where it
// was: the new value was never durable, so it must not be acknowledged.
func TestUpdateReportsFailedFsyncs(t *testing.T) {
	h := fakeHashes(2)
	for _, path := range []string{"refs/heads/main.lock", "logs/HEAD", "logs/refs/heads/main"} {
		f := fsxtest.NewFaultFS(memStore(t, h))
		f.Inject(fsxtest.Fault{Op: "sync", Path: path, Err: syscall.EIO})
		s := Open(f, memDir, Options{})
		err := s.Update(bg, HEAD, h[0], h[1], sig(), "second")
		if len(f.Fired()) == 0 {
			t.Fatalf("%s: no fsync of it", path)
		}
		if !errors.Is(err, syscall.EIO) {
			t.Errorf("%s: fsync failed, Update = %v; want EIO", path, err)
		}
		if got, err := s.Read(HEAD); err != nil || got != h[0] {
			t.Errorf("%s: fsync failed, HEAD = %v, %v; want it unmoved at %v", path, got, err, h[0])
		}
	}
}
