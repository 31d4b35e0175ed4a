package circuit

import (
	"slices"
	"unsafe"
)

// modelAlloc allocates the parts of a model read by decodeNativeStream
// in chunks: a big circuit holds hundreds of thousands of components,
// positions, nets, pin lists and short strings, and one allocation per
// chunk instead of one per value saves most of the time spent reading
// it and much of the garbage collector's work. What it hands out lives
// as long as the circuit (but for the rare duplicate that normalise
// drops), so sharing a chunk keeps next to nothing alive longer.
type modelAlloc struct {
	comps     slab[Component]
	positions slab[Position]
	nets      slab[Net]
	lists     slab[string]
	text      []byte // the current chunk of string bytes
}

// Chunks start small, so that a small circuit wastes little, and double
// up to a size past which a bigger chunk saves nothing measurable.
const (
	firstChunk = 8
	maxChunk   = 1024
	maxText    = 64 << 10
)

// slab hands out values of one type from shared chunks.
type slab[T any] struct {
	free []T
	size int // size of the last chunk
}

// grow makes sure n values are free.
func (s *slab[T]) grow(n int) {
	if len(s.free) >= n {
		return
	}
	s.size = min(max(2*s.size, firstChunk), maxChunk)
	s.free = make([]T, max(s.size, n))
}

// one returns a pointer to a new zero value.
func (s *slab[T]) one() *T {
	s.grow(1)
	v := &s.free[0]
	s.free = s.free[1:]
	return v
}

// list returns a copy of vs whose capacity is its length, so that an
// append to it cannot write into its neighbour's values.
func (s *slab[T]) list(vs []T) []T {
	s.grow(len(vs))
	out := s.free[:len(vs):len(vs)]
	copy(out, vs)
	s.free = s.free[len(vs):]
	return out
}

// string returns b as a string stored in a shared chunk. The bytes of a
// chunk are written once, before the string that holds them exists, and
// never again (later strings are appended past them), so the string is
// as immutable as any other.
func (a *modelAlloc) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > cap(a.text)-len(a.text) {
		if len(b) > maxText/16 {
			return string(b) // long strings are rare: their own allocation
		}
		size := min(max(2*cap(a.text), 64), maxText)
		a.text = make([]byte, 0, max(size, len(b)))
	}
	start := len(a.text)
	a.text = append(a.text, b...)
	return unsafe.String(&a.text[start], len(b))
}

// chunked collects a list whose length is known only at its end in
// chunks that are never copied, for one exact-size copy at the end.
type chunked[T any] struct {
	chunks [][]T
	n      int
}

func (c *chunked[T]) add(v T) {
	k := len(c.chunks)
	if k == 0 || len(c.chunks[k-1]) == cap(c.chunks[k-1]) {
		size := firstChunk
		if k > 0 {
			size = min(2*cap(c.chunks[k-1]), 64*maxChunk)
		}
		c.chunks = append(c.chunks, make([]T, 0, size))
		k++
	}
	c.chunks[k-1] = append(c.chunks[k-1], v)
	c.n++
}

// appendTo appends the list to out.
func (c *chunked[T]) appendTo(out []T) []T {
	out = slices.Grow(out, c.n)
	for _, ch := range c.chunks {
		out = append(out, ch...)
	}
	return out
}
