package objects

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/pjbgf/sha1cd"

	"github.com/circuitvc/circuitvc/fsx"
)

// ErrBadPack reports a received pack that is not a whole, valid pack.
var ErrBadPack = errors.New("objects: received pack is invalid")

// DefaultSendWindow is SendPack's delta window when PackOptions.Window
// is zero. go-git's encoder rebuilds the delta index of a base for every
// object compared with it, so its time grows with the window; on 60
// versions of the 1.4 MB board with one-value edits, window 4 made a
// pack of the same size as git's default 10 in less than half the time
// (window 2: 1.7 times larger).
const DefaultSendWindow = 4

// SendPack writes a pack holding the objects hashes to w, with deltas
// (opts.Window, default DefaultSendWindow; opts.CacheBytes and
// opts.Progress as for Pack), through go-git's packfile encoder: what a
// push sends and an upload serves. It returns the pack's checksum.
func (s *Store) SendPack(ctx context.Context, w io.Writer, hashes []Hash, opts PackOptions) (Hash, error) {
	if opts.Window == 0 {
		opts.Window = DefaultSendWindow
	}
	job := &packJob{hashes: hashes}
	src := newPackSource(s, job, opts)
	if err := src.scan(ctx); err != nil {
		return ZeroHash, err
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	sum, err := packfile.NewEncoder(bw, src, false).Encode(hashes, uint(src.window(opts.Window)))
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return ZeroHash, fmt.Errorf("objects: send pack: %w", err)
	}
	return sum, nil
}

// ReceiveStats says what ReceivePack stored.
type ReceiveStats struct {
	Objects int    // objects in the pack
	Bytes   int64  // its size
	Pack    string // where it now is; "" when it held no object
}

// ReceivePack stores the pack that r yields — what a fetch or a push
// brings — with the durability protocol of Pack:
//
//  1. the bytes go to objects/pack/tmp_pack_* while their SHA-1 is
//     computed, and must end with that checksum;
//  2. the pack is fsynced and read back from disk as `git index-pack`
//     reads it (indexPack's reader), which inflates every object,
//     resolves its deltas (a thin pack, whose bases are missing, is
//     refused) and hashes it; the index is built from that read and
//     written to tmp_idx_*, fsynced;
//  3. pack then index are renamed into place and objects/pack is fsynced.
//
// Until the index is renamed no reader sees any of it; a crash leaves at
// worst a temp file, which gc removes. progress, when set, is called with
// the bytes received so far as they arrive. The objects' connectivity
// (that every object they name is present) is the caller's to check, as
// only it knows which refs will point into the pack.
func (s *Store) ReceivePack(ctx context.Context, r io.Reader, progress func(bytes int64)) (ReceiveStats, error) {
	var st ReceiveStats
	dir := s.packDir()
	if err := fsx.MkdirAll(s.fsys, dir, 0o755); err != nil {
		return st, fmt.Errorf("objects: receive pack: %w", err)
	}
	pf, err := fsx.NewPendingFile(s.fsys, dir, "tmp_pack_", 0o444)
	if err != nil {
		return st, fmt.Errorf("objects: receive pack: %w", err)
	}
	defer pf.Cleanup()
	sum := newTrailerHash()
	cw := &countWriter{ctx: ctx, w: io.MultiWriter(pf, sum), progress: progress}
	if _, err := io.Copy(cw, bufio.NewReaderSize(r, 256<<10)); err != nil {
		return st, fmt.Errorf("objects: receive pack into %s: %w", pf.Name(), err)
	}
	st.Bytes = cw.n
	if cw.n == 0 {
		return st, nil // nothing was sent: nothing needed
	}
	want, ok := sum.check()
	if !ok {
		return st, fmt.Errorf("%w: %s: %d bytes, truncated or damaged (checksum mismatch)", ErrBadPack, pf.Name(), cw.n)
	}
	idx, n, err := s.indexReceived(pf.File(), want)
	if err != nil || n == 0 {
		return st, err
	}
	st.Objects = n
	if err := pf.Close(); err != nil {
		return st, fmt.Errorf("objects: receive pack: write %s: %w", pf.Name(), err)
	}
	ipf, err := s.writeIndexTemp(idx)
	if err != nil {
		return st, err
	}
	defer ipf.Cleanup()
	base := filepath.Join(dir, "pack-"+want.String())
	if err := pf.Rename(base + ".pack"); err != nil {
		return st, fmt.Errorf("objects: receive pack: %w", err)
	}
	if err := ipf.CommitRename(base + ".idx"); err != nil {
		return st, fmt.Errorf("objects: receive pack: %w", err)
	}
	st.Pack = base + ".pack"
	return st, s.rescanPacks()
}

