package worktree

import (
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/circuitvc/circuitvc/objects"
)

// renameScore is the similarity, in percent, from which a deleted and an
// added file are one file renamed: git's default (diff -M50%).
const renameScore = 50

// renameLimit bounds the files compared by content: past it on either
// side only files with identical bytes are paired (git's diff.renameLimit
// plays the same part).
const renameLimit = 400

// renameSide is a deleted or an added file offered to findRenames.
type renameSide struct {
	Path  string
	Entry Entry
	// load gives the file's bytes; it is called only when exact matches
	// leave the file unpaired and its content must be compared.
	load func() ([]byte, error)
}

// findRenames pairs deleted files with added ones, as git does: first
// those with the same blob and mode, then those whose content is at least
// renameScore percent similar, the best pairs first. The similarity is
// go-git's port of git's (JGit's similarity index: lines hashed and
// counted, CRLF as LF). It returns the old path of each added file that is
// a renamed one.
func findRenames(deleted, added []renameSide) (map[string]string, error) {
	from := map[string]string{}
	if len(deleted) == 0 || len(added) == 0 {
		return from, nil
	}
	// Exact matches need only the hashes: no bytes are read for them.
	if err := detectRenames(deleted, added, nil, from); err != nil {
		return nil, err
	}
	deleted, added = unpaired(deleted, added, from)
	if len(deleted) == 0 || len(added) == 0 || max(len(deleted), len(added)) > renameLimit {
		return from, nil
	}
	store := memory.NewStorage()
	for _, s := range append(append([]renameSide(nil), deleted...), added...) {
		if s.Entry.Mode != objects.ModeRegular {
			continue // the detector compares regular files only
		}
		data, err := s.load()
		if err != nil {
			return nil, err
		}
		if err := putBlob(store, data); err != nil {
			return nil, err
		}
	}
	return from, detectRenames(deleted, added, store, from)
}

// putBlob copies data into store as a blob.
func putBlob(store *memory.Storage, data []byte) error {
	obj := store.NewEncodedObject()
	obj.SetType(objects.BlobObject)
	obj.SetSize(int64(len(data)))
	w, err := obj.Writer()
	if err == nil {
		_, err = w.Write(data)
	}
	if err == nil {
		_, err = store.SetEncodedObject(obj)
	}
	return err
}

// detectRenames runs go-git's rename detector over the sides, comparing
// content with the blobs in store (nil: exact matches only), and records
// each pair found in from (new path → old path).
func detectRenames(deleted, added []renameSide, store *memory.Storage, from map[string]string) error {
	opts := &object.DiffTreeOptions{DetectRenames: true, RenameScore: renameScore, OnlyExactRenames: store == nil}
	if store == nil {
		store = memory.NewStorage()
	}
	// The detector reads blobs through a tree bound to a storer; an empty
	// tree in store serves, as Change.Files looks blobs up by hash.
	tree, err := emptyTree(store)
	if err != nil {
		return err
	}
	entry := func(s renameSide) object.ChangeEntry {
		// TreeEntry.Name is checked by go-git as a path; the real path is
		// ChangeEntry.Name, which the detector uses to break ties.
		return object.ChangeEntry{Name: s.Path, Tree: tree, TreeEntry: object.TreeEntry{Name: "blob", Mode: s.Entry.Mode, Hash: s.Entry.Hash}}
	}
	changes := make(object.Changes, 0, len(deleted)+len(added))
	for _, s := range deleted {
		changes = append(changes, &object.Change{From: entry(s)})
	}
	for _, s := range added {
		changes = append(changes, &object.Change{To: entry(s)})
	}
	found, err := object.DetectRenames(changes, opts)
	if err != nil {
		return err
	}
	for _, c := range found {
		if c.From.Name != "" && c.To.Name != "" {
			from[c.To.Name] = c.From.Name
		}
	}
	return nil
}

func emptyTree(store *memory.Storage) (*object.Tree, error) {
	obj := store.NewEncodedObject()
	if err := (&object.Tree{}).Encode(obj); err != nil {
		return nil, err
	}
	h, err := store.SetEncodedObject(obj)
	if err != nil {
		return nil, err
	}
	return object.GetTree(store, h)
}

// unpaired drops the files that from already pairs.
func unpaired(deleted, added []renameSide, from map[string]string) ([]renameSide, []renameSide) {
	gone := map[string]bool{}
	var keepAdded []renameSide
	for _, s := range added {
		if old, ok := from[s.Path]; ok {
			gone[old] = true
		} else {
			keepAdded = append(keepAdded, s)
		}
	}
	var keepDeleted []renameSide
	for _, s := range deleted {
		if !gone[s.Path] {
			keepDeleted = append(keepDeleted, s)
		}
	}
	return keepDeleted, keepAdded
}

// applyRenames rewrites a list of changes with the renames findRenames
// found: the item at each new path becomes the renamed file (rename gives
// it its old path) and the items at the old paths are dropped.
func applyRenames[T any](items []T, from map[string]string, path func(*T) string, rename func(item *T, old string)) []T {
	moved := make(map[string]bool, len(from))
	for _, old := range from {
		moved[old] = true
	}
	out := items[:0]
	for _, it := range items {
		if old, ok := from[path(&it)]; ok {
			rename(&it, old)
		} else if moved[path(&it)] {
			continue
		}
		out = append(out, it)
	}
	return out
}

// blobLoader reads a blob of the store when rename detection needs it.
func (r *Repo) blobLoader(h objects.Hash) func() ([]byte, error) {
	return func() ([]byte, error) {
		_, data, err := r.objects.Read(h)
		return data, err
	}
}
