package worktree

import (
	"context"
	"path/filepath"
	"testing"
)

// TestFetchAfterPartialPack: a fetch killed between two of the packs a
// remote sends (SendStored gives each reusable pack on its own) can
// leave a branch's tip here without its history. Fetching again must
// bring that history, as git's quickfetch checks connectivity before
// skipping the transfer, rather than trust the tip's presence: moving
// origin/main to a version whose history is not here would leave a ref
// to an incomplete history.
func TestFetchAfterPartialPack(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	remote := filepath.Join(tmp, "shared.git")
	bareStore(t, remote)
	a := newRepo(t, nil)
	writeWorkFile(t, a, "amp.circuit.json", board("1k", "2k"))
	mustSave(t, a, "v1")
	if err := a.AddRemote(ctx, "origin", remote, tmp); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Push(ctx, PushOptions{TransferOptions: xfer()}); err != nil {
		t.Fatal(err)
	}
	b, _, err := Clone(ctx, CloneOptions{TransferOptions: xfer(), URL: remote, Dir: "b", Base: tmp})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	writeWorkFile(t, a, "amp.circuit.json", board("2k2", "2k"))
	mustSave(t, a, "v2")
	writeWorkFile(t, a, "amp.circuit.json", board("3k3", "2k"))
	v3 := mustSave(t, a, "v3").Commit
	if _, err := a.Push(ctx, PushOptions{TransferOptions: xfer()}); err != nil {
		t.Fatal(err)
	}
	// What the first of two packs leaves: v3's commit, not its tree nor
	// its parent.
	typ, data, err := a.objects.Read(v3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.objects.Write(typ, data); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Fetch(ctx, xfer()); err != nil {
		t.Fatal(err)
	}
	if h, err := b.readRef("refs/remotes/origin/main"); err != nil || h != v3 {
		t.Fatalf("origin/main = %s (%v), want %s", h, err, v3)
	}
	checkStores(t, []*Repo{b}, remote)
}
