package worktree

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/circuitvc/circuitvc/objects"
)

// Entry is one file of a version: its mode and blob.
type Entry struct {
	Mode objects.FileMode
	Hash objects.Hash
}

// Snapshot maps slash-separated paths, relative to the root, to files.
type Snapshot map[string]Entry

// Paths lists the snapshot's paths in order.
func (s Snapshot) Paths() []string {
	out := make([]string, 0, len(s))
	for p := range s {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Equal reports whether two snapshots hold the same files.
func (s Snapshot) Equal(o Snapshot) bool {
	if len(s) != len(o) {
		return false
	}
	for p, e := range s {
		if oe, ok := o[p]; !ok || oe != e {
			return false
		}
	}
	return true
}

// snapshot reads the files of commit c (empty for ZeroHash).
func (r *Repo) snapshot(c objects.Hash) (Snapshot, error) {
	s := Snapshot{}
	if c.IsZero() {
		return s, nil
	}
	commit, err := r.objects.ReadCommit(c)
	if err != nil {
		return nil, err
	}
	return s, r.readTree(commit.Tree, "", s)
}

func (r *Repo) readTree(h objects.Hash, prefix string, into Snapshot) error {
	t, err := r.objects.ReadTree(h)
	if err != nil {
		return err
	}
	for _, e := range t.Entries {
		p := e.Name
		if prefix != "" {
			p = prefix + "/" + e.Name
		}
		if err := checkPath(p); err != nil || strings.Contains(e.Name, "/") {
			return &PathError{Path: p, Err: fmt.Errorf("%w: tree %s holds a hostile entry %q", ErrUnsafePath, short(h), e.Name)}
		}
		switch {
		case e.Mode == objects.ModeDir:
			if err := r.readTree(e.Hash, p, into); err != nil {
				return err
			}
		case e.Mode == objects.ModeSubmodule:
			// not ours to materialise; keep nothing
		default:
			into[p] = Entry{Mode: e.Mode, Hash: e.Hash}
		}
	}
	return nil
}

// treeObjects encodes s as nested trees without storing them: the root
// tree's hash and every tree object, children before parents.
func treeObjects(s Snapshot) (objects.Hash, []objects.Object, error) {
	type dir struct {
		files map[string]Entry
		dirs  map[string]*dir
	}
	newDir := func() *dir { return &dir{files: map[string]Entry{}, dirs: map[string]*dir{}} }
	root := newDir()
	for p, e := range s {
		d := root
		parts := strings.Split(p, "/")
		for _, name := range parts[:len(parts)-1] {
			sub, ok := d.dirs[name]
			if !ok {
				sub = newDir()
				d.dirs[name] = sub
			}
			d = sub
		}
		d.files[parts[len(parts)-1]] = e
	}
	var out []objects.Object
	var encode func(d *dir, at string) (objects.Hash, error)
	encode = func(d *dir, at string) (objects.Hash, error) {
		t := &objects.Tree{}
		for name, sub := range d.dirs {
			if _, clash := d.files[name]; clash {
				return objects.ZeroHash, fmt.Errorf("%s: both a file and a directory", path.Join(at, name))
			}
			h, err := encode(sub, path.Join(at, name))
			if err != nil {
				return objects.ZeroHash, err
			}
			t.Entries = append(t.Entries, objects.TreeEntry{Name: name, Mode: objects.ModeDir, Hash: h})
		}
		for name, e := range d.files {
			t.Entries = append(t.Entries, objects.TreeEntry{Name: name, Mode: canonMode(e.Mode), Hash: e.Hash})
		}
		data, err := objects.EncodeTree(t)
		if err != nil {
			return objects.ZeroHash, fmt.Errorf("tree %s: %w", at, err)
		}
		h := objects.HashObject(objects.TreeObject, data)
		out = append(out, objects.Object{Type: objects.TreeObject, Data: data, Hash: h})
		return h, nil
	}
	h, err := encode(root, "")
	return h, out, err
}
