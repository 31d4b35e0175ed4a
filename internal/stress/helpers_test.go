//go:build !windows

package stress

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/internal/gittest"
)

// Exit codes of circuitvc (cli/exit.go), repeated here because the tests
// drive the binary and must not import package cli.
const (
	exitOK     = 0
	exitLocked = 4
)

// author signs every commit the tests make, so that no git config or
// $USER lookup is involved.
const author = "Stress Test <stress@example.com>"

// bin is the circuitvc binary TestMain built, or "" with buildErr set.
// Written once before any test runs.
var (
	bin      string
	buildErr error
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "circuitvc-stress-")
	if err != nil {
		buildErr = err
		return m.Run()
	}
	defer os.RemoveAll(tmp)
	bin, buildErr = buildBinary(tmp)
	return m.Run()
}

// buildBinary builds the circuitvc command with the go on PATH.
func buildBinary(dir string) (string, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("no go command on PATH: %w", err)
	}
	out := filepath.Join(dir, "circuitvc")
	cmd := exec.Command(goTool, "build", "-o", out, "github.com/circuitvc/circuitvc")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, msg)
	}
	return out, nil
}

// needBinary skips the test when the binary could not be built.
func needBinary(t *testing.T) {
	t.Helper()
	if buildErr != nil {
		t.Skipf("cannot build circuitvc, skipping process-level tests: %v", buildErr)
	}
}

// gitPath is git's path, or "" (and a log line) when git is absent.
func gitPath(t *testing.T) string {
	t.Helper()
	if !gittest.Available() {
		t.Logf("git not on PATH: skipping the git oracle checks")
		return ""
	}
	return "git"
}

// subEnv is the environment of every subprocess: git's for tests
// (fixed identities, no configuration), no colour, no inherited store
// override.
func subEnv() []string {
	var env []string
	for _, kv := range gittest.Env() {
		if !strings.HasPrefix(kv, "CIRCUITVC_DIR=") && !strings.HasPrefix(kv, "GIT_DIR=") {
			env = append(env, kv)
		}
	}
	return append(env, "CIRCUITVC_AUTHOR="+author, "NO_COLOR=1")
}

// result is how one subprocess ended.
type result struct {
	code           int  // exit code; -1 when killed by a signal
	killed         bool // ended by SIGKILL
	stdout, stderr []byte
}

func (r result) String() string {
	if r.killed {
		return "killed"
	}
	return fmt.Sprintf("exit %d, stdout %q, stderr %q", r.code, clip(r.stdout), clip(r.stderr))
}

func clip(b []byte) string {
	const max = 600
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

// command prepares name args in dir.
func command(ctx context.Context, dir, name string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = subEnv()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	return cmd, &out, &errb
}

// run runs a command to completion. Only a failure to start it is an
// error; its exit code is in the result.
func run(dir, name string, args ...string) (result, error) {
	cmd, out, errb := command(context.Background(), dir, name, args...)
	err := cmd.Run()
	return finish(err, out, errb)
}

func finish(err error, out, errb *bytes.Buffer) (result, error) {
	r := result{stdout: out.Bytes(), stderr: errb.Bytes()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			r.killed = ws.Signal() == syscall.SIGKILL
		}
	default:
		return r, err
	}
	return r, nil
}

// runKill starts a command and SIGKILLs it after delay unless it ended
// first. It returns the result and how long the process ran.
func runKill(dir string, delay time.Duration, name string, args ...string) (result, time.Duration, error) {
	cmd, out, errb := command(context.Background(), dir, name, args...)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return result{}, 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(delay)
	defer timer.Stop()
	var err error
	select {
	case err = <-done:
	case <-timer.C:
		_ = cmd.Process.Signal(syscall.SIGKILL) // may race with a normal exit: Wait tells
		err = <-done
	}
	took := time.Since(start)
	r, ferr := finish(err, out, errb)
	return r, took, ferr
}

