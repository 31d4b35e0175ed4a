package objects

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

// pack is one objects/pack/pack-*.pack with its index. The pack file is
// opened on first use.
type pack struct {
	base string // path without ".pack"/".idx"
	idx  *idxfile.MemoryIndex
	file billyFile
	pf   *packfile.Packfile
}

func (p *pack) path() string { return p.base + ".pack" }

func (p *pack) close() error {
	if p.pf == nil {
		return nil
	}
	err := p.pf.Close()
	p.pf = nil
	return err
}

func (s *Store) packDir() string { return filepath.Join(s.objDir, "pack") }

// loadIndex reads and decodes one .idx file.
func (s *Store) loadIndex(path string) (*idxfile.MemoryIndex, error) {
	f, err := s.fsys.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	idx := idxfile.NewMemoryIndex()
	if err := idxfile.NewDecoder(f).Decode(idx); err != nil {
		return nil, &CorruptError{Path: path, Err: fmt.Errorf("pack index: %w", err)}
	}
	return idx, nil
}

// listPacks returns the base paths of the packs that have both a .pack and
// an .idx file (git ignores a pack without an index, and so do we).
func (s *Store) listPacks() ([]string, error) {
	entries, err := s.fsys.ReadDir(s.packDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("objects: list packs: %w", err)
	}
	have := make(map[string]bool, len(entries))
	for _, e := range entries {
		have[e.Name()] = true
	}
	var bases []string
	for _, e := range entries {
		name := e.Name()
		if stem, ok := strings.CutSuffix(name, ".idx"); ok && strings.HasPrefix(name, "pack-") && have[stem+".pack"] {
			bases = append(bases, filepath.Join(s.packDir(), stem))
		}
	}
	return bases, nil
}

// rescanPacks reloads the list of packs, keeping those already open.
func (s *Store) rescanPacks() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.scanPacksLocked()
}

func (s *Store) scanPacksLocked() error {
	bases, err := s.listPacks()
	if err != nil {
		return err
	}
	old := make(map[string]*pack, len(s.packs))
	for _, p := range s.packs {
		old[p.base] = p
	}
	packs := make([]*pack, 0, len(bases))
	var errs []error
	for _, b := range bases {
		if p, ok := old[b]; ok {
			packs = append(packs, p)
			delete(old, b)
			continue
		}
		idx, err := s.loadIndex(b + ".idx")
		if err != nil {
			errs = append(errs, err) // skip a broken pack; Verify reports it
			continue
		}
		packs = append(packs, &pack{base: b, idx: idx})
	}
	for _, p := range old {
		_ = p.close() // removed by another process's gc
	}
	s.packs, s.packsLoaded = packs, true
	if len(packs) == 0 && len(errs) > 0 {
		return errors.Join(errs...)
	}
	return nil
}

func (s *Store) ensurePacksLocked() error {
	if s.packsLoaded {
		return nil
	}
	return s.scanPacksLocked()
}

// findPackLocked returns the pack holding h, or nil.
func (s *Store) findPackLocked(h Hash) (*pack, error) {
	if err := s.ensurePacksLocked(); err != nil {
		return nil, err
	}
	for _, p := range s.packs {
		if ok, _ := p.idx.Contains(h); ok {
			return p, nil
		}
	}
	return nil, nil
}

func (s *Store) inPacks(h Hash) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.findPackLocked(h)
	return p != nil, err
}

// openPackLocked opens the pack file and checks that it is the one its
// index describes.
func (s *Store) openPackLocked(p *pack) error {
	if p.pf != nil {
		return nil
	}
	f, err := s.fsys.OpenFile(p.path(), os.O_RDONLY, 0)
	if err != nil {
		return fmt.Errorf("objects: open pack %s: %w", p.path(), err)
	}
	var trailer [20]byte
	fi, err := f.Stat()
	if err == nil && fi.Size() < 32 {
		err = errors.New("file too short")
	}
	if err == nil {
		_, err = f.ReadAt(trailer[:], fi.Size()-20)
	}
	if err == nil && trailer != p.idx.PackfileChecksum {
		err = fmt.Errorf("checksum %x does not match its index's %x", trailer, p.idx.PackfileChecksum)
	}
	if err != nil {
		_ = f.Close()
		return &CorruptError{Path: p.path(), Err: fmt.Errorf("pack: %w", err)}
	}
	p.file = billyFile{f}
	// A large-object threshold of 0 keeps go-git off its streaming delta
	// path (see streamPacked); large whole objects are streamed by Open.
	p.pf = packfile.NewPackfileWithCache(p.idx, billyFS{s.fsys}, p.file, s.cache, 0)
	return nil
}

