package objects

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/klauspost/compress/zlib"
)

// looseTempPrefix is git's own prefix for temp objects, so that a crash
// leftover is recognised (and eventually pruned) by stock git as well.
const looseTempPrefix = "tmp_obj_"

// maxHeaderLen bounds "<type> <size>\x00": "commit" + ' ' + 19 digits + NUL.
const maxHeaderLen = 32

func (s *Store) loosePath(h Hash) string {
	hex := h.String()
	return filepath.Join(s.objDir, hex[:2], hex[2:])
}

// writeLooseStream hashes and compresses r in one pass (io.MultiWriter),
// then installs the temp file under the name it turned out to have.
func (s *Store) writeLooseStream(t Type, size int64, r io.Reader) (Hash, error) {
	hs := newHasher(t, size)
	pf, err := s.writeTemp(func(zw io.Writer) error {
		if _, err := zw.Write(header(t, size)); err != nil {
			return err
		}
		n, err := io.CopyN(io.MultiWriter(zw, hs), r, size)
		if err == io.EOF {
			return fmt.Errorf("input ended after %d of %d bytes: %w", n, size, io.ErrUnexpectedEOF)
		}
		if err != nil {
			return err
		}
		var probe [1]byte
		if m, _ := io.ReadFull(r, probe[:]); m > 0 {
			return fmt.Errorf("input is longer than the declared %d bytes", size)
		}
		return nil
	})
	if err != nil {
		return ZeroHash, fmt.Errorf("objects: write stream: %w", err)
	}
	defer pf.Cleanup()
	h, collision := hs.sum()
	if collision {
		return ZeroHash, fmt.Errorf("objects: write %s: %w", h, errCollision)
	}
	return h, s.install(pf, h)
}

// writeTemp creates objects/tmp_obj_* with O_EXCL and mode 0444, lets fill
// write the compressed stream, fsyncs and closes it. On error nothing is
// left behind.
func (s *Store) writeTemp(fill func(zw io.Writer) error) (*fsx.PendingFile, error) {
	pf, err := fsx.NewPendingFile(s.fsys, s.objDir, looseTempPrefix, 0o444)
	if err != nil {
		return nil, err
	}
	// The compressor emits small blocks; one write call per 64 KiB.
	bw := bufio.NewWriterSize(pf, 64<<10)
	zw := s.getZlibWriter(bw)
	defer s.zw.Put(zw)
	err = fill(zw)
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = pf.Close()
	}
	if err != nil {
		_ = pf.Cleanup()
		return nil, err
	}
	return pf, nil
}

func (s *Store) getZlibWriter(w io.Writer) *zlib.Writer {
	if zw, ok := s.zw.Get().(*zlib.Writer); ok {
		zw.Reset(w)
		return zw
	}
	zw, err := zlib.NewWriterLevel(w, s.opts.CompressionLevel)
	if err != nil { // invalid level: fall back rather than fail every write
		zw, _ = zlib.NewWriterLevel(w, zlib.BestSpeed)
	}
	return zw
}

// install gives the fsynced temp file its final name without ever
// replacing a good object: a hard link fails if the name exists, and an
// existing object is simply reused. Where links are unsupported it falls
// back to a rename, only when the name is still free. Then the objects/xx
// directory (and objects/ if xx is new) is fsynced.
func (s *Store) install(pf *fsx.PendingFile, h Hash) error {
	dir, created, err := s.link(pf, h)
	if err != nil {
		return err
	}
	if err := s.fsys.SyncDir(dir); err != nil {
		return fmt.Errorf("objects: write %s: %w", h, err)
	}
	if created {
		if err := s.fsys.SyncDir(s.objDir); err != nil {
			return fmt.Errorf("objects: write %s: %w", h, err)
		}
	}
	return nil
}

// link gives the fsynced temp file its final name (see install) and
// reports the fan-out directory that changed and whether it is new; the
// caller fsyncs them. On error the temp file is removed.
func (s *Store) link(pf *fsx.PendingFile, h Hash) (dir string, created bool, err error) {
	final := s.loosePath(h)
	dir = filepath.Dir(final)
	if err = s.fsys.Mkdir(dir, 0o755); err == nil {
		created = true
	} else if !errors.Is(err, fs.ErrExist) {
		_ = pf.Cleanup()
		return "", false, fmt.Errorf("objects: write %s: %w", h, err)
	}
	if err := s.place(pf, final, h); err != nil {
		_ = pf.Cleanup()
		return "", false, fmt.Errorf("objects: write %s: %w", h, err)
	}
	return dir, created, nil
}

