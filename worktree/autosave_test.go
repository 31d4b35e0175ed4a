package worktree

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/internal/gittest"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// mustAutosave takes a snapshot that must be recorded.
func mustAutosave(t testing.TB, r *Repo, paths ...string) *AutosaveResult {
	t.Helper()
	res, err := r.Autosave(context.Background(), AutosaveOptions{Author: testSig, Paths: paths})
	if err != nil {
		t.Fatalf("autosave %v: %v", paths, err)
	}
	return res
}

// TestAutosaveChain: snapshots form their own chain, each recording the
// current version it was taken against; current never moves; a snapshot
// of unchanged files is refused with ErrNothingToSave; autosave and
// autosave~N resolve, and restore and show read them.
func TestAutosaveChain(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t, nil)
	if _, err := r.Resolve("autosave"); !errors.Is(err, ErrRevisionNotFound) || !strings.Contains(err.Error(), "no snapshot yet") {
		t.Fatalf("autosave before any snapshot: %v", err)
	}
	writeWorkFile(t, r, "a.circuit.json", circuitV("1k"))
	v1 := mustSave(t, r, "v1").Commit
	if _, err := r.Autosave(ctx, AutosaveOptions{Author: testSig}); !errors.Is(err, ErrNothingToSave) {
		t.Fatalf("autosave of the saved files: %v, want ErrNothingToSave", err)
	}
	writeWorkFile(t, r, "a.circuit.json", circuitV("2k"))
	s1 := mustAutosave(t, r)
	if !s1.Parent.IsZero() || s1.Current != v1 || s1.Summary != "R1 1k→2k" {
		t.Fatalf("first snapshot: %+v", s1)
	}
	writeWorkFile(t, r, "a.circuit.json", circuitV("3k"))
	writeWorkFile(t, r, "b.circuit.json", circuitV("9k"))
	s2 := mustAutosave(t, r)
	if s2.Parent != s1.Commit || len(s2.Changes) != 2 {
		t.Fatalf("second snapshot: %+v", s2)
	}
	if _, err := r.Autosave(ctx, AutosaveOptions{Author: testSig}); !errors.Is(err, ErrNothingToSave) {
		t.Fatalf("autosave with nothing changed: %v", err)
	}
	if h, _ := r.Head(); h != v1 {
		t.Fatalf("current moved to %s", h)
	}
	c, err := r.Commit(s2.Commit)
	if err != nil {
		t.Fatal(err)
	}
	if got := SnapshotCurrent(c); got != v1 {
		t.Fatalf("snapshot records current %s, want %s", got, v1)
	}
	for rev, want := range map[string]objects.Hash{"autosave": s2.Commit, "autosave~1": s1.Commit, "autosave@{1}": s1.Commit} {
		if h, err := r.Resolve(rev); err != nil || h != want {
			t.Errorf("Resolve(%s) = %v, %v; want %s", rev, h, err, want)
		}
	}
	if _, err := r.Resolve("autosave~2"); !errors.Is(err, ErrRevisionNotFound) {
		t.Errorf("autosave~2: %v", err)
	}
	if data, err := r.FileAt(s1.Commit, "autosave~1", "a.circuit.json"); err != nil || string(data) != string(circuitV("2k")) {
		t.Fatalf("autosave~1:a.circuit.json = %q, %v", data, err)
	}
	if _, err := r.Restore(ctx, RestoreOptions{To: "autosave~1", Author: testSig}); err != nil {
		t.Fatal(err)
	}
	if got := readWorkFile(t, r, "a.circuit.json"); got != string(circuitV("2k")) {
		t.Fatalf("after restore --to autosave~1: %q", got)
	}
	if err := refs.ValidTagName("autosave"); err == nil {
		t.Fatal("a tag named autosave is accepted; the name is the local history's")
	}
	var n int
	if err := r.Log(ctx, LogOptions{}, func(e LogEntry) error {
		if strings.HasPrefix(e.Commit.Message, "autosave") {
			t.Errorf("log of current shows snapshot %s", e.Hash)
		}
		n++
		return nil
	}); err != nil || n != 2 {
		t.Fatalf("log of current: %d versions, %v; want v1 and the restore", n, err)
	}
	if gittest.Available() {
		if err := gittest.FsckError(r.Dir()); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAutosaveKeepsInvalid: a file that does not parse is kept, and the
// message says so; a deleted file and a renamed one are recorded too.
func TestAutosaveKeepsInvalid(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1k"))
	writeWorkFile(t, r, "b.circuit.json", circuitV("5k"))
	mustSave(t, r, "v1")
	broken := `{"components": [`
	writeWorkFile(t, r, "a.circuit.json", []byte(broken))
	s := mustAutosave(t, r)
	if len(s.Invalid) != 1 || s.Invalid[0] != "a.circuit.json" {
		t.Fatalf("invalid = %v", s.Invalid)
	}
	c, _ := r.Commit(s.Commit)
	if !strings.HasPrefix(c.Message, "autosave (invalid: a.circuit.json): ") || !strings.Contains(c.Message, "\nInvalid: a.circuit.json:") {
		t.Fatalf("message does not mark the invalid file:\n%s", c.Message)
	}
	if data, err := r.FileAt(s.Commit, "autosave", "a.circuit.json"); err != nil || string(data) != broken {
		t.Fatalf("invalid bytes not kept: %q, %v", data, err)
	}
	if err := r.fs.Rename(r.abs("b.circuit.json"), r.abs("c.circuit.json")); err != nil {
		t.Fatal(err)
	}
	s = mustAutosave(t, r)
	if len(s.Changes) != 1 || s.Changes[0].Kind != Renamed || s.Changes[0].From != "b.circuit.json" {
		t.Fatalf("rename: %+v", s.Changes)
	}
	if err := r.fs.Remove(r.abs("c.circuit.json")); err != nil {
		t.Fatal(err)
	}
	s = mustAutosave(t, r)
	snap, err := r.Snapshot(s.Commit)
	if err != nil || len(snap) != 1 || snap["a.circuit.json"].Hash != BlobID([]byte(broken)) {
		t.Fatalf("after delete: %v, %v", snap, err)
	}
	if _, err := r.Autosave(ctx, AutosaveOptions{Author: testSig}); !errors.Is(err, ErrNothingToSave) {
		t.Fatalf("nothing changed: %v", err)
	}
}

// TestAutosavePaths: a snapshot of some paths records only those; the
// others keep the previous snapshot's bytes, and untracked paths are
// ignored.
func TestAutosavePaths(t *testing.T) {
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1k"))
	writeWorkFile(t, r, "b.circuit.json", circuitV("1k"))
	mustSave(t, r, "v1")
	writeWorkFile(t, r, "a.circuit.json", circuitV("2k"))
	writeWorkFile(t, r, "b.circuit.json", circuitV("2k"))
	writeWorkFile(t, r, "notes.txt", []byte("not tracked"))
	s := mustAutosave(t, r, "a.circuit.json", "notes.txt")
	if len(s.Changes) != 1 || s.Changes[0].Path != "a.circuit.json" {
		t.Fatalf("changes = %+v", s.Changes)
	}
	s = mustAutosave(t, r, "b.circuit.json")
	snap, _ := r.Snapshot(s.Commit)
	if snap["a.circuit.json"].Hash != BlobID(circuitV("2k")) || snap["b.circuit.json"].Hash != BlobID(circuitV("2k")) || len(snap) != 2 {
		t.Fatalf("snapshot = %v", snap)
	}
}
