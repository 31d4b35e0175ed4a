package objects

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestRemoveStaleTemps(t *testing.T) {
	s, dir := newStore(t)
	old := time.Now().Add(-2 * time.Hour)
	files := map[string]bool{ // name → should be removed
		"objects/tmp_obj_stale":       true,
		"objects/pack/tmp_pack_stale": true,
		"objects/pack/tmp_idx_stale":  true,
		"objects/tmp_obj_fresh":       false,
		"objects/info/packs":          false,
	}
	for name, stale := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o444); err != nil {
			t.Fatal(err)
		}
		if stale || name == "objects/info/packs" {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	n, err := s.RemoveStaleTemps(time.Hour)
	if err != nil || n != 3 {
		t.Fatalf("RemoveStaleTemps = %d, %v; want 3 removed", n, err)
	}
	for name, stale := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		if gone := os.IsNotExist(err); gone != stale {
			t.Errorf("%s: removed=%v, want %v", name, gone, stale)
		}
	}
}
