package worktree

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/internal/gittest"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// board is a circuit with two resistors whose values two people edit.
func board(r1, r2 string) []byte {
	return []byte(`{"components": [` + "\n" +
		`  {"id": "R1", "value": "` + r1 + `", "pins": ["1", "2"]},` + "\n" +
		`  {"id": "R2", "value": "` + r2 + `", "pins": ["1", "2"]}` + "\n" +
		`], "nets": [{"name": "A", "connections": ["R1.1", "R2.1"]}]}` + "\n")
}

// bareStore makes an empty bare store (no working files) at dir.
func bareStore(t *testing.T, dir string) {
	t.Helper()
	if err := objects.Init(fsx.OS(), dir); err != nil {
		t.Fatal(err)
	}
	if err := refs.Init(fsx.OS(), dir); err != nil {
		t.Fatal(err)
	}
}

func xfer() TransferOptions { return TransferOptions{Author: testSig} }

// checkStores runs verify on each repo and git fsck --strict (where git
// is installed) on each store directory.
func checkStores(t *testing.T, repos []*Repo, bare ...string) {
	t.Helper()
	for _, r := range repos {
		var problems []string
		if _, err := r.Verify(context.Background(), func(p Problem) { problems = append(problems, p.String()) }); err != nil || len(problems) > 0 {
			t.Fatalf("verify %s: %v %v", r.Dir(), err, problems)
		}
		bare = append(bare, r.Dir())
	}
	if !gittest.Available() {
		return
	}
	for _, d := range bare {
		if err := gittest.FsckError(d); err != nil {
			t.Fatalf("git fsck %s: %v", d, err)
		}
	}
}

// TestTwoPeopleOneBareStore is the story: A saves and pushes, B
// clones, both edit different components, A pushes, B's push is
// rejected, B pulls (a clean semantic merge) and pushes, A pulls and
// has both edits. Both stores and the remote pass verify and git fsck
// at every step.
func TestTwoPeopleOneBareStore(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	remote := filepath.Join(tmp, "shared.git")
	bareStore(t, remote)

	a := newRepo(t, nil)
	writeWorkFile(t, a, "amp.circuit.json", board("1k", "2k"))
	v1 := mustSave(t, a, "v1").Commit
	if err := a.AddRemote(ctx, "origin", "shared.git", tmp); err != nil {
		t.Fatal(err)
	}
	if rs, _ := a.Remotes(); len(rs) != 1 || rs[0].URL != remote {
		t.Fatalf("remotes = %+v, want origin at %s", rs, remote)
	}
	if _, err := a.Push(ctx, PushOptions{TransferOptions: xfer()}); err != nil {
		t.Fatal(err)
	}
	checkStores(t, []*Repo{a}, remote)

	b, cres, err := Clone(ctx, CloneOptions{TransferOptions: xfer(), URL: "file://" + remote, Dir: "b", Base: tmp})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if cres.Head != v1 || cres.Branch != refs.Main || len(cres.Files) != 1 || cres.NoCircuits {
		t.Fatalf("clone result %+v", cres)
	}
	if got := readWorkFile(t, b, "amp.circuit.json"); got != string(board("1k", "2k")) {
		t.Fatalf("cloned file = %q", got)
	}
	if st, err := b.Status(ctx); err != nil || len(st) != 1 || st[0].Kind != Unchanged {
		t.Fatalf("status after clone: %+v, %v", st, err)
	}

	writeWorkFile(t, a, "amp.circuit.json", board("4k7", "2k"))
	mustSave(t, a, "A: R1 4k7")
	writeWorkFile(t, b, "amp.circuit.json", board("1k", "22k"))
	mustSave(t, b, "B: R2 22k")

	if _, err := a.Push(ctx, PushOptions{TransferOptions: xfer()}); err != nil {
		t.Fatal(err)
	}
	if ahead, behind, err := b.AheadBehind("refs/remotes/origin/main"); err != nil || ahead != 1 || behind != 0 {
		t.Fatalf("B before fetch: %d ahead, %d behind (%v), want 1, 0", ahead, behind, err)
	}
	_, err = b.Push(ctx, PushOptions{TransferOptions: xfer()})
	if !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "fetch first") {
		t.Fatalf("B's push: %v, want rejected: fetch first", err)
	}
	pr, err := b.Pull(ctx, PullOptions{TransferOptions: xfer()})
	if err != nil {
		t.Fatal(err)
	}
	if pr.Merge.FastForward || pr.Merge.Commit.IsZero() || pr.Merge.Open() != 0 || pr.Ahead != 2 {
		t.Fatalf("B's pull: %+v (ahead %d), want a clean merge 2 ahead", pr.Merge, pr.Ahead)
	}
	if got := readWorkFile(t, b, "amp.circuit.json"); !strings.Contains(got, "4k7") || !strings.Contains(got, "22k") {
		t.Fatalf("B's merged file lacks an edit:\n%s", got)
	}
	if _, err := b.Push(ctx, PushOptions{TransferOptions: xfer()}); err != nil {
		t.Fatal(err)
	}
	pa, err := a.Pull(ctx, PullOptions{TransferOptions: xfer()})
	if err != nil {
		t.Fatal(err)
	}
	if !pa.Merge.FastForward {
		t.Fatalf("A's pull: %+v, want a fast-forward", pa.Merge)
	}
	if got := readWorkFile(t, a, "amp.circuit.json"); !strings.Contains(got, "4k7") || !strings.Contains(got, "22k") {
		t.Fatalf("A's file after pull lacks an edit:\n%s", got)
	}
	ha, _ := a.Head()
	hb, _ := b.Head()
	if ha != hb {
		t.Fatalf("A at %s, B at %s after both pulled", ha, hb)
	}
	checkStores(t, []*Repo{a, b}, remote)
}

