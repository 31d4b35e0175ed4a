package objects

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// pruneFixture is a store holding a reachable history (fx.objs, from
// fx.tip: 3 commits packed, 2 loose) and unreachable garbage: 2 commits
// in the same pack, 2 loose. mid is a time between the pack and the
// loose objects.
type pruneFixture struct {
	*gcFixture
	packedGarbage, looseGarbage []Hash
	mid                         time.Time
}

func garbageVersion(i int) []byte { return fmt.Appendf(nil, "{\"garbage\": %d}\n", i) }

func newPruneFixture(t testing.TB) *pruneFixture {
	t.Helper()
	fx := &pruneFixture{gcFixture: &gcFixture{name: "prune", base: memStore(t), objs: map[Hash]wantObj{}}}
	s := openMem(t, fx.base)
	defer s.Close()
	fx.packedGarbage = historyObjects(t, s, writeHistory(t, s, 2, garbageVersion)[1:])
	packed := writeHistory(t, s, 3, gcVersion)
	if _, err := s.Pack(context.Background(), PackOptions{}); err != nil {
		t.Fatal(err)
	}
	fx.mid = time.Now()
	fx.looseGarbage = historyObjects(t, s, writeHistory(t, s, 2, func(i int) []byte { return garbageVersion(100 + i) })[1:])
	fx.tip = packed[len(packed)-1]
	for i := 3; i < 5; i++ {
		blob, err := s.Write(BlobObject, gcVersion(i))
		if err != nil {
			t.Fatal(err)
		}
		tree, err := s.WriteTree(&Tree{Entries: []TreeEntry{{Name: "amp.circuit.json", Mode: 0o100644, Hash: blob}}})
		if err != nil {
			t.Fatal(err)
		}
		if fx.tip, err = s.WriteCommit(&Commit{Tree: tree, Parents: []Hash{fx.tip}, Author: testSig, Committer: testSig, Message: "save\n"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, h := range historyObjects(t, s, []Hash{fx.tip}) {
		typ, data, err := s.Read(h)
		if err != nil {
			t.Fatal(err)
		}
		fx.objs[h] = wantObj{typ, data}
	}
	if len(fx.objs) != 15 {
		t.Fatalf("fixture reaches %d objects, want 15", len(fx.objs))
	}
	fx.opts = PackOptions{All: true, Keep: func(h Hash) bool { _, ok := fx.objs[h]; return ok }}
	return fx
}

// historyObjects lists the commits, trees and blobs of the first-parent
// histories of tips.
func historyObjects(t testing.TB, s *Store, tips []Hash) []Hash {
	t.Helper()
	var out []Hash
	for _, h := range tips {
		for !h.IsZero() {
			c, err := s.ReadCommit(h)
			if err != nil {
				t.Fatal(err)
			}
			tr, err := s.ReadTree(c.Tree)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, h, c.Tree, tr.Entries[0].Hash)
			h = ZeroHash
			if len(c.Parents) > 0 {
				h = c.Parents[0]
			}
		}
	}
	return out
}

func TestPackKeep(t *testing.T) {
	t.Parallel()
	fx := newPruneFixture(t)
	for _, tc := range []struct {
		name        string
		expire      time.Time
		protect     []Hash
		gone, stays []Hash
		loose       int // loose objects left
		packs       int // packs left
	}{
		// Every copy is old: all the garbage goes, with both old packs.
		{"all old", time.Now().Add(time.Hour), nil, append(fx.packedGarbage, fx.looseGarbage...), nil, 0, 1},
		// The pack is old, the loose garbage young: it stays loose.
		{"loose young", fx.mid, nil, fx.packedGarbage, fx.looseGarbage, len(fx.looseGarbage), 1},
		// Everything young: nothing goes, the old pack (holding garbage) stays.
		{"all young", time.Now().Add(-time.Hour), nil, nil, append(fx.packedGarbage, fx.looseGarbage...), len(fx.looseGarbage), 2},
		{"zero expire drops nothing", time.Time{}, nil, nil, append(fx.packedGarbage, fx.looseGarbage...), len(fx.looseGarbage), 2},
		// Protected old objects stay where they are, unpacked.
		{"protected", time.Now().Add(time.Hour), fx.looseGarbage, fx.packedGarbage, fx.looseGarbage, len(fx.looseGarbage), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fx.base.Clone()
			s := openMem(t, fsys)
			defer s.Close()
			opts := fx.opts
			opts.Expire = tc.expire
			opts.Protect = func(h Hash) bool { return slices.Contains(tc.protect, h) }
			st, err := s.Pack(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			if st.Dropped != len(tc.gone) || st.Objects != len(fx.objs) {
				t.Errorf("stats %+v: want %d dropped, %d packed", st, len(tc.gone), len(fx.objs))
			}
			fx.checkAll(t, s, tc.name)
			for _, h := range tc.gone {
				if ok, err := s.Has(h); ok || err != nil {
					t.Errorf("unreachable %s still there (%v)", h, err)
				}
			}
			for _, h := range tc.stays {
				if ok, err := s.Has(h); !ok || err != nil {
					t.Errorf("young unreachable %s dropped (%v)", h, err)
				}
			}
			if n, _ := s.CountLoose(); n != tc.loose {
				t.Errorf("%d loose objects left, want %d", n, tc.loose)
			}
			if bases, _ := s.listPacks(); len(bases) != tc.packs {
				t.Errorf("%d packs left, want %d", len(bases), tc.packs)
			}
			verifyClean(t, s, tc.name)
			fsckMem(t, fsys, fx.tip, tc.name)
		})
	}
}

func TestPackKeepNeedsAll(t *testing.T) {
	fx := newPruneFixture(t)
	s := openMem(t, fx.base)
	defer s.Close()
	_, err := s.Pack(context.Background(), PackOptions{Keep: func(Hash) bool { return false }})
	if !errors.Is(err, errKeepWithoutAll) {
		t.Fatalf("Pack with Keep but not All: err = %v", err)
	}
	if n, _ := s.CountLoose(); n != len(fx.looseGarbage)+6 {
		t.Errorf("refused Pack changed the store: %d loose objects", n)
	}
}

// TestPackKeepCrash is TestPackCrash for a Pack that drops objects: at
// every power cut every reachable object reads back, verify and git fsck
// --strict are clean, and a second Pack completes.
func TestPackKeepCrash(t *testing.T) {
	t.Parallel()
	fx := newPruneFixture(t)
	fx.opts.Expire = time.Now().Add(time.Hour)
	cuts, states, distinct, fscks := packCrashLoop(t, fx.gcFixture)
	t.Logf("SUMMARY pruning pack power cuts: %d cut points, %d crash states explored, %d distinct checked, %d git fsck runs: no reachable object lost",
		cuts, states, distinct, fscks)
}
