//go:build !windows

package stress

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// killConfig is how long and how hard TestKill runs (see doc.go).
type killConfig struct {
	iterations int
	epoch      int // iterations per fresh store; 0: one store
	fsckEvery  int
	seed       uint64
}

func killConfigFromEnv(t *testing.T) killConfig {
	t.Helper()
	c := killConfig{iterations: 100, epoch: 25, fsckEvery: 1, seed: uint64(time.Now().UnixNano())}
	for _, v := range []struct {
		env string
		dst *int
		min int
	}{{"KILL_ITERATIONS", &c.iterations, 1}, {"KILL_EPOCH", &c.epoch, 0}, {"KILL_FSCK_EVERY", &c.fsckEvery, 1}} {
		if s := os.Getenv(v.env); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < v.min {
				t.Fatalf("%s=%q: want an integer >= %d", v.env, s, v.min)
			}
			*v.dst = n
		}
	}
	if s := os.Getenv("KILL_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("KILL_SEED=%q: %v", s, err)
		}
		c.seed = n
	}
	if c.epoch == 0 {
		c.epoch = c.iterations
	}
	return c
}

// noKill is a kill delay no command reaches: the run completes.
const noKill = time.Hour

// killStats counts what TestKill reached, for its log and the report.
type killStats struct {
	iterations, saves, restores       int
	killed, completed, earlyKills     int
	ackSaves, ackRestores             int
	verifies, fsckRuns                int
	staleLocks                        map[string]int
	lockProbes                        int
	reflogBreaks, workTemps, objTemps int
	dangling                          int
	epochs                            int
}

// add counts o's runs in s too.
func (s *killStats) add(o killStats) {
	s.iterations += o.iterations
	s.saves += o.saves
	s.restores += o.restores
	s.killed += o.killed
	s.completed += o.completed
	s.earlyKills += o.earlyKills
	s.ackSaves += o.ackSaves
	s.ackRestores += o.ackRestores
	s.verifies += o.verifies
	s.fsckRuns += o.fsckRuns
	s.lockProbes += o.lockProbes
	s.reflogBreaks += o.reflogBreaks
	s.workTemps += o.workTemps
	s.objTemps += o.objTemps
	s.dangling += o.dangling
	s.epochs += o.epochs
	for name, n := range o.staleLocks {
		s.staleLocks[name] += n
	}
}

// TestKill SIGKILLs circuitvc save and restore at random moments and
// checks after every kill that nothing acknowledged was lost, the store
// verifies (circuitvc and git fsck) and the working file is whole. Each
// store is a parallel subtest: the work waits on the disk as much as on
// the processor.
func TestKill(t *testing.T) {
	t.Parallel()
	if testing.Short() && os.Getenv("KILL_ITERATIONS") == "" {
		t.Skip("SIGKILL recovery: run without -short (or set KILL_ITERATIONS)")
	}
	needBinary(t)
	cfg := killConfigFromEnv(t)
	git := gitPath(t)
	fx := killFixture(t)
	t.Logf("kill: seed %d (KILL_SEED to replay; -run 'TestKill/stores/store2$' one store), %d iterations, fresh store every %d, git fsck every %d iteration(s) and at each store's end; file %s (%d bytes) from %s",
		cfg.seed, cfg.iterations, cfg.epoch, cfg.fsckEvery, fx.name, len(fx.data), fx.source)
	var mu sync.Mutex
	st := killStats{staleLocks: map[string]int{}}
	start := time.Now()
	t.Run("stores", func(t *testing.T) {
		for i, done := 0, 0; done < cfg.iterations; i, done = i+1, done+cfg.epoch {
			n := min(cfg.epoch, cfg.iterations-done)
			t.Run(fmt.Sprintf("store%d", i), func(t *testing.T) {
				t.Parallel()
				// Each store draws from its own stream of the seed, so
				// that stores run at once and the seed still replays.
				rng := rand.New(rand.NewPCG(cfg.seed, uint64(i)))
				own := killStats{staleLocks: map[string]int{}}
				k := &killRun{t: t, cfg: cfg, git: git, fx: fx, rng: rng, st: &own, dir: t.TempDir()}
				k.epoch(n)
				mu.Lock()
				defer mu.Unlock()
				st.add(own)
			})
		}
	})
	if t.Failed() {
		return
	}
	locks := make([]string, 0, len(st.staleLocks))
	for name, n := range st.staleLocks {
		locks = append(locks, name+"×"+strconv.Itoa(n))
	}
	sort.Strings(locks)
	t.Logf("kill: %d iterations in %d store(s): %d saves, %d restores started; %d killed (%d within 0-2 ms), %d completed before the kill; acknowledged versions checked, counting uninterrupted setup and recovery runs: %d saves, %d restores",
		st.iterations, st.epochs, st.saves, st.restores, st.killed, st.earlyKills, st.completed, st.ackSaves, st.ackRestores)
	t.Logf("kill: %d verify runs, %d git fsck --strict runs, all clean; stale lock files left by kills: %v (%d probed: exit 4 naming the lock, then removed by hand); reflog entries without a ref update: %d; left behind (harmless): %d dangling objects, %d working-dir and %d object temp files",
		st.verifies, st.fsckRuns, locks, st.lockProbes, st.reflogBreaks, st.dangling, st.workTemps, st.objTemps)
	t.Logf("kill: summary: %d kill iterations, 0 failures, %v", st.iterations, time.Since(start).Round(time.Second))
}

