package objects

// Power cuts (fsxtest.CrashFS): a sequence of writes, and Pack, are cut after
// every operation, and every file system the cut could leave — the worst
// case (only fsynced state) and outcomes in which some of the operations
// not yet durable reached the disk anyway — is reopened and checked:
//
//   - every object acknowledged before the cut (Write returned nil, or it
//     existed before Pack) reads back whole, with the right content;
//   - an object whose write was interrupted is absent or whole, never a
//     damaged file that Read accepts;
//   - Verify reports nothing. Temp files (tmp_obj_*, tmp_pack_*, tmp_idx_*)
//     and a pack whose index never got its final name are not objects:
//     Verify skips them, as git does, and they are only counted here;
//   - the next operation on the healthy disk (writing the objects again, a
//     second Pack) completes and leaves a store that Verify and, for a
//     sample of the Pack outcomes, `git fsck --strict` accept.
//
// Identical post-crash file systems are checked once (the checks are
// deterministic), so a cut during a read-only phase costs little.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/circuitvc/circuitvc/internal/gittest"
)

// crashLimit bounds the outcomes explored per cut: every subset of up to
// three pending operations, else the worst case, every in-order prefix
// and random subsets, up to this many distinct ones.
const crashLimit = 8

func TestWriteCrash(t *testing.T) {
	t.Parallel()
	small := wantObj{plumbing.BlobObject, []byte(`{"components":[{"id":"R1","value":"10k"}]}` + "\n")}
	big := wantObj{plumbing.BlobObject, bigBlob(2)}
	treeData := mustEncodeTree(t, &Tree{Entries: []TreeEntry{
		{Name: "amp.circuit.json", Mode: 0o100644, Hash: HashObject(small.typ, small.data)},
		{Name: "big.circuit.json", Mode: 0o100644, Hash: HashObject(big.typ, big.data)}}})
	tree := wantObj{plumbing.TreeObject, treeData}
	old := wantObj{plumbing.BlobObject, []byte("stored before the cut\n")}

	base := memStore(t)
	s := openMem(t, base)
	oldHash, err := s.Write(old.typ, old.data)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	commit := wantObj{plumbing.CommitObject, mustEncodeCommit(t, &Commit{
		Tree: HashObject(tree.typ, tree.data), Author: testSig, Committer: testSig, Message: "save\n"})}
	other := wantObj{plumbing.BlobObject, []byte("written in a batch\n")}

	// The sequence: a small blob, the same again (deduplicated), a ~1 MB
	// blob streamed, a tree, and a batch (WriteMany) of a commit and a
	// blob; each step is acknowledged by a nil error.
	steps := []struct {
		obj wantObj
		how string
	}{{small, "Write"}, {small, "Write"}, {big, "WriteStream"}, {tree, "Write"}, {commit, "WriteMany"}, {other, "WriteMany"}}
	hashes := make([]Hash, len(steps))
	for i, st := range steps {
		hashes[i] = HashObject(st.obj.typ, st.obj.data)
	}

	seen := map[string]bool{}
	var cuts, states, distinct, withTemps int
	for n := 0; ; n++ {
		if !fsxtest.Sampled(n) {
			continue
		}
		c := fsxtest.NewCrashFS(base)
		s, err := Open(c, faultDir)
		if err != nil {
			t.Fatal(err)
		}
		c.CrashAfter(c.Ops() + n)
		acked := make([]bool, len(steps))
		for i := 0; i < len(steps); i++ {
			st := steps[i]
			var got []Hash
			switch st.how {
			case "Write":
				h, werr := s.Write(st.obj.typ, st.obj.data)
				got, err = []Hash{h}, werr
			case "WriteStream":
				h, werr := s.WriteStream(st.obj.typ, int64(len(st.obj.data)), bytes.NewReader(st.obj.data))
				got, err = []Hash{h}, werr
			case "WriteMany": // this step and the following WriteMany ones
				var batch []Object
				for _, b := range steps[i:] {
					batch = append(batch, Object{Type: b.obj.typ, Data: b.obj.data})
				}
				got, err = s.WriteMany(batch)
			}
			if err != nil {
				if !errors.Is(err, fsxtest.ErrPowerCut) {
					t.Errorf("cut after %d ops: step %d: err = %v, want the power cut", n, i, err)
				}
				break
			}
			for k, h := range got {
				if h != hashes[i+k] {
					t.Fatalf("step %d: hash %s, want %s", i+k, h, hashes[i+k])
				}
				acked[i+k] = true
			}
			i += len(got) - 1
		}
		s.Close()
		cuts++
		for desc, after := range c.CrashStates(crashLimit) {
			states++
			key := fmt.Sprint(acked) + after.Dump()
			if seen[key] {
				continue
			}
			seen[key] = true
			distinct++
			desc = fmt.Sprintf("cut after %d ops (acked %v): %s", n, acked, desc)
			if len(tempFiles(after)) > 0 {
				withTemps++
			}
			r := openMem(t, after)
			if !checkHas(t, r, oldHash, old, desc) {
				t.Errorf("%s: the object stored before is gone", desc)
			}
			for i, st := range steps {
				if !checkHas(t, r, hashes[i], st.obj, desc) && acked[i] {
					t.Errorf("%s: acknowledged object %d (%s) lost", desc, i, hashes[i])
				}
			}
			verifyClean(t, r, desc)
			// The disk is healthy again: writing every object once more
			// stores it, whatever the crash left.
			for i, st := range steps {
				if _, err := r.Write(st.obj.typ, st.obj.data); err != nil {
					t.Errorf("%s: rewrite %d: %v", desc, i, err)
				} else if !checkHas(t, r, hashes[i], st.obj, desc+" (rewritten)") {
					t.Errorf("%s: rewritten object %d missing", desc, i)
				}
			}
			verifyClean(t, r, desc+" (rewritten)")
			r.Close()
		}
		if !c.Cut() {
			break
		}
	}
	t.Logf("SUMMARY write power cuts: %d cut points, %d crash states explored, %d distinct checked, %d with temp files left (not objects: Verify skips them)",
		cuts, states, distinct, withTemps)
}

