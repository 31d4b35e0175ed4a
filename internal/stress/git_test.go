//go:build !windows

package stress

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestGitExclusion shows that stock git and circuitvc exclude each other
// through git's <ref>.lock protocol: a lock held as git holds it stops
// circuitvc save with exit 4 naming the lock, and git update-ref in its
// compare-and-swap form racing circuitvc save loses no update of either.
func TestGitExclusion(t *testing.T) {
	t.Parallel()
	needBinary(t)
	git := gitPath(t)
	if git == "" {
		t.Skip("git not on PATH: nothing to exclude")
	}
	start := time.Now()
	dir := t.TempDir()
	work := filepath.Join(dir, "amp.circuit.json")
	mustCvc(t, dir, "init")
	writeAtomic(t, work, smallCircuit("amp", "init"))
	mustCvc(t, dir, "save", "-m", "initial")
	versions := 1

	t.Run("held lock", func(t *testing.T) {
		lock := filepath.Join(dir, ".circuitvc", "refs", "heads", "main.lock")
		f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644) // as git does
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		writeAtomic(t, work, smallCircuit("amp", "held"))
		before := history(t, dir)[0].Hash
		r := cvc(t, dir, "--lock-timeout", "300ms", "save", "-m", "under git's lock")
		if r.code != exitLocked || !strings.Contains(string(r.stderr), "refs/heads/main.lock") {
			t.Fatalf("save while git holds refs/heads/main.lock: want exit %d naming the lock, got %s", exitLocked, r)
		}
		if after := history(t, dir)[0].Hash; after != before {
			t.Fatalf("save failed on the lock but moved current %s → %s", before, after)
		}
		if _, err := os.Stat(lock); err != nil {
			t.Fatalf("circuitvc removed a lock it did not own: %v", err)
		}
		if err := os.Remove(lock); err != nil {
			t.Fatal(err)
		}
		mustCvc(t, dir, "save", "-m", "after git's lock")
		versions++
		t.Logf("held lock: save exit %d: %s", r.code, strings.TrimSpace(string(r.stderr)))
	})

	t.Run("racing update-ref", func(t *testing.T) {
		const rounds = 20
		var mu sync.Mutex
		var errs []string
		fail := func(format string, a ...any) {
			mu.Lock()
			defer mu.Unlock()
			errs = append(errs, fmt.Sprintf(format, a...))
		}
		var cvcDone, gitDone []string
		var cvcRetries, gitLockBusy, gitCASLost int
		retryCodes := map[int]int{}
		var retryMsg string
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { // circuitvc: a new edit per round, saved until it lands
			defer wg.Done()
			for j := range rounds {
				if err := writeFileAtomic(work, smallCircuit("amp", fmt.Sprintf("cvc%d", j))); err != nil {
					fail("%v", err)
					return
				}
				for attempt := 0; ; attempt++ {
					r, err := run(dir, bin, "--lock-timeout", "30s", "save", "-m", fmt.Sprintf("cvc %d", j))
					if err != nil {
						fail("%v", err)
						return
					}
					if r.code == exitOK {
						if c := savedCommit(r.stdout); c != "" {
							cvcDone = append(cvcDone, c)
							break
						}
						fail("cvc %d: nothing to save for a new edit: %s", j, r)
						return
					}
					// git moved the ref between circuitvc's read and its
					// compare-and-swap: refused, nothing changed; save again.
					if !strings.Contains(string(r.stderr), "changed by another process") || attempt > 50 {
						fail("cvc %d: %s", j, r)
						return
					}
					cvcRetries++
					retryCodes[r.code]++
					retryMsg = strings.TrimSpace(string(r.stderr))
				}
			}
		}()
		go func() { // git: commit-tree on the current version, update-ref NEW OLD
			defer wg.Done()
			g := func(args ...string) (string, result) {
				r, err := run(dir, git, append([]string{"--git-dir=.circuitvc"}, args...)...)
				if err != nil {
					fail("git %v: %v", args, err)
				}
				return strings.TrimSpace(string(r.stdout)), r
			}
			for k := range rounds {
				for attempt := 0; ; attempt++ {
					old, r := g("rev-parse", "refs/heads/main")
					if r.code != 0 {
						fail("git rev-parse: %s", r)
						return
					}
					newC, r := g("commit-tree", old+"^{tree}", "-p", old, "-m", fmt.Sprintf("git %d", k))
					if r.code != 0 {
						fail("git commit-tree: %s", r)
						return
					}
					_, r = g("update-ref", "-m", fmt.Sprintf("git %d", k), "refs/heads/main", newC, old)
					if r.code == 0 {
						gitDone = append(gitDone, newC)
						break
					}
					switch msg := string(r.stderr); {
					case attempt > 200:
						fail("git %d: gave up: %s", k, r)
						return
					case strings.Contains(msg, "main.lock"):
						gitLockBusy++
					case strings.Contains(msg, "but expected"), strings.Contains(msg, "is at"):
						gitCASLost++
					default:
						fail("git update-ref: %s", r)
						return
					}
				}
			}
		}()
		wg.Wait()
		for _, e := range errs {
			t.Error(e)
		}
		if t.Failed() {
			return
		}
		versions += 2 * rounds
		h := history(t, dir)
		checkLinear(t, h)
		if len(h) != versions {
			t.Errorf("history has %d versions, want %d", len(h), versions)
		}
		inHistory := map[string]bool{}
		for _, e := range h {
			inHistory[e.Hash] = true
			inHistory[e.Hash[:7]] = true
		}
		for _, c := range append(append([]string{}, cvcDone...), gitDone...) {
			if !inHistory[c] {
				t.Errorf("acknowledged update %s lost from history", c)
			}
		}
		log := readReflog(t, dir, "refs/heads/main")
		if len(log) != versions || reflogBreaks(log) != 0 || log[len(log)-1].new != h[0].Hash {
			t.Errorf("reflog: %d entries (want %d), %d breaks", len(log), versions, reflogBreaks(log))
		}
		checkRefFiles(t, dir)
		if l := lockFiles(t, dir); len(l) != 0 {
			t.Errorf("lock files left: %v", l)
		}
		verifyClean(t, dir, "after racing git")
		fsckClean(t, git, dir, "after racing git")
		t.Logf("racing update-ref: %d circuitvc saves and %d git update-ref landed, history %d versions = reflog %d; circuitvc saves refused by a lost compare-and-swap and retried: %d (exit codes %v); git update-ref retries: %d lock busy, %d compare-and-swap lost",
			len(cvcDone), len(gitDone), len(h), len(log), cvcRetries, retryCodes, gitLockBusy, gitCASLost)
		if retryMsg != "" {
			t.Logf("racing update-ref: a refused circuitvc save said: %s", retryMsg)
		}
	})
	t.Logf("git exclusion: summary: held lock refused with exit 4; 40 racing updates, none lost, %v", time.Since(start).Round(time.Second))
}
