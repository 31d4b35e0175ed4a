package objects

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

func TestTreeRoundTrip(t *testing.T) {
	h1 := HashObject(plumbing.BlobObject, []byte("1"))
	h2 := HashObject(plumbing.TreeObject, nil)
	tests := []struct {
		name  string
		in    []TreeEntry
		order []string // expected order after encoding
	}{
		{"empty", nil, nil},
		{"one file", []TreeEntry{{"a.json", filemode.Regular, h1}}, []string{"a.json"}},
		{"dir sorts as name/", []TreeEntry{
			{"foo", filemode.Dir, h2}, {"foo.c", filemode.Regular, h1}, {"foo0", filemode.Regular, h1},
		}, []string{"foo.c", "foo", "foo0"}},
		{"file sorts as name", []TreeEntry{
			{"foo", filemode.Regular, h1}, {"foo.c", filemode.Regular, h1}, {"foo0", filemode.Regular, h1},
		}, []string{"foo", "foo.c", "foo0"}},
		{"bytewise, uppercase first", []TreeEntry{
			{"b", filemode.Executable, h1}, {"B", filemode.Symlink, h1}, {"ä", filemode.Regular, h1}, {"a", filemode.Submodule, h1},
		}, []string{"B", "a", "b", "ä"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &Tree{Entries: append([]TreeEntry(nil), tt.in...)}
			data, err := EncodeTree(in)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tt.in {
				if in.Entries[i] != tt.in[i] {
					t.Fatal("EncodeTree reordered its argument")
				}
			}
			out, err := DecodeTree(data)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range out.Entries {
				names = append(names, e.Name)
			}
			if strings.Join(names, ",") != strings.Join(tt.order, ",") {
				t.Fatalf("order %v, want %v", names, tt.order)
			}
			again, _ := EncodeTree(out)
			if !bytes.Equal(again, data) {
				t.Fatal("decode/encode is not the identity")
			}
		})
	}
}

