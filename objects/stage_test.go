package objects

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/circuitvc/circuitvc/internal/gittest"
)

// temps lists the loose temp files left in the objects directory.
func temps(t *testing.T, s *Store) []string {
	t.Helper()
	ents, err := os.ReadDir(s.objDir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), looseTempPrefix) {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestStage: a staged blob is stored by WriteMany from its temp file, a
// discarded one leaves nothing behind, and one stored already has its
// temp file removed.
func TestStage(t *testing.T) {
	s, dir := gitBareStore(t)
	data := bytes.Repeat([]byte("staged blob\n"), 10000)
	h := HashObject(plumbing.BlobObject, data)

	gone := s.Stage(plumbing.BlobObject, []byte("never stored\n"), HashObject(plumbing.BlobObject, []byte("never stored\n")))
	if err := gone.Discard(); err != nil {
		t.Fatal(err)
	}
	if err := gone.Discard(); err != nil { // twice is harmless
		t.Fatal(err)
	}
	if ok, _ := s.Has(HashObject(plumbing.BlobObject, []byte("never stored\n"))); ok {
		t.Error("a discarded staged object is in the store")
	}
	if left := temps(t, s); len(left) > 0 {
		t.Errorf("discard left temp files %v", left)
	}

	st := s.Stage(plumbing.BlobObject, data, h)
	if _, err := s.WriteMany([]Object{{Type: plumbing.BlobObject, Data: data, Hash: h, Staged: st}}); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := st.take(); ok {
		t.Error("WriteMany did not use the staged temp file")
	}
	if _, got, err := s.Read(h); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read staged blob: %d bytes, %v", len(got), err)
	}

	again := s.Stage(plumbing.BlobObject, data, h)
	if _, err := s.WriteMany([]Object{{Type: plumbing.BlobObject, Data: data, Hash: h, Staged: again}}); err != nil {
		t.Fatal(err)
	}
	if left := temps(t, s); len(left) > 0 {
		t.Errorf("staging an object stored already left temp files %v", left)
	}

	// A staged temp file of other bytes than the object's hash is not
	// used: the object is written afresh.
	other := []byte("other bytes\n")
	oh := HashObject(plumbing.BlobObject, other)
	wrong := s.Stage(plumbing.BlobObject, data, h)
	if _, err := s.WriteMany([]Object{{Type: plumbing.BlobObject, Data: other, Hash: oh, Staged: wrong}}); err != nil {
		t.Fatal(err)
	}
	if _, got, err := s.Read(oh); err != nil || !bytes.Equal(got, other) {
		t.Fatalf("read %s: %q, %v", oh, got, err)
	}
	if left := temps(t, s); len(left) > 0 {
		t.Errorf("a mismatched staged temp file was left: %v", left)
	}
	gittest.Fsck(t, dir)
}