// cvc runs circuitvc in dir and fails the test if it cannot start.
func cvc(t *testing.T, dir string, args ...string) result {
	t.Helper()
	r, err := run(dir, bin, args...)
	if err != nil {
		t.Fatalf("circuitvc %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// mustCvc runs circuitvc and fails the test unless it exits 0.
func mustCvc(t *testing.T, dir string, args ...string) result {
	t.Helper()
	r := cvc(t, dir, args...)
	if r.code != exitOK || r.killed {
		t.Fatalf("circuitvc %s: %s", strings.Join(args, " "), r)
	}
	return r
}

// logEntry is one element of circuitvc log --json.
type logEntry struct {
	Hash    string   `json:"hash"`
	Parents []string `json:"parents"`
	Message string   `json:"message"`
	Refs    []string `json:"refs"`
}

// history is circuitvc log --json, newest first.
func history(t *testing.T, dir string) []logEntry {
	t.Helper()
	r := mustCvc(t, dir, "log", "--json")
	var out []logEntry
	if err := json.Unmarshal(r.stdout, &out); err != nil {
		t.Fatalf("circuitvc log --json: %v\n%s", err, clip(r.stdout))
	}
	return out
}

// checkLinear fails unless h is one first-parent chain: every entry's
// only parent is the next entry, and the last is the root.
func checkLinear(t *testing.T, h []logEntry) {
	t.Helper()
	for i, e := range h {
		switch {
		case i == len(h)-1 && len(e.Parents) != 0:
			t.Fatalf("history: oldest version %s has parents %v (history not reachable whole)", e.Hash, e.Parents)
		case i < len(h)-1 && (len(e.Parents) != 1 || e.Parents[0] != h[i+1].Hash):
			t.Fatalf("history not linear at %s: parents %v, next listed %s", e.Hash, e.Parents, h[i+1].Hash)
		}
	}
}

// verifyClean runs circuitvc verify and fails unless it exits 0.
func verifyClean(t *testing.T, dir, when string) {
	t.Helper()
	r := cvc(t, dir, "verify")
	if r.code != exitOK {
		t.Fatalf("%s: circuitvc verify: %s", when, r)
	}
}

// fsckClean runs git fsck --strict on the store and fails unless it is
// clean (exit 0, nothing printed). It does nothing without git.
func fsckClean(t *testing.T, git, dir, when string) {
	t.Helper()
	if git == "" {
		return
	}
	if err := gittest.FsckError(filepath.Join(dir, ".circuitvc")); err != nil {
		t.Fatalf("%s: %v", when, err)
	}
}

// reflogLine is one line of a reflog file.
type reflogLine struct{ old, new, msg string }

// readReflog parses .circuitvc/logs/<ref> as git writes it.
func readReflog(t *testing.T, dir, ref string) []reflogLine {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, ".circuitvc", "logs", filepath.FromSlash(ref)))
	if err != nil {
		t.Fatalf("reflog %s: %v", ref, err)
	}
	var out []reflogLine
	for _, l := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		head, msg, _ := strings.Cut(l, "\t")
		f := strings.Fields(head)
		if len(f) < 2 || !isHex40(f[0]) || !isHex40(f[1]) {
			t.Fatalf("reflog %s: malformed line %q", ref, l)
		}
		out = append(out, reflogLine{old: f[0], new: f[1], msg: msg})
	}
	return out
}

// reflogBreaks counts entries whose old value is not the previous
// entry's new value.
func reflogBreaks(log []reflogLine) int {
	n := 0
	for i := 1; i < len(log); i++ {
		if log[i].old != log[i-1].new {
			n++
		}
	}
	return n
}

var hex40 = regexp.MustCompile(`^[0-9a-f]{40}$`)

func isHex40(s string) bool { return hex40.MatchString(s) }

// readRef reads a loose ref file and checks it is whole: 40 hex digits
// and a newline, 41 bytes.
func readRef(dir, ref string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, ".circuitvc", filepath.FromSlash(ref)))
	if err != nil {
		return "", err
	}
	if len(data) != 41 || data[40] != '\n' || !isHex40(string(data[:40])) {
		return "", fmt.Errorf("torn ref %s: %q", ref, data)
	}
	return string(data[:40]), nil
}

// checkRefFiles fails unless every loose ref below .circuitvc/refs is
// whole.
func checkRefFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	root := filepath.Join(dir, ".circuitvc", "refs")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".lock") {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join(dir, ".circuitvc"), p)
		if _, err := readRef(dir, filepath.ToSlash(rel)); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatalf("refs: %v", err)
	}
	return n
}

// lockFiles lists the git lock files (*.lock) below the store, relative
// to it, leaving out circuitvc.lock: that one is the flock file, which
// stays and is never stale.
func lockFiles(t *testing.T, dir string) []string {
	t.Helper()
	store := filepath.Join(dir, ".circuitvc")
	var out []string
	err := filepath.WalkDir(store, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "objects" {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(store, p)
		if !d.IsDir() && strings.HasSuffix(p, ".lock") && rel != "circuitvc.lock" {
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("listing lock files: %v", err)
	}
	return out
}

// writeAtomic writes a working file the way an editor that never leaves
// a half-written file does (see writeFileAtomic).
func writeAtomic(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := writeFileAtomic(name, data); err != nil {
		t.Fatal(err)
	}
}

// writeFileAtomic writes a temp file whose name no tracked pattern
// matches, then renames it over name, so that a concurrent save reads
// either the old or the new bytes, never a mix.
func writeFileAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".stress-"+filepath.Base(name)+"-*")
	if err != nil {
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// blobID is git's object id of a blob with this content.
func blobID(data []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(data))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// digest names file contents in the tests' bookkeeping.
type digest [32]byte

func sum(data []byte) digest { return sha256.Sum256(data) }

func (d digest) String() string { return hex.EncodeToString(d[:6]) }

// savedCommit finds the short hash "[abc1234] msg" that circuitvc save
// prints, or "" when it printed "nothing to save".
func savedCommit(stdout []byte) string {
	m := regexp.MustCompile(`(?m)^\[([0-9a-f]{7,40})\] `).FindSubmatch(stdout)
	if m == nil {
		return ""
	}
	return string(m[1])
}
