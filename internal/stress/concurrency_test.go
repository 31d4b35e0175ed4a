//go:build !windows

package stress

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const zero40 = "0000000000000000000000000000000000000000"

// saveOutcome is how one concurrent save ended.
type saveOutcome int

const (
	committed saveOutcome = iota // exit 0 with its own commit
	absorbed                     // exit 0, "nothing to save": another save took the edit
	locked                       // exit 4: lock timeout
	failed                       // anything else: a bug
)

// readerStats counts reader runs and collects their failures.
type readerStats struct {
	mu       sync.Mutex
	runs     map[string]int
	failures []string
}

func (s *readerStats) record(what string, r result, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runs[what]++
	if err != nil || r.code != exitOK || r.killed {
		s.failures = append(s.failures, fmt.Sprintf("%s: %v %s", what, err, r))
	}
}

// TestConcurrentSaves runs 8 processes that each save 25 different edits
// of their own file into one store, with log and diff readers and a ref
// sampler running alongside.
//
// save records every tracked file, so a save by p3 also takes whatever
// edit p5 has written but not yet saved; p5's own save may then find
// nothing to save (exit 0, no commit) or commit only others' edits under
// its message. The assertions follow from that: each acknowledged edit's
// bytes are in history (in the commit that carries its message when it
// made one), and each process's last edit is in the final version.
func TestConcurrentSaves(t *testing.T) {
	t.Parallel()
	needBinary(t)
	git := gitPath(t)
	// Eight processes contend for the lock at every size; -short (the
	// gate) gives each fewer edits, the full run (scripts/test.sh --full)
	// the whole 25.
	const procs, maxEdits = 8, 25
	edits := maxEdits
	if testing.Short() {
		edits = 8
	}
	start := time.Now()
	dir := t.TempDir()
	mustCvc(t, dir, "init")
	file := func(i int) string { return fmt.Sprintf("f%d.circuit.json", i) }
	content := func(i, j int) []byte { return smallCircuit(fmt.Sprintf("p%d", i), fmt.Sprintf("%dk%d", i+1, j)) }
	for i := range procs {
		writeAtomic(t, filepath.Join(dir, file(i)), smallCircuit(fmt.Sprintf("p%d", i), "init"))
	}
	mustCvc(t, dir, "save", "-m", "initial")
	writeAtomic(t, filepath.Join(dir, file(0)), smallCircuit("p0", "setup"))
	mustCvc(t, dir, "save", "-m", "setup") // so that current~1 exists for the diff reader
	const base = 2

	stop := make(chan struct{})
	readers := &readerStats{runs: map[string]int{}}
	var rwg sync.WaitGroup
	for _, args := range [][]string{{"log"}, {"log", "--json", "-n", "3"}, {"diff", "current~1", "current"}} {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				r, err := run(dir, bin, args...)
				readers.record(strings.Join(args, " "), r, err)
			}
		}()
	}
	var samples atomic.Int64
	var torn atomic.Value
	rwg.Add(1)
	go func() { // no reader may ever see a torn or missing ref
		defer rwg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := readRef(dir, "refs/heads/main"); err != nil {
				torn.Store(err.Error())
			}
			samples.Add(1)
			time.Sleep(200 * time.Microsecond)
		}
	}()

	var outcomes [procs][maxEdits]saveOutcome
	var results [procs][maxEdits]result
	var wwg sync.WaitGroup
	for i := range procs {
		wwg.Add(1)
		go func() {
			defer wwg.Done()
			for j := range edits {
				if err := writeFileAtomic(filepath.Join(dir, file(i)), content(i, j)); err != nil {
					results[i][j], outcomes[i][j] = result{code: -1, stderr: []byte(err.Error())}, failed
					continue
				}
				r, err := run(dir, bin, "--lock-timeout", "30s", "save", file(i), "-m", fmt.Sprintf("p%d e%d", i, j))
				results[i][j] = r
				switch {
				case err != nil:
					results[i][j].stderr, outcomes[i][j] = []byte(err.Error()), failed
				case r.code == exitOK && savedCommit(r.stdout) != "":
					outcomes[i][j] = committed
				case r.code == exitOK && strings.Contains(string(r.stdout), "nothing to save"):
					outcomes[i][j] = absorbed
				case r.code == exitLocked:
					outcomes[i][j] = locked
				default:
					outcomes[i][j] = failed
				}
			}
		}()
	}
	wwg.Wait()
	close(stop)
	rwg.Wait()

	var count [4]int
	for i := range procs {
		for j := range edits {
			count[outcomes[i][j]]++
			if outcomes[i][j] == failed {
				t.Errorf("save p%d e%d neither succeeded nor timed out on the lock: %s", i, j, results[i][j])
			}
		}
	}
	for _, f := range readers.failures {
		t.Errorf("reader failed: %s", f)
	}
	if v := torn.Load(); v != nil {
		t.Errorf("ref sampler: %s", v)
	}

	// History: linear, one version per commit, every committed save's
	// message present under the hash it printed.
	h := history(t, dir)
	checkLinear(t, h)
	if len(h) != base+count[committed] {
		t.Errorf("history has %d versions, want %d (%d initial + %d committed saves): an update was lost or invented", len(h), base+count[committed], base, count[committed])
	}
	byMsg := map[string]logEntry{}
	for _, e := range h {
		byMsg[strings.TrimSpace(e.Message)] = e
	}
	for i := range procs {
		for j := range edits {
			if outcomes[i][j] != committed {
				continue
			}
			e, ok := byMsg[fmt.Sprintf("p%d e%d", i, j)]
			if short := savedCommit(results[i][j].stdout); !ok || !strings.HasPrefix(e.Hash, short) {
				t.Errorf("save p%d e%d acknowledged %s but history has no such version (found %q)", i, j, short, e.Hash)
			}
		}
	}

	// Reflog: one entry per version, an unbroken chain from nothing to
	// the current version, naming exactly the versions in history.
	log := readReflog(t, dir, "refs/heads/main")
	if len(log) != base+count[committed] {
		t.Errorf("reflog of refs/heads/main has %d entries, want %d successful saves + %d initial", len(log), count[committed], base)
	}
	if n := reflogBreaks(log); n != 0 || len(log) == 0 || log[0].old != zero40 || log[len(log)-1].new != h[0].Hash {
		t.Errorf("reflog is not one chain from nothing to current (%d breaks)", n)
	}
	inHistory := map[string]bool{}
	for _, e := range h {
		inHistory[e.Hash] = true
	}
	for _, l := range log {
		if !inHistory[l.new] {
			t.Errorf("reflog names %s (%s), which is not in history: a lost update", l.new, l.msg)
		}
	}

	// Bytes: every acknowledged edit is in history; a commit carrying a
	// save's message holds that save's edit; the last edits are current.
	treeAt := commitTrees(t, git, dir)
	for i := range procs {
		for j := range edits {
			want := blobID(content(i, j))
			switch outcomes[i][j] {
			case committed:
				if treeAt != nil {
					e := byMsg[fmt.Sprintf("p%d e%d", i, j)]
					if got := treeAt[e.Hash][file(i)]; got != want {
						t.Errorf("version %s (p%d e%d) holds %s as %s, want the edit %s", e.Hash, i, j, file(i), got, want)
					}
				}
			case absorbed:
				if treeAt != nil && !anyTreeHas(treeAt, file(i), want) {
					t.Errorf("save p%d e%d said nothing to save but no version holds that edit of %s", i, j, file(i))
				}
			}
		}
		if last := outcomes[i][edits-1]; last == committed || last == absorbed {
			got := mustCvc(t, dir, "show", "current:"+file(i)).stdout
			if blobID(got) != blobID(content(i, edits-1)) {
				t.Errorf("current %s is not p%d's last acknowledged edit: a lost update", file(i), i)
			}
		}
	}
	refs := checkRefFiles(t, dir)
	if l := lockFiles(t, dir); len(l) != 0 {
		t.Errorf("lock files left after every process exited: %v", l)
	}
	verifyClean(t, dir, "after concurrent saves")
	fsckClean(t, git, dir, "after concurrent saves")

	t.Logf("concurrency: %d processes × %d saves: %d committed, %d found their edit already saved by another (nothing to save), %d lock timeouts (exit 4), %d failed",
		procs, edits, count[committed], count[absorbed], count[locked], count[failed])
	t.Logf("concurrency: readers %v, all exit 0; %d ref samples, none torn; history %d versions = reflog %d entries; %d ref files whole",
		readers.runs, samples.Load(), len(h), len(log), refs)
	t.Logf("concurrency: summary: %d saves (%d committed + %d absorbed + %d locked), %d reader runs, 0 failures, %v",
		procs*edits, count[committed], count[absorbed], count[locked], total(readers.runs), time.Since(start).Round(time.Second))
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// commitTrees maps every version in history to its files' blob ids,
// replaying git log --raw from the root (one git run). It returns nil
// without git.
func commitTrees(t *testing.T, git, dir string) map[string]map[string]string {
	t.Helper()
	if git == "" {
		return nil
	}
	r, err := run(dir, git, "--git-dir=.circuitvc", "log", "--reverse", "--root", "--raw", "--no-abbrev", "--no-renames", "--format=commit %H", "refs/heads/main")
	if err != nil || r.code != 0 {
		t.Fatalf("git log --raw: %v %s", err, r)
	}
	out := map[string]map[string]string{}
	cur := map[string]string{}
	var commit string
	flush := func() {
		if commit != "" {
			snap := make(map[string]string, len(cur))
			for k, v := range cur {
				snap[k] = v
			}
			out[commit] = snap
		}
	}
	for _, l := range strings.Split(string(r.stdout), "\n") {
		switch {
		case strings.HasPrefix(l, "commit "):
			flush()
			commit = strings.TrimPrefix(l, "commit ")
		case strings.HasPrefix(l, ":"):
			// :100644 100644 <old> <new> M\tpath
			meta, path, ok := strings.Cut(l, "\t")
			f := strings.Fields(meta)
			if !ok || len(f) < 5 {
				t.Fatalf("git log --raw: odd line %q", l)
			}
			if f[4] == "D" {
				delete(cur, path)
			} else {
				cur[path] = f[3]
			}
		}
	}
	flush()
	return out
}

func anyTreeHas(trees map[string]map[string]string, path, blob string) bool {
	for _, files := range trees {
		if files[path] == blob {
			return true
		}
	}
	return false
}
