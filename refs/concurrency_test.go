package refs

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/internal/gittest"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/go-git/go-git/v5/plumbing"
)

// casLoop installs each of hashes into ref by read-compare-swap,
// retrying lost races, as a save does. It returns the number of
// conflicts it had to retry.
func casLoop(s *Store, ref string, hashes []objects.Hash, who string) (conflicts int, err error) {
	for i, h := range hashes {
		for {
			cur, err := s.Read(ref)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return conflicts, err
			}
			err = s.Update(bg, ref, cur, h, objects.Signature{Name: who, Email: who + "@x", When: time.Now()}, fmt.Sprintf("%s %d", who, i))
			if err == nil {
				break
			}
			if !errors.Is(err, ErrConflict) {
				return conflicts, err
			}
			conflicts++
		}
	}
	return conflicts, nil
}

// checkNoLostUpdates asserts that ref's reflog is one unbroken chain
// holding exactly the installed hashes, ending at the ref's value.
func checkNoLostUpdates(t *testing.T, s *Store, ref string, installed []objects.Hash) {
	t.Helper()
	log, err := s.Reflog(ref)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != len(installed) {
		t.Fatalf("reflog has %d entries, %d updates succeeded", len(log), len(installed))
	}
	cur, err := s.Read(ref)
	if err != nil || cur != log[0].New {
		t.Fatalf("ref = %s, %v; newest reflog entry says %s", cur, err, log[0].New)
	}
	seen := map[objects.Hash]bool{}
	for i, e := range log {
		seen[e.New] = true
		if i+1 < len(log) && e.Old != log[i+1].New {
			t.Fatalf("entry %d went from %s but the one before ended at %s: a lost update", i, e.Old, log[i+1].New)
		}
	}
	if !log[len(log)-1].Old.IsZero() {
		t.Errorf("the oldest entry starts from %s, not from nothing", log[len(log)-1].Old)
	}
	for _, h := range installed {
		if !seen[h] {
			t.Errorf("%s was installed but is not in the reflog", h)
		}
	}
}

func TestConcurrentGoroutines(t *testing.T) {
	const workers, each = 8, 25
	s, _ := newStore(t, Options{LockTimeout: time.Minute})
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		installed []objects.Hash
		conflicts int
	)
	for w := range workers {
		hashes := make([]objects.Hash, each)
		for i := range hashes {
			hashes[i] = objects.HashObject(plumbing.BlobObject, fmt.Appendf(nil, "%d-%d", w, i))
		}
		wg.Go(func() {
			n, err := casLoop(s, HEAD, hashes, fmt.Sprintf("w%d", w))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
			}
			conflicts += n
			installed = append(installed, hashes...)
		})
	}
	wg.Wait()
	t.Logf("%d updates by %d goroutines, %d compare-and-swap conflicts retried", len(installed), workers, conflicts)
	checkNoLostUpdates(t, s, Main, installed)
	checkNoLostUpdates(t, s, HEAD, installed)
}

// TestHelperWorker is not a test: TestConcurrentProcesses runs the test
// binary as a worker process through it.
func TestHelperWorker(t *testing.T) {
	dir := os.Getenv("REFS_WORKER_DIR")
	if dir == "" {
		t.Skip("helper process for TestConcurrentProcesses")
	}
	var hashes []objects.Hash
	for _, h := range strings.Fields(os.Getenv("REFS_WORKER_HASHES")) {
		hashes = append(hashes, mustHash(t, h))
	}
	s := Open(fsx.OS(), dir, Options{LockTimeout: time.Minute})
	if _, err := casLoop(s, os.Getenv("REFS_WORKER_REF"), hashes, os.Getenv("REFS_WORKER_ID")); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentProcesses: circuitvc processes and stock git processes
// compare-and-swap one ref at the same time; the .lock protocol loses no
// update on either side.
func TestConcurrentProcesses(t *testing.T) {
	gittest.Need(t)
	const ours, gits, each = 4, 2, 25
	s, dir := newStore(t, Options{})
	const ref = "refs/circuitvc/counter"
	// git insists that the objects exist: make them.
	blobDir := t.TempDir()
	var files []string
	for i := range (ours + gits) * each {
		f := filepath.Join(blobDir, fmt.Sprint(i))
		writeFile(t, f, fmt.Sprintf("blob %d\n", i))
		files = append(files, f)
	}
	var all []objects.Hash
	for _, h := range strings.Fields(gittest.Text(t, dir, append([]string{"hash-object", "-w"}, files...)...)) {
		all = append(all, mustHash(t, h))
	}
	var cmds []*exec.Cmd
	for w := range ours + gits {
		var hexes []string
		for _, h := range all[w*each : (w+1)*each] {
			hexes = append(hexes, h.String())
		}
		var cmd *exec.Cmd
		if w < ours {
			cmd = exec.Command(os.Args[0], "-test.run=^TestHelperWorker$", "-test.count=1")
			cmd.Env = append(os.Environ(), "REFS_WORKER_DIR="+dir, "REFS_WORKER_REF="+ref,
				"REFS_WORKER_ID=ours"+fmt.Sprint(w), "REFS_WORKER_HASHES="+strings.Join(hexes, " "))
		} else {
			cmd = exec.Command("sh", "-c", gitWorker, "sh", dir, ref, fmt.Sprint(w))
			cmd.Env = append(os.Environ(), "HASHES="+strings.Join(hexes, " "),
				"GIT_COMMITTER_NAME=git", "GIT_COMMITTER_EMAIL=git@x")
		}
		cmds = append(cmds, cmd)
	}
	outs := make([][]byte, len(cmds))
	var wg sync.WaitGroup
	for i, cmd := range cmds {
		wg.Go(func() {
			var err error
			outs[i], err = cmd.CombinedOutput()
			if err != nil {
				t.Errorf("worker %d: %v\n%s", i, err, outs[i])
			}
		})
	}
	wg.Wait()
	checkNoLostUpdates(t, s, ref, all)
	var gitEntries int
	log, _ := s.Reflog(ref)
	for _, e := range log {
		if e.Who.Name == "git" {
			gitEntries++
		}
	}
	t.Logf("%d updates by %d circuitvc and %d git processes (%d by git)", len(log), ours, gits, gitEntries)
	if gitEntries != gits*each {
		t.Errorf("%d reflog entries by git, want %d", gitEntries, gits*each)
	}
	gittest.Fsck(t, dir)
}

// gitWorker installs each of $HASHES into ref $2 of repository $1 with
// git update-ref's compare-and-swap, retrying lost races and held locks.
const gitWorker = `
i=0
for new in $HASHES; do
	while :; do
		old=$(git --git-dir="$1" rev-parse -q --verify "$2") || old=0000000000000000000000000000000000000000
		if git --git-dir="$1" -c core.logAllRefUpdates=always update-ref -m "git $3 $i" "$2" "$new" "$old" 2>/dev/null; then
			break
		fi
	done
	i=$((i+1))
done
`
