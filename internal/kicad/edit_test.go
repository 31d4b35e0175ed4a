package kicad

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The edit tests change a schematic the way a script or a text editor
// would, without KiCad, and check the reader against kicad-cli's netlist of
// the file before and after the edit, and that the change shows where a
// user expects it.

// TestFixturesMatchKiCad re-exports each fixture with kicad-cli: the
// committed netlists the other tests compare with are still KiCad's own.
func TestFixturesMatchKiCad(t *testing.T) {
	cli := kicadCLI(t)
	for _, sch := range fixtures {
		t.Run(sch, func(t *testing.T) {
			want := exportNetlist(t, cli, filepath.Join("testdata", sch))
			if diffs := compareDesigns(&fixtureNetlist(t, sch).Design, &want.Design); len(diffs) > 0 {
				t.Errorf("testdata netlist is stale; regenerate it (testdata/gen/README.md):\n%s", strings.Join(diffs, "\n"))
			}
		})
	}
}

// edit is a change to a schematic's text, found through the parsed tree.
type edit struct {
	name string
	// apply returns the edited source.
	apply func(t *testing.T, src []byte, root *Expr) []byte
	// check inspects the schematic before and after.
	check func(t *testing.T, before, after *Schematic)
}

// placedSymbol finds the (symbol …) whose Reference property is ref.
func findSymbol(t *testing.T, root *Expr, ref string) *Expr {
	t.Helper()
	for _, s := range root.Children("symbol") {
		for _, p := range s.Children("property") {
			if p.Arg(0) == "Reference" && p.Arg(1) == ref {
				return s
			}
		}
	}
	t.Fatalf("no symbol %s", ref)
	return nil
}

func splice(src []byte, start, end int, with string) []byte {
	return []byte(string(src[:start]) + with + string(src[end:]))
}

func netPins(s *Schematic, name string) string {
	if n := s.Net(name); n != nil {
		return strings.Join(n.Pins(), " ")
	}
	return "(none)"
}

var edits = []edit{
	{
		name: "change a value field",
		apply: func(t *testing.T, src []byte, root *Expr) []byte {
			for _, p := range findSymbol(t, root, "R2").Children("property") {
				if p.Arg(0) == "Value" {
					v := p.List[2]
					return splice(src, v.Start, v.End, `"4.7k"`)
				}
			}
			t.Fatal("R2 has no Value")
			return nil
		},
		check: func(t *testing.T, before, after *Schematic) {
			if b, a := before.Component("R2").Value, after.Component("R2").Value; b != "4k7" || a != "4.7k" {
				t.Errorf("R2 value %s → %s, want 4k7 → 4.7k", b, a)
			}
		},
	},
	{
		name: "move a wire endpoint off a pin",
		apply: func(t *testing.T, src []byte, root *Expr) []byte {
			for _, w := range root.Children("wire") {
				pts := w.Child("pts").Children("xy")
				if pts[1].Arg(0) == "50.8" && pts[1].Arg(1) == "46.99" {
					return splice(src, pts[1].Start, pts[1].End, "(xy 50.8 45.72)")
				}
			}
			t.Fatal("no wire ends on R1.1")
			return nil
		},
		check: func(t *testing.T, before, after *Schematic) {
			if b, a := netPins(before, "+5V"), netPins(after, "+5V"); b != "R1.1 R3.1 U1.8" || a != "R3.1 U1.8" {
				t.Errorf("+5V: %s → %s", b, a)
			}
			if a := netPins(after, "unconnected-(R1-Pad1)"); a != "R1.1" {
				t.Errorf("R1.1 after: %s", a)
			}
		},
	},
	{
		name: "rename a label",
		apply: func(t *testing.T, src []byte, root *Expr) []byte {
			labels := root.Children("label")
			last := labels[len(labels)-1]
			for _, l := range labels {
				if l.Arg(0) == "OUT2" {
					last = l // the one on TP1, written last
				}
			}
			return splice(src, last.List[1].Start, last.List[1].End, `"PROBE"`)
		},
		check: func(t *testing.T, before, after *Schematic) {
			if b, a := netPins(before, "/OUT2"), netPins(after, "/OUT2"); b != "R3.2 TP1.1 U1.7" || a != "R3.2 U1.7" {
				t.Errorf("/OUT2: %s → %s", b, a)
			}
			if a := netPins(after, "/PROBE"); a != "TP1.1" {
				t.Errorf("/PROBE: %s", a)
			}
		},
	},
	{
		name: "delete a symbol",
		apply: func(t *testing.T, src []byte, root *Expr) []byte {
			s := findSymbol(t, root, "R3")
			return splice(src, s.Start, s.End, "")
		},
		check: func(t *testing.T, before, after *Schematic) {
			if before.Component("R3") == nil || after.Component("R3") != nil {
				t.Error("R3 not removed")
			}
			if a := netPins(after, "/OUT2"); a != "TP1.1 U1.7" {
				t.Errorf("/OUT2 after: %s", a)
			}
		},
	},
}

