//go:build !windows

package stress

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestKillTransfer SIGKILLs circuitvc push, fetch and clone at random
// moments (0 up to about the command's own measured duration) between
// a working directory, a bare store and a clone of it. After every kill,
// circuitvc verify passes on every store and git fsck --strict too; the
// same command run again succeeds and leaves the stores agreeing (the
// bare store's main is what was pushed, the clone's origin/main what the
// bare store holds); a killed clone leaves either no directory or a whole
// one, never a half-made one. A stale ref lock left by a kill is removed
// by hand, as a user would after git, and counted.
func TestKillTransfer(t *testing.T) {
	t.Parallel()
	if testing.Short() && os.Getenv("KILL_ITERATIONS") == "" {
		t.Skip("SIGKILL recovery: run without -short (or set KILL_ITERATIONS)")
	}
	needBinary(t)
	git := gitPath(t)
	iterations := 20
	if s := os.Getenv("KILL_ITERATIONS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("KILL_ITERATIONS=%q", s)
		}
		iterations = n
	}
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 13))
	fx := killFixture(t)
	root := t.TempDir()
	src, bare, dst := filepath.Join(root, "src"), filepath.Join(root, "bare"), filepath.Join(root, "dst")
	for _, d := range []string{src, bare} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mustCvc(t, bare, "init")
	mustCvc(t, src, "init")
	data := fx.data
	save := func(i int) {
		data = fx.edit(data, rng, i)
		writeAtomic(t, filepath.Join(src, fx.name), data)
		mustCvc(t, src, "save", fx.name, "-m", fmt.Sprintf("v%d", i)) // named: board.json matches no track pattern
	}
	for i := range 5 {
		save(i)
	}
	mustCvc(t, src, "remote", "add", "origin", filepath.Join(bare, ".circuitvc"))
	mustCvc(t, src, "push")
	mustCvc(t, root, "clone", filepath.Join(bare, ".circuitvc"), "dst")

	// How long each command takes uninterrupted, to spread the kills.
	est := map[string]time.Duration{}
	timed := func(op string, dir string, args ...string) {
		start := time.Now()
		mustCvc(t, dir, args...)
		est[op] = time.Since(start)
	}
	save(100)
	timed("push", src, "push")
	timed("fetch", dst, "fetch")
	timed("clone", root, "clone", filepath.Join(bare, ".circuitvc"), "probe")
	t.Logf("kill transfer: seed %d, %d iterations, file %s (%d bytes); uninterrupted: %v", seed, iterations, fx.name, len(fx.data), est)

	killed, locks, leftovers := 0, 0, 0
	for i := range iterations {
		op := []string{"push", "fetch", "clone"}[rng.IntN(3)]
		delay := time.Duration(rng.Int64N(int64(est[op]) + 1))
		var dir string
		var args []string
		switch op {
		case "push":
			save(1000 + i)
			dir, args = src, []string{"push"}
		case "fetch":
			save(1000 + i)
			mustCvc(t, src, "push")
			dir, args = dst, []string{"fetch"}
		case "clone":
			dir, args = root, []string{"clone", filepath.Join(bare, ".circuitvc"), fmt.Sprintf("c%d", i)}
		}
		r, _, err := runKill(dir, delay, bin, args...)
		if err != nil {
			t.Fatal(err)
		}
		if r.killed {
			killed++
		} else if r.code != exitOK {
			t.Fatalf("iteration %d: %s not killed but failed: %s", i, op, r)
		}
		when := fmt.Sprintf("iteration %d, %s killed after %v (killed=%v)", i, op, delay, r.killed)
		for _, d := range []string{src, bare, dst} {
			verifyClean(t, d, when)
			fsckClean(t, git, d, when)
		}
		if op == "clone" {
			target := filepath.Join(root, args[2])
			if _, err := os.Stat(target); err == nil {
				verifyClean(t, target, when+": the clone that appeared")
				fsckClean(t, git, target, when+": the clone that appeared")
				continue
			}
			leftovers += removeCloneTemps(t, root)
		}
		// The same command again succeeds (after removing a stale
		// ref lock, as after a killed git).
		again := cvc(t, dir, args...)
		if again.code == 4 && strings.Contains(string(again.stderr), ".lock") {
			locks++
			removeLocks(t, filepath.Join(bare, ".circuitvc"), filepath.Join(src, ".circuitvc"), filepath.Join(dst, ".circuitvc"))
			again = cvc(t, dir, args...)
		}
		if again.code != exitOK {
			t.Fatalf("%s: %s again: %s", when, op, again)
		}
		agree(t, src, bare, dst, op, when)
	}
	t.Logf("kill transfer: %d iterations, %d killed, %d stale ref locks removed by hand, %d half-made clones left as .NAME.clone-* beside their target (removed by hand); verify and git fsck clean after every one",
		iterations, killed, locks, leftovers)
}

// agree checks that the retried op left the stores in step.
func agree(t *testing.T, src, bare, dst, op, when string) {
	t.Helper()
	head := mustRef(t, src, "refs/heads/main")
	switch op {
	case "push":
		if got := mustRef(t, bare, "refs/heads/main"); got != head {
			t.Fatalf("%s: the bare store's main is %s after the push, src is at %s", when, got, head)
		}
	case "fetch":
		if got := mustRef(t, dst, "refs/remotes/origin/main"); got != mustRef(t, bare, "refs/heads/main") {
			t.Fatalf("%s: dst's origin/main is %s after the fetch, the bare store holds %s", when, got, mustRef(t, bare, "refs/heads/main"))
		}
	}
}

func mustRef(t *testing.T, dir, ref string) string {
	t.Helper()
	h, err := readRef(dir, ref)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// removeCloneTemps removes the .NAME.clone-* directories a killed clone
// left in dir, and counts them.
func removeCloneTemps(t *testing.T, dir string) int {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), ".clone-") {
			n++
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	return n
}

// removeLocks removes the *.lock files under the refs of each store.
func removeLocks(t *testing.T, stores ...string) {
	t.Helper()
	for _, s := range stores {
		_ = filepath.WalkDir(s, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".lock") && !strings.HasSuffix(p, "circuitvc.lock") {
				return os.Remove(p)
			}
			return nil
		})
	}
}
