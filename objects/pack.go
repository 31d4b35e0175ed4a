package objects

import (
	"bufio"
	"bytes"
	"container/list"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// DefaultPackWindow is git's default delta window (pack.window).
const DefaultPackWindow = 10

// PackOptions tune Pack.
type PackOptions struct {
	// Progress, when set, is called as work advances; total stays fixed
	// for one Pack call. The phases are: reading object headers, encoding
	// (first read of each object), verifying the written pack, removing
	// loose objects.
	Progress func(done, total int)
	// Window is the delta window: how many similar objects each object is
	// compared with. 0 means DefaultPackWindow; negative disables deltas.
	Window int
	// All repacks every object, loose and packed, into one new pack and
	// then removes the old packs (except those with a .keep file). Without
	// it only loose objects are packed, into a new pack beside the old.
	All bool
	// CacheBytes bounds the object contents kept in memory for delta
	// search (git's pack.windowMemory); default DefaultPackMemory. The
	// window narrows, down to one neighbour, so that it fits: with the
	// largest delta candidate of size S it holds at most CacheBytes/S - 1
	// objects. Objects larger than CacheBytes are streamed when written.
	CacheBytes int64
	// Keep, with All, chooses the objects to pack: those it returns false
	// for are dropped, unless a copy of them was modified at or after
	// Expire (see Store.Retained): such a loose file stays where it is and
	// such a pack is not removed. nil keeps every object. Dropping comes
	// last, after the new pack is in place, as removing packed copies does.
	Keep func(Hash) bool
	// Expire: see Keep. The zero time drops nothing.
	Expire time.Time
	// Protect, with Keep, names objects not to pack that must not be
	// dropped either: like young copies, they stay where they are.
	Protect func(Hash) bool
}

// DefaultPackMemory is PackOptions.CacheBytes' default. For a history of
// a 1.4 MB board it allows a window of 7, which packs as small as git's 10
// (4 does not: +40 %), and keeps gc under 100 MiB (bench/RESULTS.md).
const DefaultPackMemory = 12 << 20

// PackStats says what Pack did.
type PackStats struct {
	Objects      int    // objects in the new pack
	LooseRemoved int    // loose objects deleted because the pack holds them
	PacksRemoved int    // old packs deleted (All only)
	Dropped      int    // objects Keep refused, every copy of them removed
	Pack         string // path of the new .pack, "" when there was nothing to pack
	PackSize     int64  // its size in bytes
}

// Pack is `git gc` for circuitvc: it writes loose objects (with All, every
// object) into a new pack with deltas, through go-git's packfile encoder,
// crash-safely:
//
//  1. pack and index are written under temporary names (tmp_pack_*,
//     tmp_idx_*, which git also recognises) and fsynced;
//  2. the pack is parsed back from disk: every object is inflated, its
//     deltas resolved and its hash computed, and the set of hashes must be
//     exactly the set packed; the index is built from that parse;
//  3. pack then index are renamed into place (git ignores a pack without
//     an index) and objects/pack is fsynced;
//  4. only then are the packed loose objects (and, with All, the old packs:
//     index first) removed, and their directories fsynced.
//
// A crash at any point leaves every object readable: at worst temp files
// or duplicate copies remain. go-git's RepackObjects is never used: it
// deletes loose objects before its pack is complete.
//
// The caller holds the repository lock: two concurrent Packs would each
// do the work, harmlessly but twice.
func (s *Store) Pack(ctx context.Context, opts PackOptions) (PackStats, error) {
	var st PackStats
	job, err := s.planPack(opts)
	if err != nil || len(job.hashes)+len(job.loose)+len(job.oldPacks) == 0 {
		return st, err
	}
	src := newPackSource(s, job, opts)
	if len(job.hashes) > 0 {
		if err := src.scan(ctx); err != nil {
			return st, err
		}
		packPath, size, err := s.writePack(ctx, src, job, opts)
		if err != nil {
			return st, err
		}
		st.Objects, st.Pack, st.PackSize = len(job.hashes), packPath, size
		if err := s.rescanPacks(); err != nil {
			return st, err
		}
	} else if err := ctx.Err(); err != nil {
		return st, err
	}
	st.Dropped = job.dropped
	st.LooseRemoved, err = s.removeLoose(job.loose, src.progress)
	if err != nil {
		return st, err
	}
	if opts.All {
		st.PacksRemoved, err = s.removePacks(job.oldPacks, strings.TrimSuffix(st.Pack, ".pack"))
	}
	return st, err
}

// packJob is what one Pack call packs.
type packJob struct {
	hashes   []Hash
	loose    map[Hash]string // loose objects to delete afterwards → path
	oldPacks []string        // pack bases to delete afterwards (All)
	dropped  int             // objects Keep refused whose every copy goes
}

// errKeepWithoutAll: only a pack of every object can drop any.
var errKeepWithoutAll = errors.New("objects: pack: Keep needs All")

func (s *Store) planPack(opts PackOptions) (*packJob, error) {
	if opts.Keep != nil && !opts.All {
		return nil, errKeepWithoutAll
	}
	job := &packJob{loose: map[Hash]string{}}
	sel := newSelection(opts)
	err := s.forEachLoose(func(h Hash, path string) error {
		fi, err := s.fsys.Stat(path)
		if err == nil && fi.Size() == 0 {
			return nil // a crashed writer's leftover: not an object
		}
		mtime := farFuture // a file that cannot be stat'ed is never dropped
		if err == nil {
			mtime = fi.ModTime()
		}
		if sel.add(h, mtime) {
			job.loose[h] = path
		}
		return nil
	})
	job.hashes = sel.hashes
	if err != nil || !opts.All {
		return job, err
	}
	bases, err := s.listPacks()
	if err != nil {
		return nil, err
	}
	for _, base := range bases {
		if _, err := s.fsys.Stat(base + ".keep"); err == nil {
			continue // kept packs are neither repacked nor removed, as in git
		}
		idx, err := s.loadIndex(base + ".idx")
		if err != nil {
			return nil, fmt.Errorf("objects: pack: %w", err)
		}
		mtime := farFuture
		if fi, err := s.fsys.Stat(base + ".pack"); err == nil {
			mtime = fi.ModTime()
		}
		removable := true
		eachIndexed(idx, func(h Hash) { removable = sel.add(h, mtime) && removable })
		if removable {
			job.oldPacks = append(job.oldPacks, base)
		}
	}
	job.hashes, job.dropped = sel.hashes, sel.droppedCount()
	return job, nil
}

// writePack encodes the pack and its index under temporary names,
// verifies the pack by parsing it back, and renames both into place.
func (s *Store) writePack(ctx context.Context, src *packSource, job *packJob, opts PackOptions) (string, int64, error) {
	dir := s.packDir()
	if err := fsx.MkdirAll(s.fsys, dir, 0o755); err != nil {
		return "", 0, fmt.Errorf("objects: pack: %w", err)
	}
	pf, err := fsx.NewPendingFile(s.fsys, dir, "tmp_pack_", 0o444)
	if err != nil {
		return "", 0, fmt.Errorf("objects: pack: %w", err)
	}
	defer pf.Cleanup()
	tmpPack := pf.Name()
	window := src.window(opts.Window)
	bw := bufio.NewWriterSize(pf, 256<<10)
	sum, err := packfile.NewEncoder(bw, src, false).Encode(job.hashes, uint(window))
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return "", 0, fmt.Errorf("objects: pack: write %s: %w", tmpPack, err)
	}
	if err := ctx.Err(); err != nil {
		return "", 0, err
	}
	idx, err := s.checkNewPack(pf.File(), sum, job.hashes, src.progress)
	if err != nil {
		return "", 0, err
	}
	fi, err := pf.File().Stat()
	if err != nil {
		return "", 0, err
	}
	if err := pf.Close(); err != nil {
		return "", 0, fmt.Errorf("objects: pack: write %s: %w", tmpPack, err)
	}
	ipf, err := s.writeIndexTemp(idx)
	if err != nil {
		return "", 0, err
	}
	defer ipf.Cleanup()
	base := filepath.Join(dir, "pack-"+sum.String())
	// Pack first, index second: until the index exists, readers (and git)
	// ignore the pack. The pack's new name is made durable before the
	// index takes its own, or a power cut could keep only the index's.
	if err := pf.CommitRename(base + ".pack"); err != nil {
		return "", 0, fmt.Errorf("objects: pack: %w", err)
	}
	if err := ipf.CommitRename(base + ".idx"); err != nil {
		return "", 0, fmt.Errorf("objects: pack: %w", err)
	}
	// The renamed index must be the one we wrote, holding every object.
	final, err := s.loadIndex(base + ".idx")
	if err != nil {
		return "", 0, err
	}
	for _, h := range job.hashes {
		if found, _ := final.Contains(h); !found {
			return "", 0, fmt.Errorf("objects: pack %s: index lacks %s after rename", base, h)
		}
	}
	return base + ".pack", fi.Size(), nil
}

