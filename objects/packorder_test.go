package objects

// A pack's index must never exist without its pack: readers (git's and
// ours) take an index as the promise that its pack is there, so gc
// renames the pack into place before the index, and removes an old
// pack's index before the pack.

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
)

// indexesWithoutPack lists the pack-*.idx files of objects/pack whose
// .pack is missing.
func indexesWithoutPack(fsys fsx.FS) []string {
	dir := filepath.Join(faultDir, "objects", "pack")
	entries, _ := fsys.ReadDir(dir)
	names := map[string]bool{}
	for _, e := range entries {
		names[e.Name()] = true
	}
	var out []string
	for name := range names {
		if strings.HasSuffix(name, ".idx") && !names[strings.TrimSuffix(name, ".idx")+".pack"] {
			out = append(out, name)
		}
	}
	return out
}

// TestPackRenameRemoveFaults fails each rename and each remove of a Pack
// in turn, once or from then on (a new pack and index moving into place;
// with All, old packs and indexes going): whatever fails, no index is
// left without its pack.
func TestPackRenameRemoveFaults(t *testing.T) {
	for _, fx := range gcFixtures(t, 4) {
		for _, times := range []int{1, -1} {
			packRenameRemoveFaults(t, fx, times)
		}
	}
}

// packRenameRemoveFaults is one sweep of TestPackRenameRemoveFaults;
// times is the fault's Times.
func packRenameRemoveFaults(t *testing.T, fx *gcFixture, times int) {
	name := fmt.Sprintf("%s, failing %d time(s)", fx.name, times)
	points := 0
	for k := 1; ; k++ {
		inner := fx.base.Clone()
		f := fsxtest.NewFaultFS(inner)
		f.Inject(fsxtest.Fault{Op: "rename,remove", After: k - 1, Times: times})
		s := openMem(t, f)
		_, err := s.Pack(context.Background(), fx.opts)
		s.Close()
		if len(f.Fired()) == 0 {
			if err != nil {
				t.Fatalf("%s: Pack with no fault: %v", name, err)
			}
			break
		}
		points++
		if idx := indexesWithoutPack(inner); len(idx) > 0 {
			t.Errorf("%s: fault at %v (err %v): index without its pack: %v", name, f.Fired()[0], err, idx)
		}
	}
	if points < 3 {
		t.Errorf("%s: %d fault points", name, points)
	}
}

// TestPackCrashIndexHasPack cuts power after every operation of a Pack
// and looks at the outcomes in which any subset of the pending renames
// and removes reached the disk: none has an index without its pack.
func TestPackCrashIndexHasPack(t *testing.T) {
	for _, fx := range gcFixtures(t, 4) {
		states := 0
		for n := 0; ; n++ {
			if !fsxtest.Sampled(n) {
				continue
			}
			c := fsxtest.NewCrashFS(fx.base)
			s := openMem(t, c)
			c.CrashAfter(c.Ops() + n)
			_, _ = s.Pack(context.Background(), fx.opts)
			s.Close()
			for desc, after := range c.CrashStates(16) {
				states++
				if idx := indexesWithoutPack(after); len(idx) > 0 {
					t.Fatalf("%s: cut after %d ops, %s: index without its pack: %v", fx.name, n, desc, idx)
				}
			}
			if !c.Cut() {
				break
			}
		}
		t.Logf("%s: %d crash states", fx.name, states)
	}
}
