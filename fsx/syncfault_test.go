package fsx_test

// Fault over crash: every fsync of the durable writes is failed in turn
// on a FaultFS over a CrashFS (fsxtest.SyncFaults). A write that reports
// success must survive a power cut; one that fails must leave the old
// state, before the cut and after it; a failed fsync is never taken back
// by a second fsync of the same descriptor (FaultFS models Linux, where
// that second fsync succeeds and saves nothing).

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
)

// checkSyncFault checks one run that wrote newData to name over oldData
// ("" for no file): on success the cut keeps newData; on failure the file
// is oldData before the cut — or newData when only the directory fsync
// failed — and oldData after it, in the worst case.
func checkSyncFault(t *testing.T, sf fsxtest.SyncFault, name, oldData, newData string) {
	t.Helper()
	live, crashed := readOr(sf.Disk, name), readOr(sf.Disk.Crash(), name)
	switch {
	case sf.Err == nil && crashed != newData:
		t.Errorf("%v: the write succeeded but a power cut leaves %q", sf.Op, crashed)
	case sf.Err == nil:
	case !errors.Is(sf.Err, syscall.EIO):
		t.Errorf("%v: err = %v, want EIO", sf.Op, sf.Err)
	case live != oldData && !(live == newData && sf.Op.Name == "syncdir"):
		t.Errorf("%v: failed, but the file is %q (was %q)", sf.Op, live, oldData)
	case crashed != oldData:
		t.Errorf("%v: failed, and a power cut leaves %q (was %q)", sf.Op, crashed, oldData)
	}
}

// readOr is name's contents, "" when it does not exist.
func readOr(fsys fsx.FS, name string) string {
	b, _ := fsx.ReadFile(fsys, name)
	return string(b)
}

func TestWriteFileSyncFaults(t *testing.T) {
	for _, old := range []string{"old", ""} {
		base := fsxtest.NewMemFS()
		mustDo(t, fsx.MkdirAll(base, "/d", 0o755))
		if old != "" {
			mustDo(t, fsx.WriteFile(base, "/d/f", []byte(old), 0o644))
		}
		n := 0
		for sf := range fsxtest.SyncFaults(base, nil, func(fsys fsx.FS) error {
			return fsx.WriteFile(fsys, "/d/f", []byte("new"), 0o644)
		}) {
			n++
			checkSyncFault(t, sf, "/d/f", old, "new")
		}
		if n != 3 {
			t.Errorf("old %q: %d runs, want 3 (file fsync failed, directory fsync failed, none)", old, n)
		}
	}
}

// TestWriteFileAfterFailedSync: a caller that writes again after a failed
// fsync (the cure) ends with the data durable.
func TestWriteFileAfterFailedSync(t *testing.T) {
	c := fsxtest.NewCrashFS(baseWithFile(t, "old"))
	f := fsxtest.NewFaultFS(c)
	f.Inject(fsxtest.Fault{Op: "sync", Err: syscall.EIO})
	if err := fsx.WriteFile(f, "/d/f", []byte("new"), 0o644); !errors.Is(err, syscall.EIO) {
		t.Fatalf("first write: %v, want EIO", err)
	}
	mustDo(t, fsx.WriteFile(f, "/d/f", []byte("new"), 0o644))
	if got := readOr(c.Crash(), "/d/f"); got != "new" {
		t.Fatalf("after the rewrite a power cut leaves %q", got)
	}
}

func TestPendingFileSyncFaults(t *testing.T) {
	for name, commit := range commits {
		t.Run(name, func(t *testing.T) {
			base := fsxtest.NewMemFS()
			mustDo(t, base.Mkdir("/d", 0o755))
			for sf := range fsxtest.SyncFaults(base, nil, func(fsys fsx.FS) error {
				p, err := fsx.NewPendingFile(fsys, "/d", ".f.tmp-", 0o644)
				if err != nil {
					return err
				}
				defer p.Cleanup()
				if _, err := p.Write([]byte("new")); err != nil {
					return err
				}
				err = commit(p, "/d/f")
				if err != nil && !p.Committed() {
					// A caller retrying the commit must meet the same
					// failure: the file's fsync failed, its data may be gone.
					if rerr := commit(p, "/d/f"); rerr == nil {
						return nil
					}
				}
				return err
			}) {
				checkSyncFault(t, sf, "/d/f", "", "new")
			}
		})
	}
}

// TestPendingFileFailedSyncIsFinal: once the fsync of a PendingFile
// failed, nothing commits it: not a second Close, not a commit, not a
// retried commit. The data may be gone; only a rewrite can save it.
func TestPendingFileFailedSyncIsFinal(t *testing.T) {
	for name, commit := range commits {
		t.Run(name, func(t *testing.T) {
			c := fsxtest.NewCrashFS(nil)
			mustDo(t, c.Mkdir("/d", 0o755))
			f := fsxtest.NewFaultFS(c)
			f.Inject(fsxtest.Fault{Op: "sync", Err: syscall.EIO})
			p, err := fsx.NewPendingFile(f, "/d", ".f.tmp-", 0o644)
			mustDo(t, err)
			defer p.Cleanup()
			if _, err := p.Write([]byte("new")); err != nil {
				t.Fatal(err)
			}
			if err := p.Close(); !errors.Is(err, syscall.EIO) {
				t.Fatalf("Close = %v, want EIO", err)
			}
			if err := p.Close(); !errors.Is(err, syscall.EIO) {
				t.Errorf("second Close = %v, want the same EIO", err)
			}
			for range 2 {
				if err := commit(p, "/d/f"); !errors.Is(err, syscall.EIO) || p.Committed() {
					t.Errorf("commit after the failed fsync = %v (committed %v), want EIO and no commit", err, p.Committed())
				}
			}
			if _, err := c.Stat("/d/f"); err == nil {
				t.Errorf("/d/f exists: a file whose fsync failed took its final name")
			}
		})
	}
}

func TestMkdirAllSyncFaults(t *testing.T) {
	base := fsxtest.NewMemFS()
	mustDo(t, base.Mkdir("/d", 0o755))
	n := 0
	for sf := range fsxtest.SyncFaults(base, nil, func(fsys fsx.FS) error {
		return fsx.MkdirAll(fsys, "/d/a/b/c", 0o755)
	}) {
		n++
		if sf.Op.N > 0 && !errors.Is(sf.Err, syscall.EIO) {
			t.Errorf("%v: err = %v, want EIO", sf.Op, sf.Err)
		}
		if sf.Err != nil {
			continue
		}
		// Success: every directory made survives the cut.
		for _, d := range []string{"/d/a", "/d/a/b", "/d/a/b/c"} {
			if fi, err := sf.Disk.Crash().Stat(filepath.FromSlash(d)); err != nil || !fi.IsDir() {
				t.Errorf("%v: MkdirAll succeeded, but after the cut %s: %v", sf.Op, d, err)
			}
		}
	}
	if n != 4 {
		t.Errorf("%d runs, want 4 (one per new directory's parent, and one without a fault)", n)
	}
}
