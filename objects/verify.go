package objects

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
)

// VerifyStats counts what Verify looked at.
type VerifyStats struct {
	Loose    int   // loose objects checked
	Packed   int   // packed objects checked
	Packs    int   // packs checked
	Bytes    int64 // content bytes hashed
	Problems int   // problems reported
}

// Objects is the number of objects checked.
func (v VerifyStats) Objects() int { return v.Loose + v.Packed }

// Verify checks every loose and packed object: that it inflates (zlib and
// its checksum), that its content has the size its header declares, that
// it hashes to its name and that trees and commits parse. Each defect is
// passed to report (which may be nil) and counted; Verify goes on after a
// defect and returns an error only when it cannot go on (the objects
// directory is unreadable, ctx is done).
func (s *Store) Verify(ctx context.Context, report func(Problem)) (VerifyStats, error) {
	var st VerifyStats
	problem := func(p Problem) {
		st.Problems++
		if report != nil {
			report(p)
		}
	}
	if err := s.verifyLoose(ctx, &st, problem); err != nil {
		return st, err
	}
	bases, err := s.listPacks()
	if err != nil {
		return st, err
	}
	for _, base := range bases {
		if err := s.verifyPack(ctx, base, &st, problem); err != nil {
			return st, err
		}
	}
	return st, nil
}

func (s *Store) verifyLoose(ctx context.Context, st *VerifyStats, problem func(Problem)) error {
	return s.forEachLoose(func(h Hash, path string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		st.Loose++
		n, err := s.checkLoose(h, path)
		st.Bytes += n
		if err != nil {
			problem(Problem{Hash: h, Path: path, Err: err})
		}
		return nil
	})
}

