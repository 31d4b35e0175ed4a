package worktree

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/internal/gittest"
	"github.com/circuitvc/circuitvc/objects"
)

// boardV is a native circuit of ten resistors, one per line (git's
// similarity counts lines), whose R1 has value v.
func boardV(v string) []byte {
	var b strings.Builder
	b.WriteString("{\n  \"components\": [\n")
	for i := 1; i <= 10; i++ {
		value := "1k"
		if i == 1 {
			value = v
		}
		sep := ","
		if i == 10 {
			sep = ""
		}
		fmt.Fprintf(&b, "    {\"id\": \"R%d\", \"value\": %q, \"pins\": [\"1\", \"2\"]}%s\n", i, value, sep)
	}
	b.WriteString("  ],\n  \"nets\": []\n}\n")
	return []byte(b.String())
}

func moveWorkFile(t *testing.T, r *Repo, from, to string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(r.abs(to)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(r.abs(from), r.abs(to)); err != nil {
		t.Fatal(err)
	}
}

func statusLines(t *testing.T, r *Repo) string {
	t.Helper()
	files, err := r.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, f := range files {
		if f.Kind == Unchanged {
			continue
		}
		line := f.Kind.String() + " " + f.Path
		if f.From != "" {
			line = f.Kind.String() + " " + f.From + " → " + f.Path
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "; ")
}

func compareLines(t *testing.T, r *Repo, old objects.Hash) string {
	t.Helper()
	pairs, err := r.Compare(context.Background(), old, objects.ZeroHash, nil)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, p := range pairs {
		switch {
		case p.Renamed():
			lines = append(lines, fmt.Sprintf("renamed %s → %s same=%v", p.OldPath, p.Path, string(p.Old) == string(p.New)))
		case !p.OldOK:
			lines = append(lines, "added "+p.Path)
		case !p.NewOK:
			lines = append(lines, "deleted "+p.Path)
		default:
			lines = append(lines, "modified "+p.Path)
		}
	}
	return strings.Join(lines, "; ")
}

// TestRenames: a file moved, or moved and edited while staying at least
// half the same, is one renamed file in status, Compare and the save
// message; a file rewritten beyond that is deleted and new.
func TestRenames(t *testing.T) {
	r := newRepo(t, nil)
	writeWorkFile(t, r, "amp.circuit.json", boardV("10k"))
	writeWorkFile(t, r, "other.circuit.json", circuitV("1"))
	v1 := mustSave(t, r, "v1").Commit

	// moved, bytes unchanged
	moveWorkFile(t, r, "amp.circuit.json", "boards/amp.circuit.json")
	if got, want := statusLines(t, r), "renamed amp.circuit.json → boards/amp.circuit.json"; got != want {
		t.Errorf("status after a move: %q, want %q", got, want)
	}
	if got, want := compareLines(t, r, v1), "renamed amp.circuit.json → boards/amp.circuit.json same=true"; got != want {
		t.Errorf("compare after a move: %q, want %q", got, want)
	}
	res := mustSave(t, r, "")
	if want := "renamed: amp.circuit.json → boards/amp.circuit.json"; res.Message != want {
		t.Errorf("save message %q, want %q", res.Message, want)
	}
	if len(res.Changes) != 1 || res.Changes[0] != (Change{Path: "boards/amp.circuit.json", Kind: Renamed, From: "amp.circuit.json"}) {
		t.Errorf("save changes %+v", res.Changes)
	}
	snap, err := r.Snapshot(res.Commit)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(snap.Paths(), " "); got != "boards/amp.circuit.json other.circuit.json" {
		t.Errorf("saved files: %s", got)
	}
	v2 := res.Commit

	// moved and edited, still 90 % the same: renamed, with the semantic change
	moveWorkFile(t, r, "boards/amp.circuit.json", "amp.circuit.json")
	writeWorkFile(t, r, "amp.circuit.json", boardV("4.7k"))
	if got, want := statusLines(t, r), "renamed boards/amp.circuit.json → amp.circuit.json"; got != want {
		t.Errorf("status after move and edit: %q, want %q", got, want)
	}
	if got, want := compareLines(t, r, v2), "renamed boards/amp.circuit.json → amp.circuit.json same=false"; got != want {
		t.Errorf("compare after move and edit: %q, want %q", got, want)
	}
	res = mustSave(t, r, "")
	if !strings.HasPrefix(res.Message, "renamed: boards/amp.circuit.json → amp.circuit.json (") || !strings.Contains(res.Message, "R1") {
		t.Errorf("save message after move and edit: %q", res.Message)
	}

	// rewritten beyond half: deleted and new
	moveWorkFile(t, r, "other.circuit.json", "third.circuit.json")
	writeWorkFile(t, r, "third.circuit.json", boardV("x"))
	if got, want := statusLines(t, r), "deleted other.circuit.json; new third.circuit.json"; got != want {
		t.Errorf("status after a rewrite: %q, want %q", got, want)
	}

	// one file copied twice and deleted: one rename, one new file
	mustSave(t, r, "rewrite")
	writeWorkFile(t, r, "copy1.circuit.json", boardV("4.7k"))
	moveWorkFile(t, r, "amp.circuit.json", "copy2.circuit.json")
	got := statusLines(t, r)
	if strings.Count(got, "renamed amp.circuit.json → ") != 1 || strings.Count(got, "new copy") != 1 || strings.Contains(got, "deleted") {
		t.Errorf("status after copy and move: %q", got)
	}
	gittest.Fsck(t, r.Dir())
}

// BenchmarkFindRenames measures the content comparison of a moved and
// edited 1.4 MB tscircuit board (the corpus's largest file).
func BenchmarkFindRenames(b *testing.B) {
	corpus := os.Getenv("CIRCUITVC_CORPUS")
	if corpus == "" {
		b.Skip("CIRCUITVC_CORPUS is not set")
	}
	old, err := os.ReadFile(filepath.Join(corpus, "tscircuit", "led-water-accelerometer.json"))
	if err != nil {
		b.Fatal(err)
	}
	edited := []byte(strings.Replace(string(old), `"resistance":`, `"resistance": 1,"was":`, 1))
	side := func(p string, data []byte) renameSide {
		return renameSide{Path: p, Entry: Entry{Mode: 0o100644, Hash: objects.HashObject(objects.BlobObject, data)}, load: constant(data)}
	}
	deleted := []renameSide{side("led.circuit.json", old)}
	added := []renameSide{side("boards/led.circuit.json", edited)}
	b.ReportAllocs()
	for b.Loop() {
		from, err := findRenames(deleted, added)
		if err != nil || from["boards/led.circuit.json"] != "led.circuit.json" {
			b.Fatalf("%v %v", from, err)
		}
	}
}
