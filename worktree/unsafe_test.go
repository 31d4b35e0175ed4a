package worktree

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// rawTree encodes tree entries without any of WriteTree's checks, as a
// hostile store could hold them.
func rawTree(t *testing.T, r *Repo, entries ...objects.TreeEntry) objects.Hash {
	t.Helper()
	var b []byte
	for _, e := range entries {
		mode := "100644"
		if e.Mode == objects.ModeDir {
			mode = "40000"
		}
		b = append(b, mode+" "+e.Name...)
		b = append(b, 0)
		b = append(b, e.Hash[:]...)
	}
	h, err := r.objects.Write(objects.TreeObject, b)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestRestoreRefusesHostileTrees(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1"))
	mustSave(t, r, "honest")
	blob, err := r.objects.Write(objects.BlobObject, []byte("pwned\n"))
	if err != nil {
		t.Fatal(err)
	}
	file := func(name string) objects.TreeEntry {
		return objects.TreeEntry{Name: name, Mode: objects.ModeRegular, Hash: blob}
	}
	dir := func(name string, sub objects.Hash) objects.TreeEntry {
		return objects.TreeEntry{Name: name, Mode: objects.ModeDir, Hash: sub}
	}
	inner := rawTree(t, r, file("evil.circuit.json"))
	hooks := rawTree(t, r, file("post-checkout"))
	cases := map[string]objects.Hash{
		"dotdot dir":     rawTree(t, r, dir("..", inner)),
		"dotdot file":    rawTree(t, r, file("..")),
		".git dir":       rawTree(t, r, dir(".git", hooks)),
		".GIT dir":       rawTree(t, r, dir(".GIT", hooks)),
		".circuitvc dir": rawTree(t, r, dir(".circuitvc", hooks)),
		"nested dotdot":  rawTree(t, r, dir("sub", rawTree(t, r, dir("..", rawTree(t, r, dir("..", inner)))))),
	}
	before, _ := r.Head()
	for name, tree := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := r.objects.WriteCommit(&objects.Commit{Tree: tree, Author: testSig, Committer: testSig, Message: "hostile\n"})
			if err != nil {
				t.Fatal(err)
			}
			if err := r.refs.Update(ctx, refs.TagPrefix+"hostile", objects.ZeroHash, c, testSig, "test"); err != nil {
				t.Fatal(err)
			}
			defer r.refs.Delete(ctx, refs.TagPrefix+"hostile", c)
			_, err = r.Restore(ctx, RestoreOptions{To: "hostile", Author: testSig})
			if !errors.Is(err, ErrUnsafePath) {
				t.Fatalf("restore of a hostile tree: err = %v, want ErrUnsafePath", err)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(r.Root()), "evil.circuit.json")); err == nil {
				t.Fatal("a file was written outside the working tree")
			}
			if _, err := os.Stat(filepath.Join(r.Dir(), "post-checkout")); err == nil {
				t.Fatal("a file was written inside the store")
			}
			if after, _ := r.Head(); after != before {
				t.Fatal("history moved")
			}
		})
	}
}

func TestRestoreRefusesSymlinkedParent(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t, nil)
	writeWorkFile(t, r, "sub/a.circuit.json", circuitV("1"))
	mustSave(t, r, "v1")
	// replace the directory with a link to a directory outside the tree
	outside := t.TempDir()
	if err := os.RemoveAll(r.abs("sub")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, r.abs("sub")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	_, err := r.Restore(ctx, RestoreOptions{To: "current", Author: testSig})
	if !errors.Is(err, ErrUnsafePath) {
		t.Fatalf("restore through a symlinked directory: err = %v, want ErrUnsafePath", err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Fatalf("restore wrote outside the working tree: %v", entries)
	}
}

func TestRelPathRefusesEscapes(t *testing.T) {
	r := newRepo(t, nil)
	for _, p := range []string{"../x.json", "/etc/passwd", ".circuitvc/HEAD", "sub/.git/config"} {
		if _, err := r.RelPath(r.Root(), p); !errors.Is(err, ErrUnsafePath) {
			t.Errorf("RelPath(%q): err = %v, want ErrUnsafePath", p, err)
		}
	}
	if got, err := r.RelPath(filepath.Join(r.Root(), "sub"), "a.json"); err != nil || got != "sub/a.json" {
		t.Errorf("RelPath(sub, a.json) = %q, %v", got, err)
	}
}
