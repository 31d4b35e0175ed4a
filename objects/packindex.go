package objects

import (
	"bufio"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"strconv"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
)

// indexPack reads a pack file the way `git index-pack` does and returns
// the index of what it holds, with the pack's checksum: one sequential
// pass inflates every entry (hashing whole objects as they stream), then
// deltas are resolved depth-first from their bases, re-reading each delta
// from the file. Every object is inflated, rebuilt and hashed, and the
// trailer checked. Memory is a few objects' contents, not the pack: a
// base is held only while its deltas are rebuilt, and a delta chain holds
// two objects at a time. go-git's parser instead keeps up to 96 MiB of
// bases in a cache it does not let callers bound.
func indexPack(f fsx.File, progress func()) (*idxfile.MemoryIndex, Hash, error) {
	ix := &packIndexer{f: f, progress: progress}
	if err := ix.scan(); err != nil {
		return nil, ZeroHash, fmt.Errorf("objects: pack %s: %w", f.Name(), err)
	}
	if err := ix.resolveAll(); err != nil {
		return nil, ZeroHash, fmt.Errorf("objects: pack %s: %w", f.Name(), err)
	}
	w := new(idxfile.Writer)
	_ = w.OnHeader(uint32(len(ix.entries)))
	for i := range ix.entries {
		e := &ix.entries[i]
		w.Add(e.hash, uint64(e.off), e.crc)
	}
	if err := w.OnFooter(ix.sum); err != nil {
		return nil, ZeroHash, err
	}
	idx, err := w.Index()
	return idx, ix.sum, err
}

// packEntry is one entry of a pack, as the sequential pass found it.
type packEntry struct {
	off, data int64 // offsets of its header and of its zlib stream
	typ       Type  // as stored: OFSDeltaObject and REFDeltaObject for deltas
	size      int64 // inflated size (of the delta instruction stream for deltas)
	baseOff   int64 // OFSDeltaObject: the base's offset
	baseRef   Hash  // REFDeltaObject: the base's name
	crc       uint32
	hash      Hash // once known
	known     bool
}

type packIndexer struct {
	f        fsx.File
	progress func()
	entries  []packEntry // in file order
	sum      Hash
	zr       io.ReadCloser // reused zlib reader
}

// countingReader counts the bytes read through it, and is an
// io.ByteReader so that the inflater reads no further than its stream.
type countingReader struct {
	r   *bufio.Reader
	off int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.off += int64(n)
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.off++
	}
	return b, err
}

// scan is the sequential pass: header, entries, trailer.
func (ix *packIndexer) scan() error {
	fi, err := ix.f.Stat()
	if err != nil {
		return err
	}
	end := fi.Size() - 20 // the trailer
	r := &countingReader{r: bufio.NewReaderSize(io.NewSectionReader(ix.f, 0, max(end, 0)), 64<<10)}
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return fmt.Errorf("header: %w", err)
	}
	if string(hdr[:4]) != "PACK" || binary.BigEndian.Uint32(hdr[4:]) != 2 {
		return errors.New("not a version 2 pack")
	}
	n := binary.BigEndian.Uint32(hdr[8:])
	ix.entries = make([]packEntry, 0, min(n, 1<<20))
	for i := uint32(0); i < n; i++ {
		e, err := ix.entry(r)
		if err != nil {
			return fmt.Errorf("entry %d of %d: %w", i+1, n, err)
		}
		ix.entries = append(ix.entries, e)
	}
	if r.off != end {
		return fmt.Errorf("%d bytes after the last entry", end-r.off)
	}
	return ix.checkTrailer(end)
}

// entry reads one entry's header and inflates its data, hashing it when
// it is a whole object.
func (ix *packIndexer) entry(r *countingReader) (packEntry, error) {
	e := packEntry{off: r.off}
	c, err := r.ReadByte()
	if err != nil {
		return e, err
	}
	e.typ = Type((c >> 4) & 7)
	e.size = int64(c & 15)
	for shift := 4; c&0x80 != 0; shift += 7 {
		if c, err = r.ReadByte(); err != nil {
			return e, err
		}
		if shift > 56 {
			return e, errors.New("object size overflows")
		}
		e.size |= int64(c&0x7f) << shift
	}
	switch e.typ {
	case plumbing.OFSDeltaObject:
		if c, err = r.ReadByte(); err != nil {
			return e, err
		}
		ofs := int64(c & 0x7f)
		for c&0x80 != 0 {
			if c, err = r.ReadByte(); err != nil {
				return e, err
			}
			ofs = ((ofs + 1) << 7) | int64(c&0x7f)
		}
		if ofs <= 0 || ofs > e.off {
			return e, fmt.Errorf("delta base offset %d out of the pack", ofs)
		}
		e.baseOff = e.off - ofs
	case plumbing.REFDeltaObject:
		if _, err := io.ReadFull(r, e.baseRef[:]); err != nil {
			return e, err
		}
	case BlobObject, TreeObject, CommitObject, TagObject:
	default:
		return e, fmt.Errorf("unknown object type %d", e.typ)
	}
	e.data = r.off
	var sink io.Writer = io.Discard
	var h hash.Hash
	if !e.typ.IsDelta() {
		h = newObjectHasher(e.typ, e.size)
		sink = h
	}
	if err := ix.inflate(r, sink, e.size); err != nil {
		return e, err
	}
	if !e.typ.IsDelta() {
		e.hash, e.known = Hash(h.Sum(nil)), true
		ix.progress()
	}
	// The entry's CRC, as the index records it, over its raw bytes.
	crc := crc32.NewIEEE()
	if _, err := io.Copy(crc, io.NewSectionReader(ix.f, e.off, r.off-e.off)); err != nil {
		return e, err
	}
	e.crc = crc.Sum32()
	return e, nil
}

