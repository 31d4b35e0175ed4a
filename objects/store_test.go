package objects

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/circuitvc/circuitvc/internal/gittest"
)

func TestHashObjectMatchesGit(t *testing.T) {
	gittest.Need(t)
	tests := []struct {
		name string
		typ  Type
		data []byte
	}{
		{"empty blob", plumbing.BlobObject, nil},
		{"hello", plumbing.BlobObject, []byte("hello\n")},
		{"binary", plumbing.BlobObject, []byte{0, 1, 2, 255, 0, '\n'}},
		{"crlf json", plumbing.BlobObject, []byte("{\r\n \"a\": 1\r\n}\r\n")},
		{"large", plumbing.BlobObject, bytes.Repeat([]byte("R5 10k\n"), 100000)},
		{"commit", plumbing.CommitObject, []byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@b> 1 +0000\ncommitter A <a@b> 1 +0000\n\nm\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := strings.TrimSpace(gittest.Run(t, "", tt.data, "hash-object", "-t", tt.typ.String(), "--stdin"))
			if got := HashObject(tt.typ, tt.data).String(); got != want {
				t.Fatalf("HashObject = %s, git hash-object = %s", got, want)
			}
		})
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	s, dir := gitBareStore(t)
	tests := []struct {
		name string
		typ  Type
		data []byte
	}{
		{"empty blob", plumbing.BlobObject, nil},
		{"blob", plumbing.BlobObject, []byte("{\"components\": []}\n")},
		{"binary blob", plumbing.BlobObject, bytes.Repeat([]byte{0, 0xff, 7}, 40000)},
		{"empty tree", plumbing.TreeObject, nil},
		{"commit", plumbing.CommitObject, []byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@b.c> 1700000000 +0100\ncommitter A <a@b.c> 1700000000 +0100\n\nmsg\n")},
		{"tag", plumbing.TagObject, []byte("object 4b825dc642cb6eb9a060e54bf8d69288fbee4904\ntype tree\ntag v1\ntagger A <a@b.c> 1700000000 +0000\n\nv1\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := s.Write(tt.typ, tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if want := HashObject(tt.typ, tt.data); h != want {
				t.Fatalf("Write = %s, HashObject = %s", h, want)
			}
			typ, data, err := s.Read(h)
			if err != nil {
				t.Fatal(err)
			}
			if typ != tt.typ || !bytes.Equal(data, tt.data) {
				t.Fatalf("Read = %v %q, want %v %q", typ, data, tt.typ, tt.data)
			}
			// Stock git reads it too.
			if got := gittest.Run(t, dir, nil, "cat-file", tt.typ.String(), h.String()); got != string(tt.data) {
				t.Fatalf("git cat-file = %q", got)
			}
			fi, err := os.Stat(filepath.Join(dir, "objects", h.String()[:2], h.String()[2:]))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o444 {
				t.Errorf("mode = %v, want 0444", fi.Mode().Perm())
			}
		})
	}
	gittest.Fsck(t, dir)
}

func TestWriteStream(t *testing.T) {
	s, _ := newStore(t)
	data := bytes.Repeat([]byte("0123456789"), 100001)
	h, err := s.WriteStream(plumbing.BlobObject, int64(len(data)), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if h != HashObject(plumbing.BlobObject, data) {
		t.Fatal("WriteStream hash differs from HashObject")
	}
	_, got, err := s.Read(h)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Read: %v", err)
	}
	for _, tt := range []struct {
		name string
		size int64
	}{{"short input", int64(len(data)) + 1}, {"long input", int64(len(data)) - 1}} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.WriteStream(plumbing.BlobObject, tt.size, bytes.NewReader(data)); err == nil {
				t.Fatal("WriteStream accepted a size that does not match the input")
			}
			leftovers, _ := filepath.Glob(filepath.Join(s.objDir, looseTempPrefix+"*"))
			if len(leftovers) != 0 {
				t.Fatalf("temp files left behind: %v", leftovers)
			}
		})
	}
}

func TestDedup(t *testing.T) {
	s, dir := newStore(t)
	data := []byte("same content")
	h1, err := s.Write(plumbing.BlobObject, data)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "objects", h1.String()[:2], h1.String()[2:])
	before, _ := os.Stat(path)
	h2, err := s.Write(plumbing.BlobObject, data)
	if err != nil || h2 != h1 {
		t.Fatalf("second Write = %s, %v", h2, err)
	}
	h3, err := s.WriteStream(plumbing.BlobObject, int64(len(data)), bytes.NewReader(data))
	if err != nil || h3 != h1 {
		t.Fatalf("WriteStream = %s, %v", h3, err)
	}
	after, _ := os.Stat(path)
	if !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Fatal("existing object was replaced")
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "objects"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != strings.Join([]string{h1.String()[:2], "info", "pack"}, " ") {
		t.Fatalf("objects/ holds %v", names)
	}
}

func TestReadGitWrittenObjects(t *testing.T) {
	s, dir := gitBareStore(t)
	inputs := [][]byte{[]byte("written by git\n"), bytes.Repeat([]byte("x"), 70000), {}}
	for _, in := range inputs {
		h := plumbing.NewHash(strings.TrimSpace(gittest.Run(t, dir, in, "hash-object", "-w", "--stdin")))
		typ, data, err := s.Read(h)
		if err != nil || typ != plumbing.BlobObject || !bytes.Equal(data, in) {
			t.Fatalf("Read %s = %v, %d bytes, %v", h, typ, len(data), err)
		}
	}
}

