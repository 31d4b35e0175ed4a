package refs

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/internal/gittest"
	"github.com/circuitvc/circuitvc/objects"
)

// TestReadGitWritten: refs that stock git writes — update-ref, light and
// annotated tags, and everything packed by gc — read as git reads them.
func TestReadGitWritten(t *testing.T) {
	gittest.Need(t)
	s, dir := newStore(t, Options{})
	c := commits(t, dir, 3)
	gittest.Text(t, dir, "update-ref", "refs/heads/main", c[2].String())
	gittest.Text(t, dir, "update-ref", Backup, c[0].String())
	gittest.Text(t, dir, "tag", "light", c[1].String())
	gittest.Text(t, dir, "tag", "-a", "-m", "release", "v1.0", c[1].String())
	gittest.Text(t, dir, "tag", "nested/deep/tag", c[0].String())

	check := func(stage string) {
		t.Helper()
		want := map[string]string{}
		for _, line := range strings.Split(gittest.Text(t, dir, "show-ref"), "\n") {
			h, name, _ := strings.Cut(line, " ")
			want[name] = h
		}
		got, err := s.List("")
		if err != nil {
			t.Fatalf("%s: List: %v", stage, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: List = %v, git show-ref = %v", stage, got, want)
		}
		for _, r := range got {
			if want[r.Name] != r.Hash.String() {
				t.Errorf("%s: %s = %s, git says %s", stage, r.Name, r.Hash, want[r.Name])
			}
			if h, err := s.Read(r.Name); err != nil || h != r.Hash {
				t.Errorf("%s: Read(%s) = %s, %v", stage, r.Name, h, err)
			}
		}
		if h, err := s.Read(HEAD); err != nil || h != c[2] {
			t.Errorf("%s: Read(HEAD) = %s, %v; want %s", stage, h, err, c[2])
		}
	}
	check("loose")
	gittest.Text(t, dir, "gc", "--quiet")
	if _, err := os.Stat(filepath.Join(dir, "refs", "tags", "light")); !os.IsNotExist(err) {
		t.Fatalf("git gc left the loose tag: %v", err)
	}
	check("packed")

	// A packed-only ref is updated by writing a loose ref that shadows it.
	if err := s.Update(bg, TagPrefix+"light", c[1], c[2], sig(), "move"); err != nil {
		t.Fatal(err)
	}
	if got := gittest.Text(t, dir, "rev-parse", "light"); got != c[2].String() {
		t.Errorf("git rev-parse light = %s, want %s", got, c[2])
	}
	check("shadowed")
	gittest.Fsck(t, dir)
}

// TestDeletePacked: deleting a packed tag rewrites packed-refs without it
// and keeps every other line byte for byte.
func TestDeletePacked(t *testing.T) {
	gittest.Need(t)
	s, dir := newStore(t, Options{})
	c := commits(t, dir, 2)
	gittest.Text(t, dir, "update-ref", Main, c[1].String())
	gittest.Text(t, dir, "tag", "-a", "-m", "ann", "ann", c[0].String())
	gittest.Text(t, dir, "tag", "keep", c[0].String())
	gittest.Text(t, dir, "tag", "drop", c[1].String())
	gittest.Text(t, dir, "pack-refs", "--all")
	before, err := os.ReadFile(filepath.Join(dir, "packed-refs"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(bg, TagPrefix+"drop", c[0]); !errors.Is(err, ErrConflict) {
		t.Fatalf("Delete with wrong old = %v; want ErrConflict", err)
	}
	if err := s.Delete(bg, TagPrefix+"drop", c[1]); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(bg, TagPrefix+"ann", objects.ZeroHash); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(filepath.Join(dir, "packed-refs"))
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, line := range strings.SplitAfter(string(before), "\n") {
		if !strings.Contains(line, "refs/tags/drop") && !strings.Contains(line, "refs/tags/ann") && !strings.HasPrefix(line, "^") {
			kept = append(kept, line)
		}
	}
	if string(after) != strings.Join(kept, "") {
		t.Errorf("packed-refs after delete:\n%s\nwant:\n%s", after, strings.Join(kept, ""))
	}
	if got := gittest.Text(t, dir, "tag", "--list"); got != "keep" {
		t.Errorf("git tag --list = %q, want keep", got)
	}
	if _, err := s.Read(TagPrefix + "drop"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Read(deleted) = %v", err)
	}
	if err := s.Delete(bg, TagPrefix+"drop", objects.ZeroHash); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete(deleted) = %v; want ErrNotFound", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "packed-refs.lock")); !os.IsNotExist(err) {
		t.Errorf("packed-refs.lock left behind: %v", err)
	}
	gittest.Fsck(t, dir)
}

func TestDeleteLoose(t *testing.T) {
	s, dir := newStore(t, Options{})
	h := fakeHashes(2)
	tag := TagPrefix + "a/b"
	if err := s.Update(bg, tag, objects.ZeroHash, h[0], sig(), "tag"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(bg, HEAD, objects.ZeroHash); err == nil {
		t.Fatal("Delete(HEAD) succeeded")
	}
	if err := s.Delete(bg, tag, h[1]); !errors.Is(err, ErrConflict) {
		t.Fatalf("Delete(wrong old) = %v", err)
	}
	if err := s.Delete(bg, tag, h[0]); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"refs/tags/a/b", "refs/tags/a/b.lock", "logs/refs/tags/a/b"} {
		if _, err := os.Stat(filepath.Join(dir, p)); !os.IsNotExist(err) {
			t.Errorf("%s still exists: %v", p, err)
		}
	}
	// Re-creating it starts a fresh reflog.
	if err := s.Update(bg, tag, objects.ZeroHash, h[1], sig(), "again"); err != nil {
		t.Fatal(err)
	}
	if log, _ := s.Reflog(tag); len(log) != 1 || log[0].Old != objects.ZeroHash {
		t.Errorf("reflog after re-create = %+v", log)
	}
}

func TestList(t *testing.T) {
	s, dir := newStore(t, Options{})
	h := fakeHashes(4)
	for i, name := range []string{Main, Backup, TagPrefix + "v2", TagPrefix + "a/v1"} {
		if err := s.Update(bg, name, objects.ZeroHash, h[i], sig(), "x"); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(dir, "packed-refs"), "# pack-refs with: peeled \n"+
		h[3].String()+" refs/tags/packed\n"+h[3].String()+" refs/tags/v2\n")
	writeFile(t, filepath.Join(dir, "refs", "tags", "v3.lock"), h[0].String()+"\n") // someone's lock
	writeFile(t, filepath.Join(dir, "refs", "tags", ".tmp-x"), "junk")
	tests := []struct {
		prefix string
		want   []Ref
	}{
		{TagPrefix, []Ref{{TagPrefix + "a/v1", h[3]}, {TagPrefix + "packed", h[3]}, {TagPrefix + "v2", h[2]}}},
		{"refs/heads/", []Ref{{Main, h[0]}}},
		{"refs/tags/a", []Ref{{TagPrefix + "a/v1", h[3]}}},
		{"refs/tags/v", []Ref{{TagPrefix + "v2", h[2]}}},
		{"", []Ref{{Backup, h[1]}, {Main, h[0]}, {TagPrefix + "a/v1", h[3]}, {TagPrefix + "packed", h[3]}, {TagPrefix + "v2", h[2]}}},
		{"refs/nothing/", []Ref{}},
	}
	for _, tt := range tests {
		got, err := s.List(tt.prefix)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("List(%q) = %v\nwant %v", tt.prefix, got, tt.want)
		}
	}
	writeFile(t, filepath.Join(dir, "refs", "tags", "broken"), "")
	if _, err := s.List(TagPrefix); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "refs/tags/broken") {
		t.Errorf("List with a broken ref = %v", err)
	}
}
