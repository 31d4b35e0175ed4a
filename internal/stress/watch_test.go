//go:build !windows

package stress

import (
	"bufio"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// watchProc is a running `circuitvc watch`.
type watchProc struct {
	cmd  *exec.Cmd
	done chan error
	out  *lockedBuffer
}

// lockedBuffer collects a process's stdout while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startWatch starts circuitvc watch in dir; with ready, it returns once
// the watcher says its watches are in place.
func startWatch(t *testing.T, dir string, ready bool, args ...string) *watchProc {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"watch"}, args...)...)
	cmd.Dir, cmd.Env = dir, subEnv()
	p := &watchProc{cmd: cmd, done: make(chan error, 1), out: &lockedBuffer{}}
	cmd.Stdout = p.out
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	readyCh := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		var rest []string
		seen := false
		for sc.Scan() {
			if l := sc.Text(); !seen && strings.HasPrefix(l, "watching ") {
				seen = true
				close(readyCh)
			} else {
				rest = append(rest, l)
			}
		}
		err := cmd.Wait()
		if err == nil && len(rest) > 0 {
			err = fmt.Errorf("stderr: %s", strings.Join(rest, "\n"))
		}
		p.done <- err
	}()
	if ready {
		select {
		case <-readyCh:
		case err := <-p.done:
			t.Fatalf("watch ended before it was ready: %v", err)
		}
	}
	return p
}

// stop sends SIGINT and fails unless watch exits 0 with nothing on stderr.
func (p *watchProc) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := <-p.done; err != nil {
		t.Fatalf("watch after SIGINT: %v", err)
	}
}

// autosaveHolds reports whether the newest snapshot holds data at p.
func autosaveHolds(dir, p string, data []byte) bool {
	r, err := run(dir, bin, "show", "autosave:"+p)
	return err == nil && r.code == exitOK && string(r.stdout) == string(data)
}

// autosaveChain is log --autosave --json, checked linear.
func autosaveChain(t *testing.T, dir string) []logEntry {
	t.Helper()
	r := mustCvc(t, dir, "log", "--autosave", "--json")
	var out []logEntry
	if err := json.Unmarshal(r.stdout, &out); err != nil {
		t.Fatalf("log --autosave --json: %v", err)
	}
	checkLinear(t, out)
	return out
}

// TestWatchKill SIGKILLs watch at random moments while it snapshots
// edits: after each kill the store passes verify, and a new watcher
// carries on; at the end the newest snapshot holds the last edit, every
// snapshot holds one of the edits written, and git fsck is clean.
func TestWatchKill(t *testing.T) {
	t.Parallel()
	needBinary(t)
	git := gitPath(t)
	dir := t.TempDir()
	const name = "w.circuit.json"
	mustCvc(t, dir, "init")
	written := map[string]bool{}
	edit := func(v string) []byte {
		data := smallCircuit("w", v)
		written[string(data)] = true
		writeAtomic(t, filepath.Join(dir, name), data)
		return data
	}
	edit("initial")
	mustCvc(t, dir, "save", "-m", "initial")
	rng := rand.New(rand.NewPCG(15, 15))
	const iterations = 30
	killed, locksLeft := 0, 0
	for i := range iterations {
		p := startWatch(t, dir, true, "--debounce", "1ms")
		edit(fmt.Sprintf("k%d", i))
		// The snapshot starts about a millisecond after the edit's event
		// and takes a few: kill anywhere in and around it.
		time.Sleep(time.Duration(rng.IntN(30_000)) * time.Microsecond)
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		if err := <-p.done; err != nil && strings.Contains(err.Error(), "signal: killed") {
			killed++
		}
		if _, err := os.Stat(filepath.Join(dir, ".circuitvc", "refs", "circuitvc", "autosave.lock")); err == nil {
			locksLeft++ // killed inside the ref update: the next watcher must clear it
		}
		verifyClean(t, dir, fmt.Sprintf("after kill %d", i))
	}
	t.Logf("%d of %d watchers killed; %d left the autosave ref's lock file behind", killed, iterations, locksLeft)
	p := startWatch(t, dir, true, "--debounce", "1ms")
	last := edit("final")
	pollUntil(func() bool { return autosaveHolds(dir, name, last) })
	p.stop(t)
	chain := autosaveChain(t, dir)
	for _, e := range chain {
		data := mustCvc(t, dir, "show", e.Hash+":"+name).stdout
		if !written[string(data)] {
			t.Fatalf("snapshot %s holds bytes never written: %q", e.Hash, clip(data))
		}
	}
	t.Logf("%d snapshots in the chain", len(chain))
	verifyClean(t, dir, "at the end")
	fsckClean(t, git, dir, "at the end")
}