// packedObject looks h up in the packs; it returns ErrNotFound when no
// known pack holds it. Called with s.mu held.
func (s *Store) packedObjectLocked(h Hash) (plumbing.EncodedObject, *pack, error) {
	p, err := s.findPackLocked(h)
	if err != nil {
		return nil, nil, err
	}
	if p == nil {
		return nil, nil, notFound(h)
	}
	if err := s.openPackLocked(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			// Removed by another process's `Pack(All)` after we read its
			// index: the object is in its replacement, found on rescan.
			return nil, nil, notFound(h)
		}
		return nil, p, err
	}
	obj, err := p.pf.Get(h)
	if err != nil {
		return nil, p, &CorruptError{Hash: h, Path: p.path(), Err: err}
	}
	if !validType(obj.Type()) {
		return nil, p, corrupt(h, p.path(), "bad object type %v", obj.Type())
	}
	if obj.Size() < 0 || obj.Size() > s.opts.MaxObjectSize {
		return nil, p, corrupt(h, p.path(), "declares %d bytes, beyond the limit of %d", obj.Size(), s.opts.MaxObjectSize)
	}
	return obj, p, nil
}

func (s *Store) readPacked(h Hash) (Type, []byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	obj, p, err := s.packedObjectLocked(h)
	if err != nil {
		return 0, nil, err
	}
	data, err := readAllExact(obj)
	if err != nil {
		return 0, nil, &CorruptError{Hash: h, Path: p.path(), Err: err}
	}
	return obj.Type(), data, nil
}

// readAllExact reads an object's content, which must be exactly Size bytes.
func readAllExact(obj plumbing.EncodedObject) (data []byte, err error) {
	rc, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := rc.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	data, err = readExact(rc, obj.Size())
	if err != nil {
		return nil, fmt.Errorf("content shorter than the declared %d bytes: %w", obj.Size(), err)
	}
	var probe [1]byte
	if n, _ := io.ReadFull(rc, probe[:]); n > 0 {
		return nil, fmt.Errorf("content longer than the declared %d bytes", obj.Size())
	}
	return data, nil
}

// openPacked streams h from its pack. Objects up to StreamThreshold and
// deltified ones are inflated in memory (a delta needs its whole base);
// larger whole objects stream from a file handle of their own.
func (s *Store) openPacked(h Hash) (Type, int64, io.ReadCloser, error) {
	s.mu.Lock()
	obj, p, err := s.packedObjectLocked(h)
	if err != nil {
		s.mu.Unlock()
		return 0, 0, nil, err
	}
	if obj.Size() > s.opts.StreamThreshold {
		rc, err := s.streamPacked(p, h)
		if rc != nil || err != nil {
			s.mu.Unlock()
			return obj.Type(), obj.Size(), rc, err
		}
	}
	data, err := readAllExact(obj)
	s.mu.Unlock()
	if err != nil {
		return 0, 0, nil, &CorruptError{Hash: h, Path: p.path(), Err: err}
	}
	return obj.Type(), obj.Size(), io.NopCloser(bytes.NewReader(data)), nil
}

// streamPacked returns a streaming reader of a non-delta object, or nil
// when the object is stored as a delta.
//
// go-git's own streaming path (FSObject above a large-object threshold)
// is not used: its ReaderFromDelta does not reset its base position when
// a delta copies from an earlier offset, and returns wrong bytes.
func (s *Store) streamPacked(p *pack, h Hash) (io.ReadCloser, error) {
	off, err := p.idx.FindOffset(h)
	if err != nil {
		return nil, &CorruptError{Hash: h, Path: p.path(), Err: err}
	}
	f, err := s.fsys.OpenFile(p.path(), os.O_RDONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("objects: read %s: %w", h, err)
	}
	sc := packfile.NewScanner(f)
	hdr, err := sc.SeekObjectHeader(off)
	if err != nil || !validType(hdr.Type) {
		_ = f.Close()
		if err != nil {
			return nil, &CorruptError{Hash: h, Path: p.path(), Err: err}
		}
		return nil, nil
	}
	rc, err := sc.ReadObject()
	if err != nil {
		_ = f.Close()
		return nil, &CorruptError{Hash: h, Path: p.path(), Err: err}
	}
	return &packStream{rc: rc, f: f, remaining: hdr.Length, h: h, path: p.path()}, nil
}

