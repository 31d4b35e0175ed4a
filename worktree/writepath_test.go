package worktree

// Direct tests of single promises of the porcelain's write paths, each
// beside the broad fault and power-cut sweeps that also cover it.

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"syscall"
	"testing"

	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/circuitvc/circuitvc/refs"
)

// TestSaveRefSyncFailureChangesNothing: when the fsync of the branch's
// directory fails after its ref was renamed, save reports the failure
// and puts the ref and reflogs back: a failed save changed nothing.
func TestSaveRefSyncFailureChangesNothing(t *testing.T) {
	sc := saveScenario(t)
	inner, f, err := runFaulted(t, sc, fsxtest.Fault{Op: "syncdir", Path: "refs/heads", Err: syscall.EIO})
	if !errors.Is(err, syscall.EIO) || len(f.Fired()) == 0 {
		t.Fatalf("save = %v (faults fired: %v), want EIO", err, f.Fired())
	}
	if !refRenamed(f.Log()) {
		t.Fatalf("the fault fired before the ref's rename: %v", f.Fired())
	}
	checkUnchanged(t, inner, sc, false, "ref directory fsync failed")
}

// TestMergeBacksUpUnsavedWork: a merge that overwrites a working file
// holding unsaved work first moves backup to a version holding it.
func TestMergeBacksUpUnsavedWork(t *testing.T) {
	sc := mergeScenario(t)
	fsys := sc.base.Clone()
	r, err := openRepo(t, fsys)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := sc.run(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	for p, data := range sc.unsaved {
		if !inBackup(r, p, data, false) {
			t.Errorf("unsaved %s is not in the version backup names", p)
		}
	}
	if log, err := r.refs.Reflog(refs.Backup); err != nil || len(log) == 0 {
		t.Errorf("backup reflog: %v, %v", log, err)
	}
}

// TestMergeStateBeforeFiles: when the merge state cannot be written, the
// merge stops before changing any working file; a merge never leaves
// merged files without the state that 'merge --abort' needs.
func TestMergeStateBeforeFiles(t *testing.T) {
	sc := mergeScenario(t)
	inner, _, err := runFaulted(t, sc, fsxtest.Fault{Op: "rename", Path: "state.json", Err: syscall.EIO})
	if !errors.Is(err, syscall.EIO) {
		t.Fatalf("merge = %v, want EIO", err)
	}
	if got := workState(t, inner); !maps.Equal(got, sc.before) {
		t.Errorf("the merge state was not written, yet working files changed")
	}
}

// TestRecordedMergeLeftState: when the state of a clean merge cannot be
// removed after current moved to the merge version (as after a power cut
// between the two), the merge is finished all the same: no merge is in
// progress, save and merge --abort treat it so, and the next merge
// clears what was left.
func TestRecordedMergeLeftState(t *testing.T) {
	sc := mergeScenario(t)
	inner, _, err := runFaulted(t, sc, fsxtest.Fault{Op: "remove", Path: "state.json", Times: -1, Err: syscall.EIO})
	if !errors.Is(err, syscall.EIO) {
		t.Fatalf("merge = %v, want EIO from removing its state", err)
	}
	if _, err := inner.Stat(scRoot + "/.circuitvc/merge/state.json"); err != nil {
		t.Fatalf("the fault did not leave the merge state: %v", err)
	}
	r, err := openRepo(t, inner)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	head, _ := r.Head()
	if head == sc.oldHead {
		t.Fatal("current did not move to the merge version")
	}
	if ms, err := r.MergeStatus(); err != nil || ms != nil {
		t.Errorf("merge status = %+v, %v; want none", ms, err)
	}
	if _, err := r.AbortMerge(context.Background()); !errors.Is(err, ErrNotMerging) {
		t.Errorf("merge --abort = %v, want ErrNotMerging", err)
	}
	writeWorkFile(t, r, "a.circuit.json", circuitV("after"))
	if res := mustSave(t, r, "after the merge"); len(logOf(t, r, res.Commit)) == 0 {
		t.Error("no history after save")
	}
	branch(t, r, "refs/heads/other", head, "b.circuit.json", circuitV("b"))
	if _, err := r.Merge(context.Background(), MergeOptions{Rev: "refs/heads/other", Author: testSig}); err != nil {
		t.Fatalf("next merge: %v", err)
	}
	if _, err := inner.Stat(scRoot + "/.circuitvc/merge"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the next merge kept the finished merge's state (%v)", err)
	}
}

// runFaulted runs sc's command once on a copy of its store with fault
// injected, and returns the copy (the disk under the fault layer), the
// fault layer and the command's error.
func runFaulted(t *testing.T, sc *scenario, fault fsxtest.Fault) (*fsxtest.MemFS, *fsxtest.FaultFS, error) {
	t.Helper()
	inner := sc.base.Clone()
	f := fsxtest.NewFaultFS(inner)
	r, err := openRepo(t, f)
	if err != nil {
		t.Fatal(err)
	}
	f.Inject(fault)
	err = sc.run(context.Background(), r)
	r.Close()
	return inner, f, err
}
