package worktree

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/internal/gittest"
	"github.com/circuitvc/circuitvc/objects"
)

func TestParseKeepPolicy(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want KeepPolicy
		err  bool
	}{
		{in: "1h:all,1d:1h,30d:1d", want: DefaultKeepPolicy()},
		{in: "all", want: nil},
		{in: " 90m:all , 2w:12h", want: KeepPolicy{{Age: 90 * time.Minute}, {Age: 14 * 24 * time.Hour, Step: 12 * time.Hour}}},
		{in: "1.5d:1h", want: KeepPolicy{{Age: 36 * time.Hour, Step: time.Hour}}},
		{in: "1d", err: true},
		{in: "1d:1h,1h:all", err: true},
		{in: "0h:all", err: true},
		{in: "1x:all", err: true},
		{in: "", err: true},
	} {
		got, err := ParseKeepPolicy(tc.in)
		if (err != nil) != tc.err || fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("ParseKeepPolicy(%q) = %v, %v; want %v (error %v)", tc.in, got, err, tc.want, tc.err)
		}
		if err == nil && tc.in != "" {
			if again, err := ParseKeepPolicy(got.String()); err != nil || fmt.Sprint(again) != fmt.Sprint(got) {
				t.Errorf("%q does not read back: %q → %v, %v", tc.in, got.String(), again, err)
			}
		}
	}
	for in, want := range map[string]int64{"100MiB": 100 << 20, "500k": 500 << 10, "2g": 2 << 30, "123": 123, "0": 0} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "ten", "5 TB"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) accepted", in)
		}
	}
}

// syntheticChain writes n snapshots of a.circuit.json, each with its own
// content, one every step up to end, straight into the store, and
// points the autosave ref at the newest.
func syntheticChain(t *testing.T, r *Repo, n int, step time.Duration, end time.Time) []objects.Hash {
	t.Helper()
	var b batch
	parent := objects.ZeroHash
	hashes := make([]objects.Hash, n)
	for i := range n {
		data := fmt.Appendf(nil, "snapshot %06d\n", i)
		h := BlobID(data)
		b.addBlob("a.circuit.json", data, h)
		who := testSig
		who.When = end.Add(-time.Duration(n-1-i) * step)
		var err error
		if parent, err = b.addCommit(parent, Snapshot{"a.circuit.json": {Mode: objects.ModeRegular, Hash: h}}, who, fmt.Sprintf("autosave: %d", i)); err != nil {
			t.Fatal(err)
		}
		hashes[i] = parent
	}
	if err := b.write(r, "synthetic"); err != nil {
		t.Fatal(err)
	}
	if err := r.refs.Update(context.Background(), AutosaveRef, objects.ZeroHash, parent, testSig, "synthetic"); err != nil {
		t.Fatal(err)
	}
	return hashes
}

// chainMessages lists the messages of the autosave chain, oldest first,
// checking that it is linear.
func chainMessages(t *testing.T, r *Repo) []string {
	t.Helper()
	head, err := r.autosaveHead()
	if err != nil {
		t.Fatal(err)
	}
	chain, err := r.autosaveChain(context.Background(), head)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(chain))
	for i, s := range chain {
		if len(s.commit.Parents) > 1 {
			t.Fatalf("snapshot %s has %d parents", s.hash, len(s.commit.Parents))
		}
		out[len(chain)-1-i] = firstLine(s.commit.Message)
	}
	return out
}

