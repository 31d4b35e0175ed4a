package objects

import (
	"errors"
	"fmt"
)

// errBadDelta reports a delta that does not rebuild an object from its
// base.
var errBadDelta = errors.New("invalid delta")

// applyDelta rebuilds the object that delta describes from base, as
// git's patch_delta does, into a buffer from get (called once with the
// declared size, which is checked first: it must be within max when max
// is positive). It is go-git's PatchDelta
// without its growing bytes.Buffer: rebuilding a 1.4 MB board a thousand
// times, that buffer's regrowth and zeroing cost more than hashing the
// results. The delta must be consumed exactly and fill exactly the size
// it declares.
func applyDelta(base, delta []byte, max int64, get func(n int64) []byte) ([]byte, error) {
	srcSize, delta, ok := uvarint(delta)
	if !ok || srcSize != uint64(len(base)) {
		return nil, fmt.Errorf("%w: base is %d bytes, delta wants %d", errBadDelta, len(base), srcSize)
	}
	size, delta, ok := uvarint(delta)
	// Each command byte yields at most 64 KiB: a larger declared size
	// cannot be met, and is refused before it is allocated.
	if !ok || size > uint64(len(delta))<<16 {
		return nil, fmt.Errorf("%w: declared size %d for a %d-byte delta", errBadDelta, size, len(delta))
	}
	if max > 0 && size > uint64(max) {
		return nil, fmt.Errorf("%w: declares %d bytes, beyond the limit of %d", errBadDelta, size, max)
	}
	dst := get(int64(size))[:0]
	for len(delta) > 0 {
		cmd := delta[0]
		delta = delta[1:]
		switch {
		case cmd&0x80 != 0: // copy from base
			var off, n uint64
			for i := uint(0); i < 4; i++ {
				if cmd&(1<<i) != 0 {
					if len(delta) == 0 {
						return nil, fmt.Errorf("%w: copy command cut short", errBadDelta)
					}
					off |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			for i := uint(0); i < 3; i++ {
				if cmd&(0x10<<i) != 0 {
					if len(delta) == 0 {
						return nil, fmt.Errorf("%w: copy command cut short", errBadDelta)
					}
					n |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			if n == 0 {
				n = 0x10000
			}
			if off+n > uint64(len(base)) || uint64(len(dst))+n > size {
				return nil, fmt.Errorf("%w: copy of %d bytes at %d out of bounds", errBadDelta, n, off)
			}
			dst = append(dst, base[off:off+n]...)
		case cmd != 0: // insert the next cmd bytes
			n := uint64(cmd)
			if n > uint64(len(delta)) || uint64(len(dst))+n > size {
				return nil, fmt.Errorf("%w: insert of %d bytes out of bounds", errBadDelta, n)
			}
			dst = append(dst, delta[:n]...)
			delta = delta[n:]
		default:
			return nil, fmt.Errorf("%w: command 0", errBadDelta)
		}
	}
	if uint64(len(dst)) != size {
		return nil, fmt.Errorf("%w: rebuilds %d bytes, declares %d", errBadDelta, len(dst), size)
	}
	return dst, nil
}

// uvarint reads a delta header's little-endian base-128 number.
func uvarint(b []byte) (uint64, []byte, bool) {
	var n uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if len(b) == 0 {
			return 0, nil, false
		}
		c := b[0]
		b = b[1:]
		n |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return n, b, true
		}
	}
	return 0, nil, false
}

// bufPool keeps a few byte buffers for reuse, so that rebuilding a long
// delta chain of large objects does not allocate (and zero) one new
// buffer per object. Not safe for concurrent use.
type bufPool struct{ free [][]byte }

const bufPoolSize = 4

// get returns an empty buffer with room for n bytes.
func (p *bufPool) get(n int64) []byte {
	for i, b := range p.free {
		if int64(cap(b)) >= n {
			p.free = append(p.free[:i], p.free[i+1:]...)
			return b[:0]
		}
	}
	return make([]byte, 0, n)
}

// put gives b back; its content must no longer be used.
func (p *bufPool) put(b []byte) {
	if cap(b) == 0 {
		return
	}
	if len(p.free) < bufPoolSize {
		p.free = append(p.free, b)
		return
	}
	small := 0
	for i := range p.free {
		if cap(p.free[i]) < cap(p.free[small]) {
			small = i
		}
	}
	if cap(b) > cap(p.free[small]) {
		p.free[small] = b
	}
}