// checkNewPack reads the written pack back from disk (indexPack), which
// inflates every object, resolves its deltas and hashes it; the hashes
// must be exactly those packed. It returns the index built from that read.
func (s *Store) checkNewPack(f fsx.File, sum Hash, want []Hash, progress func()) (*idxfile.MemoryIndex, error) {
	idx, got, err := indexPack(f, progress)
	if err != nil {
		return nil, fmt.Errorf("objects: pack %s does not read back: %w", f.Name(), err)
	}
	if got != sum {
		return nil, fmt.Errorf("objects: pack %s: checksum %s, encoder wrote %s", f.Name(), got, sum)
	}
	if n, _ := idx.Count(); n != int64(len(want)) {
		return nil, fmt.Errorf("objects: pack %s holds %d objects, want %d", f.Name(), n, len(want))
	}
	for _, h := range want {
		if found, _ := idx.Contains(h); !found {
			return nil, fmt.Errorf("objects: pack %s lacks %s (content does not hash to its name?)", f.Name(), h)
		}
	}
	return idx, nil
}

// writeIndexTemp writes idx to a fsynced and closed temp file in
// objects/pack, to be renamed into place.
func (s *Store) writeIndexTemp(idx *idxfile.MemoryIndex) (*fsx.PendingFile, error) {
	pf, err := fsx.NewPendingFile(s.fsys, s.packDir(), "tmp_idx_", 0o444)
	if err != nil {
		return nil, fmt.Errorf("objects: pack: %w", err)
	}
	bw := bufio.NewWriter(pf)
	_, err = idxfile.NewEncoder(bw).Encode(idx)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = pf.Close()
	}
	if err != nil {
		name := pf.Name()
		_ = pf.Cleanup()
		return nil, fmt.Errorf("objects: pack: write %s: %w", name, err)
	}
	return pf, nil
}