// packStream turns errors and short content of a streamed packed object
// into *CorruptError.
type packStream struct {
	rc        io.ReadCloser
	f         io.Closer
	remaining int64
	h         Hash
	path      string
}

func (r *packStream) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	r.remaining -= int64(n)
	switch {
	case err == io.EOF && r.remaining != 0:
		return n, corrupt(r.h, r.path, "content size differs from the declared size by %d bytes", r.remaining)
	case err != nil && err != io.EOF:
		return n, &CorruptError{Hash: r.h, Path: r.path, Err: err}
	}
	return n, err
}

func (r *packStream) Close() error { return errors.Join(r.rc.Close(), r.f.Close()) }

// pathOf names the file that holds h, for error messages.
func (s *Store) pathOf(h Hash) string {
	loose := s.loosePath(h)
	if _, err := s.fsys.Stat(loose); err == nil {
		return loose
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, _ := s.findPackLocked(h); p != nil {
		return p.path()
	}
	return loose
}

// ResolvePrefix returns the one object whose name starts with hexPrefix
// (at least 4 hex digits, any case). It fails with a *NotFoundError or an
// *AmbiguousError listing the candidates.
func (s *Store) ResolvePrefix(hexPrefix string) (Hash, error) {
	prefix := strings.ToLower(hexPrefix)
	if len(prefix) < 4 || len(prefix) > 40 || strings.Trim(prefix, "0123456789abcdef") != "" {
		return ZeroHash, fmt.Errorf("objects: %q is not an object name or prefix of at least 4 hex digits: %w", hexPrefix, ErrNotFound)
	}
	for attempt := 0; ; attempt++ {
		found, err := s.candidates(prefix)
		if err != nil {
			return ZeroHash, err
		}
		switch {
		case len(found) == 1:
			return found[0], nil
		case len(found) > 1:
			return ZeroHash, &AmbiguousError{Prefix: prefix, Candidates: found}
		case attempt > 0:
			return ZeroHash, &NotFoundError{What: prefix}
		}
		if err := s.rescanPacks(); err != nil {
			return ZeroHash, err
		}
	}
}

// candidates lists, sorted and without duplicates, every loose and packed
// object whose name starts with prefix.
func (s *Store) candidates(prefix string) ([]Hash, error) {
	found, err := s.looseCandidates(prefix)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ensurePacksLocked(); err != nil {
		return nil, err
	}
	first, _ := hex.DecodeString(prefix[:2])
	for _, p := range s.packs {
		k := p.idx.FanoutMapping[first[0]]
		if k < 0 || k >= len(p.idx.Names) {
			continue
		}
		names := p.idx.Names[k]
		for off := 0; off+20 <= len(names); off += 20 {
			var h Hash
			copy(h[:], names[off:off+20])
			if hasPrefix(h, prefix) {
				found = append(found, h)
			}
		}
	}
	slices.SortFunc(found, func(a, b Hash) int { return bytes.Compare(a[:], b[:]) })
	return slices.Compact(found), nil
}

func (s *Store) looseCandidates(prefix string) ([]Hash, error) {
	entries, err := s.fsys.ReadDir(filepath.Join(s.objDir, prefix[:2]))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("objects: resolve %s: %w", prefix, err)
	}
	var found []Hash
	for _, e := range entries {
		name := prefix[:2] + e.Name()
		if len(name) == 40 && strings.HasPrefix(name, prefix) && plumbing.IsHash(name) {
			found = append(found, plumbing.NewHash(name))
		}
	}
	return found, nil
}

func hasPrefix(h Hash, prefix string) bool {
	var buf [40]byte
	n := (len(prefix) + 1) / 2
	hex.Encode(buf[:], h[:n])
	return string(buf[:len(prefix)]) == prefix
}
