// Command biggen writes the big-diff workload of bench/bigdiff.sh: a
// generated native circuit of N parts (internal/circuit/gen) and a copy
// with scattered edits (three unless -edits says), as OUT/a.circuit.json
// and OUT/b.circuit.json.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/circuitvc/circuitvc/internal/circuit/gen"
)

func main() {
	n := flag.Int("n", 200000, "number of parts")
	out := flag.String("out", ".", "output `DIR`")
	edits := flag.Int("edits", 3, "number of edits in b.circuit.json")
	flag.Parse()
	d := gen.New(*n, 7)
	a := d.JSON()
	d.Edit(*edits, 42)
	b := d.JSON()
	for name, data := range map[string][]byte{"a.circuit.json": a, "b.circuit.json": b} {
		if err := os.WriteFile(filepath.Join(*out, name), data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "biggen:", err)
			os.Exit(1)
		}
	}
	fmt.Printf("%d parts, %.1f MB per file\n", *n, float64(len(a))/1e6)
}