// pollUntil polls cond with a short backoff until it holds. It never
// gives up: a test that waits forever is ended by go test's own timeout.
func pollUntil(cond func() bool) {
	wait := time.Millisecond
	for !cond() {
		time.Sleep(wait) // polling a condition another process makes true
		wait = min(2*wait, 50*time.Millisecond)
	}
}

// TestWatchConcurrent runs watch while a script does 50 saves and 10
// restores (20 and 4 under -short, the gate's size): every save and
// restore succeeds, nothing is lost (each save's bytes are in its
// version, the last edit reaches autosave), and the longest any command
// waited for the store lock is reported.
func TestWatchConcurrent(t *testing.T) {
	t.Parallel()
	needBinary(t)
	git := gitPath(t)
	dir := t.TempDir()
	const name = "c.circuit.json"
	mustCvc(t, dir, "init")
	writeAtomic(t, filepath.Join(dir, name), smallCircuit("c", "0"))
	mustCvc(t, dir, "save", "-m", "v0")
	p := startWatch(t, dir, true, "--debounce", "1ms")
	var longest time.Duration
	var longestWhat string
	timed := func(args ...string) result {
		start := time.Now()
		r := mustCvc(t, dir, args...)
		if d := time.Since(start); d > longest {
			longest, longestWhat = d, strings.Join(args, " ")
		}
		return r
	}
	saved := map[string][]byte{}
	var last []byte
	saves := 50
	if testing.Short() {
		saves = 20
	}
	for i := range saves {
		last = smallCircuit("c", fmt.Sprintf("%d", i+1))
		writeAtomic(t, filepath.Join(dir, name), last)
		r := timed("save", "-m", fmt.Sprintf("s%d", i))
		saved[fmt.Sprintf("s%d", i)] = last
		if strings.Contains(string(r.stdout), "nothing to save") {
			t.Fatalf("save %d found nothing to save", i)
		}
		if i%5 == 4 {
			data := mustCvc(t, dir, "show", "current~2:"+name).stdout
			timed("restore", "--to", "current~2")
			if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(got) != string(data) {
				t.Fatalf("restore %d: the file holds %q (%v)", i, clip(got), err)
			}
			last = data
		}
	}
	pollUntil(func() bool { return autosaveHolds(dir, name, last) })
	p.stop(t)
	t.Logf("longest save or restore while watching: %v (%s)", longest, longestWhat)
	for _, e := range history(t, dir) {
		if data, ok := saved[strings.TrimSpace(e.Message)]; ok {
			if got := mustCvc(t, dir, "show", e.Hash+":"+name).stdout; string(got) != string(data) {
				t.Fatalf("version %s (%s) holds %q", e.Hash, e.Message, clip(got))
			}
			delete(saved, strings.TrimSpace(e.Message))
		}
	}
	if len(saved) > 0 {
		t.Fatalf("saves missing from history: %v", slices.Sorted(maps.Keys(saved)))
	}
	autosaveChain(t, dir)
	verifyClean(t, dir, "at the end")
	fsckClean(t, git, dir, "at the end")
}
