package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun runs the example: every step must give the result it checks.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, filepath.Join("..", "testdata", "blinker.circuit.json")); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "R2 10k→47k") {
		t.Errorf("the second save's summary does not name the edit:\n%s", out.String())
	}
	t.Log("\n" + out.String())
}
