package objects

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/internal/gittest"
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
	gittest.Need(t)
	dir := filepath.Join(t.TempDir(), ".circuitvc")
	gittest.InitBare(t, dir)
	s, err := Open(fsx.OS(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
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