// inflate copies one zlib stream from r to w; it must hold exactly size
// bytes.
func (ix *packIndexer) inflate(r io.Reader, w io.Writer, size int64) error {
	var err error
	if ix.zr == nil {
		ix.zr, err = zlib.NewReader(r)
	} else {
		err = ix.zr.(zlib.Resetter).Reset(r, nil)
	}
	if err != nil {
		return err
	}
	n, err := io.Copy(w, io.LimitReader(ix.zr, size+1))
	if err != nil {
		return err
	}
	if n != size {
		return fmt.Errorf("inflates to %d bytes, header says %d", n, size)
	}
	// Reading to the end checks the stream's Adler-32.
	if _, err := ix.zr.Read(make([]byte, 1)); err != io.EOF {
		return fmt.Errorf("zlib stream does not end after %d bytes: %v", size, err)
	}
	return nil
}

// read inflates entry e's data again from the file.
func (ix *packIndexer) read(e *packEntry) ([]byte, error) {
	buf := &sliceWriter{b: make([]byte, 0, e.size)}
	r := bufio.NewReader(io.NewSectionReader(ix.f, e.data, 1<<62))
	if err := ix.inflate(r, buf, e.size); err != nil {
		return nil, fmt.Errorf("entry at %d: %w", e.off, err)
	}
	return buf.b, nil
}

type sliceWriter struct{ b []byte }

func (s *sliceWriter) Write(p []byte) (int, error) {
	s.b = append(s.b, p...)
	return len(p), nil
}

// checkTrailer checks the pack's last 20 bytes: the SHA-1 of the rest.
func (ix *packIndexer) checkTrailer(end int64) error {
	h := sha1.New()
	if _, err := io.Copy(h, io.NewSectionReader(ix.f, 0, end)); err != nil {
		return err
	}
	var got Hash
	if _, err := ix.f.ReadAt(got[:], end); err != nil {
		return fmt.Errorf("trailer: %w", err)
	}
	if want := Hash(h.Sum(nil)); got != want {
		return fmt.Errorf("trailer says %s, content hashes to %s", got, want)
	}
	ix.sum = got
	return nil
}

// resolveAll rebuilds every delta from its base, depth-first from the
// whole objects, and fails when some delta has no base in the pack.
func (ix *packIndexer) resolveAll() error {
	byOff := map[int64][]int{} // base offset → its OFS deltas
	byRef := map[Hash][]int{}  // base name → its REF deltas
	for i := range ix.entries {
		switch e := &ix.entries[i]; e.typ {
		case plumbing.OFSDeltaObject:
			byOff[e.baseOff] = append(byOff[e.baseOff], i)
		case plumbing.REFDeltaObject:
			byRef[e.baseRef] = append(byRef[e.baseRef], i)
		}
	}
	kids := func(e *packEntry) []int {
		return append(byOff[e.off][:len(byOff[e.off]):len(byOff[e.off])], byRef[e.hash]...)
	}
	for i := range ix.entries {
		e := &ix.entries[i]
		if e.typ.IsDelta() || len(kids(e)) == 0 {
			continue
		}
		data, err := ix.read(e)
		if err != nil {
			return err
		}
		if err := ix.resolve(e.typ, data, kids(e), kids); err != nil {
			return err
		}
	}
	for i := range ix.entries {
		if e := &ix.entries[i]; !e.known {
			return fmt.Errorf("delta at %d: its base is not in the pack", e.off)
		}
	}
	return nil
}