// indexReceived reads a received pack back from disk with indexPack's
// sequential reader (every object inflated, its deltas rebuilt from
// bases in the pack, hashed; the trailer checked; no object may declare
// more than MaxObjectSize) and builds its index. It holds a few objects
// at a time: go-git's parser, used before, kept up to 96 MiB of bases
// and hashed every rebuilt object twice.
func (s *Store) indexReceived(f fsx.File, want Hash) (*idxfile.MemoryIndex, int, error) {
	ix := &packIndexer{f: f, progress: func() {}, maxSize: s.opts.MaxObjectSize}
	err := ix.scan()
	if err == nil {
		err = ix.resolveAll()
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return nil, 0, fmt.Errorf("objects: receive pack: read back %s: %w", f.Name(), err)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %s: %w", ErrBadPack, f.Name(), err)
	}
	if ix.sum != want {
		return nil, 0, fmt.Errorf("%w: %s: parsed checksum %s, trailer %s", ErrBadPack, f.Name(), ix.sum, want)
	}
	idx, err := ix.index()
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %s: %v", ErrBadPack, f.Name(), err)
	}
	return idx, len(ix.entries), nil
}

// countWriter counts bytes, reports them and stops when ctx is done.
type countWriter struct {
	ctx      context.Context
	w        io.Writer
	n        int64
	progress func(int64)
}

func (c *countWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	if c.progress != nil {
		c.progress(c.n)
	}
	return n, err
}

// trailerHash hashes all the bytes written to it but the last 20, and
// keeps those: a pack's content and its trailing checksum.
type trailerHash struct {
	h    hash.Hash
	tail []byte
}

func newTrailerHash() *trailerHash { return &trailerHash{h: sha1cd.New()} }

func (t *trailerHash) Write(p []byte) (int, error) {
	n := len(p)
	t.tail = append(t.tail, p...)
	if len(t.tail) > 20 {
		cut := len(t.tail) - 20
		t.h.Write(t.tail[:cut])
		t.tail = append(t.tail[:0], t.tail[cut:]...)
	}
	return n, nil
}

// check returns the trailer and whether it is the checksum of the rest.
func (t *trailerHash) check() (Hash, bool) {
	var h Hash
	if len(t.tail) != 20 {
		return h, false
	}
	copy(h[:], t.tail)
	return h, bytes.Equal(t.h.Sum(nil), t.tail)
}

// SendStored gives recv the objects hashes as packs, reusing this
// store's own: every pack at least half of whose objects are among
// hashes is given whole, as it is on disk (its deltas kept, none
// recomputed: what makes git's clone of a packed store fast), and the
// objects no such pack holds go in one new pack made by SendPack. recv
// is called once per pack, and may store a pack already given in part.
// A pack given whole may hold objects beyond hashes: a clone copies
// them, as git's local clone does.
func (s *Store) SendStored(ctx context.Context, hashes []Hash, opts PackOptions, recv func(io.Reader) error) error {
	if err := s.rescanPacks(); err != nil {
		return err
	}
	s.mu.Lock()
	packs := append([]*pack(nil), s.packs...)
	s.mu.Unlock()
	rest := hashes
	for _, p := range packs {
		total, err := p.idx.Count()
		if err != nil || total == 0 {
			continue
		}
		var in, out []Hash
		for _, h := range rest {
			if ok, _ := p.idx.Contains(h); ok {
				in = append(in, h)
			} else {
				out = append(out, h)
			}
		}
		if int64(len(in))*2 < total {
			continue
		}
		if err := s.sendFile(p.path(), recv); err != nil {
			return err
		}
		rest = out
	}
	if len(rest) == 0 {
		return nil
	}
	pr, pw := io.Pipe()
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		_, err := s.SendPack(ctx, pw, rest, opts)
		pw.CloseWithError(err) // recv sees the error
	}()
	err := recv(pr)
	pr.CloseWithError(fmt.Errorf("objects: send pack: receiver stopped: %w", context.Canceled))
	<-sent
	return err
}

// sendFile gives recv a pack file as it is.
func (s *Store) sendFile(path string, recv func(io.Reader) error) error {
	f, err := s.fsys.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return fmt.Errorf("objects: send pack: %w", err)
	}
	defer f.Close()
	return recv(bufio.NewReaderSize(f, 256<<10))
}
