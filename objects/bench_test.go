package objects

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// largeCircuit is the 1.4 MB tscircuit file when CIRCUITVC_CORPUS is set,
// else a generated file of the same size.
func largeCircuit(b *testing.B) []byte {
	if dir := os.Getenv("CIRCUITVC_CORPUS"); dir != "" {
		data, err := os.ReadFile(filepath.Join(dir, "tscircuit", "led-water-accelerometer.json"))
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	var buf bytes.Buffer
	for i := 0; buf.Len() < 1394808; i++ {
		fmt.Fprintf(&buf, "{\"type\": \"pcb_trace\", \"id\": \"t%d\", \"x\": %d.%03d, \"y\": %d},\n", i, i*7%997, i%1000, i*13%389)
	}
	return buf.Bytes()
}

func BenchmarkWrite(b *testing.B) {
	large := largeCircuit(b)
	for _, bc := range []struct {
		name string
		data []byte
	}{
		{"small", []byte(`{"id": "R5", "value": "10k", "footprint": "0402"}`)},
		{"1.4MB", large},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s, _ := newStore(b)
			data := append([]byte(nil), bc.data...)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				copy(data[len(data)-8:], fmt.Sprintf("%08d", i)) // a new object each time
				if _, err := s.Write(plumbing.BlobObject, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("existing-1.4MB", func(b *testing.B) {
		s, _ := newStore(b)
		s.Write(plumbing.BlobObject, large)
		b.SetBytes(int64(len(large)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Write(plumbing.BlobObject, large); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkRead(b *testing.B) {
	large := largeCircuit(b)
	for _, bc := range []struct {
		name   string
		data   []byte
		packed bool
	}{
		{"small-loose", []byte(`{"id": "R5", "value": "10k"}`), false},
		{"1.4MB-loose", large, false},
		{"small-packed", []byte(`{"id": "R5", "value": "10k"}`), true},
		{"1.4MB-packed", large, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s, _ := newStore(b)
			h, _ := s.Write(plumbing.BlobObject, bc.data)
			if bc.packed {
				if _, err := s.Pack(context.Background(), PackOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(len(bc.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := s.Read(h); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWriteTree1000(b *testing.B) {
	s, _ := newStore(b)
	blob, _ := s.Write(plumbing.BlobObject, []byte("x"))
	entries := make([]TreeEntry, 1000)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		for j := range entries {
			entries[j] = TreeEntry{Name: fmt.Sprintf("board-%04d-%d.circuit.json", (j*7919)%1000, i), Mode: filemode.Regular, Hash: blob}
		}
		if _, err := s.WriteTree(&Tree{Entries: entries}); err != nil {
			b.Fatal(err)
		}
	}
}

// historyTemplate writes n commits of a small circuit into a store once
// per process; benchmarks copy it instead of paying n×3 fsyncs each time.
func historyTemplate(b *testing.B, n int) (string, Hash) {
	dir := filepath.Join(b.TempDir(), ".circuitvc")
	if err := Init(fsx.OS(), dir); err != nil {
		b.Fatal(err)
	}
	s, _ := Open(fsx.OS(), dir)
	defer s.Close()
	commits := writeHistory(b, s, n, circuitVersion)
	return dir, commits[n-1]
}

func copyDir(b *testing.B, src string) string {
	dst := filepath.Join(b.TempDir(), ".circuitvc")
	if out, err := exec.Command("cp", "-a", src, dst).CombinedOutput(); err != nil {
		b.Fatalf("cp: %v %s", err, out)
	}
	return dst
}

func BenchmarkPack1000Commits(b *testing.B) {
	tmpl, _ := historyTemplate(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s, err := Open(fsx.OS(), copyDir(b, tmpl))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		st, err := s.Pack(context.Background(), PackOptions{})
		if err != nil || st.Objects != 3000 {
			b.Fatalf("Pack = %+v, %v", st, err)
		}
		b.ReportMetric(float64(st.PackSize), "pack-bytes")
		s.Close()
	}
}

// BenchmarkLog1000 walks 1000 commits from the newest, reading each
// commit and its tree, as `log` does.
func BenchmarkLog1000(b *testing.B) {
	tmpl, tip := historyTemplate(b, 1000)
	for _, packed := range []bool{false, true} {
		b.Run(fmt.Sprintf("packed=%v", packed), func(b *testing.B) {
			dir := copyDir(b, tmpl)
			s, _ := Open(fsx.OS(), dir)
			defer s.Close()
			if packed {
				if _, err := s.Pack(context.Background(), PackOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for h := tip; !h.IsZero(); n++ {
					c, err := s.ReadCommit(h)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := s.ReadTree(c.Tree); err != nil {
						b.Fatal(err)
					}
					h = ZeroHash
					if len(c.Parents) > 0 {
						h = c.Parents[0]
					}
				}
			}
		})
	}
}

func BenchmarkVerify1000Commits(b *testing.B) {
	tmpl, _ := historyTemplate(b, 1000)
	for _, packed := range []bool{false, true} {
		b.Run(fmt.Sprintf("packed=%v", packed), func(b *testing.B) {
			s, _ := Open(fsx.OS(), copyDir(b, tmpl))
			defer s.Close()
			if packed {
				if _, err := s.Pack(context.Background(), PackOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				st, err := s.Verify(context.Background(), nil)
				if err != nil || st.Problems != 0 || st.Objects() != 3000 {
					b.Fatalf("Verify = %+v, %v", st, err)
				}
			}
		})
	}
}

// BenchmarkCommitCache1000 walks 1000 commits from the newest as `log`
// does (commits only, no trees), through the commit cache (warm: the
// file holds every commit) or through Store.ReadCommit.
func BenchmarkCommitCache1000(b *testing.B) {
	tmpl, tip := historyTemplate(b, 1000)
	for _, mode := range []string{"loose", "packed", "loose-cached", "packed-cached"} {
		b.Run(mode, func(b *testing.B) {
			dir := copyDir(b, tmpl)
			s, _ := Open(fsx.OS(), dir)
			defer s.Close()
			if strings.HasPrefix(mode, "packed") {
				if _, err := s.Pack(context.Background(), PackOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			cached := strings.HasSuffix(mode, "-cached")
			walk := func() {
				read := s.ReadCommit
				var cc *CommitCache
				if cached {
					cc = s.OpenCommitCache()
					read = cc.ReadCommit
				}
				for h := tip; !h.IsZero(); {
					c, err := read(h)
					if err != nil {
						b.Fatal(err)
					}
					h = ZeroHash
					if len(c.Parents) > 0 {
						h = c.Parents[0]
					}
				}
				if cc != nil {
					if err := cc.Close(); err != nil {
						b.Fatal(err)
					}
				}
			}
			walk() // fills the cache
			b.ReportAllocs()
			for b.Loop() {
				walk()
			}
		})
	}
}
