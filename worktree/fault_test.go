package worktree

// Fault injection into the repository layer: every file-system operation
// of save and restore is failed in turn, with several errnos, and every
// outcome must leave verify clean, the history intact, every working file
// whole and no temp file in the working tree. Transient errors are retried
// up to the limit and no further.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// faultStats counts what one fault loop exercised.
type faultStats struct {
	points   int // runs in which the fault fired
	absorbed int // of which the command still succeeded (cleanup, unlock, gc probe…)
	moved    int // of which HEAD had moved although an error was returned
	tmpObj   int // runs leaving a temp object in .circuitvc/objects (allowed)
}

// faultLoop fails, for k = 1, 2, …, the kth operation matching ops (empty:
// every operation) of sc's command with errno, until no fault fires.
func faultLoop(t *testing.T, sc *scenario, errno error, ops string) faultStats {
	t.Helper()
	ctx := context.Background()
	var st faultStats
	for k := 1; ; k++ {
		if !fsxtest.Sampled(k) {
			continue
		}
		inner := sc.base.Clone()
		f := fsxtest.NewFaultFS(inner)
		r, err := openRepo(t, f)
		if err != nil {
			t.Fatal(err)
		}
		f.Inject(fsxtest.Fault{Op: ops, After: k - 1, Err: errno})
		err = sc.run(ctx, r)
		r.Close()
		fired := f.Fired()
		if len(fired) == 0 {
			if err != nil {
				t.Errorf("%s: no fault fired but the command failed: %v", sc.name, err)
			}
			return st
		}
		st.points++
		op := fired[0]
		desc := sc.name + ": " + op.String()
		var partial *PartialRestoreError
		switch {
		case err == nil:
			st.absorbed++
		case !errors.Is(err, errno):
			t.Errorf("%s: err = %v, want one wrapping %v", desc, err, errno)
		case !mentions(err, op):
			t.Errorf("%s: error does not name the file: %v", desc, err)
		case errors.As(err, &partial):
			t.Errorf("%s: one fault left a partial restore: %v", desc, err)
		case sc.atomic:
			checkUnchanged(t, inner, sc, false, desc)
		}
		out := checkStore(t, inner, sc, refRenamed(f.Log()), err == nil, desc)
		if out.moved && err != nil {
			st.moved++
		}
		for p := range workState(t, inner) {
			if isWorkTemp(p) {
				t.Errorf("%s: temp file %s left in the working tree", desc, p)
			}
		}
		tmps, locks := storeDebris(inner)
		if len(tmps) > 0 {
			st.tmpObj++
		}
		if len(locks) > 0 {
			t.Errorf("%s: lock file(s) left in the store: %v", desc, locks)
		}
		followUp(t, inner.Clone(), sc, desc)
		if t.Failed() && st.points > 20 {
			t.Fatalf("%s: stopping after failures", desc)
		}
	}
}

// TestFaultEveryOperation fails every operation of save and restore with
// EIO and ENOSPC, and the operations where a permission error can happen
// (open, mkdir, rename, link, remove, chmod, lock) with EACCES.
func TestFaultEveryOperation(t *testing.T) {
	t.Parallel()
	scenarios := map[string]func(testing.TB) *scenario{"save": saveScenario, "restore": restoreScenario,
		"clean restore": cleanRestoreScenario, "restore over a backup": rebackupScenario}
	cases := []struct {
		errno error
		ops   string
	}{
		{syscall.EIO, ""},
		{syscall.ENOSPC, ""},
		{syscall.EACCES, "open,mkdir,rename,link,remove,chmod,lock"},
	}
	var summary []string
	total := 0
	for _, name := range []string{"save", "restore", "clean restore", "restore over a backup"} {
		sc := scenarios[name](t)
		for _, c := range cases {
			t.Run(name+"/"+errnoName(c.errno), func(t *testing.T) {
				st := faultLoop(t, sc, c.errno, c.ops)
				if st.points == 0 {
					t.Fatal("no fault point reached")
				}
				t.Logf("%s %v: %d fault points (%d absorbed with success, %d failed after HEAD moved, %d left a temp object), all clean",
					name, c.errno, st.points, st.absorbed, st.moved, st.tmpObj)
				summary = append(summary, name+" "+errnoName(c.errno)+": "+strconv.Itoa(st.points))
				total += st.points
			})
		}
	}
	t.Logf("fault injection: %d fault points in all (%s)", total, strings.Join(summary, ", "))
}

