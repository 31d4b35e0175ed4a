package worktree

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/circuitvc/circuitvc/internal/gittest"
	"github.com/circuitvc/circuitvc/objects"
)

func TestParsePruneExpire(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{"now", 0, false},
		{"never", PruneNever, false},
		{"2w", DefaultPruneExpire, false},
		{"36h", 36 * time.Hour, false},
		{"2.weeks.ago", DefaultPruneExpire, false},
		{"1.day.ago", 24 * time.Hour, false},
		{"3.months.ago", 90 * 24 * time.Hour, false},
		{"", 0, true},
		{"soon", 0, true},
		{"-1h", 0, true},
		{"2.fortnights.ago", 0, true},
	} {
		got, err := ParsePruneExpire(tc.in)
		if (err != nil) != tc.bad || (!tc.bad && got != tc.want) {
			t.Errorf("ParsePruneExpire(%q) = %v, %v; want %v (error: %v)", tc.in, got, err, tc.want, tc.bad)
		}
	}
}

// pruneHistory is a store with everything gc must keep and snapshots it
// must drop.
type pruneHistory struct {
	keep map[string]objects.Hash // what must survive, by what names it
	gone []objects.Hash          // pruned snapshots: commit, tree, blob
}

// pruneEnd is when the synthetic snapshots end: a fixed time, so that
// the default policy always drops the same ones.
var pruneEnd = time.Date(2026, 12, 1, 12, 2, 30, 0, time.UTC)

