package fsxtest

import (
	"errors"
	"os"
	"syscall"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
)

// TestFailedSyncIsFinal: over a CrashFS, a file whose fsync failed stays
// unsynced even when a second fsync of the same descriptor reports
// success, as Linux behaves after a write-back error; a new file written
// and fsynced afresh is durable.
func TestFailedSyncIsFinal(t *testing.T) {
	c := NewCrashFS(baseWithFile(t, "old"))
	f := NewFaultFS(c)
	f.Inject(Fault{Op: "sync", Err: syscall.EIO})
	file, err := f.OpenFile("/d/g", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	if _, err := file.Write([]byte("data")); err != nil {
		t.Fatal(err)
	}
	if err := file.Sync(); !errors.Is(err, syscall.EIO) {
		t.Fatalf("first sync: %v, want EIO", err)
	}
	if err := file.Sync(); err != nil {
		t.Fatalf("second sync: %v, want the kernel's false success", err)
	}
	mustDo(t, f.SyncDir("/d"))
	if got := Content(t, c.Crash(), "/d/g"); got != "" {
		t.Fatalf("after the cut the file holds %q: a failed fsync must lose the bytes", got)
	}
	if err := fsx.WriteFile(f, "/d/h", []byte("again"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := Content(t, c.Crash(), "/d/h"); got != "again" {
		t.Fatalf("a file written afresh: %q after the cut", got)
	}
}

// TestSyncFaultsEnumerates: SyncFaults fails each fsync of a run once, in
// order, then yields a run without a fault and stops.
func TestSyncFaultsEnumerates(t *testing.T) {
	var got []string
	for sf := range SyncFaults(baseWithFile(t, "old"), nil, func(fsys fsx.FS) error {
		return fsx.WriteFile(fsys, "/d/f", []byte("new"), 0o644)
	}) {
		if (sf.Op.N == 0) != (sf.Err == nil) || sf.Err != nil && !errors.Is(sf.Err, syscall.EIO) {
			t.Errorf("%v: err = %v", sf.Op, sf.Err)
		}
		got = append(got, sf.Op.Name)
	}
	if len(got) != 3 || got[0] != "sync" || got[1] != "syncdir" || got[2] != "" {
		t.Fatalf("faults fired at %q, want [sync syncdir] and a run without", got)
	}
}
