package circuit

import (
	"fmt"
	corpusdata "github.com/circuitvc/circuitvc/internal/corpus"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpus returns the shared real-data folder or skips the test.
func corpus(t testing.TB) string { t.Helper(); return corpusdata.Dir(t) }

// readCorpus reads one file of the corpus.
func readCorpus(t testing.TB, rel string) []byte { t.Helper(); return corpusdata.Read(t, rel) }

// readFixture reads a file of this package's testdata.
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// mustParse parses or fails the test.
func mustParse(t testing.TB, name string, data []byte) *Circuit {
	t.Helper()
	c, err := Parse(name, data)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return c
}

// replaceOnce replaces exactly one occurrence of old, failing otherwise,
// so that edits made by tests cannot silently miss.
func replaceOnce(t testing.TB, data []byte, old, new string) []byte {
	t.Helper()
	if n := strings.Count(string(data), old); n != 1 {
		t.Fatalf("edit %q: found %d occurrences, want 1", old, n)
	}
	return []byte(strings.Replace(string(data), old, new, 1))
}

// bomLine finds the BOM line that holds ref.
func bomLine(c *Circuit, ref string) *BOMLine {
	for _, l := range c.BOM() {
		for _, r := range l.Refs {
			if r == ref {
				return &l
			}
		}
	}
	return nil
}

// fmtSscanf reads "(+N more)".
func fmtSscanf(s string, n *int) (int, error) { return fmt.Sscanf(s, "(+%d more)", n) }

// readCorpusOrNil reads a corpus file, or gives nil when there is no corpus.
func readCorpusOrNil(rel string) []byte {
	dir := os.Getenv("CIRCUITVC_CORPUS")
	if dir == "" {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil
	}
	return data
}
