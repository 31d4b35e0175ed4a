// Package corpus gives tests the real circuit files of the shared corpus
// (../shared/testdata in CI), named by the CIRCUITVC_CORPUS environment
// variable. A test that needs them is skipped, saying why, where it is
// unset, so that `go test ./...` works on a bare checkout.
package corpus

import (
	"os"
	"path/filepath"
	"testing"
)

// Env is the environment variable that names the corpus folder.
const Env = "CIRCUITVC_CORPUS"

// Dir returns the corpus folder, or skips the test when Env is unset.
func Dir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(Env)
	if dir == "" {
		t.Skip(Env + " is not set; skipping tests on real circuit files")
	}
	return dir
}

// Path returns the path of rel (slash-separated) in the corpus.
func Path(t testing.TB, rel string) string {
	t.Helper()
	return filepath.Join(Dir(t), filepath.FromSlash(rel))
}

// Read returns the bytes of rel in the corpus.
func Read(t testing.TB, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(Path(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// ShiftX moves a decoded tscircuit element's own coordinates right by dx
// (x, anchor_position, center, and the points of route and points): the
// edit a designer makes by dragging it, for tests that need one.
func ShiftX(e map[string]any, dx float64) {
	if x, ok := e["x"].(float64); ok {
		e["x"] = x + dx
	}
	for _, k := range []string{"anchor_position", "center"} {
		if p, ok := e[k].(map[string]any); ok {
			if x, ok := p["x"].(float64); ok {
				p["x"] = x + dx
			}
		}
	}
	for _, k := range []string{"route", "points"} {
		pts, _ := e[k].([]any)
		for _, p := range pts {
			if m, ok := p.(map[string]any); ok {
				if x, ok := m["x"].(float64); ok {
					m["x"] = x + dx
				}
			}
		}
	}
}
