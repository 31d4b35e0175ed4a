package worktree

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// TestDamagedHead: a store whose HEAD is missing, unreadable, or names a
// branch that does not exist while another holds the history is found
// but refused with a message saying what is wrong and how to repair it
// (ErrDamaged: exit 8); InitOrRepair then finds its versions and points
// HEAD at the history (issue 8, items 12 and 13).
func TestDamagedHead(t *testing.T) {
	ctx := context.Background()
	store := filepath.Join(scRoot, DirName)
	cases := []struct {
		name       string
		damage     func(t *testing.T, m *fsxtest.MemFS)
		branch     string   // asked of InitOrRepair
		refused    []string // the error names these
		wantBranch string   // HEAD after the repair
		repaired   string   // InitResult.Repaired contains it
		versions   int
	}{
		{name: "HEAD missing", damage: removeStoreFile("HEAD"),
			refused:    []string{"store is damaged: HEAD is missing", "HEAD", "'circuitvc init' repairs HEAD"},
			wantBranch: refs.Main, repaired: "HEAD is missing", versions: 2},
		{name: "HEAD garbage", damage: writeStoreFile("HEAD", "garbage\n"),
			refused:    []string{"store is damaged: HEAD is unreadable", "garbage", "'circuitvc init' repairs HEAD"},
			wantBranch: refs.Main, repaired: "HEAD is unreadable", versions: 2},
		{name: "HEAD a symbolic ref cycle", damage: writeStoreFile("HEAD", "ref: HEAD\n"),
			refused: []string{"store is damaged: HEAD is unreadable"}, wantBranch: refs.Main, repaired: "unreadable", versions: 2},
		{name: "clone whose HEAD is master", damage: renameBranch(refs.Main, "refs/heads/master"),
			refused:    []string{"HEAD names refs/heads/main, which does not exist", "refs/heads/master holds the history", "'circuitvc init' points HEAD at refs/heads/master"},
			wantBranch: "refs/heads/master", repaired: "HEAD named refs/heads/main", versions: 2},
		{name: "HEAD names master, main holds the history", damage: writeStoreFile("HEAD", "ref: refs/heads/master\n"),
			refused:    []string{"HEAD names refs/heads/master", "refs/heads/main holds", "'circuitvc init' points HEAD at refs/heads/main"},
			wantBranch: refs.Main, repaired: "HEAD named refs/heads/master", versions: 2},
		{name: "two other branches, one chosen", damage: twoBranches, branch: "dev",
			refused:    []string{"refs/heads/dev, refs/heads/old hold the history", "'circuitvc init --branch NAME'"},
			wantBranch: "refs/heads/dev", repaired: "as asked", versions: 2},
		{name: "interrupted init", damage: removeStoreFile("HEAD", "config", "refs/heads/main", "logs/HEAD", "logs/refs/heads/main"),
			refused:    []string{"store is damaged: HEAD is missing"},
			wantBranch: refs.Main, repaired: "HEAD is missing", versions: 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, r := initMem(t)
			writeWorkFile(t, r, "a.circuit.json", circuitV("1"))
			mustSave(t, r, "v1")
			writeWorkFile(t, r, "a.circuit.json", circuitV("2"))
			want := mustSave(t, r, "v2").Commit
			r.Close()
			c.damage(t, m)
			before := refState(t, m)

			_, err := openRepo(t, m)
			if !errors.Is(err, ErrDamaged) {
				t.Fatalf("Find = %v, want ErrDamaged", err)
			}
			for _, s := range c.refused {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			if got := refState(t, m); len(got) != len(before) {
				t.Errorf("refusing changed the refs: %v", got)
			}
			if strings.Contains(err.Error(), "--branch") {
				_, _, err := InitOrRepair(ctx, scRoot, OpenOptions{FS: m}, "")
				if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "--branch") {
					t.Errorf("InitOrRepair without a branch to choose = %v, want it refused", err)
				}
			}
			r, res, err := InitOrRepair(ctx, scRoot, OpenOptions{FS: m}, c.branch)
			if err != nil {
				t.Fatalf("InitOrRepair: %v", err)
			}
			r.Close()
			if !res.Existed || res.Branch != c.wantBranch || res.Versions != c.versions || !strings.Contains(res.Repaired, c.repaired) {
				t.Errorf("InitOrRepair = %+v, want branch %s, %d versions, repaired %q", res, c.wantBranch, c.versions, c.repaired)
			}
			r, err = openRepo(t, m)
			if err != nil {
				t.Fatalf("after the repair: %v", err)
			}
			defer r.Close()
			if h, err := r.Head(); err != nil || (c.versions > 0 && h != want) {
				t.Errorf("after the repair HEAD = %s, %v; want %s", h, err, want)
			}
			if _, err := fsx.ReadFile(m, filepath.Join(store, "config")); err != nil {
				t.Errorf("config after the repair: %v", err)
			}
		})
	}
}

// TestInitOverHealthyStore: init over a store that needs nothing changes
// nothing and counts its versions.
func TestInitOverHealthyStore(t *testing.T) {
	m, r := initMem(t)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1"))
	mustSave(t, r, "v1")
	r.Close()
	before := refState(t, m)
	r, res, err := InitOrRepair(context.Background(), scRoot, OpenOptions{FS: m}, "")
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if !res.Existed || res.Versions != 1 || res.Repaired != "" || res.Branch != refs.Main {
		t.Errorf("InitOrRepair = %+v", res)
	}
	if after := refState(t, m); len(after) != len(before) || after["HEAD"] != before["HEAD"] {
		t.Errorf("refs changed: %v → %v", before, after)
	}
	if _, _, err := InitOrRepair(context.Background(), scRoot, OpenOptions{FS: m}, "nosuch"); !errors.Is(err, ErrRevisionNotFound) || !strings.Contains(err.Error(), "refs/heads/main") {
		t.Errorf("--branch nosuch: %v, want the branches listed", err)
	}
}

func removeStoreFile(names ...string) func(*testing.T, *fsxtest.MemFS) {
	return func(t *testing.T, m *fsxtest.MemFS) {
		for _, n := range names {
			if err := m.Remove(filepath.Join(scRoot, DirName, filepath.FromSlash(n))); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func writeStoreFile(name, data string) func(*testing.T, *fsxtest.MemFS) {
	return func(t *testing.T, m *fsxtest.MemFS) {
		if err := fsx.WriteFile(m, filepath.Join(scRoot, DirName, filepath.FromSlash(name)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// renameBranch moves a branch's ref file and reflog, as a clone from a
// remote with another branch name leaves them.
func renameBranch(from, to string) func(*testing.T, *fsxtest.MemFS) {
	return func(t *testing.T, m *fsxtest.MemFS) {
		for _, pre := range []string{"", "logs/"} {
			dir := filepath.Join(scRoot, DirName)
			if err := m.Rename(filepath.Join(dir, filepath.FromSlash(pre+from)), filepath.Join(dir, filepath.FromSlash(pre+to))); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// twoBranches leaves history on dev and old, neither main nor master.
func twoBranches(t *testing.T, m *fsxtest.MemFS) {
	renameBranch(refs.Main, "refs/heads/dev")(t, m)
	s := refs.Open(m, filepath.Join(scRoot, DirName), refs.Options{})
	h, err := s.Read("refs/heads/dev")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(context.Background(), "refs/heads/old", objects.ZeroHash, h, testSig, "branch"); err != nil {
		t.Fatal(err)
	}
}