// killRun is one store of TestKill and what the test knows about it.
type killRun struct {
	t   *testing.T
	cfg killConfig
	git string
	fx  fixture
	rng *rand.Rand
	st  *killStats
	dir string

	written map[digest]bool   // every version of the working file the test wrote
	acked   map[string]digest // acknowledged commit → its working file's bytes
	est     map[string]time.Duration
	tag     int
	hist    []logEntry // history as last read; nil once a command may have changed it
}

// history is the store's history, read again only after a command that
// may have changed it (start and probe forget it).
func (k *killRun) history() []logEntry {
	if k.hist == nil {
		k.hist = history(k.t, k.dir)
	}
	return k.hist
}

func (k *killRun) path() string { return filepath.Join(k.dir, k.fx.name) }

func (k *killRun) readWork() []byte {
	data, err := os.ReadFile(k.path())
	if err != nil {
		k.t.Fatalf("reading working file: %v", err)
	}
	return data
}

// writeEdit writes a new edit of the working file and remembers it.
func (k *killRun) writeEdit() []byte {
	k.tag++
	data := k.fx.edit(k.readWork(), k.rng, k.tag)
	writeAtomic(k.t, k.path(), data)
	k.written[sum(data)] = true
	return data
}

// epoch runs n kill iterations in a fresh store.
func (k *killRun) epoch(n int) {
	t := k.t
	k.written, k.acked, k.est = map[digest]bool{}, map[string]digest{}, map[string]time.Duration{}
	k.st.epochs++
	mustCvc(t, k.dir, "init")
	writeAtomic(t, k.path(), k.fx.data)
	k.written[sum(k.fx.data)] = true
	k.save(noKill, "base", k.fx.data) // first version, named so it is tracked
	// Calibrate: one uninterrupted save and restore give the durations
	// that kill delays are drawn from; they are acknowledged versions too.
	k.save(noKill, "calibrate", k.writeEdit())
	k.restore(noKill)
	for i := range n {
		k.iteration(i)
	}
	k.afterKill("end of store", true)
	// The store is still usable: an ordinary save and restore succeed.
	k.save(noKill, "final", k.writeEdit())
	k.restore(noKill)
	k.afterKill("after final save and restore", true)
	k.countTemps()
	// A kill between the reflog append and the rename of the lock leaves
	// a reflog entry for an update that never happened, as git would.
	k.st.reflogBreaks += reflogBreaks(readReflog(t, k.dir, "refs/heads/main"))
	if k.git != "" {
		r, err := run(k.dir, k.git, "--git-dir=.circuitvc", "fsck", "--no-progress")
		if err != nil {
			t.Fatal(err)
		}
		k.st.dangling += bytes.Count(r.stdout, []byte("dangling "))
	}
}

func (k *killRun) iteration(i int) {
	k.st.iterations++
	op := "save"
	if k.rng.IntN(10) < 4 {
		op = "restore"
	}
	var delay time.Duration
	if k.rng.IntN(5) == 0 {
		delay = time.Duration(k.rng.Int64N(int64(2 * time.Millisecond)))
	} else {
		delay = time.Duration(k.rng.Int64N(int64(k.est[op]) + 1))
	}
	var r result
	if op == "save" {
		k.st.saves++
		r = k.save(delay, "kill "+strconv.Itoa(i), k.writeEdit())
	} else {
		k.st.restores++
		r = k.restore(delay)
	}
	if r.killed {
		k.st.killed++
		if delay < 2*time.Millisecond {
			k.st.earlyKills++
		}
	} else {
		k.st.completed++
	}
	fsck := (i+1)%k.cfg.fsckEvery == 0
	k.afterKill(op+" iteration "+strconv.Itoa(i)+" ("+r.summary()+")", fsck)
}

func (r result) summary() string {
	if r.killed {
		return "killed"
	}
	return "exit " + strconv.Itoa(r.code)
}

