package objects

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// FileMode is the mode of a tree entry, as Git writes it (0o100644 …).
type FileMode = filemode.FileMode

// The modes a tree entry may have.
const (
	ModeRegular    = filemode.Regular    // a file
	ModeExecutable = filemode.Executable // a file with its executable bits
	ModeDir        = filemode.Dir        // a subdirectory (tree)
	ModeSymlink    = filemode.Symlink    // a symbolic link: the blob holds its target
	ModeSubmodule  = filemode.Submodule  // a commit of another repository
)

// Tree is a directory listing: Git's tree object.
type Tree struct {
	Entries []TreeEntry
}

// TreeEntry is one name in a tree: a file (blob), a subdirectory (tree),
// a symbolic link (blob holding the target) or a submodule (commit).
type TreeEntry struct {
	Name string
	Mode FileMode // ModeRegular, ModeExecutable, ModeDir, ModeSymlink or ModeSubmodule
	Hash Hash
}

// ValidEntryName reports whether name may be written as a tree entry:
// not empty, not ".", "..", or ".git" in any case, and without '/' or NUL.
// Decoding accepts whatever git accepts; worktree refuses unsafe names when
// it materialises files.
func ValidEntryName(name string) bool {
	switch {
	case name == "", name == ".", name == "..", strings.EqualFold(name, ".git"):
		return false
	case strings.ContainsAny(name, "/\x00"):
		return false
	}
	return true
}

// validWriteMode lists the modes git fsck --strict accepts.
func validWriteMode(m filemode.FileMode) bool {
	switch m {
	case filemode.Regular, filemode.Executable, filemode.Dir, filemode.Symlink, filemode.Submodule:
		return true
	}
	return false
}

// SortEntries sorts entries in git's tree order: byte-wise by name, where a
// directory's name compares as if it ended in '/'.
func SortEntries(entries []TreeEntry) {
	sort.Slice(entries, func(i, j int) bool { return entryLess(&entries[i], &entries[j]) })
}

func entryLess(a, b *TreeEntry) bool {
	an, bn := a.Name, b.Name
	n := min(len(an), len(bn))
	if c := strings.Compare(an[:n], bn[:n]); c != 0 {
		return c < 0
	}
	return nextByte(an, n, a.Mode) < nextByte(bn, n, b.Mode)
}

// nextByte is the byte after the common prefix: the name's own, else '/'
// for a directory, else 0 (end of name).
func nextByte(name string, n int, m filemode.FileMode) byte {
	if len(name) > n {
		return name[n]
	}
	if m == filemode.Dir {
		return '/'
	}
	return 0
}

// EncodeTree returns the canonical bytes of t: entries validated and sorted
// in git's order (t itself is not reordered). It refuses invalid names,
// modes other than the five git writes, and duplicate names.
func EncodeTree(t *Tree) ([]byte, error) {
	entries := append([]TreeEntry(nil), t.Entries...)
	SortEntries(entries)
	seen := make(map[string]struct{}, len(entries))
	size := 0
	for _, e := range entries {
		if !ValidEntryName(e.Name) {
			return nil, fmt.Errorf("objects: tree entry %q: invalid name", e.Name)
		}
		if !validWriteMode(e.Mode) {
			return nil, fmt.Errorf("objects: tree entry %q: invalid mode %o", e.Name, uint32(e.Mode))
		}
		if _, dup := seen[e.Name]; dup {
			return nil, fmt.Errorf("objects: tree entry %q: duplicate name", e.Name)
		}
		seen[e.Name] = struct{}{}
		size += 7 + len(e.Name) + 1 + len(e.Hash)
	}
	buf := make([]byte, 0, size)
	for _, e := range entries {
		// git writes modes in octal without leading zeros ("40000").
		buf = strconv.AppendUint(buf, uint64(e.Mode), 8)
		buf = append(buf, ' ')
		buf = append(buf, e.Name...)
		buf = append(buf, 0)
		buf = append(buf, e.Hash[:]...)
	}
	return buf, nil
}

// errTree is the cause of every tree decoding failure.
var errTree = errors.New("malformed tree")

// DecodeTree parses a tree object's content. It accepts what git parses
// (any octal mode, any name bytes) and rejects truncated or malformed
// entries with an error wrapping ErrCorrupt.
func DecodeTree(data []byte) (*Tree, error) {
	t := &Tree{Entries: make([]TreeEntry, 0, len(data)/40)}
	for off := 0; off < len(data); {
		e, n, err := decodeEntry(data[off:])
		if err != nil {
			return nil, fmt.Errorf("%w: %w at byte %d: %w", ErrCorrupt, errTree, off, err)
		}
		t.Entries = append(t.Entries, e)
		off += n
	}
	return t, nil
}

func decodeEntry(b []byte) (TreeEntry, int, error) {
	sp := bytes.IndexByte(b, ' ')
	if sp <= 0 || sp > 7 {
		return TreeEntry{}, 0, errors.New("bad mode")
	}
	mode, err := strconv.ParseUint(string(b[:sp]), 8, 32)
	if err != nil {
		return TreeEntry{}, 0, fmt.Errorf("bad mode %q", b[:sp])
	}
	rest := b[sp+1:]
	nul := bytes.IndexByte(rest, 0)
	if nul < 0 {
		return TreeEntry{}, 0, errors.New("name not terminated")
	}
	if len(rest)-nul-1 < len(Hash{}) {
		return TreeEntry{}, 0, errors.New("truncated hash")
	}
	e := TreeEntry{Name: string(rest[:nul]), Mode: filemode.FileMode(mode)}
	copy(e.Hash[:], rest[nul+1:])
	return e, sp + 1 + nul + 1 + len(e.Hash), nil
}

// WriteTree validates, sorts and stores t; see EncodeTree.
func (s *Store) WriteTree(t *Tree) (Hash, error) {
	data, err := EncodeTree(t)
	if err != nil {
		return ZeroHash, err
	}
	return s.Write(plumbing.TreeObject, data)
}

// ReadTree reads and parses tree h. A parse failure is a *CorruptError.
func (s *Store) ReadTree(h Hash) (*Tree, error) {
	data, err := s.readTyped(h, plumbing.TreeObject)
	if err != nil {
		return nil, err
	}
	t, err := DecodeTree(data)
	if err != nil {
		return nil, &CorruptError{Hash: h, Path: s.pathOf(h), Err: err}
	}
	return t, nil
}

// readTyped reads h and checks that it has type want.
func (s *Store) readTyped(h Hash, want Type) ([]byte, error) {
	t, data, err := s.Read(h)
	if err != nil {
		return nil, err
	}
	if t != want {
		return nil, fmt.Errorf("objects: %s is a %s, not a %s: %w", h, t, want, ErrWrongType)
	}
	return data, nil
}

// ErrWrongType reports an object of another type than the one asked for.
var ErrWrongType = errors.New("wrong object type")