// TestPruneAutosave10000: 10,000 snapshots, one every 5 minutes for about
// 35 days, pruned with the default policy: the last hour whole, one per
// hour for a day, one per day for 30 days; versions untouched; git fsck
// --strict clean.
func TestPruneAutosave10000(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 30,000 objects")
	}
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1k"))
	v1 := mustSave(t, r, "v1").Commit
	const n, step = 10000, 5 * time.Minute
	end := time.Date(2026, 12, 1, 12, 2, 30, 0, time.UTC)
	start := time.Now()
	syntheticChain(t, r, n, step, end)
	t.Logf("writing %d snapshots: %v", n, time.Since(start))

	// The expectation, computed another way: group the snapshots by
	// (window, bucket) and keep the newest of each.
	policy := DefaultKeepPolicy()
	newest := map[string]int{}
	var want []string
	for i := n - 1; i >= 0; i-- {
		when := end.Add(-time.Duration(n-1-i) * step)
		age := end.Sub(when)
		for wi, w := range policy {
			if age > w.Age {
				continue
			}
			key := fmt.Sprint(wi, "/", i)
			if w.Step > 0 {
				key = fmt.Sprint(wi, "/", when.Truncate(w.Step).Unix())
			}
			if _, ok := newest[key]; !ok {
				newest[key] = i
				want = append([]string{fmt.Sprintf("autosave: %d", i)}, want...)
			}
			break
		}
	}
	start = time.Now()
	res, err := r.PruneAutosave(context.Background(), end, testSig)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pruning %d snapshots to %d: %v", n, res.Kept, time.Since(start))
	got := chainMessages(t, r)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("kept %d snapshots:\n%v\nwant %d:\n%v", len(got), got, len(want), want)
	}
	if res.Kept != len(want) || res.Dropped != n-len(want) {
		t.Fatalf("result %+v, want %d kept", res, len(want))
	}
	// Every hour of the last day and every day of the last 30 are there.
	if len(want) < 12+23+29 || len(want) > 13+24+31 {
		t.Fatalf("%d snapshots kept: not what the policy says", len(want))
	}
	if h, _ := r.Head(); h != v1 {
		t.Fatalf("current moved to %s", h)
	}
	// The reflog names only what the chain holds: git gc can reclaim the rest.
	// Its old value is rewritten too: git gc counts old values as reachable.
	if log, err := r.refs.Reflog(AutosaveRef); err != nil || len(log) != 1 || log[0].New != res.Head || !log[0].Old.IsZero() {
		t.Fatalf("autosave reflog after pruning: %+v, %v", log, err)
	}
	if data, err := r.FileAt(res.Head, "autosave", "a.circuit.json"); err != nil || string(data) != fmt.Sprintf("snapshot %06d\n", n-1) {
		t.Fatalf("newest snapshot holds %q, %v", data, err)
	}
	// A second prune at the same time drops nothing.
	if again, err := r.PruneAutosave(context.Background(), end, testSig); err != nil || again.Dropped != 0 || again.Head != res.Head {
		t.Fatalf("second prune: %+v, %v", again, err)
	}
	if gittest.Available() {
		start = time.Now()
		if err := gittest.FsckError(r.Dir()); err != nil {
			t.Fatal(err)
		}
		t.Logf("git fsck --strict: %v", time.Since(start))
	}
}

// TestPruneAutosaveLimit: the size limit keeps the newest snapshots
// whose contents fit, and the oldest kept snapshots keep their hashes
// when nothing older was dropped.
func TestPruneAutosaveLimit(t *testing.T) {
	r := newRepo(t, nil)
	end := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	hashes := syntheticChain(t, r, 30, time.Second, end)
	size := int64(len("snapshot 000000\n"))
	r.cfg.AutosaveKeep = nil
	r.cfg.AutosaveLimit = 10 * size
	res, err := r.PruneAutosave(context.Background(), end, testSig)
	if err != nil {
		t.Fatal(err)
	}
	got := chainMessages(t, r)
	if res.Kept != 10 || len(got) != 10 || got[0] != "autosave: 20" || got[9] != "autosave: 29" || res.Size != 10*size {
		t.Fatalf("kept %v (%+v)", got, res)
	}
	if gittest.Available() {
		// Nothing reaches the dropped snapshots any more: git gc removes them.
		gittest.Run(t, r.Dir(), nil, "gc", "--prune=now", "--quiet")
		if _, err := gittest.Output(r.Dir(), nil, "cat-file", "-e", hashes[5].String()); err == nil {
			t.Fatalf("dropped snapshot %s survived git gc --prune=now", hashes[5])
		}
		if err := gittest.FsckError(r.Dir()); err != nil {
			t.Fatal(err)
		}
		if data, err := r.FileAt(res.Head, "autosave", "a.circuit.json"); err != nil || string(data) != "snapshot 000029\n" {
			t.Fatalf("after git gc, autosave holds %q, %v", data, err)
		}
	}
	// Nothing dropped: the chain is left as it is.
	r.cfg.AutosaveLimit = 0
	res, err = r.PruneAutosave(context.Background(), end, testSig)
	if err != nil || res.Dropped != 0 {
		t.Fatalf("%+v, %v", res, err)
	}
	// The oldest snapshots keep their hashes when only newer ones go:
	// rewrite a fresh chain keeping its first three and its last.
	r2 := newRepo(t, nil)
	hashes = syntheticChain(t, r2, 6, time.Hour, end)
	chain, err := r2.autosaveChain(context.Background(), hashes[5])
	if err != nil {
		t.Fatal(err)
	}
	kept, err := r2.rewriteChain(chain, []bool{true, false, false, true, true, true})
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != 4 || kept[0] != hashes[0] || kept[2] != hashes[2] {
		t.Fatalf("kept %v; the three oldest must keep their hashes %v", kept, hashes[:3])
	}
	head := kept[3]
	c, err := r2.Commit(head)
	if err != nil || len(c.Parents) != 1 || c.Parents[0] != hashes[2] || c.Tree != chain[0].commit.Tree {
		t.Fatalf("rewritten head %s: %+v, %v; want parent %s", head, c, err, hashes[2])
	}
}
