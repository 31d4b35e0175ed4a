package refs

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/internal/fsx"
	"github.com/circuitvc/circuitvc/objects"
)

// newStore makes an initialised store in a temp dir. With git on PATH
// it is a real bare repository (git init --bare) so that fsck works.
func newStore(t testing.TB, opts Options) (*Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), ".circuitvc")
	if _, err := exec.LookPath("git"); err == nil {
		runGit(t, "", "init", "--quiet", "--bare", "--initial-branch=main", dir)
	}
	if err := Init(fsx.OS(), dir); err != nil {
		t.Fatal(err)
	}
	return Open(fsx.OS(), dir, opts), dir
}

func needGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
}

// runGit runs git with a fixed identity and returns its trimmed stdout.
func runGit(t testing.TB, dir string, args ...string) string {
	t.Helper()
	out, err := gitCmd(dir, args...)
	if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func gitCmd(dir string, args ...string) (string, error) {
	if dir != "" {
		args = append([]string{"--git-dir=" + dir}, args...)
	}
	cmd := exec.Command("git", args...)
	cmd.Env = append(os.Environ(),
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com",
		"GIT_CONFIG_NOSYSTEM=1", "HOME="+os.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		return stdout.String(), &gitError{err: err, stderr: stderr.String()}
	}
	return strings.TrimSpace(stdout.String()), nil
}

type gitError struct {
	err    error
	stderr string
}

func (e *gitError) Error() string { return e.err.Error() + ": " + strings.TrimSpace(e.stderr) }

// commits makes n real commits in dir with git (a chain) and returns
// their hashes, oldest first.
func commits(t testing.TB, dir string, n int) []objects.Hash {
	t.Helper()
	tree := runGit(t, dir, "hash-object", "-t", "tree", "-w", "/dev/null")
	var out []objects.Hash
	args := []string{"commit-tree", tree, "-m", "c0"}
	for i := range n {
		h := objects.Hash(mustHash(t, runGit(t, dir, args...)))
		out = append(out, h)
		args = []string{"commit-tree", tree, "-p", h.String(), "-m", "c" + string(rune('1'+i))}
	}
	return out
}

// fakeHashes returns distinct non-zero hashes for tests that need no git.
func fakeHashes(n int) []objects.Hash {
	out := make([]objects.Hash, n)
	for i := range out {
		out[i][0] = byte(i + 1)
		out[i][19] = 0xab
	}
	return out
}

func mustHash(t testing.TB, s string) objects.Hash {
	t.Helper()
	h, err := parseFullHex([]byte(s))
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return h
}

func sig() objects.Signature {
	return objects.Signature{Name: "Ada Lovelace", Email: "ada@example.com",
		When: time.Unix(1700000000, 0).In(time.FixedZone("", 90*60))}
}

// fsck asserts that git fsck --strict finds nothing wrong.
func fsck(t testing.TB, dir string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		return
	}
	out, err := gitCmd(dir, "fsck", "--strict", "--no-progress", "--no-dangling")
	if err != nil || out != "" {
		t.Fatalf("git fsck --strict: %v\n%s", err, out)
	}
}

var bg = context.Background()

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func quoteGo(s string) string { return strconv.Quote(s) }
