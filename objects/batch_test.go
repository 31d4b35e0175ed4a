package objects

import (
	"fmt"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/circuitvc/circuitvc/internal/gittest"
)

func TestWriteMany(t *testing.T) {
	s, dir := gitBareStore(t)
	existing, err := s.Write(plumbing.BlobObject, []byte("already here\n"))
	if err != nil {
		t.Fatal(err)
	}
	var objs []Object
	for i := 0; i < 40; i++ {
		objs = append(objs, Object{Type: plumbing.BlobObject, Data: []byte(fmt.Sprintf("blob %d\n", i))})
	}
	objs = append(objs,
		Object{Type: plumbing.BlobObject, Data: []byte("already here\n")},
		Object{Type: plumbing.BlobObject, Data: []byte("blob 3\n")}, // twice in one batch
		Object{Type: plumbing.BlobObject, Data: []byte("pre-hashed\n"), Hash: HashObject(plumbing.BlobObject, []byte("pre-hashed\n"))},
	)
	hashes, err := s.WriteMany(objs)
	if err != nil {
		t.Fatal(err)
	}
	if hashes[40] != existing {
		t.Errorf("existing object: got %s, want %s", hashes[40], existing)
	}
	for i, o := range objs {
		if want := HashObject(o.Type, o.Data); hashes[i] != want {
			t.Fatalf("hash %d = %s, want %s", i, hashes[i], want)
		}
		_, data, err := s.Read(hashes[i])
		if err != nil || string(data) != string(o.Data) {
			t.Fatalf("read %d: %q, %v", i, data, err)
		}
	}
	if _, err := s.WriteMany([]Object{{Type: plumbing.InvalidObject, Data: nil}}); err == nil {
		t.Error("WriteMany accepted an invalid type")
	}
	gittest.Fsck(t, dir)
}