// forEachLoose calls fn for every objects/xx/<38 hex> file, in order.
// Temp files and other names are skipped.
func (s *Store) forEachLoose(fn func(h Hash, path string) error) error {
	dirs, err := s.fsys.ReadDir(s.objDir)
	if err != nil {
		return fmt.Errorf("objects: list %s: %w", s.objDir, err)
	}
	for _, d := range dirs {
		if len(d.Name()) != 2 || !d.IsDir() || !isHex(d.Name()) {
			continue
		}
		sub := filepath.Join(s.objDir, d.Name())
		files, err := s.fsys.ReadDir(sub)
		if err != nil {
			return fmt.Errorf("objects: list %s: %w", sub, err)
		}
		for _, f := range files {
			name := d.Name() + f.Name()
			if len(name) != 40 || !isHex(name) {
				continue
			}
			if err := fn(plumbing.NewHash(name), filepath.Join(sub, f.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

func isHex(s string) bool {
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// checkLoose fully reads one loose object with hash verification and
// parses it if it is a tree or commit. It returns the bytes hashed.
func (s *Store) checkLoose(h Hash, path string) (int64, error) {
	f, err := s.fsys.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return 0, &CorruptError{Hash: h, Path: path, Err: err}
	}
	r, err := newLooseReader(s, f, h, path, true)
	if err != nil {
		_ = f.Close()
		return 0, err
	}
	defer r.Close()
	if r.typ != plumbing.TreeObject && r.typ != plumbing.CommitObject {
		n, err := io.Copy(io.Discard, r)
		return n, err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return int64(len(data)), err
	}
	return int64(len(data)), parseCheck(h, path, r.typ, data)
}

// parseCheck parses trees and commits; other types need no parse.
func parseCheck(h Hash, path string, t Type, data []byte) error {
	var err error
	switch t {
	case plumbing.TreeObject:
		_, err = DecodeTree(data)
	case plumbing.CommitObject:
		_, err = DecodeCommit(data)
	}
	if err != nil {
		return &CorruptError{Hash: h, Path: path, Err: err}
	}
	return nil
}

// verifyPack checks one pack against its index. The pack is read as
// `git index-pack` reads it (indexPack's sequential reader: every entry
// inflated in file order, deltas rebuilt from their bases depth-first,
// every object hashed once, the trailer's SHA-1 checked), and what that
// read found must be what the index says: the same object at each
// offset, with the same CRC, and nothing more. When the pack does not
// read through, each indexed object is read on its own, as Read would
// read it (checkPacked), so that the damage is reported object by object;
// if that finds nothing, the sequential read's error is reported for the
// pack.
func (s *Store) verifyPack(ctx context.Context, base string, st *VerifyStats, problem func(Problem)) error {
	st.Packs++
	packPath := base + ".pack"
	idx, err := s.loadIndex(base + ".idx")
	if err != nil {
		problem(Problem{Path: base + ".idx", Err: err})
		return nil
	}
	p := &pack{base: base, idx: idx}
	// A private reader, so that a long verify does not hold s.mu and its
	// delta-base cache does not evict the store's.
	vs := &Store{fsys: s.fsys, objDir: s.objDir, opts: s.opts, cache: cache.NewObjectLRU(64 * cache.MiByte)}
	if err := vs.openPackLocked(p); err != nil {
		problem(Problem{Path: packPath, Err: err})
		return nil
	}
	defer p.close()
	entries, err := indexEntries(idx)
	if err != nil {
		problem(Problem{Path: base + ".idx", Err: err})
		return nil
	}
	seqErr := vs.verifyPackSequential(ctx, p, entries, st, problem)
	if seqErr == nil {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	before := st.Problems
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		st.Packed++
		n, err := vs.checkPacked(p, e.Hash)
		st.Bytes += n
		if err != nil {
			problem(Problem{Hash: e.Hash, Path: packPath, Err: err})
		}
	}
	if st.Problems == before {
		// Every indexed object reads, yet the pack as a whole does not
		// (its header, its trailer's checksum, bytes no index entry
		// covers): git fsck refuses such a pack too.
		problem(Problem{Path: packPath, Err: &CorruptError{Path: packPath, Err: seqErr}})
	}
	return nil
}

// indexEntries lists an index's entries in pack order.
func indexEntries(idx *idxfile.MemoryIndex) ([]idxfile.Entry, error) {
	iter, err := idx.EntriesByOffset()
	if err != nil {
		return nil, err
	}
	defer iter.Close()
	var out []idxfile.Entry
	for {
		e, err := iter.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
}

// verifyPackSequential reads pack p through from start to end (indexPack's
// reader) and checks it against its index's entries (in pack order). It
// reports the objects whose content does not match their index entry or
// does not parse, and counts what it checked, only when the whole pack
// reads through; otherwise it reports and counts nothing and returns why
// the pack does not read (or ctx's error).
func (s *Store) verifyPackSequential(ctx context.Context, p *pack, entries []idxfile.Entry, st *VerifyStats, problem func(Problem)) error {
	path := p.path()
	var bytes int64
	parseErrs := map[int64]error{} // by offset
	ix := &packIndexer{f: p.file.File, progress: func() {}, maxSize: s.opts.MaxObjectSize,
		visit: func(off int64, h Hash, t Type, size int64, data []byte) error {
			bytes += size
			if data != nil {
				if err := parseCheck(h, path, t, data); err != nil {
					parseErrs[off] = err
				}
			}
			return ctx.Err()
		}}
	if err := ix.scan(); err != nil {
		return err
	}
	if err := ix.resolveAll(); err != nil {
		return err
	}
	if len(ix.entries) != len(entries) {
		return fmt.Errorf("pack holds %d objects, its index %d", len(ix.entries), len(entries))
	}
	// Both lists are in pack order, so that equal lengths and equal
	// offsets pair every entry of one with an entry of the other.
	for i := range entries {
		want, got := &entries[i], &ix.entries[i]
		if int64(want.Offset) != got.off {
			return fmt.Errorf("index names an object at offset %d, the pack has none there", want.Offset)
		}
	}
	st.Packed += len(entries)
	st.Bytes += bytes
	for i := range entries {
		want, got := &entries[i], &ix.entries[i]
		switch {
		case got.hash != want.Hash:
			problem(Problem{Hash: want.Hash, Path: path, Err: corrupt(want.Hash, path, "content hashes to %s", got.hash)})
		case got.crc != want.CRC32:
			problem(Problem{Hash: want.Hash, Path: path, Err: corrupt(want.Hash, path, "entry's CRC-32 is %08x, its index says %08x", got.crc, want.CRC32)})
		case parseErrs[got.off] != nil:
			problem(Problem{Hash: want.Hash, Path: path, Err: parseErrs[got.off]})
		}
	}
	return nil
}

func (s *Store) checkPacked(p *pack, h Hash) (int64, error) {
	obj, err := p.pf.Get(h)
	if err != nil {
		return 0, &CorruptError{Hash: h, Path: p.path(), Err: err}
	}
	if !validType(obj.Type()) || obj.Size() < 0 || obj.Size() > s.opts.MaxObjectSize {
		return 0, corrupt(h, p.path(), "bad type %v or size %d", obj.Type(), obj.Size())
	}
	rc, err := obj.Reader()
	if err != nil {
		return 0, &CorruptError{Hash: h, Path: p.path(), Err: err}
	}
	defer rc.Close()
	hs := newHasher(obj.Type(), obj.Size())
	var w io.Writer = hs
	var keep []byte
	parse := obj.Type() == plumbing.TreeObject || obj.Type() == plumbing.CommitObject
	if parse {
		keep = make([]byte, 0, obj.Size())
		w = io.MultiWriter(hs, (*appendWriter)(&keep))
	}
	n, err := io.Copy(w, io.LimitReader(rc, obj.Size()+1))
	switch {
	case err != nil:
		return n, &CorruptError{Hash: h, Path: p.path(), Err: err}
	case n != obj.Size():
		return n, corrupt(h, p.path(), "content is %d bytes, not the declared %d", n, obj.Size())
	}
	if got, collision := hs.sum(); got != h || collision {
		return n, corrupt(h, p.path(), "content hashes to %s", got)
	}
	if parse {
		return n, parseCheck(h, p.path(), obj.Type(), keep)
	}
	return n, nil
}

type appendWriter []byte

func (w *appendWriter) Write(p []byte) (int, error) {
	*w = append(*w, p...)
	return len(p), nil
}

// CountLoose returns the number of loose objects, for automatic-gc
// thresholds. Like git's `gc --auto` it could sample one directory; the
// full count is cheap enough at the thresholds circuitvc uses.
func (s *Store) CountLoose() (int, error) {
	n := 0
	err := s.forEachLoose(func(Hash, string) error { n++; return nil })
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	return n, err
}
