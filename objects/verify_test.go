package objects

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/storage/memory"
)

// verifyProblems runs Verify and returns what it reported.
func verifyProblems(t *testing.T, s *Store) []Problem {
	t.Helper()
	var problems []Problem
	st, err := s.Verify(context.Background(), func(p Problem) { problems = append(problems, p) })
	if err != nil {
		t.Fatal(err)
	}
	if st.Problems != len(problems) {
		t.Fatalf("Verify counted %d problems, reported %d", st.Problems, len(problems))
	}
	return problems
}

// packedHistory packs a 20-save history and returns the store, its
// directory and the pack's path.
func packedHistory(t *testing.T) (*Store, string, string) {
	t.Helper()
	s, dir := newStore(t)
	writeHistory(t, s, 20, circuitVersion)
	st, err := s.Pack(context.Background(), PackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ps := verifyProblems(t, s); len(ps) != 0 {
		t.Fatalf("a sound pack: %v", ps)
	}
	return s, dir, st.Pack
}

// TestVerifyPackWhole: a pack whose every indexed object still reads
// but which is not whole (its header's object count changed, so that
// its checksum no longer matches) is reported, naming the pack. Reading
// each object through the index alone did not see it; git fsck does.
func TestVerifyPackWhole(t *testing.T) {
	s, _, pack := packedHistory(t)
	damage(t, pack, func(b []byte) []byte { b[11] ^= 1; return b })
	problems := verifyProblems(t, s)
	if len(problems) != 1 || problems[0].Path != pack || !problems[0].Hash.IsZero() || !errors.Is(problems[0].Err, ErrCorrupt) {
		t.Fatalf("problems for a pack with a wrong object count: %v", problems)
	}
	// Each object still reads: the damage is the pack's, not an object's.
	if _, _, err := s.Read(HashObject(plumbing.BlobObject, circuitVersion(3))); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyPackCRC: an index entry whose CRC-32 does not match the
// pack entry's bytes (the index's own checksum made to match) is
// reported for that object, as git fsck reports it.
func TestVerifyPackCRC(t *testing.T) {
	s, _, pack := packedHistory(t)
	idx := strings.TrimSuffix(pack, ".pack") + ".idx"
	var first Hash
	damage(t, idx, func(b []byte) []byte {
		n := int(binary.BigEndian.Uint32(b[8+255*4:]))
		names := 8 + 256*4
		copy(first[:], b[names:names+20])
		b[names+n*20] ^= 0x40 // the first entry's CRC
		sum := sha1.Sum(b[:len(b)-20])
		copy(b[len(b)-20:], sum[:])
		return b
	})
	s2 := reopen(t, s)
	problems := verifyProblems(t, s2)
	if len(problems) != 1 || problems[0].Hash != first || problems[0].Path != pack ||
		!errors.Is(problems[0].Err, ErrCorrupt) || !strings.Contains(problems[0].Err.Error(), "CRC") {
		t.Fatalf("problems for a wrong CRC of %s: %v", first, problems)
	}
}

// reopen opens s's directory afresh (its packs' indexes are loaded
// once).
func reopen(t *testing.T, s *Store) *Store {
	t.Helper()
	s2, err := Open(s.fsys, s.objDir[:len(s.objDir)-len("/objects")])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s2.Close() })
	return s2
}