// removeLoose deletes the loose copies of packed objects, fsyncs each
// directory touched, removes directories left empty and fsyncs objects/.
func (s *Store) removeLoose(loose map[Hash]string, progress func()) (int, error) {
	dirs := map[string]bool{}
	n := 0
	for _, path := range loose {
		if err := s.removeReadOnly(path); err != nil {
			return n, fmt.Errorf("objects: pack: remove packed loose object: %w", err)
		}
		n++
		dirs[filepath.Dir(path)] = true
		progress()
	}
	for dir := range dirs {
		if err := s.fsys.SyncDir(dir); err != nil {
			return n, fmt.Errorf("objects: pack: %w", err)
		}
		_ = s.fsys.Remove(dir) // only succeeds when empty
	}
	if len(dirs) > 0 {
		if err := s.fsys.SyncDir(s.objDir); err != nil {
			return n, fmt.Errorf("objects: pack: %w", err)
		}
	}
	return n, nil
}

// removePacks deletes old packs that the new pack supersedes: the index
// first, so that no reader ever sees an index without its pack.
func (s *Store) removePacks(bases []string, keep string) (int, error) {
	n := 0
	for _, base := range bases {
		if base == keep {
			continue
		}
		for _, ext := range []string{".idx", ".pack", ".rev", ".bitmap"} {
			if err := s.removeReadOnly(base + ext); err != nil {
				return n, fmt.Errorf("objects: pack: remove old pack: %w", err)
			}
			// The index's removal is made durable before the pack's, or a
			// power cut could keep only the pack's.
			if ext == ".idx" {
				if err := s.fsys.SyncDir(s.packDir()); err != nil {
					return n, fmt.Errorf("objects: pack: remove old pack: %w", err)
				}
			}
		}
		n++
	}
	if n > 0 {
		if err := s.fsys.SyncDir(s.packDir()); err != nil {
			return n, err
		}
	}
	return n, s.rescanPacks()
}

