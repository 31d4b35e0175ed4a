package objects

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// FuzzLooseObject feeds arbitrary bytes to the loose-object reader as the
// content of a loose object file: it must never panic, never allocate
// beyond the declared-size limit, and fail only with *CorruptError.
func FuzzLooseObject(f *testing.F) {
	for _, seed := range [][]byte{
		deflate([]byte("blob 5\x00hello")),
		deflate([]byte("tree 0\x00")),
		deflate([]byte("commit 3\x00abc")),
		deflate([]byte("blob 3\x00hello")),
		deflate([]byte("blob 99999999999999\x00")),
		deflate([]byte("blub 1\x00x")),
		[]byte("x\x9c"),
		{},
	} {
		f.Add(seed)
	}
	s, dir := newStore(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		h := HashObject(plumbing.BlobObject, raw) // any name will do
		path := s.loosePath(h)
		plantRaw(t, dir, h, raw)
		_, data, err := s.Read(h)
		var ce *CorruptError
		if err != nil && !errors.As(err, &ce) {
			t.Fatalf("Read: %v is not a *CorruptError", err)
		}
		if err == nil {
			// What Read accepts must stream identically.
			_, size, rc, err := s.Open(h)
			if err != nil {
				t.Fatalf("Open after Read succeeded: %v", err)
			}
			streamed, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || size != int64(len(data)) || !bytes.Equal(streamed, data) {
				t.Fatalf("Open disagrees with Read: %v", err)
			}
		}
		_, _ = s.checkLoose(h, path)
	})
}

func plantRaw(t *testing.T, dir string, h Hash, raw []byte) {
	t.Helper()
	path := dir + "/objects/" + h.String()[:2] + "/" + h.String()[2:]
	if err := mkdirWrite(path, raw); err != nil {
		t.Fatal(err)
	}
}

// FuzzTree checks that DecodeTree never panics and that every tree it
// accepts whose entries are writable re-encodes to a tree that decodes to
// the same entries.
func FuzzTree(f *testing.F) {
	h := HashObject(plumbing.BlobObject, nil)
	good, _ := EncodeTree(&Tree{Entries: []TreeEntry{
		{"amp.circuit.json", filemode.Regular, h},
		{"lib", filemode.Dir, h},
		{"run.sh", filemode.Executable, h},
	}})
	f.Add(good)
	f.Add([]byte{})
	f.Add(append([]byte("40000 d\x00"), h[:]...))
	f.Add(append([]byte("100644 a\x00"), h[:10]...))
	f.Add([]byte("100644 \x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tree, err := DecodeTree(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		enc, err := EncodeTree(tree)
		if err != nil {
			return // names or modes git reads but circuitvc never writes
		}
		again, err := DecodeTree(enc)
		if err != nil || len(again.Entries) != len(tree.Entries) {
			t.Fatalf("re-encoded tree does not decode: %v", err)
		}
		enc2, _ := EncodeTree(again)
		if !bytes.Equal(enc, enc2) {
			t.Fatal("encoding is not canonical")
		}
	})
}

// FuzzCommit checks that DecodeCommit never panics and that a decoded
// commit re-encodes to one that decodes the same.
func FuzzCommit(f *testing.F) {
	tree := HashObject(plumbing.TreeObject, nil)
	c, _ := EncodeCommit(&Commit{Tree: tree, Parents: []Hash{tree}, Author: testSig, Committer: testSig, Message: "save\n"})
	f.Add(c)
	f.Add([]byte("tree " + tree.String() + "\n"))
	f.Add([]byte("tree " + tree.String() + "\nauthor A <a> 99999999999999999999 +2400\ngpgsig x\n y\n\n"))
	f.Add([]byte("tree " + tree.String() + "\nauthor <<>> - -\ncommitter > < 1\n\n\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeCommit(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		enc, err := EncodeCommit(c)
		if err != nil {
			return // e.g. a name holding '>' that git would show but never write
		}
		c2, err := DecodeCommit(enc)
		if err != nil {
			t.Fatalf("re-encoded commit does not decode: %v\n%q", err, enc)
		}
		enc2, err := EncodeCommit(c2)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding is not stable:\n%q\n%q", enc, enc2)
		}
	})
}
