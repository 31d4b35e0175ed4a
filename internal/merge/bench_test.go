package merge

import "testing"

// BenchmarkMergeBig merges two one-value edits of the 1.4 MB board, the
// reference workload (the whole-process figure is in the README).
func BenchmarkMergeBig(b *testing.B) {
	const f = "board.json"
	base := readCorpus(b, "tscircuit/led-water-accelerometer.json")
	ours := set(b, f, base, P(id("source_component_50"), "capacitance"), `0.00022`)
	theirs := set(b, f, base, P(id("source_net_0"), "name"), `"VBUS"`)
	b.SetBytes(int64(len(base)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r, err := Merge(base, ours, theirs, Options{Name: f}); err != nil || len(r.Conflicts) > 0 {
			b.Fatal(err, r.Conflicts)
		}
	}
}