func (s *Store) place(pf *fsx.PendingFile, final string, h Hash) error {
	lerr := pf.Link(final)
	if lerr == nil || pf.Committed() {
		return lerr
	}
	fi, serr := s.fsys.Stat(final)
	switch {
	case serr == nil && fi.Size() > 0 && !s.looseDamaged(h):
		return pf.Cleanup() // already there: deduplicated
	case serr == nil || errors.Is(serr, fs.ErrNotExist):
		// No link support, or an empty or damaged file left by a crashed
		// writer that did not fsync (git does not by default): replacing
		// it with our fsynced copy loses nothing.
		if rerr := pf.Rename(final); rerr != nil {
			return errors.Join(lerr, rerr)
		}
		return nil
	default:
		return errors.Join(lerr, serr)
	}
}

// looseDamaged reports whether h has a loose file that does not read back
// whole — empty, truncated or otherwise damaged, as a writer that did not
// fsync can leave it after a power cut — so that Write replaces it instead
// of deduplicating against it. A missing loose file is not damage. The
// check inflates and hashes the file: it runs only when a write finds its
// object already stored loose.
func (s *Store) looseDamaged(h Hash) bool {
	path := s.loosePath(h)
	f, err := s.fsys.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return !errors.Is(err, fs.ErrNotExist)
	}
	r, err := newLooseReader(s, f, h, path, true)
	if err != nil {
		_ = f.Close()
		return true
	}
	defer r.Close()
	_, err = io.Copy(io.Discard, r)
	return err != nil
}

// openLoose opens objects/xx/yyyy and parses its header.
func (s *Store) openLoose(h Hash) (Type, int64, io.ReadCloser, error) {
	path := s.loosePath(h)
	f, err := s.fsys.OpenFile(path, 0, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, 0, nil, notFound(h)
	}
	if err != nil {
		return 0, 0, nil, fmt.Errorf("objects: read %s: %w", h, err)
	}
	r, err := newLooseReader(s, f, h, path, s.opts.VerifyReads)
	if err != nil {
		_ = f.Close()
		return 0, 0, nil, err
	}
	return r.typ, r.size, r, nil
}

// readLoose reads a whole loose object, checking size and zlib checksum.
func (s *Store) readLoose(h Hash) (Type, []byte, error) {
	t, size, rc, err := s.openLoose(h)
	if err != nil {
		return 0, nil, err
	}
	defer rc.Close()
	r := rc.(*looseReader)
	data, err := readExact(r, size)
	if err != nil {
		return 0, nil, r.wrap(err)
	}
	if err := r.finish(); err != io.EOF {
		return 0, nil, err
	}
	return t, data, nil
}

// looseReader inflates a loose object's content after its header, refusing
// content longer or shorter than the header declares, a bad zlib checksum
// and, when verify is set, a hash that does not match the name.
type looseReader struct {
	s         *Store
	f         fsx.File
	zr        io.ReadCloser
	pending   []byte // content bytes read along with the header
	typ       Type
	size      int64
	remaining int64
	h         Hash
	path      string
	hs        *hasher
	err       error // sticky
}

func newLooseReader(s *Store, f fsx.File, h Hash, path string, verify bool) (*looseReader, error) {
	r := &looseReader{s: s, f: f, h: h, path: path}
	zr, err := s.getZlibReader(f)
	if err != nil {
		if fi, serr := f.Stat(); serr == nil && fi.Size() == 0 {
			err = errors.New("empty file")
		}
		return nil, corrupt(h, path, "zlib: %w", err)
	}
	r.zr = zr
	if err := r.readHeader(); err != nil {
		r.release()
		return nil, err
	}
	if verify {
		hs := newHasher(r.typ, r.size)
		r.hs = &hs
		hs.Write(r.pending)
	}
	return r, nil
}

func (r *looseReader) readHeader() error {
	var buf [maxHeaderLen]byte
	n := 0
	for {
		if i := bytes.IndexByte(buf[:n], 0); i >= 0 {
			t, size, err := parseHeader(buf[:i], r.s.opts.MaxObjectSize)
			if err != nil {
				return &CorruptError{Hash: r.h, Path: r.path, Err: err}
			}
			r.typ, r.size, r.remaining = t, size, size
			r.pending = append([]byte(nil), buf[i+1:n]...)
			if int64(len(r.pending)) > size {
				return corrupt(r.h, r.path, "content longer than the %d bytes its header declares", size)
			}
			r.remaining -= int64(len(r.pending))
			return nil
		}
		if n == len(buf) {
			return corrupt(r.h, r.path, "no object header in the first %d bytes", len(buf))
		}
		m, err := r.zr.Read(buf[n:])
		n += m
		if err != nil && bytes.IndexByte(buf[:n], 0) < 0 {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return corrupt(r.h, r.path, "reading header: %w", err)
		}
	}
}