func TestOpenStreams(t *testing.T) {
	s, _ := newStore(t)
	data := bytes.Repeat([]byte("streaming "), 50000)
	h, _ := s.Write(plumbing.BlobObject, data)
	typ, size, rc, err := s.Open(h)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil || typ != plumbing.BlobObject || size != int64(len(data)) || !bytes.Equal(got, data) {
		t.Fatalf("Open: %v %d %v", typ, size, err)
	}
}

func TestNotFound(t *testing.T) {
	s, _ := newStore(t)
	h := HashObject(plumbing.BlobObject, []byte("never written"))
	if ok, err := s.Has(h); ok || err != nil {
		t.Fatalf("Has = %v, %v", ok, err)
	}
	_, _, err := s.Read(h)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), h.String()) {
		t.Fatalf("Read error = %v, want ErrNotFound naming the hash", err)
	}
	if _, _, _, err := s.Open(h); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Open error = %v", err)
	}
	if _, err := s.ReadTree(h); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ReadTree error = %v", err)
	}
}

func TestWrongType(t *testing.T) {
	s, _ := newStore(t)
	h, _ := s.Write(plumbing.BlobObject, []byte("blob"))
	if _, err := s.ReadCommit(h); !errors.Is(err, ErrWrongType) {
		t.Fatalf("ReadCommit of a blob = %v", err)
	}
	if _, err := s.Write(plumbing.OFSDeltaObject, nil); err == nil {
		t.Fatal("Write accepted a delta type")
	}
}

func TestTreeAndCommitInterop(t *testing.T) {
	s, dir := gitBareStore(t)
	blob, _ := s.Write(plumbing.BlobObject, []byte("R1 10k\n"))
	sub, err := s.WriteTree(&Tree{Entries: []TreeEntry{{Name: "x", Mode: filemode.Regular, Hash: blob}}})
	if err != nil {
		t.Fatal(err)
	}
	// Names chosen so that git's order differs from plain name order.
	tree, err := s.WriteTree(&Tree{Entries: []TreeEntry{
		{Name: "a.b", Mode: filemode.Regular, Hash: blob},
		{Name: "a", Mode: filemode.Dir, Hash: sub},
		{Name: "a-b", Mode: filemode.Executable, Hash: blob},
		{Name: "link", Mode: filemode.Symlink, Hash: blob},
		{Name: "Z", Mode: filemode.Regular, Hash: blob},
		{Name: "a0", Mode: filemode.Regular, Hash: blob},
	}})
	if err != nil {
		t.Fatal(err)
	}
	c1, err := s.WriteCommit(&Commit{Tree: tree, Author: testSig, Committer: testSig, Message: "first\n"})
	if err != nil {
		t.Fatal(err)
	}
	c2, err := s.WriteCommit(&Commit{Tree: tree, Parents: []Hash{c1}, Author: testSig, Committer: testSig, Message: "second\n\nbody\n"})
	if err != nil {
		t.Fatal(err)
	}
	gittest.Run(t, dir, nil, "update-ref", "refs/heads/main", c2.String())
	gittest.Fsck(t, dir)
	if got := gittest.Run(t, dir, nil, "ls-tree", "--name-only", tree.String()); got != "Z\na-b\na.b\na\na0\nlink\n" {
		t.Fatalf("git ls-tree order:\n%s", got)
	}
	if got := gittest.Run(t, dir, nil, "cat-file", "-p", "HEAD:a/x"); got != "R1 10k\n" {
		t.Fatalf("git cat-file -p HEAD:a/x = %q", got)
	}
	if got := gittest.Run(t, dir, nil, "log", "--format=%H %an <%ae> %ai %s"); got != c2.String()+" Ada Lovelace <ada@example.com> 2024-03-01 12:30:00 +0530 second\n"+c1.String()+" Ada Lovelace <ada@example.com> 2024-03-01 12:30:00 +0530 first\n" {
		t.Fatalf("git log:\n%s", got)
	}
	// And the same history reads back through our decoder.
	c, err := s.ReadCommit(c2)
	if err != nil {
		t.Fatal(err)
	}
	if c.Tree != tree || len(c.Parents) != 1 || c.Parents[0] != c1 || c.Message != "second\n\nbody\n" ||
		c.Author.Name != testSig.Name || !c.Author.When.Equal(testSig.When) {
		t.Fatalf("ReadCommit = %+v", c)
	}
	if _, off := c.Author.When.Zone(); off != 5*3600+30*60 {
		t.Fatalf("zone offset = %d", off)
	}
}

func TestParseHash(t *testing.T) {
	blob := HashObject(BlobObject, []byte("R1 10k\n"))
	tests := []struct {
		in   string
		want Hash
		ok   bool
	}{
		{blob.String(), blob, true},
		{strings.Repeat("0", 40), ZeroHash, true},
		{blob.String()[:39], ZeroHash, false},
		{blob.String() + "0", ZeroHash, false},
		{strings.Repeat("g", 40), ZeroHash, false},
		{"", ZeroHash, false},
	}
	for _, tt := range tests {
		h, err := ParseHash(tt.in)
		if (err == nil) != tt.ok || h != tt.want {
			t.Errorf("ParseHash(%q) = %s, %v; want %s, ok %v", tt.in, h, err, tt.want, tt.ok)
		}
	}
}
