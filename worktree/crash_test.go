package worktree

// Power cuts in the repository layer: save and restore are cut after
// every operation (every prefix of their operation log) on a CrashFS, and
// every file system a cut could leave — the worst case, in which only
// fsynced state survives, and alternative outcomes of the operations not
// yet durable — must reopen to a store that verify accepts, with every
// acknowledged save present and every working file whole-old or whole-new.

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// crashOutcomes bounds the outcomes explored per cut: all subsets of up to
// four pending operations, else every in-order prefix and random subsets.
const crashOutcomes = 24

// crashStats counts what one power-cut loop exercised.
type crashStats struct {
	cuts      int // prefixes cut
	states    int // post-crash file systems checked
	moved     int // states in which the command's commit survived
	workTemps int // states with a temp file of an atomic replace in the working tree
	tmpObj    int // states with a temp object in .circuitvc/objects
	refLocks  int // states with a leftover ref .lock (blocks the next update until removed)
}

func (st *crashStats) debris(fsys *fsxtest.MemFS, t testing.TB) {
	for p := range workState(t, fsys) {
		if isWorkTemp(p) {
			st.workTemps++
			break
		}
	}
	tmps, locks := storeDebris(fsys)
	if len(tmps) > 0 {
		st.tmpObj++
	}
	if len(locks) > 0 {
		st.refLocks++
	}
}

// crashLoop cuts sc's command after its nth operation for n = 0, 1, …
// until it completes before the cut, and checks every explored outcome.
func crashLoop(t *testing.T, sc *scenario) crashStats {
	t.Helper()
	ctx := context.Background()
	var st crashStats
	for n := 0; ; n++ {
		if !fsxtest.Sampled(n) {
			continue
		}
		c := fsxtest.NewCrashFS(sc.base)
		r, err := openRepo(t, c)
		if err != nil {
			t.Fatal(err)
		}
		c.CrashAfter(c.Ops() + n)
		err = sc.run(ctx, r)
		r.Close()
		acked := err == nil
		if err != nil && !errors.Is(err, fsxtest.ErrPowerCut) {
			t.Errorf("%s cut after op %d: err = %v, want the power cut", sc.name, n, err)
		}
		mayMove := refRenamed(c.Log())
		st.cuts++
		first := true
		for desc, after := range c.CrashStates(crashOutcomes) {
			desc = fmt.Sprintf("%s cut after %d ops (acked %v): %s", sc.name, n, acked, desc)
			st.states++
			if checkStore(t, after, sc, mayMove, acked, desc).moved {
				st.moved++
			}
			locksBefore := st.refLocks
			st.debris(after, t)
			switch {
			case first: // the worst case: the user runs the command again
				followUp(t, after.Clone(), sc, desc)
				first = false
			case st.refLocks == 1 && locksBefore == 0:
				staleLockRecovery(t, after.Clone(), sc, desc)
			}
		}
		if t.Failed() {
			t.Fatalf("%s: stopping at the first failing cut (%d)", sc.name, n)
		}
		if !c.Cut() {
			return st
		}
	}
}

// staleLockRecovery checks a state in which a ref's .lock survived the
// cut without its rename, as it can in git: the next command must refuse
// with a *refs.LockedError naming the file, or succeed without needing
// that ref (a restore whose files are already in place need not move
// backup); either way the ref and its lock are untouched. Once the file is
// removed, as the message says, the command succeeds.
func staleLockRecovery(t *testing.T, fsys *fsxtest.MemFS, sc *scenario, desc string) {
	t.Helper()
	_, locks := storeDebris(fsys)
	lockedRef := strings.TrimSuffix(filepath.ToSlash(locks[0]), ".lock")
	before, _ := fsx.ReadFile(fsys, filepath.Join(scRoot, DirName, lockedRef))
	r, err := openRepo(t, fsys)
	if err != nil {
		t.Fatal(err)
	}
	err = sc.run(context.Background(), r)
	r.Close()
	var le *refs.LockedError
	if err != nil && (!errors.As(err, &le) || !strings.Contains(err.Error(), filepath.Base(locks[0]))) {
		t.Errorf("%s: with stale lock %v the command returned %v, want a *refs.LockedError naming it", desc, locks, err)
	}
	if after, _ := fsx.ReadFile(fsys, filepath.Join(scRoot, DirName, lockedRef)); string(after) != string(before) {
		t.Errorf("%s: %s changed while its lock was held", desc, lockedRef)
	}
	for _, l := range locks {
		if err := fsys.Remove(filepath.Join(scRoot, DirName, l)); err != nil {
			t.Fatal(err)
		}
	}
	followUp(t, fsys, sc, desc+" (stale lock removed)")
}

