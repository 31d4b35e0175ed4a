package worktree

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/circuitvc/circuitvc/objects"
)

func TestTreeFS(t *testing.T) {
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1k"))
	writeWorkFile(t, r, "sch/power.kicad_sch", []byte("(kicad_sch)"))
	writeWorkFile(t, r, "sch/deep/x.kicad_sch", []byte("(kicad_sch (version 1))"))
	res := mustSave(t, r, "first")
	files, err := r.TreeFS(res.Commit)
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(files, "a.circuit.json", "sch/power.kicad_sch", "sch/deep/x.kicad_sch"); err != nil {
		t.Fatal(err)
	}
	// A later change in the working tree is not in the version.
	writeWorkFile(t, r, "sch/power.kicad_sch", []byte("(kicad_sch (changed))"))
	if data, err := fs.ReadFile(files, "sch/power.kicad_sch"); err != nil || string(data) != "(kicad_sch)" {
		t.Errorf("read %q, %v", data, err)
	}
	for name, want := range map[string]error{"nope.kicad_sch": fs.ErrNotExist, "../a.circuit.json": fs.ErrInvalid, "sch/../a.circuit.json": fs.ErrInvalid} {
		if _, err := files.Open(name); !errors.Is(err, want) {
			t.Errorf("open %s: %v, want %v", name, err, want)
		}
	}
	empty, err := r.TreeFS(objects.ZeroHash)
	if err != nil {
		t.Fatal(err)
	}
	if entries, err := fs.ReadDir(empty, "."); err != nil || len(entries) != 0 {
		t.Errorf("empty version: %v %v", entries, err)
	}
}

func TestWorkFS(t *testing.T) {
	r := newRepo(t, nil)
	writeWorkFile(t, r, "top.kicad_sch", []byte("(kicad_sch)"))
	writeWorkFile(t, r, "sch/sub.kicad_sch", []byte("(kicad_sch)"))
	writeWorkFile(t, r, "notes.txt", []byte("untracked, but there"))
	files := r.WorkFS()
	if err := fstest.TestFS(files, "top.kicad_sch", "sch/sub.kicad_sch", "notes.txt"); err != nil {
		t.Fatal(err)
	}
	if entries, _ := fs.ReadDir(files, "."); strings.Contains(names(entries), DirName) {
		t.Errorf("the store is listed: %s", names(entries))
	}
	outside := filepath.Join(filepath.Dir(r.Root()), "outside")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(r.Root(), "link")); err != nil {
		t.Skip("no symbolic links here")
	}
	for _, name := range []string{"../x", ".circuitvc/config", "link/x.kicad_sch"} {
		if _, err := fs.ReadFile(files, name); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("read %s: %v", name, err)
		}
	}
}

func names(entries []fs.DirEntry) string {
	var s []string
	for _, e := range entries {
		s = append(s, e.Name())
	}
	return strings.Join(s, " ")
}

// KiCad fixtures of internal/kicad: a root using one sub-sheet twice.
func kicadFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "internal", "kicad", "testdata", "hier", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestDefaultPatternsTrackKiCad(t *testing.T) {
	r := newRepo(t, nil)
	for p, want := range map[string]bool{
		"board.kicad_sch": true, "sch/power.kicad_sch": true, "board.kicad_pcb": true,
		"_autosave-board.kicad_sch": false, "sch/_autosave-power.kicad_sch": false,
		"board.kicad_sch-bak": false, "board.net": false, "board.kicad_pro": false, "amp.circuit.json": true,
	} {
		if got := r.matchTracked(p); got != want {
			t.Errorf("%s tracked: %v, want %v", p, got, want)
		}
	}
	r.cfg.Track = []string{"*.kicad_sch", "!sch/*", "sch/keep.kicad_sch"}
	for p, want := range map[string]bool{"a.kicad_sch": true, "sch/b.kicad_sch": false, "sch/keep.kicad_sch": true} {
		if got := r.matchTracked(p); got != want {
			t.Errorf("%s tracked: %v, want %v", p, got, want)
		}
	}
}

// TestSaveKiCadHierarchy: a sub-sheet is validated and summarised through
// its root, at each version.
func TestSaveKiCadHierarchy(t *testing.T) {
	r := newRepo(t, nil)
	amp := string(kicadFixture(t, "amp.kicad_sch"))
	writeWorkFile(t, r, "hier.kicad_sch", kicadFixture(t, "hier.kicad_sch"))
	writeWorkFile(t, r, "amp.kicad_sch", []byte(amp))
	first := mustSave(t, r, "")
	if first.Message != "add amp.kicad_sch: new circuit: 8 components, 6 nets; add hier.kicad_sch: new circuit: 9 components, 6 nets" {
		t.Errorf("first message %q", first.Message)
	}
	writeWorkFile(t, r, "amp.kicad_sch", []byte(strings.Replace(amp, `(property "Value" "1k"`, `(property "Value" "2k2"`, 1)))
	if res := mustSave(t, r, ""); res.Message != "R102 1k→2k2; R202 1k→2k2" {
		t.Errorf("message %q", res.Message)
	}
	// A duplicate reference in the sub-sheet, with the root changed too:
	// one error, placed in the sub-sheet.
	writeWorkFile(t, r, "amp.kicad_sch", []byte(strings.Replace(amp, `(reference "R202")`, `(reference "R201")`, 1)))
	writeWorkFile(t, r, "hier.kicad_sch", append(kicadFixture(t, "hier.kicad_sch"), '\n'))
	_, err := r.Save(context.Background(), SaveOptions{Author: testSig})
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || !strings.HasPrefix(ve.Problems[0].Error(), "amp.kicad_sch:11:1: duplicate reference R201") {
		t.Fatalf("save: %v", err)
	}
}

// TestCompareFiles: each side of a comparison comes with its version's
// files.
func TestCompareFiles(t *testing.T) {
	r := newRepo(t, nil)
	writeWorkFile(t, r, "top.kicad_sch", []byte("(kicad_sch (version 1))"))
	writeWorkFile(t, r, "sub.kicad_sch", []byte("(kicad_sch (version 1))"))
	first := mustSave(t, r, "first")
	writeWorkFile(t, r, "top.kicad_sch", []byte("(kicad_sch (version 2))"))
	writeWorkFile(t, r, "sub.kicad_sch", []byte("(kicad_sch (version 2))"))
	second := mustSave(t, r, "second")
	writeWorkFile(t, r, "top.kicad_sch", []byte("(kicad_sch (version 3))"))
	writeWorkFile(t, r, "sub.kicad_sch", []byte("(kicad_sch (version 3))"))
	for _, tc := range []struct {
		old, new objects.Hash
		want     string
	}{
		{first.Commit, second.Commit, "1 2"},
		{second.Commit, objects.ZeroHash, "2 3"},
	} {
		pairs, err := r.Compare(context.Background(), tc.old, tc.new, []string{"top.kicad_sch"})
		if err != nil || len(pairs) != 1 {
			t.Fatalf("%v %v", pairs, err)
		}
		o, err1 := fs.ReadFile(pairs[0].OldFiles, "sub.kicad_sch")
		n, err2 := fs.ReadFile(pairs[0].NewFiles, "sub.kicad_sch")
		if err1 != nil || err2 != nil || string(o[len(o)-3:len(o)-2])+" "+string(n[len(n)-3:len(n)-2]) != tc.want {
			t.Errorf("sub-sheet at each side: %q %q (%v %v), want %s", o, n, err1, err2, tc.want)
		}
	}
}
