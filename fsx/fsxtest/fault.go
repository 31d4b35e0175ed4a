package fsxtest

// FaultFS injects errors into chosen calls of any FS. The usual test
// counts the operations of a run, then fails each one in turn and checks
// that the run fails cleanly and leaves nothing broken:
//
//	base := fsxtest.NewMemFS() // … set up a store on it …
//	for n := 1; ; n++ {
//		f := fsxtest.NewFaultFS(base.Clone())
//		f.FailAt(n, syscall.EIO)
//		err := save(f)
//		if len(f.Fired()) == 0 { // n is past the last operation: done
//			break
//		}
//		if !errors.Is(err, syscall.EIO) {
//			t.Errorf("fault at %v: err = %v", f.Fired()[0], err)
//		}
//		// … check invariants on f (or on the inner MemFS) …
//	}
//
// Stopping when no fault fired, rather than at a counted total, keeps the
// loop right when a failure path does more or fewer calls than success.
// For retry tests, Inject a Fault with Times: K and a transient errno;
// Op and Path restrict a fault to, say, renames under "refs/".

import (
	"iter"
	"slices"
	"strings"
	"syscall"

	"github.com/circuitvc/circuitvc/fsx"
)

// Fault describes which calls of a FaultFS fail and how.
type Fault struct {
	// Op restricts the fault to these operation names, separated by
	// commas ("rename,link"); empty matches every operation. The names
	// are those of Op.Name.
	Op string
	// Path restricts the fault to calls whose path (or second path)
	// contains this substring; empty matches every path.
	Path string
	// After is how many matching calls pass before the first failure.
	After int
	// Times is how many matching calls fail, one after another, before
	// calls succeed again; 0 means 1 and a negative value means forever.
	Times int
	// Err is the cause returned inside an *fs.PathError or *os.LinkError,
	// such as syscall.ENOSPC; nil means syscall.EIO.
	Err error
}

// faultRule is a Fault with the count of calls it has matched.
type faultRule struct {
	Fault
	seen int
}

func (r *faultRule) matches(op *Op) bool {
	if r.Op != "" && !slices.Contains(strings.Split(r.Op, ","), op.Name) {
		return false
	}
	return r.Path == "" || strings.Contains(op.Path, r.Path) || strings.Contains(op.To, r.Path)
}

// fire counts a matching call and reports whether it fails.
func (r *faultRule) fire() bool {
	r.seen++
	times := r.Times
	if times == 0 {
		times = 1
	}
	return r.seen > r.After && (times < 0 || r.seen <= r.After+times)
}

// FaultFS is an FS that passes calls to an inner FS except those a Fault
// selects, which fail without reaching it (a failed Close still closes).
// It is safe for concurrent use.
//
// A failed Sync is final for its descriptor, as on Linux, where fsync
// reports a write-back error once and marks the lost pages clean
// ("fsyncgate"): every later Sync of that file reports success and does
// nothing, so over a CrashFS the file's unsynced bytes stay lost in a
// power cut. Code that retries the fsync on the same descriptor and
// believes it is caught; the cure is to rewrite the file or fail.
type FaultFS struct {
	*hookFS
	faults []*faultRule
	fired  []Op
}

// NewFaultFS wraps inner; with no faults added it changes nothing but
// counts and logs every call.
func NewFaultFS(inner fsx.FS) *FaultFS {
	f := &FaultFS{}
	f.hookFS = &hookFS{inner: inner, decide: f.decide, loseFailedSync: true}
	return f
}

func (f *FaultFS) decide(op *Op) error {
	var err error
	for _, r := range f.faults {
		if r.matches(op) && r.fire() && err == nil {
			err = r.Err
			if err == nil {
				err = syscall.EIO
			}
		}
	}
	if err != nil {
		op.Err = err
		f.fired = append(f.fired, *op)
	}
	return err
}

// Inject adds a fault. Its After counts matching calls from now on.
func (f *FaultFS) Inject(fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, &faultRule{Fault: fault})
}

// FailAt makes the nth call from now (counting every operation, from 1)
// fail with err.
func (f *FaultFS) FailAt(n int, err error) {
	f.Inject(Fault{After: n - 1, Times: 1, Err: err})
}

// FailFrom makes the nth call from now and every later one fail with err,
// as a disk that fills up or goes read-only does. Cleanup code then fails
// too, which is how a test finds what it leaves behind.
func (f *FaultFS) FailFrom(n int, err error) {
	f.Inject(Fault{After: n - 1, Times: -1, Err: err})
}

// Clear removes every fault; the log and the record of fired faults stay.
func (f *FaultFS) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = nil
}

// Fired returns the calls that were failed, in order.
func (f *FaultFS) Fired() []Op {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.fired)
}

// SyncFault is one run of SyncFaults: the fsync that failed, what the
// code under test returned, and the file system it left.
type SyncFault struct {
	// Op is the Sync or SyncDir that failed; in the last run, in which
	// no fault fired, it is the zero Op.
	Op Op
	// Err is what the run returned.
	Err error
	// Faults is the fault layer the run used; its Log shows every call.
	Faults *FaultFS
	// Disk is the crashable file system under it: read it as the running
	// system sees it, or Crash it to see what a power cut now leaves.
	Disk *CrashFS
}

// SyncFaults layers a FaultFS over a CrashFS holding a copy of base and
// runs run on it once for each fsync (Sync or SyncDir) that run makes,
// failing the kth with err (nil: EIO) for k = 1, 2, …, until a run makes
// fewer than k fsyncs. It yields each run whose fault fired, then that
// last run, in which none did. Every k runs, even under -short: a command
// makes tens of fsyncs, not the thousands of calls that Sampled thins
// out, and each is a different promise. The caller checks the two
// promises of durable code: a run that reported success survives
// Disk.Crash() whole; a run that failed left nothing half-done, before
// and after a power cut.
func SyncFaults(base *MemFS, err error, run func(fsys fsx.FS) error) iter.Seq[SyncFault] {
	return func(yield func(SyncFault) bool) {
		for k := 1; ; k++ {
			c := NewCrashFS(base)
			f := NewFaultFS(c)
			f.Inject(Fault{Op: "sync,syncdir", After: k - 1, Err: err})
			rerr := run(f)
			sf := SyncFault{Err: rerr, Faults: f, Disk: c}
			fired := f.Fired()
			if len(fired) > 0 {
				sf.Op = fired[0]
			}
			if !yield(sf) || len(fired) == 0 {
				return
			}
		}
	}
}