// TestDamagedLooseLeftovers plants what a writer that does not fsync
// (stock git by default does not fsync loose objects) can leave after a
// power cut: an empty or a truncated object file under the final name.
// Read must not accept it, Verify must report it, and the next Write of
// the same object must replace it with a whole one.
func TestDamagedLooseLeftovers(t *testing.T) {
	for _, obj := range []wantObj{
		{plumbing.BlobObject, bigBlob(3)[:64<<10]},
		{plumbing.TreeObject, mustEncodeTree(t, &Tree{Entries: []TreeEntry{{Name: "a", Mode: 0o100644, Hash: HashObject(plumbing.BlobObject, nil)}}})},
	} {
		h := HashObject(obj.typ, obj.data)
		// A whole loose file, to cut down.
		m := memStore(t)
		s := openMem(t, m)
		if _, err := s.Write(obj.typ, obj.data); err != nil {
			t.Fatal(err)
		}
		s.Close()
		path := filepath.Join(faultDir, "objects", h.String()[:2], h.String()[2:])
		whole, err := fsx.ReadFile(m, path)
		if err != nil {
			t.Fatal(err)
		}
		for _, cut := range []int{0, 1, len(whole) / 2, len(whole) - 1} {
			for _, how := range []string{"Write", "WriteStream", "WriteMany"} {
				desc := fmt.Sprintf("%v %s cut to %d of %d bytes, then %s", obj.typ, h, cut, len(whole), how)
				d := m.Clone()
				if err := d.Chmod(path, 0o644); err != nil {
					t.Fatal(err)
				}
				f, err := d.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.Write(whole[:cut]); err != nil {
					t.Fatal(err)
				}
				f.Close()
				r := openMem(t, d)
				if _, _, err := r.Read(h); err == nil {
					t.Errorf("%s: Read accepted it", desc)
				} else if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrNotFound) {
					t.Errorf("%s: Read: %v, want ErrCorrupt or ErrNotFound", desc, err)
				}
				var problems []Problem
				if _, err := r.Verify(context.Background(), func(p Problem) { problems = append(problems, p) }); err != nil {
					t.Fatal(err)
				}
				if len(problems) != 1 || problems[0].Hash != h {
					t.Errorf("%s: Verify reported %v, want one problem naming %s", desc, problems, h)
				}
				switch how {
				case "Write":
					_, err = r.Write(obj.typ, obj.data)
				case "WriteStream":
					_, err = r.WriteStream(obj.typ, int64(len(obj.data)), bytes.NewReader(obj.data))
				default:
					_, err = r.WriteMany([]Object{{Type: obj.typ, Data: obj.data}})
				}
				if err != nil {
					t.Errorf("%s: Write: %v", desc, err)
				}
				if !checkHas(t, r, h, obj, desc+" (after Write)") {
					t.Errorf("%s: Write did not repair it", desc)
				}
				verifyClean(t, r, desc+" (after Write)")
				r.Close()
			}
		}
	}
}

func TestPackCrash(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var totalCuts, totalStates, totalDistinct, totalFsck int
	// 30 loose objects (10 commits); and 9 packed plus 12 loose ones,
	// repacked with All. The two run at once.
	fixtures := []*gcFixture{
		newGCFixture(t, "loose", 0, 10, PackOptions{}),
		newGCFixture(t, "all", 3, 4, PackOptions{All: true}),
	}
	t.Run("fixtures", func(t *testing.T) {
		for _, fx := range fixtures {
			t.Run(fx.name, func(t *testing.T) {
				t.Parallel()
				cuts, states, distinct, fscks := packCrashLoop(t, fx)
				mu.Lock()
				defer mu.Unlock()
				totalCuts += cuts
				totalStates += states
				totalDistinct += distinct
				totalFsck += fscks
			})
		}
	})
	t.Logf("SUMMARY pack power cuts: %d cut points, %d crash states explored, %d distinct checked, %d git fsck runs: no object lost",
		totalCuts, totalStates, totalDistinct, totalFsck)
}