// TestPowerCutEveryPrefix cuts power after every operation of save and
// of restore.
func TestPowerCutEveryPrefix(t *testing.T) {
	t.Parallel()
	var cuts, states int
	for _, mk := range []func(testing.TB) *scenario{saveScenario, restoreScenario, cleanRestoreScenario, rebackupScenario} {
		sc := mk(t)
		t.Run(sc.name, func(t *testing.T) {
			st := crashLoop(t, sc)
			t.Logf("%s: %d power-cut points, %d post-crash states checked (%d with the new commit; %d with a working-tree temp file, %d with a temp object, %d with a stale ref lock), all clean",
				sc.name, st.cuts, st.states, st.moved, st.workTemps, st.tmpObj, st.refLocks)
			cuts += st.cuts
			states += st.states
		})
	}
	t.Logf("power cut: %d cut points, %d post-crash states, all clean", cuts, states)
}

// step is one action of the multi-save sequence: an edit of the working
// tree (path and new bytes, nil to remove) or a save.
type step struct {
	path string
	data []byte
	save string // the message, for a save step
}

// TestPowerCutSaveSequence runs three edit-and-save rounds on one CrashFS
// and cuts power anywhere in them: every save acknowledged before the cut
// must be in history, HEAD must be the last acknowledged save or the one
// in flight, and every working file must hold its last acknowledged bytes
// or the bytes being written when power failed.
func TestPowerCutSaveSequence(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	base, r := initMem(t)
	writeWorkFile(t, r, "a.circuit.json", circuitV("10k"))
	writeWorkFile(t, r, "sub/b.circuit.json", circuitV("1k"))
	v1 := mustSave(t, r, "v1").Commit
	r.Close()
	steps := []step{
		{path: "a.circuit.json", data: circuitV("4.7k")},
		{save: "s1"},
		{path: "e.circuit.json", data: circuitV("5")},
		{path: "sub/b.circuit.json", data: circuitV("2k")},
		{save: "s2"},
		{path: "a.circuit.json", data: circuitV("1M")},
		{path: "e.circuit.json"},
		{save: "s3"},
	}

	// A reference run gives the commit each save makes (fixed author,
	// time and message: the same every run).
	var want []objects.Hash
	{
		c := fsxtest.NewCrashFS(base)
		r, err := openRepo(t, c)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range steps {
			if h, err := runStep(ctx, r, s); err != nil {
				t.Fatal(err)
			} else if s.save != "" {
				want = append(want, h)
			}
		}
		r.Close()
	}

	var cuts, states, inFlightKept int
	for n := 0; ; n++ {
		if !fsxtest.Sampled(n) {
			continue
		}
		c := fsxtest.NewCrashFS(base)
		r, err := openRepo(t, c)
		if err != nil {
			t.Fatal(err)
		}
		c.CrashAfter(c.Ops() + n)
		acked := []objects.Hash{v1} // saves acknowledged, oldest first
		files := map[string][]byte{"a.circuit.json": circuitV("10k"), "sub/b.circuit.json": circuitV("1k")}
		var inFlight *step
		for _, s := range steps {
			h, err := runStep(ctx, r, s)
			if err != nil {
				if !errors.Is(err, fsxtest.ErrPowerCut) {
					t.Fatalf("cut after %d ops: step %+v: %v", n, s, err)
				}
				inFlight = &s
				break
			}
			if s.save != "" {
				if h != want[len(acked)-1] {
					t.Fatalf("cut after %d ops: save %s made %s, want %s", n, s.save, h, want[len(acked)-1])
				}
				acked = append(acked, h)
			} else if s.data == nil {
				delete(files, s.path)
			} else {
				files[s.path] = s.data
			}
		}
		r.Close()
		cuts++
		for desc, after := range c.CrashStates(crashOutcomes / 2) {
			states++
			desc = fmt.Sprintf("cut after %d ops, %d saves acknowledged: %s", n, len(acked)-1, desc)
			if checkSequence(t, after, acked, want, files, inFlight, desc) {
				inFlightKept++
			}
		}
		if t.Failed() {
			t.Fatalf("stopping at the first failing cut (%d)", n)
		}
		if !c.Cut() {
			break
		}
	}
	t.Logf("save sequence (3 saves, 5 edits): %d power-cut points, %d post-crash states (%d kept the save in flight), all clean", cuts, states, inFlightKept)
}