// start runs circuitvc with a kill after delay and records how long
// uninterrupted runs take.
func (k *killRun) start(op string, delay time.Duration, args ...string) result {
	k.t.Helper()
	k.hist = nil
	r, took, err := runKill(k.dir, delay, bin, args...)
	if err != nil {
		k.t.Fatalf("circuitvc %s: %v", strings.Join(args, " "), err)
	}
	if !r.killed {
		if old := k.est[op]; old == 0 {
			k.est[op] = took
		} else {
			k.est[op] = (4*old + took) / 5
		}
	}
	if !r.killed && r.code != exitOK {
		k.t.Fatalf("circuitvc %s (kill after %v) failed without being killed: %s", strings.Join(args, " "), delay, r)
	}
	return r
}

// save saves data (already in the working file) with a kill after
// delay. A save never writes the working file; when it completes, its
// commit becomes acknowledged and must record data.
func (k *killRun) save(delay time.Duration, msg string, data []byte) result {
	t := k.t
	r := k.start("save", delay, "save", k.fx.name, "-m", msg)
	if got := k.readWork(); !bytes.Equal(got, data) {
		t.Fatalf("save %q (%s) changed the working file: %d bytes, want %d", msg, r.summary(), len(got), len(data))
	}
	if r.killed {
		return r
	}
	short := savedCommit(r.stdout)
	if short == "" {
		t.Fatalf("save %q of new content printed no commit: %s", msg, r)
	}
	head := k.history()[0]
	if !strings.HasPrefix(head.Hash, short) {
		t.Fatalf("save %q printed %s but current is %s", msg, short, head.Hash)
	}
	k.ack(head.Hash, data, "save "+msg)
	k.st.ackSaves++
	return r
}

var restoreCommit = regexp.MustCompile(`as version ([0-9a-f]{7,40})`)

// restore restores a random earlier version (or backup) with a kill
// after delay. The working file must end whole-old or whole-target;
// when the restore completes, the old bytes are in backup and the
// restore's commit is acknowledged.
func (k *killRun) restore(delay time.Duration) result {
	t := k.t
	h := k.history()
	rev := "current~" + strconv.Itoa(1+k.rng.IntN(max(1, len(h)-1)))
	switch x := k.rng.IntN(10); {
	case len(h) < 2:
		rev = "current"
	case x < 2 && hasRef(h, "backup"):
		rev = "backup"
	case x < 5:
		rev = h[1+k.rng.IntN(len(h)-1)].Hash
	}
	target := mustCvc(t, k.dir, "show", rev+":"+k.fx.name).stdout
	before := k.readWork()
	r := k.start("restore", delay, "restore", "--to", rev)
	after := k.readWork()
	switch {
	case !r.killed && !bytes.Equal(after, target):
		t.Fatalf("restore --to %s exited 0 but the working file is not the target version (%d bytes, want %d)", rev, len(after), len(target))
	case !bytes.Equal(after, before) && !bytes.Equal(after, target):
		t.Fatalf("restore --to %s (%s) left the working file neither old nor target: %d bytes (old %d, target %d)", rev, r.summary(), len(after), len(before), len(target))
	case r.killed:
		return r
	}
	if m := restoreCommit.FindSubmatch(r.stdout); m != nil {
		head := k.history()[0]
		if !strings.HasPrefix(head.Hash, string(m[1])) {
			t.Fatalf("restore printed version %s but current is %s", m[1], head.Hash)
		}
		k.ack(head.Hash, target, "restore --to "+rev)
	}
	if !bytes.Equal(before, target) {
		if b := mustCvc(t, k.dir, "show", "backup:"+k.fx.name).stdout; !bytes.Equal(b, before) {
			t.Fatalf("restore --to %s exited 0 but backup does not hold the working file as it was (%d bytes, want %d)", rev, len(b), len(before))
		}
	}
	k.st.ackRestores++
	return r
}

func hasRef(h []logEntry, name string) bool {
	for _, e := range h {
		for _, r := range e.Refs {
			if r == name {
				return true
			}
		}
	}
	return false
}

// ack records an acknowledged commit after checking that it holds data.
func (k *killRun) ack(hash string, data []byte, what string) {
	if got := mustCvc(k.t, k.dir, "show", hash+":"+k.fx.name).stdout; !bytes.Equal(got, data) {
		k.t.Fatalf("%s: acknowledged version %s holds %d bytes, not the %d saved", what, hash, len(got), len(data))
	}
	k.acked[hash] = sum(data)
}

