package objects

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/klauspost/compress/zlib"
)

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// plant stores raw bytes as the loose object named h.
func plant(t *testing.T, dir string, h Hash, raw []byte) string {
	t.Helper()
	path := filepath.Join(dir, "objects", h.String()[:2], h.String()[2:])
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
	if err := os.WriteFile(path, raw, 0o444); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCorruptLooseObjects(t *testing.T) {
	good := []byte("{\"components\": [{\"id\": \"R1\", \"value\": \"10k\"}]}\n")
	tests := []struct {
		name   string
		raw    func(h Hash, valid []byte) []byte
		verify bool   // only a hash check (Verify, VerifyReads) can tell
		want   string // in the error text
	}{
		{"flipped byte", func(_ Hash, v []byte) []byte { v[len(v)/2] ^= 0x55; return v }, false, ""},
		{"truncated", func(_ Hash, v []byte) []byte { return v[:len(v)/2] }, false, "short"},
		{"empty file", func(Hash, []byte) []byte { return nil }, false, "empty file"},
		{"not zlib", func(Hash, []byte) []byte { return []byte("hello, world") }, false, "zlib"},
		{"header says more", func(Hash, []byte) []byte { return deflate(append([]byte("blob 999\x00"), good...)) }, false, "short"},
		{"header says less", func(Hash, []byte) []byte { return deflate(append([]byte("blob 3\x00"), good...)) }, false, "longer"},
		{"zlib bomb", func(Hash, []byte) []byte { return deflate(append([]byte("blob 5\x00"), make([]byte, 50<<20)...)) }, false, "longer"},
		{"huge declared size", func(Hash, []byte) []byte { return deflate([]byte("blob 99999999999\x00abc")) }, false, "beyond the limit"},
		{"unknown type", func(Hash, []byte) []byte { return deflate([]byte("blub 3\x00abc")) }, false, "unknown object type"},
		{"no header", func(Hash, []byte) []byte { return deflate(bytes.Repeat([]byte("x"), 100)) }, false, "header"},
		{"bad size digits", func(Hash, []byte) []byte { return deflate([]byte("blob -3\x00abc")) }, false, "malformed size"},
		{"wrong content", func(Hash, []byte) []byte { return deflate([]byte("blob 5\x00other")) }, true, "hashes to"},
		{"tree that does not parse", nil, false, "malformed tree"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, dir := newStore(t)
			h, err := s.Write(plumbing.BlobObject, good)
			if err != nil {
				t.Fatal(err)
			}
			if tt.raw == nil { // a well-formed object, correctly named, that does not parse
				body := []byte("100644 ")
				h = HashObject(plumbing.TreeObject, body)
				tt.raw = func(Hash, []byte) []byte { return deflate(append([]byte("tree 7\x00"), body...)) }
				os.Remove(s.loosePath(HashObject(plumbing.BlobObject, good))) // Verify must see one object
			}
			path := s.loosePath(h)
			valid, _ := os.ReadFile(path)
			plant(t, dir, h, tt.raw(h, valid))

			checkCorrupt := func(what string, err error) {
				t.Helper()
				var ce *CorruptError
				if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) {
					t.Fatalf("%s: error %v, want *CorruptError", what, err)
				}
				if ce.Hash != h || ce.Path != path {
					t.Fatalf("%s: CorruptError names %s %s, want %s %s", what, ce.Hash, ce.Path, h, path)
				}
				if !strings.Contains(err.Error(), h.String()) || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("%s: error %q lacks the hash or %q", what, err, tt.want)
				}
			}
			reader := s
			if tt.verify {
				reader, _ = OpenWithOptions(fsx.OS(), dir, Options{VerifyReads: true})
				defer reader.Close()
			}
			if !strings.HasPrefix(tt.name, "tree") {
				_, _, err = reader.Read(h)
				checkCorrupt("Read", err)
				if _, _, rc, err := reader.Open(h); err != nil {
					checkCorrupt("Open", err)
				} else {
					_, err = io.Copy(io.Discard, rc)
					rc.Close()
					checkCorrupt("Open+Read", err)
				}
			} else {
				_, err = s.ReadTree(h)
				checkCorrupt("ReadTree", err)
			}
			var problems []Problem
			st, err := s.Verify(context.Background(), func(p Problem) { problems = append(problems, p) })
			if err != nil {
				t.Fatal(err)
			}
			if st.Loose != 1 || st.Problems != 1 || len(problems) != 1 || problems[0].Hash != h || problems[0].Path != path {
				t.Fatalf("Verify = %+v, problems %v", st, problems)
			}
			checkCorrupt("Verify", problems[0].Err)
		})
	}
}

func TestEmptyLeftoverIsReplacedByWrite(t *testing.T) {
	s, dir := newStore(t)
	data := []byte("rewritten after a crash")
	h := HashObject(plumbing.BlobObject, data)
	plant(t, dir, h, nil)
	if ok, _ := s.Has(h); ok {
		t.Fatal("Has reports an empty leftover file as an object")
	}
	if _, err := s.Write(plumbing.BlobObject, data); err != nil {
		t.Fatal(err)
	}
	if _, got, err := s.Read(h); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Read after rewrite: %v", err)
	}
}

func TestCorruptPack(t *testing.T) {
	s, dir := newStore(t)
	writeHistory(t, s, 20, circuitVersion)
	st, err := s.Pack(context.Background(), PackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	damage(t, st.Pack, func(b []byte) []byte { b[len(b)/2] ^= 0xff; return b })
	s2, err := Open(fsx.OS(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var problems []Problem
	vs, err := s2.Verify(context.Background(), func(p Problem) { problems = append(problems, p) })
	if err != nil {
		t.Fatal(err)
	}
	if vs.Problems == 0 || len(problems) == 0 {
		t.Fatalf("Verify of a damaged pack found nothing: %+v", vs)
	}
	for _, p := range problems {
		if p.Path != st.Pack || p.Hash.IsZero() || !errors.Is(p.Err, ErrCorrupt) {
			t.Fatalf("problem %v does not name the pack and an object", p)
		}
	}
	// Reading the damaged object fails as corrupt, never with wrong bytes.
	_, _, err = s2.Read(problems[0].Hash)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Read of a damaged packed object = %v", err)
	}
	// A damaged index is reported too.
	idx := strings.TrimSuffix(st.Pack, ".pack") + ".idx"
	damage(t, idx, func(b []byte) []byte { return b[:len(b)-30] })
	problems = nil
	if _, err := s2.Verify(context.Background(), func(p Problem) { problems = append(problems, p) }); err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || problems[0].Path != idx {
		t.Fatalf("problems for a truncated index: %v", problems)
	}
}

// TestLyingHeaderAllocatesLittle: an object that declares 900 MB but holds
// 5 bytes is refused without allocating what it declares.
func TestLyingHeaderAllocatesLittle(t *testing.T) {
	s, dir := newStore(t)
	h := HashObject(plumbing.BlobObject, []byte("liar"))
	plant(t, dir, h, deflate([]byte("blob 900000000\x00hello")))
	var err error
	n := allocated(func() { _, _, err = s.Read(h) })
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Read = %v", err)
	}
	if n > 16<<20 {
		t.Fatalf("Read of a lying header allocated %d bytes", n)
	}
}
