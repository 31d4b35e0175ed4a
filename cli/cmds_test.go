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

// replaceOnce edits a file in place: replace FILE OLD NEW changes the
// first OLD to NEW, failing when OLD is absent, as an engineer's edit.
func replaceOnce(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: replace FILE OLD NEW")
	}
	name := ts.MkAbs(args[0])
	data, err := os.ReadFile(name)
	ts.Check(err)
	s := string(data)
	if !strings.Contains(s, args[1]) {
		ts.Fatalf("%s does not contain %q", args[0], args[1])
	}
	ts.Check(os.WriteFile(name, []byte(strings.Replace(s, args[1], args[2], 1)), 0o644))
}

// copyCorpus copies a file of $CIRCUITVC_CORPUS into the script's
// directory: corpus-copy REL DEST.
func copyCorpus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: corpus-copy REL DEST")
	}
	data, err := os.ReadFile(filepath.Join(ts.Getenv("CORPUS"), args[0]))
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), data, 0o644))
}