// packSource is the storer.EncodedObjectStorer the encoder reads from: a
// read-only view of the Store whose objects load lazily, with a bounded
// cache of contents so that the delta window does not re-inflate the
// same object over and over.
type packSource struct {
	s     *Store
	job   *packJob
	meta  map[Hash]objMeta
	limit int64

	mu     sync.Mutex
	cache  map[Hash]*list.Element // of *cached
	lru    list.List
	bytes  int64
	loaded map[Hash]bool // objects read at least once, for progress

	progressMu   sync.Mutex
	done, total  int
	progressFunc func(done, total int)
}

type objMeta struct {
	typ  Type
	size int64
}

type cached struct {
	h    Hash
	data []byte
}

func newPackSource(s *Store, job *packJob, opts PackOptions) *packSource {
	limit := opts.CacheBytes
	if limit <= 0 {
		limit = DefaultPackMemory
	}
	n := len(job.hashes)
	return &packSource{
		s: s, job: job, limit: limit,
		meta:         make(map[Hash]objMeta, n),
		cache:        map[Hash]*list.Element{},
		loaded:       make(map[Hash]bool, n),
		total:        3*n + len(job.loose),
		progressFunc: opts.Progress,
	}
}

func (p *packSource) progress() {
	if p.progressFunc == nil {
		return
	}
	p.progressMu.Lock()
	defer p.progressMu.Unlock()
	p.done = min(p.done+1, p.total)
	p.progressFunc(p.done, p.total)
}

// scan reads every object's type and size (headers only for loose ones).
func (p *packSource) scan(ctx context.Context) error {
	for _, h := range p.job.hashes {
		if err := ctx.Err(); err != nil {
			return err
		}
		t, size, rc, err := p.s.openHeader(h)
		if err != nil {
			return fmt.Errorf("objects: pack: %w", err)
		}
		_ = rc.Close()
		p.meta[h] = objMeta{t, size}
		p.progress()
	}
	return nil
}

// window returns the delta window for the encoder, from the asked-for
// size (0: DefaultPackWindow, negative: no deltas), narrowed so that the
// window's objects fit in the cache, and shrinks the cache to the window:
// the encoder reads objects in one pass over a size-sorted list, comparing
// each with the window before it, so a cache holding one window more
// never hits. Scan must have run.
func (p *packSource) window(asked int) int {
	switch {
	case asked == 0:
		asked = DefaultPackWindow
	case asked < 0:
		return 0
	}
	var largest int64
	for _, m := range p.meta {
		if m.typ == BlobObject || m.typ == TreeObject { // what go-git deltifies
			largest = max(largest, m.size)
		}
	}
	w := asked
	if largest > 0 {
		w = int(min(int64(asked), max(2, p.limit/largest-1)))
		// The window plus the object compared with it.
		p.limit = min(p.limit, int64(w+1)*largest)
	}
	return w
}

