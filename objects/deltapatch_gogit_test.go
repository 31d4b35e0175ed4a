package objects

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

// TestApplyDeltaMatchesGoGit checks applyDelta against go-git's
// PatchDelta on deltas go-git's encoder makes and on damaged copies of
// them: where either accepts a delta, both must make the same bytes.
func TestApplyDeltaMatchesGoGit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('a' + rng.IntN(8))
		}
		return b
	}
	for round := range 300 {
		src := random(1 + rng.IntN(200000))
		dst := bytes.Clone(src)
		for range rng.IntN(20) {
			i := rng.IntN(len(dst))
			switch rng.IntN(3) {
			case 0:
				dst[i] ^= 0x20
			case 1:
				dst = append(dst[:i], dst[min(len(dst), i+rng.IntN(3000)):]...)
			default:
				dst = append(dst[:i], append(random(rng.IntN(3000)), dst[i:]...)...)
			}
		}
		delta := packfile.DiffDelta(src, dst)
		got, err := applyDelta(src, delta, 0, newBuf)
		if err != nil || !bytes.Equal(got, dst) {
			t.Fatalf("round %d: patchDelta = %d bytes, %v; want the %d-byte target", round, len(got), err, len(dst))
		}
		// Damage one byte (or cut the delta short): both readers must agree
		// whenever ours accepts it, and ours must never panic.
		bad := bytes.Clone(delta)
		if rng.IntN(2) == 0 {
			bad = bad[:rng.IntN(len(bad))]
		} else {
			bad[rng.IntN(len(bad))] = byte(rng.IntN(256))
		}
		got, err = applyDelta(src, bad, 0, newBuf)
		want, werr := packfile.PatchDelta(src, bad)
		if err == nil {
			if werr != nil || !bytes.Equal(got, want) {
				t.Fatalf("round %d: damaged delta accepted with %d bytes; go-git: %d bytes, %v", round, len(got), len(want), werr)
			}
		} else if !errors.Is(err, errBadDelta) {
			t.Fatalf("round %d: error %v does not wrap errBadDelta", round, err)
		}
	}
	for _, d := range [][]byte{nil, {0x80}, {5, 5, 0}, {5, 6, 0x91, 0, 6}, {5, 1, 9}} {
		if _, err := applyDelta([]byte("hello"), d, 0, newBuf); !errors.Is(err, errBadDelta) {
			t.Errorf("delta %x: err %v, want errBadDelta", d, err)
		}
	}
}

// newBuf is applyDelta's allocator without a pool.
func newBuf(n int64) []byte { return make([]byte, n) }
