package kicad

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"
	"testing/fstest"
)

// fixtures are our own schematics with kicad-cli's netlist of each beside
// them (testdata/gen/README.md).
var fixtures = []string{"flat/flat.kicad_sch", "hier/hier.kicad_sch", "v6/legacy.kicad_sch", "v6hier/hier.kicad_sch"}

func fixtureNetlist(t *testing.T, sch string) *Netlist {
	t.Helper()
	nl, err := ReadNetlist(os.DirFS("testdata"), strings.TrimSuffix(sch, ".kicad_sch")+".net")
	if err != nil {
		t.Fatal(err)
	}
	return nl
}

func readFixture(t *testing.T, sch string) *Schematic {
	t.Helper()
	s, err := ReadSchematic(os.DirFS("testdata"), sch)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestFixturesEqualKiCadNetlist reads each fixture and compares it with
// the netlist kicad-cli exported from it: same components (reference,
// value, footprint) and same nets (name and pins).
func TestFixturesEqualKiCadNetlist(t *testing.T) {
	for _, sch := range fixtures {
		t.Run(sch, func(t *testing.T) {
			got := readFixture(t, sch)
			if diffs := compareDesigns(&got.Design, &fixtureNetlist(t, sch).Design); len(diffs) > 0 {
				t.Errorf("differs from kicad-cli's netlist:\n%s", strings.Join(diffs, "\n"))
			}
		})
	}
}

func TestFlatComponents(t *testing.T) {
	s := readFixture(t, "flat/flat.kicad_sch")
	if s.Version != 20250114 || len(s.Sheets) != 1 || s.Sheets[0].Path != "/" {
		t.Errorf("version %d sheets %+v", s.Version, s.Sheets)
	}
	var refs []string
	for _, c := range s.Components {
		refs = append(refs, c.Reference)
	}
	// Power symbols and flags are no components; U1's two units are one.
	if got, want := strings.Join(refs, " "), "D1 R1 R2 R3 R4 TP1 U1 U2"; got != want {
		t.Errorf("components %s, want %s", got, want)
	}
	u1 := s.Component("U1")
	if len(u1.Units) != 2 || u1.Units[0].Unit != 1 || u1.Units[1].Unit != 2 || u1.Value != "LM358" || u1.LibID != "Amp:Dual" {
		t.Errorf("U1 = %+v", u1)
	}
	r3 := s.Component("R3")
	if !r3.DNP || r3.MPN() != "RC0603FR-0710KL" || r3.Field("tolerance") != "1%" || r3.Footprint != "Resistor_SMD:R_0603_1608Metric" {
		t.Errorf("R3 = %+v", r3)
	}
	if u := r3.Units[0]; u.X != 127 || u.Y != 83.82 || u.Rotation != 270 || u.Mirror != "x" {
		t.Errorf("R3 placed at %+v", u)
	}
	if tp := s.Component("TP1"); tp.InBOM || !tp.OnBoard {
		t.Errorf("TP1 in BOM %v on board %v", tp.InBOM, tp.OnBoard)
	}
	// The value ${SIM.PARAMS} names the field Sim.Params.
	if v := s.Component("R4").Value; v != "r=10k" {
		t.Errorf("R4 value %q", v)
	}
}

func TestFlatNets(t *testing.T) {
	s := readFixture(t, "flat/flat.kicad_sch")
	for _, tc := range []struct{ name, pins string }{
		{"+5V", "R1.1 R3.1 U1.8"},            // power symbols and a flag on a junction
		{"/MID", "D1.2 R1.2 U2.1 U2.2"},      // a label in the middle of a wire, and the same label elsewhere
		{"GND", "D1.1 U1.4 U1.5 U2.7"},       // U2.7 is a hidden power pin named GND
		{"VCC", "R4.2 U2.14"},                // a global label meets a hidden power pin
		{"Net-(U1A--)", "R2.1 U1.1 U1.2"},    // named after a pin: unit letter, pin name
		{"unconnected-(R2-Pad2)", "R2.2"},    // a no-connect flag
		{"unconnected-(U1B---Pad6)", "U1.6"}, // a pin alone
		{"/OUT2", "R3.2 TP1.1 U1.7"},         // a mirrored, rotated part
		{"VIN", "U1.3"},                      // a global label
	} {
		n := s.Net(tc.name)
		if n == nil {
			t.Errorf("no net %q", tc.name)
			continue
		}
		if got := strings.Join(n.Pins(), " "); got != tc.pins {
			t.Errorf("net %q: %s, want %s", tc.name, got, tc.pins)
		}
	}
	if n := s.Net("/MID"); n.Nodes[0].Function != "A" || n.Nodes[0].Type != "passive" || n.Nodes[0].NoConnect {
		t.Errorf("D1.2 node %+v", n.Nodes[0])
	}
	// R2.2 carries a no-connect flag; U1.6 is simply left open.
	if nc, open := s.Net("unconnected-(R2-Pad2)").Nodes[0], s.Net("unconnected-(U1B---Pad6)").Nodes[0]; !nc.NoConnect || open.NoConnect {
		t.Errorf("no-connect marks: R2.2 %v, U1.6 %v", nc.NoConnect, open.NoConnect)
	}
}

func TestHierarchy(t *testing.T) {
	s := readFixture(t, "hier/hier.kicad_sch")
	var paths []string
	for _, sh := range s.Sheets {
		paths = append(paths, sh.Path+"="+sh.File)
	}
	if got, want := strings.Join(paths, " "), "/=hier/hier.kicad_sch /amp1/=hier/amp.kicad_sch /amp2/=hier/amp.kicad_sch"; got != want {
		t.Errorf("sheets %s, want %s", got, want)
	}
	// One file, two instances, each with its own references.
	if c := s.Component("R201"); c == nil || c.Sheet != "/amp2/" || c.Value != "10k" {
		t.Errorf("R201 = %+v", c)
	}
	for _, tc := range []struct{ name, pins string }{
		{"/amp1/IN", "J1.1 R101.1"},           // a hierarchical label names it over a sheet pin
		{"/amp1/OUT", "R101.2 R102.1 R201.1"}, // amp1's output feeds amp2's input
		{"/RESULT", "J1.2 R201.2 R202.1"},
		{"/DATA0", "R103.1 R203.1"}, // bus DATA[0..1] on the root meets D[0..1] in both sheets
		{"/DATA1", "J1.3 R104.1 R204.1"},
	} {
		if n := s.Net(tc.name); n == nil || strings.Join(n.Pins(), " ") != tc.pins {
			t.Errorf("net %q = %+v, want %s", tc.name, n, tc.pins)
		}
	}
}

func TestLegacyInstances(t *testing.T) {
	s := readFixture(t, "v6/legacy.kicad_sch")
	if s.Version != 20211123 {
		t.Errorf("version %d", s.Version)
	}
	// The placed symbols say R?; KiCad 6 kept references in the root's
	// (symbol_instances …).
	r1 := s.Component("R1")
	if r1 == nil || r1.Value != "10k" || r1.Field("Reference") != "R1" {
		t.Fatalf("R1 = %+v", r1)
	}
	if n := s.Net("/DIV"); n == nil || strings.Join(n.Pins(), " ") != "R1.2 R2.2" {
		t.Errorf("/DIV = %+v", n)
	}
	if len(s.Warnings) != 0 {
		t.Errorf("warnings: %v", s.Warnings)
	}
}

func TestReadSchematicProblems(t *testing.T) {
	flat, err := os.ReadFile("testdata/flat/flat.kicad_sch")
	if err != nil {
		t.Fatal(err)
	}
	hier, err := os.ReadFile("testdata/hier/hier.kicad_sch")
	if err != nil {
		t.Fatal(err)
	}
	selfRef := strings.ReplaceAll(string(hier), `"amp.kicad_sch"`, `"x.kicad_sch"`)
	dupRef := strings.ReplaceAll(string(flat), `(reference "R2")`, `(reference "R1")`)
	noLib := strings.Replace(string(flat), `(symbol "Device:LED"`, `(symbol "Device:LED_renamed"`, 1)
	for _, tc := range []struct {
		name    string
		files   fstest.MapFS
		err     error
		errText string
		warning string
	}{
		{name: "missing file", files: fstest.MapFS{}, err: fs.ErrNotExist, errText: "x.kicad_sch: read:"},
		{name: "syntax", files: fstest.MapFS{"x.kicad_sch": {Data: []byte("(kicad_sch\n (version 20250114)\n (wire (pts")}}, err: ErrSyntax, errText: "x.kicad_sch:3:12:"},
		{name: "not a schematic", files: fstest.MapFS{"x.kicad_sch": {Data: []byte("(kicad_pcb (version 1))")}}, err: ErrFormat, errText: "x.kicad_sch:1:1: not a KiCad schematic"},
		{name: "bad number", files: fstest.MapFS{"x.kicad_sch": {Data: []byte("(kicad_sch (junction (at 1 x)))")}}, err: ErrFormat, errText: "x.kicad_sch:1:22: (at …) needs two numbers"},
		{name: "sheet includes itself", files: fstest.MapFS{"x.kicad_sch": {Data: []byte(selfRef)}}, err: ErrFormat, errText: `x.kicad_sch:11:1: sheet "amp1": x.kicad_sch includes itself`},
		{name: "missing sub-sheet", files: fstest.MapFS{"x.kicad_sch": {Data: hier}}, warning: `sheet "amp1": file amp.kicad_sch not found`},
		{name: "missing library symbol", files: fstest.MapFS{"x.kicad_sch": {Data: []byte(noLib)}}, warning: "symbol D1 (Device:LED): library symbol not embedded"},
		{name: "duplicate reference", files: fstest.MapFS{"x.kicad_sch": {Data: []byte(dupRef)}}, warning: "duplicate reference R1: unit 1 is also placed on sheet / (x.kicad_sch:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ReadSchematic(tc.files, "x.kicad_sch")
			if tc.err != nil {
				if !errors.Is(err, tc.err) || !strings.HasPrefix(err.Error(), tc.errText) {
					t.Fatalf("got %v, want %v starting %q", err, tc.err, tc.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ws []string
			for _, w := range s.Warnings {
				ws = append(ws, w.String())
			}
			if !strings.Contains(strings.Join(ws, "\n"), tc.warning) {
				t.Errorf("warnings %q, want one with %q", ws, tc.warning)
			}
		})
	}
}

// TestSheetFilesRelativeToTheirParent: a sub-sheet's own sub-sheets are
// found next to it, as KiCad resolves them.
func TestSheetFilesRelativeToTheirParent(t *testing.T) {
	hier, _ := os.ReadFile("testdata/hier/hier.kicad_sch")
	amp, _ := os.ReadFile("testdata/hier/amp.kicad_sch")
	files := fstest.MapFS{
		"proj/top.kicad_sch":     {Data: []byte(strings.ReplaceAll(string(hier), `"amp.kicad_sch"`, `"sub/amp.kicad_sch"`))},
		"proj/sub/amp.kicad_sch": {Data: amp},
	}
	s, err := ReadSchematic(files, "proj/top.kicad_sch")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Sheets) != 3 || s.Sheets[1].File != path.Join("proj", "sub", "amp.kicad_sch") || len(s.Warnings) != 0 {
		t.Errorf("sheets %+v warnings %v", s.Sheets, s.Warnings)
	}
}

func TestParseSchematicSingleFile(t *testing.T) {
	src, _ := os.ReadFile("testdata/flat/flat.kicad_sch")
	s, err := ParseSchematic("flat.kicad_sch", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Components) != 8 || len(s.Nets) != 10 {
		t.Errorf("%d components, %d nets", len(s.Components), len(s.Nets))
	}
}

func TestNaturalOrder(t *testing.T) {
	s := readFixture(t, "hier/hier.kicad_sch")
	var refs []string
	for _, c := range s.Components {
		refs = append(refs, c.Reference)
	}
	if got, want := strings.Join(refs, " "), "J1 R101 R102 R103 R104 R201 R202 R203 R204"; got != want {
		t.Errorf("order %s, want %s", got, want)
	}
	if naturalCompare("R2", "R10") >= 0 || naturalCompare("U1A", "U1B") >= 0 || naturalCompare("U2", "U10A") >= 0 {
		t.Error("naturalCompare")
	}
}

// TestDerivedLibrarySymbol: a library symbol that extends another takes
// its parent's pins when the file did not flatten it.
func TestDerivedLibrarySymbol(t *testing.T) {
	src, _ := os.ReadFile("testdata/flat/flat.kicad_sch")
	s := strings.Replace(string(src), "(lib_symbols\n", "(lib_symbols\n(symbol \"Device:R_small\" (extends \"Device:R\"))\n", 1)
	s = strings.Replace(s, `(lib_id "Device:R") (at 101.6 127 0)`, `(lib_id "Device:R_small") (at 101.6 127 0)`, 1)
	if !strings.Contains(s, "Device:R_small\") (at") {
		t.Fatal("fixture changed: R4 not found")
	}
	got, err := ParseSchematic("flat.kicad_sch", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	if p := netPins(got, "VOUT"); p != "R4.1 U2.3" {
		t.Errorf("VOUT = %s", p)
	}
	if len(got.Warnings) != 0 {
		t.Errorf("warnings %v", got.Warnings)
	}
}

// TestHierarchyBound: files whose sheets each use the next file twice
// multiply; past maxSheetInstances the read stops with an error instead of
// running for ever.
func TestHierarchyBound(t *testing.T) {
	files := fstest.MapFS{}
	for i := 0; i < 16; i++ {
		box := func(n int) string {
			return fmt.Sprintf(`(sheet (at 0 0) (size 10 10) (uuid "s%d") (property "Sheetname" "s%d") (property "Sheetfile" "l%d.kicad_sch"))`, n, n, i+1)
		}
		files[fmt.Sprintf("l%d.kicad_sch", i)] = &fstest.MapFile{Data: []byte("(kicad_sch (version 20250114) (uuid \"u\")\n" + box(1) + box(2) + ")")}
	}
	files["l16.kicad_sch"] = &fstest.MapFile{Data: []byte(`(kicad_sch (version 20250114))`)}
	_, err := ReadSchematic(files, "l0.kicad_sch")
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "more than 10000 sheet instances") {
		t.Errorf("got %v", err)
	}
}
