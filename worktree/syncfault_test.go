package worktree

// Fault over crash for the porcelain: each fsync of save, restore, merge
// and gc is failed in turn on a FaultFS over a CrashFS
// (fsxtest.SyncFaults). A command that reports success must survive a
// power cut whole: its version current, its working files in place, the
// unsaved work it moved aside reachable from backup. A command that fails
// must leave nothing half-done, before the cut and after it: the same
// invariants as the fault and power-cut tests (verify clean, history
// intact, every working file whole-old or whole-new, unsaved work kept),
// and for an atomic command no working file nor ref changed at all.

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/circuitvc/circuitvc/objects"
)

// syncFaultLoop runs sc once per fsync it makes, failing that fsync, and
// checks every outcome; extra, when set, checks more of each outcome.
func syncFaultLoop(t *testing.T, sc *scenario, extra func(t *testing.T, fsys fsx.FS, cut bool, desc string)) (runs int) {
	t.Helper()
	for sf := range fsxtest.SyncFaults(sc.base, nil, func(fsys fsx.FS) error {
		r, err := openRepo(t, fsys)
		if err != nil {
			return err
		}
		defer r.Close()
		return sc.run(context.Background(), r)
	}) {
		runs++
		desc := fmt.Sprintf("%s, fault at %v (err %v)", sc.name, sf.Op, sf.Err)
		mayMove := refRenamed(sf.Faults.Log())
		var partial *PartialRestoreError
		switch {
		case sf.Err == nil:
			// Also when a fault fired: only an fsync that promises nothing
			// (the stat cache's) may fail unreported, and then the power
			// cut proves it.
			crashed := sf.Disk.Crash()
			checkStore(t, crashed, sc, true, true, desc+", power cut after success")
			if extra != nil {
				extra(t, crashed, true, desc+", power cut after success")
			}
			continue
		case !errors.Is(sf.Err, syscall.EIO):
			t.Errorf("%s: the error does not wrap the cause", desc)
		case errors.As(sf.Err, &partial):
			t.Errorf("%s: one failed fsync left a partial restore", desc)
		case sc.atomic:
			checkUnchanged(t, sf.Disk, sc, false, desc)
		}
		for _, st := range []struct {
			what string
			fsys fsx.FS
			cut  bool
		}{{"after the failure", sf.Disk, false}, {"power cut after the failure", sf.Disk.Crash(), true}} {
			checkStore(t, st.fsys, sc, mayMove, false, desc+", "+st.what)
			if extra != nil {
				extra(t, st.fsys, st.cut, desc+", "+st.what)
			}
		}
		if t.Failed() {
			t.FailNow()
		}
	}
	return runs
}

func TestSyncFaultsSaveRestore(t *testing.T) {
	t.Parallel()
	for _, mk := range []func(testing.TB) *scenario{saveScenario, restoreScenario, cleanRestoreScenario, rebackupScenario} {
		sc := mk(t)
		t.Run(sc.name, func(t *testing.T) {
			if runs := syncFaultLoop(t, sc, nil); runs < 4 {
				t.Errorf("%d runs: is the fault layer in the path?", runs)
			}
		})
	}
}

// mergeScenario: v1 holds a.circuit.json; another history changes R1,
// ours (v2) changes R2, and the working file holds an unsaved edit of
// R2 besides. The merge is clean: the unsaved edit goes to backup, the
// file becomes the merge of both histories, and a version with two
// parents records it.
func mergeScenario(t *testing.T) *scenario {
	m, r := initMem(t)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1k"))
	v1 := mustSave(t, r, "v1").Commit
	theirs := branch(t, r, "refs/heads/side", v1, "a.circuit.json", circuitV("3k"))
	r2 := func(v string) []byte {
		return []byte(strings.Replace(string(circuitV("1k")), `"R2", "value": "1k"`, `"R2", "value": "`+v+`"`, 1))
	}
	writeWorkFile(t, r, "a.circuit.json", r2("9k"))
	v2 := mustSave(t, r, "v2").Commit
	writeWorkFile(t, r, "a.circuit.json", r2("8k"))
	r.Close()
	sc := &scenario{
		name:    "merge",
		base:    m,
		oldHead: v2,
		parents: []objects.Hash{v2, theirs},
		unsaved: map[string]string{"a.circuit.json": string(r2("8k"))},
		run: func(ctx context.Context, r *Repo) error {
			res, err := r.Merge(ctx, MergeOptions{Rev: "refs/heads/side", Author: testSig})
			if err == nil && (res.Commit.IsZero() || res.Backup.IsZero()) {
				err = fmt.Errorf("merge: %+v", res)
			}
			return err
		},
	}
	sc.fillFromReference(t)
	return sc
}

