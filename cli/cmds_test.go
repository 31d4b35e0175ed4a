package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// gitLogMatches checks that `git log --format=%H` on the store lists
// exactly the hashes that `circuitvc log --json` lists, in order.
func gitLogMatches(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: gitlog-matches")
	}
	ts.Check(ts.Exec("circuitvc", "log", "--json"))
	var entries []struct{ Hash string }
	ts.Check(json.Unmarshal([]byte(ts.ReadFile("stdout")), &entries))
	ts.Check(ts.Exec("git", "--git-dir=.circuitvc", "log", "--format=%H"))
	want := strings.Fields(ts.ReadFile("stdout"))
	var got []string
	for _, e := range entries {
		got = append(got, e.Hash)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		ts.Fatalf("circuitvc log lists %v\ngit log lists       %v", got, want)
	}
}

// hashMatchesGit checks that `circuitvc hash FILE` starts with the id
// that `git hash-object FILE` prints.
func hashMatchesGit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: hash-matches-git FILE")
	}
	ts.Check(ts.Exec("git", "hash-object", args[0]))
	want := strings.TrimSpace(ts.ReadFile("stdout"))
	ts.Check(ts.Exec("circuitvc", "hash", args[0]))
	got := strings.Fields(ts.ReadFile("stdout"))
	if len(got) == 0 || got[0] != want {
		ts.Fatalf("circuitvc hash %s = %v, git hash-object = %s", args[0], got, want)
	}
}

// corruptObject flips a byte in the middle of the loose object of the
// commit REV names, as a failing disk would.
func corruptObject(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: corrupt-object REV")
	}
	ts.Check(ts.Exec("circuitvc", "log", "--json", "-n", "1", args[0]))
	var entries []struct{ Hash string }
	ts.Check(json.Unmarshal([]byte(ts.ReadFile("stdout")), &entries))
	if len(entries) != 1 {
		ts.Fatalf("no commit for %s", args[0])
	}
	h := entries[0].Hash
	name := ts.MkAbs(filepath.Join(".circuitvc", "objects", h[:2], h[2:]))
	data, err := os.ReadFile(name)
	ts.Check(err)
	data[len(data)/2] ^= 0x55
	ts.Check(os.Chmod(name, 0o644))
	ts.Check(os.WriteFile(name, data, 0o444))
}