// TestVerifyPackedUnparseable: packed trees and commits that hash to
// their names but do not parse are reported, whether stored whole or as
// deltas (the sequential read parses both).
func TestVerifyPackedUnparseable(t *testing.T) {
	blob := HashObject(plumbing.BlobObject, []byte("x"))
	mem := memory.NewStorage()
	var bad []Hash
	add := func(typ Type, data []byte) Hash {
		o := &plumbing.MemoryObject{}
		o.SetType(typ)
		o.Write(data)
		h, err := mem.SetEncodedObject(o)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	tree := func(k int) []byte {
		var b bytes.Buffer
		for i := range 60 {
			fmt.Fprintf(&b, "100644 file-%03d.circuit.json\x00", i+k*1000*(i%2))
			b.Write(blob[:])
		}
		b.WriteString("100644 cut") // no NUL, no hash: not a tree
		return b.Bytes()
	}
	bad = append(bad, add(TreeObject, tree(0)), add(TreeObject, tree(1)))
	bad = append(bad, add(CommitObject, []byte("tree nothex\n\nmessage\n")))
	var buf bytes.Buffer
	if _, err := packfile.NewEncoder(&buf, mem, false).Encode(bad, 10); err != nil {
		t.Fatal(err)
	}
	// One of the two trees must be a delta of the other, so that both
	// parse paths are taken.
	ix := &packIndexer{f: writeTemp(t, buf.Bytes()), progress: func() {}}
	if err := ix.scan(); err != nil {
		t.Fatal(err)
	}
	deltas := 0
	for _, e := range ix.entries {
		if e.typ.IsDelta() {
			deltas++
		}
	}
	if deltas != 1 {
		t.Fatalf("the test pack has %d deltas, want 1", deltas)
	}
	s, _ := newStore(t)
	rs, err := s.ReceivePack(context.Background(), &buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	problems := verifyProblems(t, s)
	if len(problems) != len(bad) {
		t.Fatalf("problems %v, want one for each of %v", problems, bad)
	}
	for _, p := range problems {
		if p.Path != rs.Pack || !errors.Is(p.Err, ErrCorrupt) || !slicesContains(bad, p.Hash) {
			t.Fatalf("problem %v does not name the pack and one of %v", p, bad)
		}
	}
}

func slicesContains(hs []Hash, h Hash) bool {
	for _, x := range hs {
		if x == h {
			return true
		}
	}
	return false
}

// TestApplyDelta: applyDelta rebuilds what go-git's PatchDelta rebuilds
// from deltas go-git's encoder makes, and refuses deltas that do not
// describe their target exactly.
func TestApplyDelta(t *testing.T) {
	base := circuitVersion(1)
	target := circuitVersion(2)
	delta := packfile.DiffDelta(base, target)
	get := func(n int64) []byte { return make([]byte, 0, n) }
	got, err := applyDelta(base, delta, 0, get)
	if err != nil || !bytes.Equal(got, target) {
		t.Fatalf("applyDelta = %d bytes, %v; want the target (%d bytes)", len(got), err, len(target))
	}
	if _, err := applyDelta(base, delta, int64(len(target)-1), get); err == nil {
		t.Error("a target beyond max: no error")
	}
	hdr := func(src, dst int, rest ...byte) []byte {
		b := binary.AppendUvarint(nil, uint64(src))
		b = binary.AppendUvarint(b, uint64(dst))
		return append(b, rest...)
	}
	bad := map[string][]byte{
		"wrong base size":  hdr(len(base)-1, 1, 0x01, 'a'),
		"declared too big": hdr(len(base), 1<<30, 0x01, 'a'),
		"copy out of base": hdr(len(base), 16, 0x91, 0xff, 0xff, 0x10),
		"command 0":        hdr(len(base), 1, 0x00),
		"short of target":  hdr(len(base), 2, 0x01, 'a'),
		"past target":      hdr(len(base), 1, 0x02, 'a', 'b'),
		"trailing bytes":   hdr(len(base), 1, 0x01, 'a', 0x01),
		"cut header":       {0x80},
	}
	for name, d := range bad {
		if got, err := applyDelta(base, d, 0, get); err == nil {
			t.Errorf("%s: rebuilt %q, no error", name, got)
		}
	}
}

// FuzzApplyDelta: on any delta, applyDelta and go-git's PatchDelta agree
// (same bytes, or both refuse), except that applyDelta, as git does,
// refuses a delta whose two size headers are not whole, which go-git
// reads as zeros.
func FuzzApplyDelta(f *testing.F) {
	base := circuitVersion(1)
	f.Add(packfile.DiffDelta(base, circuitVersion(2)))
	f.Add(packfile.DiffDelta(base, []byte("short")))
	f.Add(packfile.DiffDelta(base, append(bytes.Clone(base), base...)))
	f.Fuzz(func(t *testing.T, delta []byte) {
		ours, err1 := applyDelta(base, delta, 0, func(n int64) []byte { return make([]byte, 0, n) })
		theirs, err2 := packfile.PatchDelta(base, delta)
		_, rest, ok := uvarint(delta)
		if ok {
			_, _, ok = uvarint(rest)
		}
		if err1 != nil && err2 == nil && !ok {
			return
		}
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("applyDelta: %v; PatchDelta: %v", err1, err2)
		}
		if err1 == nil && !bytes.Equal(ours, theirs) {
			t.Fatalf("applyDelta rebuilt %d bytes, PatchDelta %d", len(ours), len(theirs))
		}
	})
}