// openHeader opens h for its type and size, preferring the loose copy
// (cheap: only the header is inflated).
func (s *Store) openHeader(h Hash) (Type, int64, io.ReadCloser, error) {
	t, size, rc, err := s.openLoose(h)
	if errors.Is(err, ErrNotFound) {
		return s.Open(h)
	}
	return t, size, rc, err
}

// content returns h's bytes, from the cache when possible.
func (p *packSource) content(h Hash) ([]byte, error) {
	p.mu.Lock()
	if e, ok := p.cache[h]; ok {
		p.lru.MoveToFront(e)
		p.mu.Unlock()
		return e.Value.(*cached).data, nil
	}
	first := !p.loaded[h]
	p.loaded[h] = true
	p.mu.Unlock()
	if first {
		p.progress()
	}
	_, data, err := p.s.Read(h)
	if err != nil {
		return nil, fmt.Errorf("objects: pack: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.cache[h]; !ok && int64(len(data)) <= p.limit {
		p.cache[h] = p.lru.PushFront(&cached{h, data})
		p.bytes += int64(len(data))
		for p.bytes > p.limit {
			old := p.lru.Remove(p.lru.Back()).(*cached)
			delete(p.cache, old.h)
			p.bytes -= int64(len(old.data))
		}
	}
	return data, nil
}

func (p *packSource) EncodedObject(t plumbing.ObjectType, h Hash) (plumbing.EncodedObject, error) {
	m, ok := p.meta[h]
	if !ok || (t != plumbing.AnyObject && t != m.typ) {
		return nil, plumbing.ErrObjectNotFound
	}
	return &lazyObject{src: p, h: h, typ: m.typ, size: m.size}, nil
}

func (p *packSource) HasEncodedObject(h Hash) error {
	if _, ok := p.meta[h]; !ok {
		return plumbing.ErrObjectNotFound
	}
	return nil
}

func (p *packSource) EncodedObjectSize(h Hash) (int64, error) {
	m, ok := p.meta[h]
	if !ok {
		return 0, plumbing.ErrObjectNotFound
	}
	return m.size, nil
}

var errPackSourceReadOnly = errors.New("objects: pack source is read-only")

func (p *packSource) NewEncodedObject() plumbing.EncodedObject { return &plumbing.MemoryObject{} }
func (p *packSource) SetEncodedObject(plumbing.EncodedObject) (Hash, error) {
	return ZeroHash, errPackSourceReadOnly
}
func (p *packSource) IterEncodedObjects(plumbing.ObjectType) (storer.EncodedObjectIter, error) {
	return nil, errPackSourceReadOnly
}
func (p *packSource) AddAlternate(string) error { return errPackSourceReadOnly }

// lazyObject is an object whose content is read only when asked for.
type lazyObject struct {
	src  *packSource
	h    Hash
	typ  Type
	size int64
}

func (o *lazyObject) Hash() Hash                      { return o.h }
func (o *lazyObject) Type() plumbing.ObjectType       { return o.typ }
func (o *lazyObject) SetType(plumbing.ObjectType)     {}
func (o *lazyObject) Size() int64                     { return o.size }
func (o *lazyObject) SetSize(int64)                   {}
func (o *lazyObject) Writer() (io.WriteCloser, error) { return nil, errPackSourceReadOnly }

func (o *lazyObject) Reader() (io.ReadCloser, error) {
	if o.size > o.src.limit {
		// Too large to cache: stream it (bounded memory for the write;
		// delta search still loads it whole, as go-git's differ must).
		_, _, rc, err := o.src.s.Open(o.h)
		return rc, err
	}
	data, err := o.src.content(o.h)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

// removeReadOnly removes a 0444 object or pack file. Windows refuses to
// delete read-only files, so on failure it makes the file writable and
// tries once more, as git for Windows does. A missing file is no error.
func (s *Store) removeReadOnly(path string) error {
	err := s.fsys.Remove(path)
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if s.fsys.Chmod(path, 0o644) == nil {
		if err2 := s.fsys.Remove(path); err2 == nil || errors.Is(err2, fs.ErrNotExist) {
			return nil
		}
	}
	return err
}
