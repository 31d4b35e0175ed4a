package cli

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var updateREADME = flag.Bool("update-readme", false, "rewrite the README's exit-code table from exitCodes")

// TestREADMEExitCodes: the README's exit-code table is the one made from
// exitCodes and failureClasses, the list the contract test runs, so the
// two cannot drift apart. go test ./cli -run TestREADMEExitCodes
// -update-readme rewrites it.
func TestREADMEExitCodes(t *testing.T) {
	const readme = "../README.md"
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, "\n| code |")
	if start < 0 || !strings.Contains(text[:start], "## Exit codes") {
		t.Fatal("README.md has no exit-code table under '## Exit codes'")
	}
	start++
	end := start
	for end < len(text) && strings.HasPrefix(text[end:], "|") {
		end += strings.Index(text[end:], "\n") + 1
	}
	want := exitCodeTable()
	if text[start:end] == want {
		return
	}
	if *updateREADME {
		if err := os.WriteFile(readme, []byte(text[:start]+want+text[end:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's exit-code table differs from exitCodes (go test ./cli -run TestREADMEExitCodes -update-readme rewrites it):\n--- README\n%s--- want\n%s", text[start:end], want)
}
