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
	"github.com/pjbgf/sha1cd"
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
	ix := &packIndexer{f: f, progress: progress, ownPack: true}
	if err := ix.scan(); err != nil {
		return nil, ZeroHash, fmt.Errorf("objects: pack %s: %w", f.Name(), err)
	}
	if err := ix.resolveAll(); err != nil {
		return nil, ZeroHash, fmt.Errorf("objects: pack %s: %w", f.Name(), err)
	}
	idx, err := ix.index()
	return idx, ix.sum, err
}

// index builds the index of what scan and resolveAll found.
func (ix *packIndexer) index() (*idxfile.MemoryIndex, error) {
	w := new(idxfile.Writer)
	_ = w.OnHeader(uint32(len(ix.entries)))
	for i := range ix.entries {
		e := &ix.entries[i]
		w.Add(e.hash, uint64(e.off), e.crc)
	}
	if err := w.OnFooter(ix.sum); err != nil {
		return nil, err
	}
	return w.Index()
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
	// visit, when set, is called for every object once its name is
	// known: its entry's offset, name, type, content size, and content
	// when it is a tree or a commit (nil otherwise). An error from it
	// stops the read (verify parses trees and commits through it).
	visit func(off int64, h Hash, t Type, size int64, data []byte) error
	// maxSize, when positive, refuses an entry or a rebuilt delta that
	// declares more bytes, before anything of that size is allocated.
	maxSize int64
	// ownPack: the pack is one gc just wrote from objects already in the
	// store, named with collision detection when they entered it; the
	// read-back may then name them with the faster crypto/sha1.
	ownPack bool
	entries []packEntry // in file order
	sum     Hash
	zr      io.ReadCloser // reused zlib reader
	bufs    bufPool       // contents and deltas, reused
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
	if ix.maxSize > 0 && e.size > ix.maxSize {
		return e, fmt.Errorf("declares %d bytes, beyond the limit of %d", e.size, ix.maxSize)
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
	var keep *sliceWriter
	if !e.typ.IsDelta() {
		h = ix.hasher(e.typ, e.size)
		sink = h
		if ix.visit != nil && (e.typ == TreeObject || e.typ == CommitObject) {
			keep = &sliceWriter{b: make([]byte, 0, e.size)}
			sink = io.MultiWriter(h, keep)
		}
	}
	if err := ix.inflate(r, sink, e.size); err != nil {
		return e, err
	}
	if !e.typ.IsDelta() {
		e.hash, e.known = Hash(h.Sum(nil)), true
		ix.progress()
		if ix.visit != nil {
			var data []byte
			if keep != nil {
				data = keep.b
			}
			if err := ix.visit(e.off, e.hash, e.typ, e.size, data); err != nil {
				return e, err
			}
		}
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
	buf := &sliceWriter{b: ix.bufs.get(e.size)}
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
// that a chain of deltas holds two objects at a time. resolve owns base:
// it goes back to ix.bufs once the last child is rebuilt.
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
		data, err := applyDelta(base, delta, ix.maxSize, ix.bufs.get)
		if err != nil {
			return fmt.Errorf("delta at %d: %w", e.off, err)
		}
		ix.bufs.put(delta)
		if i == len(children)-1 {
			ix.bufs.put(base)
			base = nil
		}
		h := ix.hasher(t, int64(len(data)))
		_, _ = h.Write(data)
		e.hash, e.known = Hash(h.Sum(nil)), true
		ix.progress()
		if ix.visit != nil {
			var keep []byte
			if t == TreeObject || t == CommitObject {
				keep = data
			}
			if err := ix.visit(e.off, e.hash, t, int64(len(data)), keep); err != nil {
				return err
			}
		}
		if next := kids(e); len(next) > 0 {
			if err := ix.resolve(t, data, next, kids); err != nil {
				return err
			}
		} else {
			ix.bufs.put(data)
		}
	}
	return nil
}

// hasher starts an object's git name (SHA-1 of "TYPE SIZE\x00"
// and the content) with crypto/sha1 rather than the collision-detecting
// sha1cd the store names new objects with. The read-back checks that the
// pack gc just wrote holds exactly the objects it was asked to hold, and
// each of those was hashed with collision detection when it entered the
// store (loose writes, received packs); a damaged pack still shows as a
// wrong or missing name. sha1cd cost ~1.3 s of gc's 19 s CPU on a
// 1000-save history of a 1.4 MB board; crypto/sha1 (SHA-NI) a fraction.
//
// Every other reader (verify, a received pack) names objects with sha1cd:
// for them the pack is where objects enter.
func (ix *packIndexer) hasher(t Type, size int64) hash.Hash {
	h := sha1cd.New()
	if ix.ownPack {
		h = sha1.New()
	}
	_, _ = h.Write(t.Bytes())
	_, _ = h.Write([]byte{' '})
	_, _ = h.Write(strconv.AppendInt(nil, size, 10))
	_, _ = h.Write([]byte{0})
	return h
}
