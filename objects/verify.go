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
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
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

// verifyPack checks one pack against its index: every indexed object is
// read through go-git's pack reader (in pack order, so that delta bases
// come from the cache), hashed and parsed.
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
	entries, err := idx.EntriesByOffset()
	if err != nil {
		problem(Problem{Path: base + ".idx", Err: err})
		return nil
	}
	defer entries.Close()
	for {
		e, err := entries.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			problem(Problem{Path: base + ".idx", Err: err})
			return nil
		}
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

var _ = idxfile.NewMemoryIndex
var _ = packfile.NewScanner
