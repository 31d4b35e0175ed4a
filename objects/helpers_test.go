package objects

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/internal/fsx"
	"github.com/go-git/go-git/v5/plumbing"
)

// newStore makes an empty store in a temp dir and opens it.
func newStore(t testing.TB) (*Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), ".circuitvc")
	if err := Init(fsx.OS(), dir); err != nil {
		t.Fatal(err)
	}
	s, err := Open(fsx.OS(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

// gitBareStore makes a store with `git init --bare` so that git and go-git
// accept it as a repository, and opens it.
func gitBareStore(t testing.TB) (*Store, string) {
	t.Helper()
	needGit(t)
	dir := filepath.Join(t.TempDir(), ".circuitvc")
	git(t, "", nil, "init", "--bare", "-q", "-b", "main", dir)
	s, err := Open(fsx.OS(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func needGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
}

// git runs git with --git-dir=dir (when dir is set) and returns stdout.
func git(t testing.TB, dir string, stdin []byte, args ...string) string {
	t.Helper()
	out, err := gitErr(dir, stdin, args...)
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func gitErr(dir string, stdin []byte, args ...string) (string, error) {
	if dir != "" {
		args = append([]string{"--git-dir=" + dir}, args...)
	}
	cmd := exec.Command("git", args...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+os.TempDir(),
		"GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.com")
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out) + stderr.String(), err
	}
	return string(out), nil
}

// fsckClean asserts that `git fsck --strict` accepts the store and prints
// nothing.
func fsckClean(t testing.TB, dir string) {
	t.Helper()
	out, err := gitErr(dir, nil, "fsck", "--strict", "--no-dangling")
	if err != nil || strings.TrimSpace(out) != "" {
		t.Fatalf("git fsck --strict: %v\n%s", err, out)
	}
}

var testSig = Signature{Name: "Ada Lovelace", Email: "ada@example.com",
	When: time.Date(2024, 3, 1, 12, 30, 0, 0, time.FixedZone("", 5*3600+30*60))}

// writeHistory writes n commits, each with a tree of one blob, and
// returns the commit hashes in order.
func writeHistory(t testing.TB, s *Store, n int, content func(i int) []byte) []Hash {
	t.Helper()
	var commits []Hash
	parent := ZeroHash
	for i := range n {
		blob, err := s.Write(plumbing.BlobObject, content(i))
		if err != nil {
			t.Fatal(err)
		}
		tree, err := s.WriteTree(&Tree{Entries: []TreeEntry{{Name: "amp.circuit.json", Mode: 0o100644, Hash: blob}}})
		if err != nil {
			t.Fatal(err)
		}
		c := &Commit{Tree: tree, Author: testSig, Committer: testSig, Message: "save\n"}
		if !parent.IsZero() {
			c.Parents = []Hash{parent}
		}
		h, err := s.WriteCommit(c)
		if err != nil {
			t.Fatal(err)
		}
		commits = append(commits, h)
		parent = h
	}
	return commits
}

func mkdirWrite(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	os.Chmod(path, 0o644)
	return os.WriteFile(path, data, 0o644)
}
