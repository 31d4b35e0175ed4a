package draw

import (
	"io"
	"os"
	"testing"

	"github.com/circuitvc/circuitvc/internal/circuit/gen"
)

// BenchmarkParseNative50k draws a 50,000-component native file.
func BenchmarkParseNative50k(b *testing.B) {
	data := gen.Native(50000, 1)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse("big.circuit.json", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReportBigBoard builds the report of an edited 1.4 MB board
// from its two files: parse both, compare, write the page.
func BenchmarkReportBigBoard(b *testing.B) {
	dir := os.Getenv("CIRCUITVC_CORPUS")
	if dir == "" {
		b.Skip("CIRCUITVC_CORPUS is unset")
	}
	data := mustRead(b, corpus(b, "tscircuit/led-water-accelerometer.json"))
	edited, _, _, _, _ := editTscircuit(b, data)
	b.SetBytes(int64(len(data) + len(edited)))
	for b.Loop() {
		old, _ := Parse("a.json", data, Options{})
		nw, _ := Parse("a.json", edited, Options{})
		if err := WriteReport(io.Discard, []FileDiff{{Path: "a.json", Old: old, New: nw, Changes: Compare(old, nw)}}, ReportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