// afterKill runs every check: verify (and fsck when asked) in parallel
// with the history read, then acknowledged commits, the working file,
// the ref files, and stale lock files.
func (k *killRun) afterKill(when string, fsck bool) {
	t := k.t
	t.Helper()
	var wg sync.WaitGroup
	var verifyRes, fsckRes result
	var verifyErr, fsckErr error
	wg.Add(1)
	go func() { defer wg.Done(); verifyRes, verifyErr = run(k.dir, bin, "verify") }()
	if fsck && k.git != "" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Dangling objects are expected after a kill (written before
			// the ref moved; git leaves them too, and gc prunes them):
			// they are counted at each store's end, not failures.
			fsckRes, fsckErr = run(k.dir, k.git, "--git-dir=.circuitvc", "fsck", "--strict", "--no-progress", "--no-dangling")
		}()
	}
	h := k.history()
	wg.Wait()
	if verifyErr != nil || verifyRes.code != exitOK {
		t.Fatalf("%s: circuitvc verify: %v %s", when, verifyErr, verifyRes)
	}
	k.st.verifies++
	if fsck && k.git != "" {
		if fsckErr != nil || fsckRes.code != 0 || len(bytes.TrimSpace(fsckRes.stdout)) > 0 || len(bytes.TrimSpace(fsckRes.stderr)) > 0 {
			t.Fatalf("%s: git fsck --strict not clean: %v %s", when, fsckErr, fsckRes)
		}
		k.st.fsckRuns++
	}
	checkLinear(t, h)
	inHistory := map[string]bool{}
	for _, e := range h {
		inHistory[e.Hash] = true
	}
	for c := range k.acked {
		if !inHistory[c] {
			t.Fatalf("%s: acknowledged version %s lost from history", when, c)
		}
	}
	if d := sum(k.readWork()); !k.written[d] {
		t.Fatalf("%s: working file %s is not whole: its bytes (%s) are no version ever written", when, k.fx.name, d)
	}
	checkRefFiles(t, k.dir)
	k.handleLocks(when)
}

// handleLocks deals with lock files a kill left: each must make the
// next writer that needs it fail with exit 4 naming the file, changing
// nothing; then it is removed as a user would, and writing works again.
func (k *killRun) handleLocks(when string) {
	t := k.t
	locks := lockFiles(t, k.dir)
	for _, l := range locks {
		k.st.staleLocks[l]++
	}
	for _, l := range locks {
		switch l {
		case "refs/heads/main.lock":
			k.probe(l, "save", "-m", "probe under stale lock")
		case "refs/circuitvc/backup.lock":
			k.probe(l, "restore", "--to", "current")
		}
		if err := os.Remove(filepath.Join(k.dir, ".circuitvc", filepath.FromSlash(l))); err != nil {
			t.Fatalf("%s: removing stale %s: %v", when, l, err)
		}
	}
	if len(locks) > 0 {
		// With the lock removed, writing works again (and what the probe
		// edited is saved, then restored away into backup).
		k.save(noKill, "after removing a stale lock", k.writeEdit())
		k.restore(noKill)
		verifyClean(t, k.dir, when+", after removing the stale lock")
	}
}

// probe shows that a stale lock blocks a writer clearly: with an unsaved
// edit, the command exits 4 naming the lock and changes neither history
// nor the working file.
func (k *killRun) probe(lock string, args ...string) {
	t := k.t
	k.st.lockProbes++
	edit := k.writeEdit()
	before := k.history()[0].Hash
	k.hist = nil
	r := cvc(t, k.dir, append([]string{"--lock-timeout", "150ms"}, args...)...)
	if r.code != exitLocked || !strings.Contains(string(r.stderr), lock) {
		t.Fatalf("with a stale %s, circuitvc %s: want exit %d and a message naming the lock, got %s", lock, strings.Join(args, " "), exitLocked, r)
	}
	if after := k.history()[0].Hash; after != before {
		t.Fatalf("circuitvc %s failed on %s but moved current %s → %s", strings.Join(args, " "), lock, before, after)
	}
	if got := k.readWork(); !bytes.Equal(got, edit) {
		t.Fatalf("circuitvc %s failed on %s but changed the working file", strings.Join(args, " "), lock)
	}
}

// countTemps counts temp files killed processes left: working-file temps
// (.NAME.tmp-*) and object temps in objects/ and objects/pack.
func (k *killRun) countTemps() {
	ents, _ := os.ReadDir(k.dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "."+k.fx.name+".tmp-") {
			k.st.workTemps++
		}
	}
	for _, d := range []string{"objects", "objects/pack"} {
		ents, _ := os.ReadDir(filepath.Join(k.dir, ".circuitvc", d))
		for _, e := range ents {
			if !e.IsDir() && (strings.Contains(e.Name(), "tmp") || strings.HasPrefix(e.Name(), ".")) {
				k.st.objTemps++
			}
		}
	}
}
