package refs

import (
	"context"
	"testing"

	"github.com/circuitvc/circuitvc/internal/gittest"
	"github.com/circuitvc/circuitvc/objects"
)

// TestExpireReflog keeps the entries asked for, in order, leaves the ref
// alone, and leaves a reflog git reads.
func TestExpireReflog(t *testing.T) {
	ctx := context.Background()
	s, dir := newStore(t, Options{})
	const ref = "refs/circuitvc/autosave"
	if n, err := s.ExpireReflog(ctx, ref, func(ReflogEntry) bool { return false }); err != nil || n != 0 {
		t.Fatalf("no reflog yet: %d, %v", n, err)
	}
	hashes := fakeHashes(5)
	if gittest.Available() {
		hashes = commits(t, dir, 5)
	}
	old := objects.ZeroHash
	for _, h := range hashes {
		if err := s.Update(ctx, ref, old, h, sig(), "step"); err != nil {
			t.Fatal(err)
		}
		old = h
	}
	keep := map[objects.Hash]bool{hashes[1]: true, hashes[4]: true}
	n, err := s.ExpireReflog(ctx, ref, func(e ReflogEntry) bool { return keep[e.New] })
	if err != nil || n != 3 {
		t.Fatalf("dropped %d, %v; want 3", n, err)
	}
	log, err := s.Reflog(ref)
	if err != nil || len(log) != 2 || log[0].New != hashes[4] || log[1].New != hashes[1] {
		t.Fatalf("reflog after expiry: %+v, %v", log, err)
	}
	if h, err := s.Read(ref); err != nil || h != hashes[4] {
		t.Fatalf("ref = %s, %v", h, err)
	}
	if n, err := s.ExpireReflog(ctx, ref, func(ReflogEntry) bool { return true }); err != nil || n != 0 {
		t.Fatalf("keeping all: %d, %v", n, err)
	}
	if bad, err := s.CheckReflog(ref); err != nil || len(bad) != 0 {
		t.Fatalf("CheckReflog: %v, %v", bad, err)
	}
	if gittest.Available() {
		got := gittest.Text(t, dir, "reflog", "show", "--format=%H", ref)
		if want := hashes[4].String() + "\n" + hashes[1].String(); got != want {
			t.Fatalf("git reflog show:\n%s\nwant\n%s", got, want)
		}
	}
}
