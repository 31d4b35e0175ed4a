package worktree

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/objects"
)

// testSig signs the commits tests make.
var testSig = objects.Signature{Name: "Test User", Email: "test@example.com", When: time.Unix(1700000000, 0).UTC()}

// circuitV returns a small valid native circuit whose R1 has value v.
func circuitV(v string) []byte {
	return []byte(`{"components": [{"id": "R1", "value": "` + v + `", "pins": ["1", "2"]},` +
		` {"id": "R2", "value": "1k", "pins": ["1", "2"]}],` +
		` "nets": [{"name": "A", "connections": ["R1.1", "R2.1"]}]}` + "\n")
}

// newRepo makes a store in a temporary directory on fsys (nil: the OS).
func newRepo(t testing.TB, fsys fsx.FS) *Repo {
	t.Helper()
	dir := t.TempDir()
	if fsys != nil {
		if err := fsx.MkdirAll(fsys, dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Init(dir, OpenOptions{FS: fsys, LockTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func writeWorkFile(t testing.TB, r *Repo, p string, data []byte) {
	t.Helper()
	if err := fsx.MkdirAll(r.fs, filepath.Dir(r.abs(p)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := fsx.WriteFile(r.fs, r.abs(p), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readWorkFile(t testing.TB, r *Repo, p string) string {
	t.Helper()
	data, err := fsx.ReadFile(r.fs, r.abs(p))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// mustSave saves with a fixed identity and fails the test on error.
func mustSave(t testing.TB, r *Repo, msg string, paths ...string) *SaveResult {
	t.Helper()
	res, err := r.Save(context.Background(), SaveOptions{Message: msg, Author: testSig, Paths: paths})
	if err != nil {
		t.Fatalf("save %q: %v", msg, err)
	}
	return res
}
