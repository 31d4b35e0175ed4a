package kicad

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// sheetBox is a schematic that only uses the given files as sub-sheets.
func sheetBox(files ...string) *fstest.MapFile {
	var b strings.Builder
	b.WriteString("(kicad_sch (version 20250114)\n")
	for i, f := range files {
		b.WriteString(`(sheet (at 0 0) (size 10 10) (uuid "u` + string(rune('0'+i)) + `") (property "Sheetname" "s` + string(rune('0'+i)) + `") (property "Sheetfile" "` + f + `"))` + "\n")
	}
	b.WriteString(")\n")
	return &fstest.MapFile{Data: []byte(b.String())}
}

func TestFindRoot(t *testing.T) {
	files := fstest.MapFS{
		"proj/board.kicad_sch":           sheetBox("sch/power.kicad_sch", "sch/io.kicad_sch"),
		"proj/sch/power.kicad_sch":       sheetBox("reg.kicad_sch"),
		"proj/sch/reg.kicad_sch":         sheetBox(),
		"proj/sch/io.kicad_sch":          sheetBox(),
		"proj/sch/_autosave-x.kicad_sch": sheetBox("io.kicad_sch"),
		"proj/sch/broken.kicad_sch":      {Data: []byte("(kicad_sch (sheet")},
		"proj/lone.kicad_sch":            sheetBox(),
		"other/top.kicad_sch":            sheetBox("../proj/lone.kicad_sch"),
		"deep/a/b/c/d.kicad_sch":         sheetBox(),
		"deep/top.kicad_sch":             sheetBox("a/b/c/d.kicad_sch"),
	}
	for _, tc := range []struct {
		name, root string
	}{
		{"proj/sch/power.kicad_sch", "proj/board.kicad_sch"},
		{"proj/sch/reg.kicad_sch", "proj/board.kicad_sch"}, // two levels of sheets
		{"proj/sch/io.kicad_sch", "proj/board.kicad_sch"},  // the autosave file is no root
		{"proj/board.kicad_sch", ""},                       // a root itself
		{"proj/sch/broken.kicad_sch", ""},                  // unreadable: used by nobody
		{"proj/lone.kicad_sch", ""},                        // used only from a sibling directory, not looked at
		{"deep/a/b/c/d.kicad_sch", ""},                     // more than two levels up
		{"./proj/sch/io.kicad_sch", "proj/board.kicad_sch"},
	} {
		root, ok := FindRoot(files, tc.name)
		if root != tc.root || ok != (tc.root != "") {
			t.Errorf("FindRoot(%s) = %q, %v; want %q", tc.name, root, ok, tc.root)
		}
	}
}

func TestFindRootNearestFirst(t *testing.T) {
	files := fstest.MapFS{
		"p/z.kicad_sch":       sheetBox("sch/x.kicad_sch"),
		"p/sch/a.kicad_sch":   sheetBox("x.kicad_sch"),
		"p/sch/b.kicad_sch":   sheetBox("x.kicad_sch"),
		"p/sch/x.kicad_sch":   sheetBox(),
		"p/sch/y/y.kicad_sch": sheetBox("../x.kicad_sch"), // not in a directory looked at
	}
	if root, _ := FindRoot(files, "p/sch/x.kicad_sch"); root != "p/sch/a.kicad_sch" {
		t.Errorf("root %q, want the nearest, first by name", root)
	}
}

func TestSheetOutsideTheFileSystem(t *testing.T) {
	hier, err := os.ReadFile("testdata/hier/hier.kicad_sch")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	edited := strings.ReplaceAll(string(hier), `"amp.kicad_sch"`, `"../amp.kicad_sch"`)
	if err := os.WriteFile(filepath.Join(dir, "hier.kicad_sch"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := ReadSchematic(os.DirFS(dir), "hier.kicad_sch")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Warnings) != 2 || !strings.Contains(s.Warnings[0].Msg, "file ../amp.kicad_sch cannot be read here") {
		t.Errorf("warnings %v", s.Warnings)
	}
}

func TestDuplicateWarningKind(t *testing.T) {
	flat, err := os.ReadFile("testdata/flat/flat.kicad_sch")
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseSchematic("x.kicad_sch", []byte(strings.ReplaceAll(string(flat), `(reference "R2")`, `(reference "R1")`)))
	if err != nil {
		t.Fatal(err)
	}
	var dups []Warning
	for _, w := range s.Warnings {
		if w.Kind == WarnDuplicate {
			dups = append(dups, w)
		}
	}
	if len(dups) != 1 || dups[0].Ref != "R1" || dups[0].Line == 0 {
		t.Errorf("duplicate warnings %+v", dups)
	}
}

func TestTitleBlockAndNodePlaces(t *testing.T) {
	flat, err := os.ReadFile("testdata/flat/flat.kicad_sch")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(flat), `(paper "A4")`, `(paper "A4") (title_block (title "Amp") (rev "B") (comment 2 "checked"))`, 1)
	s, err := ParseSchematic("x.kicad_sch", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []Field{{"title", "Amp"}, {"rev", "B"}, {"comment2", "checked"}}
	if got := s.Sheets[0].TitleBlock; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("title block %v", got)
	}
	for _, n := range s.Nets {
		for _, nd := range n.Nodes {
			if nd.File != "x.kicad_sch" || nd.Line == 0 || !strings.HasPrefix(src[lineStart(src, nd.Line):], "(symbol (lib_id") {
				t.Fatalf("node %s placed at %s:%d:%d", nd, nd.File, nd.Line, nd.Col)
			}
		}
	}
}

func lineStart(s string, line int) int {
	off := 0
	for i := 1; i < line; i++ {
		off += strings.IndexByte(s[off:], '\n') + 1
	}
	return off
}
