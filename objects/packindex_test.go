package objects

import (
	"bytes"
	"context"
	"crypto/sha1"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/internal/gittest"
)

// encodeTestPack packs a 40-save history with go-git's encoder, with
// offset or ref deltas, and returns the pack's bytes, its checksum and
// the hashes packed.
func encodeTestPack(t *testing.T, refDeltas bool) ([]byte, Hash, []Hash) {
	t.Helper()
	s, _ := newStore(t)
	writeHistory(t, s, 40, circuitVersion)
	job, err := s.planPack(PackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	src := newPackSource(s, job, PackOptions{})
	if err := src.scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	sum, err := packfile.NewEncoder(&buf, src, refDeltas).Encode(job.hashes, DefaultPackWindow)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), sum, job.hashes
}

func writeTemp(t *testing.T, data []byte) fsx.File {
	t.Helper()
	name := filepath.Join(t.TempDir(), "test.pack")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := fsx.OS().OpenFile(name, os.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestIndexPackMatchesGit: the index built by indexPack names the same
// objects at the same offsets with the same CRCs as git index-pack's.
func TestIndexPackMatchesGit(t *testing.T) {
	gittest.Need(t)
	for _, ref := range []bool{false, true} {
		data, sum, want := encodeTestPack(t, ref)
		f := writeTemp(t, data)
		idx, err := (&Store{}).checkNewPack(f, sum, want, func() {})
		if err != nil {
			t.Fatalf("ref deltas %v: %v", ref, err)
		}
		gittest.Run(t, "", nil, "index-pack", f.Name())
		raw, err := os.ReadFile(f.Name()[:len(f.Name())-len(".pack")] + ".idx")
		if err != nil {
			t.Fatal(err)
		}
		gitIdx := new(idxfile.MemoryIndex)
		if err := idxfile.NewDecoder(bytes.NewReader(raw)).Decode(gitIdx); err != nil {
			t.Fatal(err)
		}
		var ours, theirs bytes.Buffer
		if _, err := idxfile.NewEncoder(&ours).Encode(idx); err != nil {
			t.Fatal(err)
		}
		if _, err := idxfile.NewEncoder(&theirs).Encode(gitIdx); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ours.Bytes(), theirs.Bytes()) {
			t.Errorf("ref deltas %v: our index of the pack differs from git index-pack's", ref)
		}
	}
}

// TestIndexPackRejectsDamage: a pack damaged anywhere, even with its
// trailer made to match, or cut short, does not pass checkNewPack.
func TestIndexPackRejectsDamage(t *testing.T) {
	data, sum, want := encodeTestPack(t, false)
	body := len(data) - 20
	for pos := 0; pos < body; pos += max(1, body/97) {
		bad := bytes.Clone(data)
		bad[pos] ^= 0x20
		trailer := sha1.Sum(bad[:body])
		copy(bad[body:], trailer[:])
		if _, err := (&Store{}).checkNewPack(writeTemp(t, bad), Hash(trailer), want, func() {}); err == nil {
			t.Errorf("byte %d of %d flipped, trailer fixed: no error", pos, body)
		}
	}
	for _, n := range []int{0, 11, body / 2, body, len(data) - 1} {
		if _, err := (&Store{}).checkNewPack(writeTemp(t, data[:n]), sum, want, func() {}); err == nil {
			t.Errorf("pack cut to %d of %d bytes: no error", n, len(data))
		}
	}
	bad := bytes.Clone(data)
	bad[len(bad)-1] ^= 1
	if _, err := (&Store{}).checkNewPack(writeTemp(t, bad), sum, want, func() {}); err == nil {
		t.Error("damaged trailer: no error")
	}
}
