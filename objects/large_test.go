package objects

import (
	"context"
	"io"
	"runtime"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/pjbgf/sha1cd"

	"github.com/circuitvc/circuitvc/internal/gittest"
)

// patternReader yields n bytes of a cheap, not-too-compressible pattern
// without holding them in memory.
type patternReader struct {
	n, off int64
	x      uint32
}

func (r *patternReader) Read(p []byte) (int, error) {
	if r.off >= r.n {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.n-r.off)]
	for i := range p {
		r.x = r.x*1664525 + 1013904223
		p[i] = "0123456789abcdef{}\":, \n"[r.x>>24%23]
	}
	r.off += int64(len(p))
	return len(p), nil
}

// allocated runs fn and returns the bytes it allocated.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestLargeBlobBoundedMemory writes and streams a 50 MB blob, loose and
// packed, and checks that none of it allocates anything like the blob's
// size.
func TestLargeBlobBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB blob")
	}
	const size = 50 << 20
	const budget = 4 << 20 // what a streaming path may allocate in all
	s, dir := gitBareStore(t)
	var h Hash
	var err error
	if n := allocated(func() {
		h, err = s.WriteStream(plumbing.BlobObject, size, &patternReader{n: size})
	}); n > budget {
		t.Errorf("WriteStream of 50 MB allocated %d bytes", n)
	}
	if err != nil {
		t.Fatal(err)
	}
	want := sha1cd.New()
	io.Copy(want, io.MultiReader(
		readerOf(string(header(plumbing.BlobObject, size))), &patternReader{n: size}))
	if got := Hash(want.Sum(nil)); got != h {
		t.Fatalf("WriteStream named it %s, content hashes to %s", h, got)
	}
	stream := func(what string) {
		t.Helper()
		var got Hash
		n := allocated(func() {
			typ, sz, rc, err := s.Open(h)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			hs := newHasher(typ, sz)
			if _, err := io.Copy(hs, rc); err != nil {
				t.Fatal(err)
			}
			got, _ = hs.sum()
		})
		if got != h {
			t.Fatalf("%s: streamed content hashes to %s", what, got)
		}
		if n > budget {
			t.Errorf("%s: streaming 50 MB allocated %d bytes", what, n)
		}
		t.Logf("%s: streaming 50 MB allocated %d bytes", what, n)
	}
	stream("loose")
	if _, err := s.Pack(context.Background(), PackOptions{Window: -1}); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountLoose(); n != 0 {
		t.Fatalf("%d loose objects after Pack", n)
	}
	stream("packed")
	gittest.Fsck(t, dir)
}

func readerOf(s string) io.Reader { return &stringReader{s: s} }

type stringReader struct{ s string }

func (r *stringReader) Read(p []byte) (int, error) {
	if r.s == "" {
		return 0, io.EOF
	}
	n := copy(p, r.s)
	r.s = r.s[n:]
	return n, nil
}