// TestCloneDefaultBranchAnyName: a remote whose HEAD names master (as
// stores made by older git do) is cloned with master as current, and a
// remote with working files is refused a push to its current branch.
func TestCloneDefaultBranchAnyName(t *testing.T) {
	ctx := context.Background()
	a := newRepo(t, nil)
	if err := a.refs.SetSymbolic(ctx, refs.HEAD, "refs/heads/master"); err != nil {
		t.Fatal(err)
	}
	writeWorkFile(t, a, "sub/diagram.json", []byte(`{"version": 1, "parts": [], "connections": []}`+"\n"))
	head := mustSave(t, a, "first").Commit

	tmp := t.TempDir()
	b, res, err := Clone(ctx, CloneOptions{TransferOptions: xfer(), URL: a.Root(), Base: tmp})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if res.Branch != "refs/heads/master" || res.Head != head || res.Dir != filepath.Join(tmp, filepath.Base(a.Root())) {
		t.Fatalf("clone result %+v", res)
	}
	if h, err := b.Head(); err != nil || h != head {
		t.Fatalf("current = %s (%v), want %s", h, err, head)
	}
	if got := readWorkFile(t, b, "sub/diagram.json"); !strings.Contains(got, "parts") {
		t.Fatalf("diagram.json = %q", got)
	}
	writeWorkFile(t, b, "sub/diagram.json", []byte(`{"version": 1, "parts": [{"id": "led1", "type": "wokwi-led"}], "connections": []}`+"\n"))
	mustSave(t, b, "an LED")
	_, err = b.Push(ctx, PushOptions{TransferOptions: xfer()})
	if !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "working files") {
		t.Fatalf("push into a working directory's current branch: %v", err)
	}
	if h, _ := a.Head(); h != head {
		t.Fatal("the refused push moved the remote")
	}
	checkStores(t, []*Repo{a, b})
}