// runStep performs one step of the sequence, returning a save's commit.
func runStep(ctx context.Context, r *Repo, s step) (objects.Hash, error) {
	switch {
	case s.save != "":
		res, err := r.Save(ctx, SaveOptions{Message: s.save, Author: testSig})
		if err != nil {
			return objects.ZeroHash, err
		}
		return res.Commit, nil
	case s.data == nil:
		if err := r.fs.Remove(r.abs(s.path)); err != nil {
			return objects.ZeroHash, err
		}
		return objects.ZeroHash, r.fs.SyncDir(r.abs("."))
	}
	if err := fsx.MkdirAll(r.fs, r.abs(s.path+"/.."), 0o755); err != nil {
		return objects.ZeroHash, err
	}
	return objects.ZeroHash, fsx.WriteFile(r.fs, r.abs(s.path), s.data, 0o644)
}

// checkSequence checks one post-crash state of the save sequence and
// reports whether the save in flight survived.
func checkSequence(t *testing.T, fsys *fsxtest.MemFS, acked, want []objects.Hash, files map[string][]byte, inFlight *step, desc string) bool {
	t.Helper()
	r, err := openRepo(t, fsys)
	if err != nil {
		t.Errorf("%s: reopen: %v", desc, err)
		return false
	}
	defer r.Close()
	if problems, err := verifyProblems(r); err != nil || len(problems) > 0 {
		t.Errorf("%s: verify: %v %v", desc, err, problems)
	}
	head, err := r.Head()
	if err != nil {
		t.Errorf("%s: HEAD: %v", desc, err)
		return false
	}
	last := acked[len(acked)-1]
	kept := false
	switch {
	case head == last:
	case inFlight != nil && inFlight.save != "" && len(acked)-1 < len(want) && head == want[len(acked)-1]:
		kept = true
	default:
		t.Errorf("%s: HEAD = %s, want the last acknowledged save %s or the one in flight", desc, head, last)
	}
	history := logOf(t, r, head)
	for _, h := range acked {
		if !slices.Contains(history, h) {
			t.Errorf("%s: acknowledged save %s missing from history %v", desc, h, history)
		}
	}
	work := workState(t, fsys)
	for p, got := range work {
		if isWorkTemp(p) {
			continue
		}
		if old, ok := files[p]; ok && got == string(old) {
			continue
		}
		if inFlight != nil && inFlight.path == p && inFlight.data != nil && got == string(inFlight.data) {
			continue
		}
		t.Errorf("%s: working file %s is %s: neither its acknowledged nor its in-flight bytes", desc, p, describe(got, true))
	}
	for p, data := range files {
		if _, ok := work[p]; !ok && !(inFlight != nil && inFlight.path == p && inFlight.data == nil) {
			t.Errorf("%s: working file %s (%s) is missing", desc, p, describe(string(data), true))
		}
	}
	return kept
}