// parseHeader parses "<type> <size>" (without the NUL).
func parseHeader(b []byte, limit int64) (Type, int64, error) {
	sp := bytes.IndexByte(b, ' ')
	if sp < 0 {
		return 0, 0, fmt.Errorf("malformed header %q", b)
	}
	t, err := plumbing.ParseObjectType(string(b[:sp]))
	if err != nil || !validType(t) {
		return 0, 0, fmt.Errorf("unknown object type %q", b[:sp])
	}
	digits := b[sp+1:]
	if len(digits) == 0 || len(digits) > 19 {
		return 0, 0, fmt.Errorf("malformed size %q", digits)
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, 0, fmt.Errorf("malformed size %q", digits)
		}
	}
	size, err := strconv.ParseInt(string(digits), 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("malformed size %q", digits)
	}
	if size > limit {
		return 0, 0, fmt.Errorf("declares %d bytes, beyond the limit of %d", size, limit)
	}
	return t, size, nil
}

func (r *looseReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if len(r.pending) > 0 {
		n := copy(p, r.pending)
		r.pending = r.pending[n:]
		return n, nil
	}
	if r.remaining == 0 {
		r.err = r.finish()
		return 0, r.err
	}
	if int64(len(p)) > r.remaining {
		p = p[:r.remaining]
	}
	n, err := r.zr.Read(p)
	r.remaining -= int64(n)
	if r.hs != nil {
		r.hs.Write(p[:n])
	}
	switch {
	case err == io.EOF && r.remaining > 0:
		r.err = corrupt(r.h, r.path, "content ends %d bytes short of the %d its header declares", r.remaining, r.size)
	case err != nil && err != io.EOF:
		r.err = r.wrap(err)
	}
	if r.err != nil {
		return n, r.err
	}
	return n, nil
}

// finish checks that the stream ends where the header says, with a good
// zlib checksum (and hash); it returns io.EOF when all is well.
func (r *looseReader) finish() error {
	var probe [1]byte
	n, err := r.zr.Read(probe[:])
	for n == 0 && err == nil {
		n, err = r.zr.Read(probe[:])
	}
	if n > 0 {
		return corrupt(r.h, r.path, "content longer than the %d bytes its header declares", r.size)
	}
	if err != io.EOF {
		return r.wrap(err)
	}
	if r.hs != nil {
		if got, collision := r.hs.sum(); got != r.h || collision {
			return corrupt(r.h, r.path, "content hashes to %s", got)
		}
	}
	return io.EOF
}

func (r *looseReader) wrap(err error) error {
	var ce *CorruptError
	if errors.As(err, &ce) {
		return err
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return corrupt(r.h, r.path, "content ends short of the %d bytes its header declares", r.size)
	}
	return corrupt(r.h, r.path, "zlib: %w", err)
}

func (r *looseReader) release() {
	if r.zr != nil {
		r.s.zr.Put(r.zr)
		r.zr = nil
	}
}

// Close releases the file.
func (r *looseReader) Close() error {
	r.release()
	if r.err == nil {
		r.err = errors.New("objects: read after close")
	}
	return r.f.Close()
}

func (s *Store) getZlibReader(src io.Reader) (io.ReadCloser, error) {
	if zr, ok := s.zr.Get().(io.ReadCloser); ok {
		if err := zr.(zlib.Resetter).Reset(src, nil); err != nil {
			s.zr.Put(zr)
			return nil, err
		}
		return zr, nil
	}
	return zlib.NewReader(src)
}

// readExact reads size bytes from r. The buffer grows as bytes arrive, not
// as the header promises, so that a small hostile object declaring a huge
// size cannot make us allocate it.
func readExact(r io.Reader, size int64) ([]byte, error) {
	const firstChunk = 8 << 20
	buf := make([]byte, 0, min(size, firstChunk))
	for int64(len(buf)) < size {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, int(min(size, 2*int64(cap(buf)))-int64(len(buf))))
		}
		n, err := r.Read(buf[len(buf):min(int64(cap(buf)), size)])
		buf = buf[:len(buf)+n]
		if err == io.EOF && int64(len(buf)) < size {
			return buf, io.ErrUnexpectedEOF
		}
		if err != nil && err != io.EOF {
			return buf, err
		}
	}
	return buf, nil
}