// TestPushCompareAndSwap: a push that read the remote's branch before
// another push moved it is rejected by the remote itself and changes
// nothing there — the guard against two people pushing at once.
func TestPushCompareAndSwap(t *testing.T) {
	ctx := context.Background()
	remote := filepath.Join(t.TempDir(), "shared")
	bareStore(t, remote)
	a := newRepo(t, nil)
	writeWorkFile(t, a, "amp.circuit.json", board("1k", "2k"))
	v1 := mustSave(t, a, "v1").Commit
	writeWorkFile(t, a, "amp.circuit.json", board("1k", "3k"))
	v2 := mustSave(t, a, "v2").Commit

	c, err := dialLocal(fsx.OS(), remote, testSig)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	objs := func(want objects.Hash) []objects.Hash {
		hs, err := a.objects.Reachable(ctx, []objects.Hash{want}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return hs
	}
	res, err := c.push(ctx, []refUpdate{{name: refs.Main, new: v1}}, a.objects, objs(v1), nil)
	if err != nil || res[0] != nil {
		t.Fatalf("first push: %v %v", err, res)
	}
	// A second pusher that still believes the branch does not exist.
	res, err = c.push(ctx, []refUpdate{{name: refs.Main, new: v2}}, a.objects, objs(v2), nil)
	if err != nil || !errors.Is(res[0], ErrRejected) || !strings.Contains(res[0].Error(), "fetch first") {
		t.Fatalf("stale push: %v %v, want rejected: fetch first", err, res)
	}
	if h, _ := c.refs.Read(refs.Main); h != v1 {
		t.Fatalf("remote main = %s after the rejected push, want %s", h, v1)
	}
	log, err := c.refs.Reflog(refs.Main)
	if err != nil || len(log) != 1 {
		t.Fatalf("remote reflog: %d entries (%v), want 1", len(log), err)
	}
}

// TestRemoteConfig: add, list, set-url, remove, as git sees them.
func TestRemoteConfig(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t, nil)
	for _, bad := range []struct{ name, url string }{{"a/b", "x"}, {"", "x"}, {"-x", "x"}, {"ok", ""}, {"ok", "ftp://host/x"}} {
		if err := r.AddRemote(ctx, bad.name, bad.url, "/base"); !errors.Is(err, ErrRefused) {
			t.Errorf("AddRemote(%q, %q) = %v, want refused", bad.name, bad.url, err)
		}
	}
	if err := r.AddRemote(ctx, "origin", "https://example.com/board.git", "/base"); err != nil {
		t.Fatal(err)
	}
	if err := r.AddRemote(ctx, "origin", "x", "/base"); !errors.Is(err, ErrRemoteExists) {
		t.Fatalf("second add: %v", err)
	}
	if err := r.AddRemote(ctx, "nas", "../shared", "/base/work"); err != nil {
		t.Fatal(err)
	}
	if err := r.SetRemoteURL(ctx, "origin", "git@example.com:me/board.git", "/base"); err != nil {
		t.Fatal(err)
	}
	got, err := r.Remotes()
	if err != nil {
		t.Fatal(err)
	}
	want := []Remote{{"nas", "/base/shared"}, {"origin", "git@example.com:me/board.git"}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("remotes = %+v, want %+v", got, want)
	}
	if r.Config().LockTimeout != 200*time.Millisecond && r.Config().Validate != true {
		t.Fatal("config lost")
	}
	if gittest.Available() {
		out := gittest.Text(t, r.Dir(), "config", "--get", "remote.origin.fetch")
		if strings.TrimSpace(out) != "+refs/heads/*:refs/remotes/origin/*" {
			t.Fatalf("git sees fetch refspec %q", out)
		}
		if track := gittest.Text(t, r.Dir(), "config", "--get-all", "circuitvc.track"); !strings.Contains(track, "*.circuit.json") {
			t.Fatalf("circuitvc.track lost: %q", track)
		}
	}
	if _, err := r.RemoveRemote(ctx, "nas"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.RemoveRemote(ctx, "nas"); !errors.Is(err, ErrNoSuchRemote) {
		t.Fatalf("second remove: %v", err)
	}
	if _, err := r.Fetch(ctx, TransferOptions{Remote: "nas"}); !errors.Is(err, ErrNoSuchRemote) {
		t.Fatalf("fetch from a removed remote: %v", err)
	}
}

// TestPushForceAndTags: a rewritten history is refused without --force
// and replaces the remote's with it; tags go with Tags, and a tag that
// names another version there is refused without Force.
func TestPushForceAndTags(t *testing.T) {
	ctx := context.Background()
	remote := filepath.Join(t.TempDir(), "shared")
	bareStore(t, remote)
	a := newRepo(t, nil)
	writeWorkFile(t, a, "amp.circuit.json", board("1k", "2k"))
	mustSave(t, a, "v1")
	writeWorkFile(t, a, "amp.circuit.json", board("1k", "3k"))
	v2 := mustSave(t, a, "v2").Commit
	if err := a.AddRemote(ctx, "origin", remote, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.SetTag(ctx, TagOptions{Name: "rc1", Rev: "current", Who: testSig}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Push(ctx, PushOptions{TransferOptions: xfer(), Tags: true})
	if err != nil || len(res.Changes) != 2 {
		t.Fatalf("push --tags: %+v, %v", res, err)
	}
	// Rewrite: current goes back to v1 with another edit on top.
	if _, err := a.Restore(ctx, RestoreOptions{To: "current~1", Author: testSig}); err != nil {
		t.Fatal(err)
	}
	if err := a.refs.Update(ctx, refs.HEAD, mustResolve(t, a, "current"), mustResolve(t, a, "current~2"), testSig, "rewind"); err != nil {
		t.Fatal(err)
	}
	writeWorkFile(t, a, "amp.circuit.json", board("1k", "47k"))
	v3 := mustSave(t, a, "v3 instead of v2").Commit
	if _, _, err := a.SetTag(ctx, TagOptions{Name: "rc1", Rev: "current", Who: testSig, Force: true}); err != nil {
		t.Fatal(err)
	}
	_, err = a.Push(ctx, PushOptions{TransferOptions: xfer(), Tags: true})
	if !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "not a fast-forward") {
		t.Fatalf("push of a rewritten history: %v, want not a fast-forward", err)
	}
	c, err := dialLocal(fsx.OS(), remote, testSig)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	if h, _ := c.refs.Read(refs.Main); h != v2 {
		t.Fatalf("refused push moved the remote to %s", h)
	}
	res, err = a.Push(ctx, PushOptions{TransferOptions: xfer(), Tags: true, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range res.Changes {
		if !ch.Forced || ch.Err != nil {
			t.Errorf("forced push: %+v", ch)
		}
	}
	if h, _ := c.refs.Read(refs.Main); h != v3 {
		t.Fatalf("remote main = %s after --force, want %s", h, v3)
	}
	if h, _ := c.refs.Read("refs/tags/rc1"); h != v3 {
		t.Fatalf("remote rc1 = %s after --force, want %s", h, v3)
	}
}

// TestAheadBehind counts, for histories of several shapes, what each
// side lacks, as the difference of the two whole histories does.
func TestAheadBehind(t *testing.T) {
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1k"))
	base := mustSave(t, r, "base").Commit
	var chain []objects.Hash
	for i, v := range []string{"2k", "3k", "4k"} {
		writeWorkFile(t, r, "a.circuit.json", circuitV(v))
		chain = append(chain, mustSave(t, r, "ours "+strconv.Itoa(i)).Commit)
	}
	side := branch(t, r, "refs/heads/side1", base, "b.circuit.json", circuitV("5k"))
	_ = branch(t, r, "refs/heads/side2", side, "b.circuit.json", circuitV("6k"))
	_ = branch(t, r, "refs/heads/ahead", chain[2], "c.circuit.json", circuitV("7k"))
	_ = branch(t, r, "refs/heads/lone", objects.ZeroHash, "d.circuit.json", circuitV("8k"))
	for _, ref := range []string{"refs/heads/side1", "refs/heads/side2", "refs/heads/ahead", "refs/heads/lone", refs.Main} {
		ahead, behind, err := r.AheadBehind(ref)
		if err != nil {
			t.Fatal(err)
		}
		other, _ := r.readRef(ref)
		head, _ := r.Head()
		ofHead, ofOther := historySet(t, r, head), historySet(t, r, other)
		wantA, wantB := 0, 0
		for h := range ofHead {
			if !ofOther[h] {
				wantA++
			}
		}
		for h := range ofOther {
			if !ofHead[h] {
				wantB++
			}
		}
		if ahead != wantA || behind != wantB {
			t.Errorf("%s: %d ahead, %d behind; want %d, %d", ref, ahead, behind, wantA, wantB)
		}
	}
}

func historySet(t *testing.T, r *Repo, h objects.Hash) map[objects.Hash]bool {
	t.Helper()
	set := map[objects.Hash]bool{}
	if err := r.ancestors(h, func(c objects.Hash) bool { set[c] = true; return true }); err != nil {
		t.Fatal(err)
	}
	return set
}
