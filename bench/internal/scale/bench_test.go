package scale

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// The benchmarks below run circuitvc's command line in-process on the
// rows of bench/compare.sh, so that `go test -cpuprofile` shows where
// each row's time goes:
//
//	go test -run '^$' -bench Save -cpuprofile save.prof ./bench/internal/scale
//	go tool pprof -top save.prof

const led = "led-water-accelerometer.json"

func benchHistory(b *testing.B, n int) (string, []string) {
	data := corpusFile(b)
	dir := b.TempDir()
	repo, err := Builder{AutoGC: 0}.Init(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer repo.Close()
	commits, err := Builder{}.History(context.Background(), repo, 0, n, func(i int) (map[string][]byte, string, error) {
		d, err := SetResistance(data, 1000+i)
		return map[string][]byte{led: d}, fmt.Sprint("R1 ", 1000+i), err
	})
	if err != nil {
		b.Fatal(err)
	}
	hs := make([]string, len(commits))
	for i, c := range commits {
		hs[i] = c.String()
	}
	return dir, hs
}

func run(b *testing.B, dir string, args ...string) {
	if _, err := (inProcess{}).Run(context.Background(), dir, args...); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSave is the save row: a one-value edit of the 1.4 MB file.
func BenchmarkSave(b *testing.B) {
	for _, auto := range []bool{false, true} {
		b.Run(fmt.Sprintf("semantic=%v", auto), func(b *testing.B) {
			dir, _ := benchHistory(b, 5)
			data := corpusFile(b)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				d, _ := SetResistance(data, 5000+i)
				if err := os.WriteFile(filepath.Join(dir, led), d, 0o644); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if auto {
					run(b, dir, "save")
				} else {
					run(b, dir, "save", "-m", "edit")
				}
			}
		})
	}
}

// BenchmarkLog is the log -n 1000 row (on a 200-save history).
func BenchmarkLog(b *testing.B) {
	dir, _ := benchHistory(b, 200)
	b.ReportAllocs()
	for b.Loop() {
		run(b, dir, "log", "-n", "1000")
	}
}

// BenchmarkRestore is the restore row.
func BenchmarkRestore(b *testing.B) {
	dir, hs := benchHistory(b, 20)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		run(b, dir, "restore", "--to", hs[i%2*10], led)
	}
}

// BenchmarkDiff is the semantic diff row.
func BenchmarkDiff(b *testing.B) {
	old, new, err := DiffPair(corpusFile(b))
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	a, c := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	if err := os.WriteFile(a, old, 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(c, new, 0o644); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		run(b, dir, "diff", a, c)
	}
}
