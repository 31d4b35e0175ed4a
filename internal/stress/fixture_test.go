//go:build !windows

package stress

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fixture is the working file a kill run edits: its starting bytes and
// how to make a small, still valid edit of any version of it.
type fixture struct {
	name   string         // working file name
	data   []byte         // first version
	target *regexp.Regexp // values an edit may change: submatch 1 is replaced
	quote  bool           // replacement is a JSON string (else a number)
	source string         // where it came from, for the log
}

// killFixture is the 1.4 MB tscircuit file of the corpus when
// CIRCUITVC_CORPUS is set, else a generated native circuit.
func killFixture(t *testing.T) fixture {
	t.Helper()
	if dir := os.Getenv("CIRCUITVC_CORPUS"); dir != "" {
		p := filepath.Join(dir, "tscircuit", "led-water-accelerometer.json")
		data, err := os.ReadFile(p)
		if err == nil {
			return fixture{name: "board.json", data: data, source: p,
				target: regexp.MustCompile(`"[xy]": (-?[0-9]+(?:\.[0-9]+)?)`)}
		}
		t.Logf("CIRCUITVC_CORPUS set but %s unreadable (%v): using a generated circuit", p, err)
	}
	return fixture{name: "board.circuit.json", data: genCircuit(3000, "gen"), quote: true,
		source: "generated native circuit, 3000 components",
		target: regexp.MustCompile(`"value": "([^"]*)"`)}
}

// edit changes one randomly chosen value of data to one derived from
// tag, which the caller keeps unique so that every edit is new content.
func (f fixture) edit(data []byte, rng *rand.Rand, tag int) []byte {
	locs := f.target.FindAllSubmatchIndex(data, -1)
	if len(locs) == 0 {
		// Not a version this fixture wrote: make the file the first
		// version again with an edit, still a whole valid file.
		return f.edit(f.data, rng, tag)
	}
	m := locs[rng.IntN(len(locs))]
	repl := fmt.Sprintf("%d.%d", rng.IntN(100)-50, tag)
	if f.quote {
		repl = fmt.Sprintf("%dk%d", rng.IntN(100), tag)
	}
	if string(data[m[2]:m[3]]) == repl {
		// The value may be there already (a board holds many "3.1"s),
		// and an edit must change the bytes.
		repl += "0"
	}
	var b bytes.Buffer
	b.Grow(len(data) + len(repl))
	b.Write(data[:m[2]])
	b.WriteString(repl)
	b.Write(data[m[3]:])
	return b.Bytes()
}

// genCircuit makes a valid native circuit of n components: a chain of
// resistors and capacitors joined by nets, every pin on exactly one net.
// tag goes into the title and values, so that different tags give
// different bytes.
func genCircuit(n int, tag string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "{\n  \"version\": \"1\",\n  \"metadata\": {\"title\": \"stress %s\", \"revision\": \"A\"},\n  \"components\": [\n", tag)
	for i := 1; i <= n; i++ {
		kind, ref, val, fp := "resistor", "R", "10k", "0805"
		if i%3 == 0 {
			kind, ref, val, fp = "capacitor", "C", "100nF", "0402"
		}
		sep := ","
		if i == n {
			sep = ""
		}
		fmt.Fprintf(&b, "    {\"id\": \"%s%d\", \"type\": \"%s\", \"value\": \"%s\", \"footprint\": \"%s\", \"pins\": [\"1\", \"2\"], \"position\": {\"x\": %d, \"y\": %d}}%s\n",
			ref, i, kind, val, fp, i%100, i/100, sep)
	}
	b.WriteString("  ],\n  \"nets\": [\n")
	refName := func(i int) string {
		if i%3 == 0 {
			return fmt.Sprintf("C%d", i)
		}
		return fmt.Sprintf("R%d", i)
	}
	fmt.Fprintf(&b, "    {\"name\": \"IN\", \"connections\": [\"%s.1\"]},\n", refName(1))
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "    {\"name\": \"N%d\", \"connections\": [\"%s.2\", \"%s.1\"]},\n", i, refName(i), refName(i+1))
	}
	fmt.Fprintf(&b, "    {\"name\": \"OUT\", \"connections\": [\"%s.2\"]}\n  ]\n}\n", refName(n))
	return []byte(b.String())
}

// smallCircuit is a small valid native circuit whose R1 value is value:
// the file each concurrent writer edits.
func smallCircuit(owner, value string) []byte {
	return fmt.Appendf(nil, `{
  "version": "1",
  "metadata": {"title": "%s"},
  "components": [
    {"id": "R1", "type": "resistor", "value": "%s", "footprint": "0805", "pins": ["1", "2"]},
    {"id": "C1", "type": "capacitor", "value": "100nF", "footprint": "0402", "pins": ["1", "2"]}
  ],
  "nets": [
    {"name": "IN", "connections": ["R1.1"]},
    {"name": "MID", "connections": ["R1.2", "C1.1"]},
    {"name": "GND", "connections": ["C1.2"]}
  ]
}
`, owner, value)
}