// TestFaultTransientRetried injects transient errors K times in a row at
// a working-file read (save) or write (restore): up to the retry limit the
// command succeeds; one more and it fails cleanly, naming the file and
// the retries spent. fsx.Retry sleeps for real (100 ms doubling), so the
// cases run in parallel.
func TestFaultTransientRetried(t *testing.T) {
	limit := fsx.DefaultRetry.MaxRetries
	cases := []struct {
		name  string
		sc    func(testing.TB) *scenario
		fault fsxtest.Fault
	}{
		{"save read EINTR", saveScenario, fsxtest.Fault{Op: "read", Path: "/w/a.circuit.json", Err: syscall.EINTR}},
		{"save open EAGAIN", saveScenario, fsxtest.Fault{Op: "open", Path: "/w/c.circuit.json", Err: syscall.EAGAIN}},
		{"restore rename EBUSY", restoreScenario, fsxtest.Fault{Op: "rename", Path: "a.circuit.json.tmp-", Err: syscall.EBUSY}},
		{"restore write EINTR", restoreScenario, fsxtest.Fault{Op: "write", Path: "d.circuit.json.tmp-", Err: syscall.EINTR}},
	}
	for _, c := range cases {
		for _, times := range []int{limit, limit + 1} {
			t.Run(c.name+"/"+strconv.Itoa(times), func(t *testing.T) {
				t.Parallel()
				sc := c.sc(t)
				inner := sc.base.Clone()
				f := fsxtest.NewFaultFS(inner)
				r, err := openRepo(t, f)
				if err != nil {
					t.Fatal(err)
				}
				fault := c.fault
				fault.Times = times
				f.Inject(fault)
				err = sc.run(context.Background(), r)
				r.Close()
				fired := f.Fired()
				if len(fired) != times {
					t.Fatalf("%d faults fired, want %d: %v", len(fired), times, fired)
				}
				desc := c.name + " x" + strconv.Itoa(times)
				if times <= limit {
					if err != nil {
						t.Fatalf("%s: %d transient failures (the retry limit) should be absorbed: %v", desc, times, err)
					}
				} else {
					switch {
					case err == nil:
						t.Fatalf("%s: succeeded with %d transient failures, one more than the limit", desc, times)
					case !errors.Is(err, fault.Err) || !mentions(err, fired[0]) || !strings.Contains(err.Error(), "retries"):
						t.Errorf("%s: err = %v, want %v naming the file and the retries", desc, err, fault.Err)
					}
				}
				checkStore(t, inner, sc, refRenamed(f.Log()), err == nil, desc)
				for p := range workState(t, inner) {
					if isWorkTemp(p) {
						t.Errorf("%s: temp file %s left in the working tree", desc, p)
					}
				}
				if err != nil {
					followUp(t, inner.Clone(), sc, desc)
				}
				t.Logf("%s: %d transient faults, err = %v", desc, len(fired), err)
			})
		}
	}
}

// TestRestoreDiskDiesAtEveryOperation fails every operation of a restore
// from the nth on, for every n, as a disk that dies or turns read-only
// does, so that putting things back fails too. Each outcome is the cause
// with the working files and refs bit for bit as they were, or a
// *PartialRestoreError that lists every working file left changed and
// names a backup holding the bytes of the unsaved ones; never lost work.
func TestRestoreDiskDiesAtEveryOperation(t *testing.T) {
	t.Parallel()
	for _, mk := range []func(testing.TB) *scenario{restoreScenario, cleanRestoreScenario, rebackupScenario} {
		sc := mk(t)
		t.Run(sc.name, func(t *testing.T) {
			points, partials := 0, 0
			for n := 1; ; n++ {
				if !fsxtest.Sampled(n) {
					continue
				}
				inner := sc.base.Clone()
				f := fsxtest.NewFaultFS(inner)
				r, err := openRepo(t, f)
				if err != nil {
					t.Fatal(err)
				}
				f.FailFrom(n, syscall.EIO)
				err = sc.run(context.Background(), r)
				r.Close()
				if len(f.Fired()) == 0 {
					break
				}
				points++
				desc := fmt.Sprintf("%s: failing from %v", sc.name, f.Fired()[0])
				var partial *PartialRestoreError
				switch {
				case err == nil:
					checkStore(t, inner, sc, true, true, desc)
					continue
				case !errors.Is(err, syscall.EIO):
					t.Errorf("%s: err = %v, want EIO", desc, err)
				case errors.As(err, &partial):
					partials++
					checkPartial(t, inner, sc, partial, desc)
					if partials == 1 {
						t.Logf("%s: for example: %v", desc, err)
					}
				default:
					checkUnchanged(t, inner, sc, true, desc)
				}
				checkStore(t, inner, sc, refRenamed(f.Log()), false, desc)
				if t.Failed() {
					t.Fatalf("%s: stopping at the first failure", desc)
				}
			}
			t.Logf("%s: disk dying at each of %d operations: %d partial restores reported, the rest changed nothing", sc.name, points, partials)
		})
	}
}

// checkPartial checks what a *PartialRestoreError says against the
// working tree it left: every file that differs from before is listed,
// and the message names them and the backup.
func checkPartial(t *testing.T, fsys fsx.FS, sc *scenario, e *PartialRestoreError, desc string) {
	t.Helper()
	work := workState(t, fsys)
	for p := range sc.before {
		if work[p] != sc.before[p] && !slices.Contains(e.Files, p) {
			t.Errorf("%s: %s was left changed but the error does not list it: %v", desc, p, e)
		}
	}
	for p := range work {
		if _, ok := sc.before[p]; !ok && !isWorkTemp(p) && !slices.Contains(e.Files, p) {
			t.Errorf("%s: %s was left behind but the error does not list it: %v", desc, p, e)
		}
	}
	msg := e.Error()
	for _, p := range e.Files {
		if !strings.Contains(msg, p) && !strings.Contains(msg, "more") {
			t.Errorf("%s: message does not name %s: %s", desc, p, msg)
		}
	}
	if len(e.Files) == 0 {
		return
	}
	if e.Previous.IsZero() || !strings.Contains(msg, "restore --to") {
		t.Fatalf("%s: files left changed but no version holding them named: %s", desc, msg)
	}
	r, err := openRepo(t, fsys)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if b, err := r.refs.Read(refs.Backup); e.InBackup && (err != nil || b != e.Previous) {
		t.Errorf("%s: the error says backup names %s, but it is %s (%v)", desc, e.Previous, b, err)
	}
	snap, err := r.Snapshot(e.Previous)
	if err != nil {
		t.Fatalf("%s: the version named, %s: %v", desc, e.Previous, err)
	}
	for _, p := range e.Files {
		old, existed := sc.before[p]
		if existed && snap[p].Hash != objects.HashObject(objects.BlobObject, []byte(old)) {
			t.Errorf("%s: %s as it was is not in the version named, %s", desc, p, e.Previous)
		}
	}
}