// mergeInProgress: a merge that changed working files but did not
// record its version has left its state, so that status says so and
// 'merge --abort' can put the files back; once current is the merge
// version, no merge is in progress, even when a power cut between the
// ref's move and the state's removal left the state behind.
func mergeInProgress(sc *scenario) func(t *testing.T, fsys fsx.FS, cut bool, desc string) {
	return func(t *testing.T, fsys fsx.FS, _ bool, desc string) {
		t.Helper()
		r, err := openRepo(t, fsys)
		if err != nil {
			t.Errorf("%s: %v", desc, err)
			return
		}
		defer r.Close()
		head, _ := r.Head()
		ms, err := r.MergeStatus()
		switch {
		case err != nil:
			t.Errorf("%s: merge status: %v", desc, err)
		case head != sc.oldHead && ms != nil:
			t.Errorf("%s: current is the merge version, yet the merge is still in progress: save would refuse", desc)
		case head == sc.oldHead && ms == nil && !maps.Equal(workState(t, fsys), sc.before):
			t.Errorf("%s: the working files are merged but no merge is in progress: --abort cannot put them back", desc)
		}
	}
}

func TestSyncFaultsMerge(t *testing.T) {
	t.Parallel()
	sc := mergeScenario(t)
	if runs := syncFaultLoop(t, sc, mergeInProgress(sc)); runs < 4 {
		t.Errorf("%d runs: is the fault layer in the path?", runs)
	}
}

// TestSyncFaultsGC: gc packs the loose objects of three versions. After
// success and a power cut, the history reads whole from the pack alone;
// after a failure, every version reads whole, running and after a cut.
func TestSyncFaultsGC(t *testing.T) {
	t.Parallel()
	m, r := initMem(t)
	for _, v := range []string{"1k", "2k", "3k"} {
		writeWorkFile(t, r, "a.circuit.json", circuitV(v))
		mustSave(t, r, v)
	}
	head, err := r.Head()
	if err != nil {
		t.Fatal(err)
	}
	history := logOf(t, r, head)
	r.Close()
	check := func(fsys fsx.FS, done bool, desc string) {
		t.Helper()
		r, err := openRepo(t, fsys)
		if err != nil {
			t.Fatalf("%s: %v", desc, err)
		}
		defer r.Close()
		if problems, err := verifyProblems(r); err != nil || len(problems) > 0 {
			t.Errorf("%s: verify: %v %v", desc, problems, err)
		}
		if got := logOf(t, r, head); !slices.Equal(got, history) {
			t.Errorf("%s: history %v, want %v", desc, got, history)
		}
		for _, h := range history {
			if _, err := r.Snapshot(h); err != nil {
				t.Errorf("%s: version %s: %v", desc, short(h), err)
			}
		}
		if n, err := r.objects.CountLoose(); done && (err != nil || n != 0) {
			t.Errorf("%s: gc succeeded, but %d loose objects after the cut (%v)", desc, n, err)
		}
	}
	runs := 0
	for sf := range fsxtest.SyncFaults(m, nil, func(fsys fsx.FS) error {
		r, err := openRepo(t, fsys)
		if err != nil {
			return err
		}
		defer r.Close()
		_, err = r.GC(context.Background(), GCOptions{})
		return err
	}) {
		runs++
		desc := fmt.Sprintf("gc, fault at %v (err %v)", sf.Op, sf.Err)
		if sf.Err == nil {
			check(sf.Disk.Crash(), true, desc+", power cut after success")
			continue
		}
		check(sf.Disk, false, desc+", after the failure")
		check(sf.Disk.Crash(), false, desc+", power cut after the failure")
	}
	if runs < 4 {
		t.Errorf("%d runs", runs)
	}
}
