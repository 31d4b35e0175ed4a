package refs

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/circuitvc/circuitvc/objects"
)

func BenchmarkParseRev(b *testing.B) {
	for _, s := range []string{"HEAD", "current@{3}~2", hexA[:12] + "^2~10"} {
		b.Run(s, func(b *testing.B) {
			for b.Loop() {
				if _, err := ParseRev(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRead(b *testing.B) {
	s, dir := newStore(b, Options{})
	h := fakeHashes(1)[0]
	if err := s.Update(bg, HEAD, objects.ZeroHash, h, sig(), "x"); err != nil {
		b.Fatal(err)
	}
	packed := "# pack-refs with: peeled fully-peeled sorted \n"
	for i := range 100 {
		packed += fmt.Sprintf("%s refs/tags/t%03d\n", h, i)
	}
	writeFile(b, filepath.Join(dir, "packed-refs"), packed)
	for _, name := range []string{Main, HEAD, TagPrefix + "t050"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Read(name); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUpdate measures a whole update through HEAD: lock, CAS, two
// reflog appends, rename and three fsyncs on the real disk ("os"), and
// the same work without the disk ("mem").
func BenchmarkUpdate(b *testing.B) {
	hashes := fakeHashes(2)
	run := func(b *testing.B, s *Store) {
		i := 0
		for b.Loop() {
			if err := s.Update(bg, HEAD, hashes[i%2], hashes[(i+1)%2], sig(), "bench"); err != nil {
				b.Fatal(err)
			}
			i++
		}
	}
	b.Run("os", func(b *testing.B) {
		s, _ := newStore(b, Options{})
		if err := s.Update(bg, HEAD, objects.ZeroHash, hashes[0], sig(), "x"); err != nil {
			b.Fatal(err)
		}
		run(b, s)
	})
	b.Run("mem", func(b *testing.B) {
		m := fsxtest.NewMemFS()
		if err := Init(m, memDir); err != nil {
			b.Fatal(err)
		}
		s := Open(m, memDir, Options{})
		if err := s.Update(bg, HEAD, objects.ZeroHash, hashes[0], sig(), "x"); err != nil {
			b.Fatal(err)
		}
		run(b, s)
	})
}

func BenchmarkReflog(b *testing.B) {
	m := fsxtest.NewMemFS()
	if err := Init(m, memDir); err != nil {
		b.Fatal(err)
	}
	s := Open(m, memDir, Options{})
	hashes := fakeHashes(2)
	prev := objects.ZeroHash
	for i := range 1000 {
		if err := s.Update(bg, Main, prev, hashes[i%2], sig(), "save"); err != nil {
			b.Fatal(err)
		}
		prev = hashes[i%2]
	}
	b.Run("1000 entries", func(b *testing.B) {
		for b.Loop() {
			if log, err := s.Reflog(Main); err != nil || len(log) != 1000 {
				b.Fatal(len(log), err)
			}
		}
	})
}
