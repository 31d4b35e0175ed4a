package worktree

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
)

// TestGCKeepsYoungTemps: gc leaves a temp object and a temp pack that are
// minutes old alone — another writer (stock git, whose tmp_obj_ prefix
// the store shares) may be about to link them into place.
func TestGCKeepsYoungTemps(t *testing.T) {
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1k"))
	mustSave(t, r, "v1")
	temps := []string{filepath.Join(r.Dir(), "objects", "tmp_obj_live"), filepath.Join(r.Dir(), "objects", "pack", "tmp_pack_live")}
	for _, p := range temps {
		if err := fsx.MkdirAll(fsx.OS(), filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("being written"), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	st, err := r.GC(context.Background(), GCOptions{})
	if err != nil || st.TempsRemoved != 0 {
		t.Fatalf("gc: %+v, %v; want no temp removed", st, err)
	}
	for _, p := range temps {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("gc removed a live writer's %s: %v", filepath.Base(p), err)
		}
	}
}

// TestGCRemovesOnlyStaleTemps: of two temp objects, gc removes the one
// left hours ago by a killed writer and keeps the one written just now.
func TestGCRemovesOnlyStaleTemps(t *testing.T) {
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1k"))
	mustSave(t, r, "v1")
	stale := filepath.Join(r.Dir(), "objects", "tmp_obj_stale")
	young := filepath.Join(r.Dir(), "objects", "tmp_obj_young")
	for _, p := range []string{stale, young} {
		if err := os.WriteFile(p, []byte("x"), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-3 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	st, err := r.GC(context.Background(), GCOptions{})
	if err != nil || st.TempsRemoved != 1 {
		t.Fatalf("gc: %+v, %v; want one temp removed", st, err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temp object is still there (%v)", err)
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("the young temp object was removed: %v", err)
	}
}