// packCrashLoop cuts the power after every operation of Pack on fx in
// turn and checks every state the disk may be left in.
func packCrashLoop(t *testing.T, fx *gcFixture) (cuts, states, distinct, fscks int) {
	seen := map[string]bool{}
	var tmpPacks, packNoIdx, stillLoose int
	var lastCut *fsxtest.MemFS
	for n := 0; ; n++ {
		if !fsxtest.Sampled(n) {
			continue
		}
		c := fsxtest.NewCrashFS(fx.base)
		s, err := Open(c, faultDir)
		if err != nil {
			t.Fatal(err)
		}
		c.CrashAfter(c.Ops() + n)
		_, err = s.Pack(context.Background(), fx.opts)
		s.Close()
		if err != nil && !errors.Is(err, fsxtest.ErrPowerCut) {
			t.Errorf("%s: cut after %d ops: err = %v, want the power cut", fx.name, n, err)
		}
		cuts++
		for desc, after := range c.CrashStates(crashLimit) {
			states++
			key := after.Dump()
			if seen[key] {
				continue
			}
			seen[key] = true
			desc = fmt.Sprintf("%s: cut after %d ops: %s", fx.name, n, desc)
			tmps, orphans := packDebris(after)
			if idx := indexesWithoutPack(after); len(idx) > 0 {
				t.Errorf("%s: index without its pack: %v", desc, idx)
			}
			if tmps > 0 {
				tmpPacks++
			}
			if orphans > 0 {
				packNoIdx++
			}
			r := openMem(t, after)
			fx.checkAll(t, r, desc)
			verifyClean(t, r, desc)
			if k, _ := r.CountLoose(); k > 0 {
				stillLoose++
			}
			r.Close()
			fx.packAgain(t, after, desc)
			// git fsck costs a process and a copy: run it on one
			// distinct outcome in 24 (and on the last).
			if len(seen)%24 == 1 {
				fsckMem(t, after, fx.tip, desc)
				fscks++
			}
			lastCut = after
		}
		if !c.Cut() {
			break
		}
	}
	if lastCut != nil {
		fsckMem(t, lastCut, fx.tip, fx.name+": last outcome")
		fscks++
	}
	t.Logf("pack %s: %d objects, %d cut points, %d crash states explored, %d distinct checked (objects, verify, second Pack); "+
		"%d with tmp_pack/tmp_idx files, %d with a pack lacking its index, %d with loose objects left; git fsck --strict on %d",
		fx.name, len(fx.objs), cuts, states, len(seen), tmpPacks, packNoIdx, stillLoose, fscks)
	return cuts, states, len(seen), fscks
}

// packDebris counts the temp files in objects/pack and the packs whose
// index is missing — what an interrupted Pack may leave.
func packDebris(fsys fsx.FS) (tmps, orphans int) {
	dir := filepath.Join(faultDir, "objects", "pack")
	entries, _ := fsys.ReadDir(dir)
	names := map[string]bool{}
	for _, e := range entries {
		names[e.Name()] = true
	}
	for name := range names {
		switch {
		case strings.HasPrefix(name, "tmp_"):
			tmps++
		case strings.HasSuffix(name, ".pack") && !names[strings.TrimSuffix(name, ".pack")+".idx"]:
			orphans++
		}
	}
	return tmps, orphans
}

// fsckMem copies the store on fsys into a `git init --bare` repository on
// disk, points refs/heads/main at tip (so that fsck checks the history is
// complete, not only that each object is sound) and runs
// `git fsck --strict`, which must print nothing.
func fsckMem(t *testing.T, fsys fsx.FS, tip Hash, desc string) {
	t.Helper()
	if testing.Short() {
		return
	}
	gittest.Need(t)
	dir := filepath.Join(t.TempDir(), "repo.git")
	gittest.InitBare(t, dir)
	if err := copyOut(fsys, filepath.Join(faultDir, "objects"), filepath.Join(dir, "objects")); err != nil {
		t.Fatalf("%s: copy out: %v", desc, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "refs", "heads", "main"), []byte(tip.String()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := gittest.FsckError(dir); err != nil {
		t.Errorf("%s: %v", desc, err)
	}
}

// copyOut copies the tree under src on fsys to dst on disk.
func copyOut(fsys fsx.FS, src, dst string) error {
	entries, err := fsys.ReadDir(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		from, to := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())
		if e.IsDir() {
			if err := copyOut(fsys, from, to); err != nil {
				return err
			}
			continue
		}
		data, err := fsx.ReadFile(fsys, from)
		if err != nil {
			return err
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