func TestScriptedEdits(t *testing.T) {
	cli := kicadCLI(t)
	src, err := os.ReadFile("testdata/flat/flat.kicad_sch")
	if err != nil {
		t.Fatal(err)
	}
	root, err := Parse("flat.kicad_sch", src)
	if err != nil {
		t.Fatal(err)
	}
	before := readFixture(t, "flat/flat.kicad_sch")
	if diffs := compareDesigns(&before.Design, &exportNetlist(t, cli, "testdata/flat/flat.kicad_sch").Design); len(diffs) > 0 {
		t.Fatalf("before the edits:\n%s", strings.Join(diffs, "\n"))
	}
	for _, e := range edits {
		t.Run(e.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "flat.kicad_sch"), e.apply(t, src, root), 0o644); err != nil {
				t.Fatal(err)
			}
			after, err := ReadSchematic(os.DirFS(dir), "flat.kicad_sch")
			if err != nil {
				t.Fatal(err)
			}
			want := exportNetlist(t, cli, filepath.Join(dir, "flat.kicad_sch"))
			if diffs := compareDesigns(&after.Design, &want.Design); len(diffs) > 0 {
				t.Errorf("after the edit, differs from kicad-cli:\n%s", strings.Join(diffs, "\n"))
			}
			e.check(t, before, after)
		})
	}
}

// demoEdits are the same kinds of edit, made blindly to a demo's root
// sheet: the first symbol, label or wire found.
var demoEdits = []struct {
	name  string
	apply func(src []byte, root *Expr) ([]byte, bool)
}{
	{"change a value field", func(src []byte, root *Expr) ([]byte, bool) {
		for _, s := range root.Children("symbol") {
			for _, p := range s.Children("property") {
				if p.Arg(0) == "Value" && !strings.HasPrefix(fieldValue(propsOf(s), "Reference"), "#") {
					return splice(src, p.List[2].Start, p.List[2].End, `"EDITED"`), true
				}
			}
		}
		return nil, false
	}},
	{"move a wire endpoint", func(src []byte, root *Expr) ([]byte, bool) {
		for _, w := range root.Children("wire") {
			end := w.Child("pts").Children("xy")[1]
			x, _ := mm(end.Arg(0))
			return splice(src, end.Start, end.End, "(xy "+formatMM(x+2.54)+" "+end.Arg(1)+")"), true
		}
		return nil, false
	}},
	{"rename a label", func(src []byte, root *Expr) ([]byte, bool) {
		for _, l := range root.Children("label") {
			return splice(src, l.List[1].Start, l.List[1].End, `"EDITED_NET"`), true
		}
		return nil, false
	}},
	{"delete a symbol", func(src []byte, root *Expr) ([]byte, bool) {
		for _, s := range root.Children("symbol") {
			if !strings.HasPrefix(fieldValue(propsOf(s), "Reference"), "#") {
				return splice(src, s.Start, s.End, ""), true
			}
		}
		return nil, false
	}},
}

func propsOf(s *Expr) []Field {
	var fs []Field
	for _, p := range s.Children("property") {
		fs = append(fs, Field{p.Arg(0), p.Arg(1)})
	}
	return fs
}

func formatMM(v float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.4f", v), "0"), ".")
}

// copyDir copies a demo project's schematics into a temporary directory.
func copyDir(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".kicad_sch") {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		data, err := os.ReadFile(p)
		if err == nil {
			err = os.MkdirAll(filepath.Join(to, filepath.Dir(rel)), 0o755)
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(to, rel), data, 0o644)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}

func TestScriptedEditsOnDemos(t *testing.T) {
	cli := kicadCLI(t)
	dir := demosDir(t)
	for _, demo := range []string{"complex_hierarchy/complex_hierarchy.kicad_sch", "pic_programmer/pic_programmer.kicad_sch", "ecc83/ecc83-pp.kicad_sch"} {
		for _, e := range demoEdits {
			t.Run(demo+"/"+e.name, func(t *testing.T) {
				work := copyDir(t, filepath.Join(dir, filepath.Dir(demo)))
				file := filepath.Join(work, filepath.Base(demo))
				src, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				root, err := Parse(demo, src)
				if err != nil {
					t.Fatal(err)
				}
				edited, ok := e.apply(src, root)
				if !ok {
					t.Skip("nothing to edit on the root sheet")
				}
				if err := os.WriteFile(file, edited, 0o644); err != nil {
					t.Fatal(err)
				}
				got, err := ReadSchematic(os.DirFS(work), filepath.Base(demo))
				if err != nil {
					t.Fatal(err)
				}
				if diffs := compareDesigns(&got.Design, &exportNetlist(t, cli, file).Design); len(diffs) > 0 {
					t.Errorf("after the edit, differs from kicad-cli:\n%s", strings.Join(diffs, "\n"))
				}
			})
		}
	}
}