// newPruneHistory makes, in r: versions v1 and v2; two restores with
// unsaved edits (backup and backup@{1}); n snapshots one every step up to
// pruneEnd, pruned to the default policy; an annotated tag t1 of a commit
// nothing else names; a merge in progress whose "theirs" nothing else
// names.
func newPruneHistory(t *testing.T, r *Repo, n int, step time.Duration) *pruneHistory {
	t.Helper()
	ctx := context.Background()
	ph := &pruneHistory{keep: map[string]objects.Hash{}}
	writeWorkFile(t, r, "a.circuit.json", circuitV("1k"))
	ph.keep["v1"] = mustSave(t, r, "v1").Commit
	writeWorkFile(t, r, "a.circuit.json", circuitV("2k"))
	ph.keep["v2"] = mustSave(t, r, "v2").Commit
	for i, to := range []string{"v1", "v2"} {
		writeWorkFile(t, r, "a.circuit.json", circuitV(fmt.Sprintf("unsaved %d", i)))
		if _, err := r.Restore(ctx, RestoreOptions{To: ph.keep[to].String(), Author: testSig}); err != nil {
			t.Fatal(err)
		}
	}
	for _, rev := range []string{"backup", "backup@{1}", "current"} {
		h, err := r.Resolve(rev)
		if err != nil {
			t.Fatal(err)
		}
		ph.keep[rev] = h
	}

	all := syntheticChain(t, r, n, step, pruneEnd)
	if _, err := r.PruneAutosave(ctx, pruneEnd, testSig); err != nil {
		t.Fatal(err)
	}
	head, err := r.autosaveHead()
	if err != nil {
		t.Fatal(err)
	}
	chain, err := r.autosaveChain(ctx, head)
	if err != nil {
		t.Fatal(err)
	}
	kept := map[string]bool{}
	for i, s := range chain {
		ph.keep[fmt.Sprintf("autosave~%d", i)] = s.hash
		kept[firstLine(s.commit.Message)] = true
	}
	for i, h := range all {
		if kept[fmt.Sprintf("autosave: %d", i)] {
			continue
		}
		c, err := r.objects.ReadCommit(h)
		if err != nil {
			t.Fatal(err)
		}
		ph.gone = append(ph.gone, h, c.Tree, BlobID(fmt.Appendf(nil, "snapshot %06d\n", i)))
	}
	if len(ph.gone) == 0 || len(chain) == 0 {
		t.Fatalf("pruning kept %d snapshots and dropped %d", len(chain), len(ph.gone)/3)
	}

	var b batch
	for _, name := range []string{"tagged", "theirs"} {
		data := []byte(name + " only\n")
		b.addBlob("a.circuit.json", data, BlobID(data))
		h, err := b.addCommit(objects.ZeroHash, Snapshot{"a.circuit.json": {Mode: objects.ModeRegular, Hash: BlobID(data)}}, testSig, name)
		if err != nil {
			t.Fatal(err)
		}
		ph.keep[name] = h
	}
	if err := b.write(r, "test"); err != nil {
		t.Fatal(err)
	}
	tag, err := r.objects.Write(objects.TagObject, fmt.Appendf(nil,
		"object %s\ntype commit\ntag t1\ntagger Ada <ada@example.com> 1700000000 +0000\n\nt1\n", ph.keep["tagged"]))
	if err != nil {
		t.Fatal(err)
	}
	ph.keep["tag object"] = tag
	if err := r.refs.Update(ctx, "refs/tags/t1", objects.ZeroHash, tag, testSig, "tag"); err != nil {
		t.Fatal(err)
	}
	state, _ := json.Marshal(mergeState{Rev: "x", Theirs: ph.keep["theirs"].String(), Head: ph.keep["current"].String()})
	if err := fsx.MkdirAll(r.fs, filepath.Join(r.dir, mergeDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := fsx.WriteFile(r.fs, filepath.Join(r.dir, mergeDir, "state.json"), state, 0o644); err != nil {
		t.Fatal(err)
	}
	return ph
}

// pruned says what check expects of the pruned snapshots' objects.
type pruned int

const (
	prunedAny     pruned = iota // a crash may have left some
	prunedGone                  // gc deleted them
	prunedPresent               // gc kept them (young)
)

// check asserts that every kept commit is whole (commit, tree, blobs)
// and still answers to its name, that verify finds nothing, and that the
// pruned snapshots' objects are as want says.
func (ph *pruneHistory) check(t testing.TB, r *Repo, want pruned, desc string) {
	t.Helper()
	for name, h := range ph.keep {
		if name == "tag object" {
			if ok, err := r.objects.Has(h); !ok || err != nil {
				t.Errorf("%s: annotated tag %s lost (%v)", desc, h, err)
			}
			continue
		}
		if _, err := r.FileAt(h, name, "a.circuit.json"); err != nil {
			t.Errorf("%s: %s (%s) unreadable: %v", desc, name, h, err)
		}
	}
	for _, rev := range []string{"backup@{1}", "t1", "autosave~1"} {
		if got, err := r.Resolve(rev); err != nil || (rev != "t1" && got != ph.keep[rev]) || (rev == "t1" && got != ph.keep["tagged"]) {
			t.Errorf("%s: %s resolves to %s, %v", desc, rev, got, err)
		}
	}
	for _, h := range ph.gone {
		if ok, err := r.objects.Has(h); err != nil || (want != prunedAny && ok != (want == prunedPresent)) {
			t.Errorf("%s: pruned snapshot object %s present = %v (%v)", desc, h, ok, err)
		}
	}
	_, err := r.Verify(context.Background(), func(p Problem) {
		if !p.Warning {
			t.Errorf("%s: verify: %v", desc, p)
		}
	})
	if err != nil {
		t.Errorf("%s: verify: %v", desc, err)
	}
}

// backdate sets the modification time of every file under the store's
// objects directory to when.
func backdate(t *testing.T, r *Repo, when time.Time) {
	t.Helper()
	err := filepath.WalkDir(filepath.Join(r.dir, "objects"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return os.Chtimes(p, when, when)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestGCPrune: gc --prune=now deletes the pruned snapshots and keeps
// versions, backups, reflog targets, tags, the merge in progress, young
// unreachable objects and an object git writes (or rewrites, freshening
// it) after the reachability walk.
func TestGCPrune(t *testing.T) {
	t.Parallel()
	r := newRepo(t, nil)
	ph := newPruneHistory(t, r, 40, 5*time.Minute)
	backdate(t, r, time.Now().Add(-30*24*time.Hour))
	young, err := r.objects.Write(objects.BlobObject, []byte("young and unreachable\n"))
	if err != nil {
		t.Fatal(err)
	}
	var late objects.Hash
	rewritten := ph.gone[:3] // a pruned snapshot's commit, tree and blob
	now := time.Duration(0)
	st, err := r.GC(context.Background(), GCOptions{Prune: &now, afterWalk: func() {
		// What a concurrent git does meanwhile: write a new object, and
		// write existing ones again (git then only freshens their mtime).
		if late, err = r.objects.Write(objects.BlobObject, []byte("written by git during gc\n")); err != nil {
			t.Error(err)
		}
		for _, h := range rewritten {
			p := filepath.Join(r.dir, "objects", h.String()[:2], h.String()[2:])
			if err := os.Chtimes(p, time.Now(), time.Now()); err != nil {
				t.Error(err)
			}
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	// The pruned snapshots, and the earlier hashes of the snapshots
	// kept after the first pruned one (rewriting gave them new ones).
	if want := len(ph.gone) - len(rewritten); st.Dropped < want {
		t.Errorf("gc dropped %d objects, want at least %d", st.Dropped, want)
	}
	ph.gone = ph.gone[3:]
	ph.check(t, r, prunedGone, "after gc --prune=now")
	for _, h := range append([]objects.Hash{young, late}, rewritten...) {
		if ok, err := r.objects.Has(h); !ok || err != nil {
			t.Errorf("young unreachable object %s deleted (%v)", h, err)
		}
	}
	// Young unreachable objects stay loose, keeping their age.
	if n, _ := r.objects.CountLoose(); n != 2+len(rewritten) {
		t.Errorf("%d loose objects left, want the %d young ones", n, 2+len(rewritten))
	}
	if gittest.Available() {
		gittest.Fsck(t, r.Dir())
	}
}

// TestGCPruneExpire: the expiry decides what unreachable objects older
// than it go; never keeps all and only packs loose objects.
func TestGCPruneExpire(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		expire  string // circuitvc.pruneExpire; "" the default
		dropped bool
	}{
		{"", true}, // 2 weeks, the objects are 30 days old
		{"3.months.ago", false},
		{"never", false},
		{"1d", true},
	} {
		t.Run(tc.expire, func(t *testing.T) {
			t.Parallel()
			r := newRepo(t, nil)
			ph := newPruneHistory(t, r, 40, 5*time.Minute)
			backdate(t, r, time.Now().Add(-30*24*time.Hour))
			if tc.expire != "" {
				var err error
				if r.cfg.PruneExpire, err = ParsePruneExpire(tc.expire); err != nil {
					t.Fatal(err)
				}
			}
			st, err := r.GC(context.Background(), GCOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if (st.Dropped > 0) != tc.dropped {
				t.Errorf("dropped %d objects", st.Dropped)
			}
			want := prunedPresent
			if tc.dropped {
				want = prunedGone
			}
			ph.check(t, r, want, tc.expire)
			// Unreachable objects too young to drop stay loose, keeping
			// their age; never packs them all as before.
			if n, _ := r.objects.CountLoose(); (n == 0) != (tc.dropped || tc.expire == "never") {
				t.Errorf("%d loose objects left", n)
			}
		})
	}
}

// TestGCPruneRefusesDamaged: an object a ref reaches is missing; gc
// says so (Damaged) and deletes nothing.
func TestGCPruneRefusesDamaged(t *testing.T) {
	t.Parallel()
	r := newRepo(t, nil)
	ph := newPruneHistory(t, r, 40, 5*time.Minute)
	blob := BlobID(circuitV("1k")) // v1's file
	if err := os.Remove(filepath.Join(r.dir, "objects", blob.String()[:2], blob.String()[2:])); err != nil {
		t.Fatal(err)
	}
	now := time.Duration(0)
	_, err := r.GC(context.Background(), GCOptions{Prune: &now, now: func() time.Time { return time.Now().Add(time.Hour) }})
	if KindOf(err) != Damaged {
		t.Fatalf("gc on a store missing %s: %v (kind %v), want Damaged", blob, err, KindOf(err))
	}
	if msg := err.Error(); !strings.Contains(msg, blob.String()) || !strings.Contains(msg, "reachable from HEAD") {
		t.Errorf("error %q does not name the object and the ref reaching it", msg)
	}
	for _, h := range ph.gone {
		if ok, _ := r.objects.Has(h); !ok {
			t.Fatalf("gc that failed deleted %s", h)
		}
	}
}

// TestGCPrunePowerCut cuts power after every operation of a gc that
// drops the pruned snapshots: every state left verifies, every kept
// commit is whole and answers to its name, and gc run again completes
// and drops them.
func TestGCPrunePowerCut(t *testing.T) {
	t.Parallel()
	m, r := initMem(t)
	ph := newPruneHistory(t, r, 6, 40*time.Minute) // small: every cut point runs gc again
	r.Close()
	ctx := context.Background()
	now := time.Duration(0)
	opts := GCOptions{Prune: &now, now: func() time.Time { return time.Now().Add(time.Hour) }}
	var cuts, states int
	for n := 0; ; n++ {
		if !fsxtest.Sampled(n) {
			continue
		}
		c := fsxtest.NewCrashFS(m)
		r, err := openRepo(t, c)
		if err != nil {
			t.Fatal(err)
		}
		c.CrashAfter(c.Ops() + n)
		_, err = r.GC(ctx, opts)
		r.Close()
		if err != nil && !errors.Is(err, fsxtest.ErrPowerCut) {
			t.Fatalf("cut after %d ops: err = %v, want the power cut", n, err)
		}
		cuts++
		first := true
		for desc, after := range c.CrashStates(crashOutcomes) {
			states++
			desc = fmt.Sprintf("cut after %d ops: %s", n, desc)
			r, err := openRepo(t, after)
			if err != nil {
				t.Fatalf("%s: %v", desc, err)
			}
			ph.check(t, r, prunedAny, desc)
			r.Close()
			if first { // the worst case: the user runs gc again
				first = false
				r, err := openRepo(t, after.Clone())
				if err != nil {
					t.Fatalf("%s: %v", desc, err)
				}
				if _, err := r.GC(ctx, opts); err != nil {
					t.Errorf("%s: gc again: %v", desc, err)
				}
				ph.check(t, r, prunedGone, desc+" (after gc again)")
				r.Close()
			}
		}
		if t.Failed() {
			t.Fatalf("stopping at the first failing cut (%d)", n)
		}
		if !c.Cut() {
			break
		}
	}
	t.Logf("gc --prune=now: %d power-cut points, %d post-crash states checked, all clean", cuts, states)
}