// resolve rebuilds the deltas children of a base of type t and content
// base, then theirs. The last child is rebuilt after base is dropped, so
// that a chain of deltas holds two objects at a time.
func (ix *packIndexer) resolve(t Type, base []byte, children []int, kids func(*packEntry) []int) error {
	for i, k := range children {
		e := &ix.entries[k]
		if e.known {
			return fmt.Errorf("delta at %d is reached twice (a delta cycle)", e.off)
		}
		delta, err := ix.read(e)
		if err != nil {
			return err
		}
		data, err := patchDelta(base, delta)
		if err != nil {
			return fmt.Errorf("delta at %d: %w", e.off, err)
		}
		if i == len(children)-1 {
			base = nil
		}
		h := newObjectHasher(t, int64(len(data)))
		_, _ = h.Write(data)
		e.hash, e.known = Hash(h.Sum(nil)), true
		ix.progress()
		if next := kids(e); len(next) > 0 {
			if err := ix.resolve(t, data, next, kids); err != nil {
				return err
			}
		}
	}
	return nil
}

// newObjectHasher starts an object's git name (SHA-1 of "TYPE SIZE\x00"
// and the content) with crypto/sha1 rather than the collision-detecting
// sha1cd the store names new objects with. The read-back checks that the
// pack gc just wrote holds exactly the objects it was asked to hold, and
// each of those was hashed with collision detection when it entered the
// store (loose writes, received packs); a damaged pack still shows as a
// wrong or missing name. sha1cd cost ~1.3 s of gc's 19 s CPU on a
// 1000-save history of a 1.4 MB board; crypto/sha1 (SHA-NI) a fraction.
func newObjectHasher(t Type, size int64) hash.Hash {
	h := sha1.New()
	_, _ = h.Write(t.Bytes())
	_, _ = h.Write([]byte{' '})
	_, _ = h.Write(strconv.AppendInt(nil, size, 10))
	_, _ = h.Write([]byte{0})
	return h
}

// errBadDelta is a delta that does not apply to its base.
var errBadDelta = errors.New("invalid delta")

// maxDeltaPrealloc bounds the output a delta's header alone can make
// patchDelta allocate up front: a damaged or hostile header may claim any
// size, and the real output grows past this by append as copies land.
const maxDeltaPrealloc = 16 << 20

// patchDelta applies a pack delta (git's format: source and target sizes
// as little-endian base-128 numbers, then copy and insert instructions)
// to base. It does what go-git's packfile.PatchDelta does, but allocates
// the target once at its stated size instead of growing a bytes.Buffer
// from empty for every object: in gc's read-back of a 1000-save history
// of a 1.4 MB board, that growth (copying and clearing ~3 GB) was 1 s of
// 18. The result is the target's bytes or an error wrapping errBadDelta.
func patchDelta(base, delta []byte) ([]byte, error) {
	srcSize, delta, ok := deltaHeaderSize(delta)
	if !ok || srcSize != uint64(len(base)) {
		return nil, fmt.Errorf("%w: source size does not match the base (%d bytes)", errBadDelta, len(base))
	}
	dstSize, delta, ok := deltaHeaderSize(delta)
	if !ok {
		return nil, fmt.Errorf("%w: no target size", errBadDelta)
	}
	out := make([]byte, 0, min(dstSize, maxDeltaPrealloc))
	for len(delta) > 0 {
		cmd := delta[0]
		delta = delta[1:]
		switch {
		case cmd&0x80 != 0:
			// Copy from the base: bits 0-3 say which offset bytes follow,
			// bits 4-6 which size bytes; a size of 0 means 0x10000.
			var off, n uint64
			for i := range 7 {
				if cmd&(1<<i) == 0 {
					continue
				}
				if len(delta) == 0 {
					return nil, fmt.Errorf("%w: truncated copy instruction", errBadDelta)
				}
				if i < 4 {
					off |= uint64(delta[0]) << (8 * i)
				} else {
					n |= uint64(delta[0]) << (8 * (i - 4))
				}
				delta = delta[1:]
			}
			if n == 0 {
				n = 0x10000
			}
			if off+n > uint64(len(base)) || uint64(len(out))+n > dstSize {
				return nil, fmt.Errorf("%w: copy of %d bytes at %d outside the base or the target", errBadDelta, n, off)
			}
			out = append(out, base[off:off+n]...)
		case cmd != 0:
			n := uint64(cmd)
			if n > uint64(len(delta)) || uint64(len(out))+n > dstSize {
				return nil, fmt.Errorf("%w: insert of %d bytes past the delta or the target", errBadDelta, n)
			}
			out = append(out, delta[:n]...)
			delta = delta[n:]
		default:
			return nil, fmt.Errorf("%w: instruction 0 is reserved", errBadDelta)
		}
	}
	if uint64(len(out)) != dstSize {
		return nil, fmt.Errorf("%w: made %d bytes, header says %d", errBadDelta, len(out), dstSize)
	}
	return out, nil
}

// deltaHeaderSize reads one size of a delta's header.
func deltaHeaderSize(b []byte) (uint64, []byte, bool) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i]&0x80 == 0 {
			return v, b[i+1:], true
		}
	}
	return 0, b, false
}