func TestEncodeTreeRefuses(t *testing.T) {
	h := HashObject(plumbing.BlobObject, nil)
	tests := []struct {
		name  string
		entry []TreeEntry
	}{
		{"empty name", []TreeEntry{{"", filemode.Regular, h}}},
		{"dot", []TreeEntry{{".", filemode.Dir, h}}},
		{"dotdot", []TreeEntry{{"..", filemode.Dir, h}}},
		{"dotgit", []TreeEntry{{".GIT", filemode.Dir, h}}},
		{"slash", []TreeEntry{{"a/b", filemode.Regular, h}}},
		{"nul", []TreeEntry{{"a\x00b", filemode.Regular, h}}},
		{"bad mode", []TreeEntry{{"a", filemode.Deprecated, h}}},
		{"duplicate", []TreeEntry{{"a", filemode.Regular, h}, {"a", filemode.Dir, h}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := EncodeTree(&Tree{Entries: tt.entry}); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	for _, ok := range []string{"a", ".circuitvc", "...", ".gitignore", "ü.json", "a b"} {
		if !ValidEntryName(ok) {
			t.Errorf("ValidEntryName(%q) = false", ok)
		}
	}
}

func TestDecodeTreeHostile(t *testing.T) {
	h := HashObject(plumbing.BlobObject, nil)
	tests := []struct {
		name string
		data []byte
		ok   bool
	}{
		{"git accepts zero-padded mode", append([]byte("040000 d\x00"), h[:]...), true},
		{"git accepts odd names", append([]byte("100644 ..\x00"), h[:]...), true},
		{"no space", []byte("100644"), false},
		{"no mode", append([]byte(" a\x00"), h[:]...), false},
		{"non-octal mode", append([]byte("100648 a\x00"), h[:]...), false},
		{"mode too long", append([]byte("10000000644 a\x00"), h[:]...), false},
		{"unterminated name", []byte("100644 abc"), false},
		{"short hash", append([]byte("100644 a\x00"), h[:19]...), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeTree(tt.data)
			if (err == nil) != tt.ok {
				t.Fatalf("DecodeTree error = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
		})
	}
}

func TestCommitRoundTrip(t *testing.T) {
	tree := HashObject(plumbing.TreeObject, nil)
	p1 := HashObject(plumbing.BlobObject, []byte("p1"))
	p2 := HashObject(plumbing.BlobObject, []byte("p2"))
	zones := []*time.Location{time.UTC, time.FixedZone("", -(3*3600 + 30*60)), time.FixedZone("", 14*3600), time.FixedZone("", -45*60)}
	tests := []struct {
		name string
		c    Commit
		want string // the encoded signature line of the author, when checked
	}{
		{"root", Commit{Tree: tree, Message: "first save\n"}, ""},
		{"merge", Commit{Tree: tree, Parents: []Hash{p1, p2}, Message: "merge\n\nbody\n"}, ""},
		{"empty message", Commit{Tree: tree, Parents: []Hash{p1}}, ""},
		{"no newline at end", Commit{Tree: tree, Message: "R5 10k→4.7k"}, ""},
	}
	for _, tt := range tests {
		for _, loc := range zones {
			t.Run(tt.name+"/"+loc.String(), func(t *testing.T) {
				c := tt.c
				when := time.Date(2023, 11, 14, 22, 13, 20, 0, loc)
				c.Author = Signature{Name: "Ada Lovelace", Email: "ada@example.com", When: when}
				c.Committer = Signature{Name: "B", Email: "", When: when.Add(time.Hour)}
				data, err := EncodeCommit(&c)
				if err != nil {
					t.Fatal(err)
				}
				out, err := DecodeCommit(data)
				if err != nil {
					t.Fatal(err)
				}
				if out.Tree != c.Tree || len(out.Parents) != len(c.Parents) || out.Message != c.Message ||
					out.Author.Name != c.Author.Name || out.Author.Email != c.Author.Email ||
					!out.Author.When.Equal(when) || !out.Committer.When.Equal(c.Committer.When) {
					t.Fatalf("round trip: %+v\n%s", out, data)
				}
				_, wantOff := when.Zone()
				if _, off := out.Author.When.Zone(); off != wantOff {
					t.Fatalf("zone offset %d, want %d", off, wantOff)
				}
				again, _ := EncodeCommit(out)
				if !bytes.Equal(again, data) {
					t.Fatalf("re-encoding differs:\n%s\n%s", data, again)
				}
			})
		}
	}
}

func TestSignatureFormat(t *testing.T) {
	tests := []struct {
		when time.Time
		want string
	}{
		{time.Unix(0, 0).UTC(), "N <e> 0 +0000"},
		{time.Unix(1700000000, 0).In(time.FixedZone("", -(3*3600 + 30*60))), "N <e> 1700000000 -0330"},
		{time.Unix(1700000000, 0).In(time.FixedZone("", 5*3600+45*60)), "N <e> 1700000000 +0545"},
		{time.Unix(-1, 0).UTC(), "N <e> -1 +0000"},
	}
	for _, tt := range tests {
		if got := string(appendSignature(nil, Signature{Name: "N", Email: "e", When: tt.when})); got != tt.want {
			t.Errorf("signature = %q, want %q", got, tt.want)
		}
	}
}

func TestEncodeCommitRefuses(t *testing.T) {
	tree := HashObject(plumbing.TreeObject, nil)
	tests := []struct {
		name string
		c    Commit
	}{
		{"no tree", Commit{}},
		{"name with <", Commit{Tree: tree, Author: Signature{Name: "a<b"}}},
		{"email with >", Commit{Tree: tree, Committer: Signature{Email: "a>b"}}},
		{"newline in name", Commit{Tree: tree, Author: Signature{Name: "a\nparent x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := EncodeCommit(&tt.c); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestDecodeCommitHostile(t *testing.T) {
	tree := HashObject(plumbing.TreeObject, nil).String()
	tests := []struct {
		name string
		data string
		ok   bool
	}{
		{"gpgsig and encoding skipped", "tree " + tree + "\nauthor A <a> 1 +0000\ncommitter A <a> 1 +0000\nencoding UTF-8\ngpgsig -----BEGIN-----\n sig\n -----END-----\n\nmsg\n", true},
		{"no body", "tree " + tree + "\nauthor A <a> 1 +0000\ncommitter A <a> 1 +0000\n", true},
		{"bad date kept as zero", "tree " + tree + "\nauthor A <a> yesterday +0000\ncommitter A <a> 1 +99x\n\n", true},
		{"no email", "tree " + tree + "\nauthor A\ncommitter <\n\n", true},
		{"empty", "", false},
		{"no tree", "parent " + tree + "\n\n", false},
		{"tree not first", "author A <a> 1 +0000\ntree " + tree + "\n\n", false},
		{"two trees", "tree " + tree + "\ntree " + tree + "\n\n", false},
		{"short tree", "tree abc\n\n", false},
		{"uppercase tree", "tree " + strings.ToUpper(tree) + "\n\n", false},
		{"bad parent", "tree " + tree + "\nparent zz\n\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeCommit([]byte(tt.data))
			if (err == nil) != tt.ok {
				t.Fatalf("error = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
		})
	}
}
