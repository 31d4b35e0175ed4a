package circuit

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// The KiCad fixtures are internal/kicad's, written for this project and
// checked there against kicad-cli's netlists.
const kicadTestdata = "../kicad/testdata/"

func readKiCadFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(kicadTestdata + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// hierFiles is the hierarchical fixture as a file system, with edits.
func hierFiles(t testing.TB, edits map[string]string) fstest.MapFS {
	files := fstest.MapFS{}
	for _, n := range []string{"hier.kicad_sch", "amp.kicad_sch"} {
		files["proj/"+n] = &fstest.MapFile{Data: readKiCadFixture(t, "hier/"+n)}
	}
	for n, data := range edits {
		files["proj/"+n] = &fstest.MapFile{Data: []byte(data)}
	}
	return files
}

func TestKiCadDetect(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       Format
	}{
		{"a.kicad_sch", "(kicad_sch (version 20250114))", FormatKiCad},
		{"x.txt", "\ufeff\n  (kicad_sch\n(version 20211123))", FormatKiCad},
		{"a.kicad_sch", "{\"not\": \"kicad\"}", FormatKiCad}, // the name decides for a broken file
		{"a.kicad_sch", "", FormatKiCad},
		{"board.net", "(export (version \"E\"))", FormatKiCadNetlist},
		{"board.net", "* SPICE netlist\nR1 1 2 10k\n", FormatUnknown},
		{"a.kicad_pcb", "(kicad_pcb (version 20241229))", FormatUnknown},
		{"a.json", "(kicad_schematic)", FormatJSON}, // as any .json that is not JSON
		{"a.txt", "(exporter)", FormatUnknown},
	} {
		if got := Detect(tc.name, []byte(tc.data)); got != tc.want {
			t.Errorf("Detect(%s, %.20q) = %v, want %v", tc.name, tc.data, got, tc.want)
		}
	}
	if !FormatKiCad.IsCircuit() || !FormatKiCadNetlist.IsCircuit() || FormatKiCadNetlist.String() != "kicad-netlist" {
		t.Error("KiCad formats are circuits")
	}
}

func TestKiCadModel(t *testing.T) {
	c, err := Parse("flat.kicad_sch", readKiCadFixture(t, "flat/flat.kicad_sch"))
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, comp := range c.Components {
		refs = append(refs, comp.Ref)
	}
	// Power symbols and flags are not components; U1's two units are one.
	if got := strings.Join(refs, " "); got != "D1 R1 R2 R3 R4 TP1 U1 U2" {
		t.Fatalf("components %s", got)
	}
	r1, r3, tp1, u1 := c.Component("R1"), c.Component("R3"), c.Component("TP1"), c.Component("U1")
	if r1.Type != "Device:R" || r1.Value != "1k" || r1.MPN != "RC0603FR-071KL" || r1.Properties["MPN"] != "" ||
		r1.Footprint != "Resistor_SMD:R_0603_1608Metric" || *r1.Position != (Position{X: 50.8, Y: 50.8}) {
		t.Errorf("R1 %+v", r1)
	}
	if !r3.DNP || r3.Properties["Tolerance"] != "1%" || InBOM(r3) {
		t.Errorf("R3 %+v", r3)
	}
	if tp1.Properties["exclude_from_bom"] != "true" || InBOM(tp1) {
		t.Errorf("TP1 %+v", tp1)
	}
	// U1.6 is connected to nothing: a pin of U1, on no net.
	if strings.Join(u1.Pins, " ") != "1 2 3 4 5 6 7 8" || c.NetOf("U1.6") != "" {
		t.Errorf("U1 pins %v, U1.6 on %q", u1.Pins, c.NetOf("U1.6"))
	}
	for name, auto := range map[string]bool{"GND": false, "/MID": false, "VIN": false, "Net-(U1A--)": true} {
		if n := c.Net(name); n == nil || n.Auto != auto {
			t.Errorf("net %s: %+v", name, n)
		}
	}
	if c.Version != "20250114" || c.Format != FormatKiCad {
		t.Errorf("version %q format %v", c.Version, c.Format)
	}
}

// TestKiCadNetlistEqualsSchematic: KiCad's netlist of the fixture and the
// schematic itself give the same components and nets.
func TestKiCadNetlistEqualsSchematic(t *testing.T) {
	for _, fx := range []string{"flat/flat", "hier/hier", "v6/legacy"} {
		sch, err := ParseSource(Source{Name: fx + ".kicad_sch", Data: readKiCadFixture(t, fx+".kicad_sch"), Files: os.DirFS(kicadTestdata)})
		if err != nil {
			t.Fatal(err)
		}
		net, err := Parse(fx+".net", readKiCadFixture(t, fx+".net"))
		if err != nil {
			t.Fatal(err)
		}
		for _, comp := range sch.Components {
			comp.Position = nil // a netlist places nothing
		}
		d := Diff(sch, net)
		d.Metadata = nil
		if !d.Empty() {
			var b strings.Builder
			d.WriteText(&b)
			t.Errorf("%s: schematic and netlist differ:\n%s", fx, b.String())
		}
	}
}

func TestKiCadSubSheetThroughItsRoot(t *testing.T) {
	files := hierFiles(t, nil)
	c, err := ParseSource(Source{Name: "proj/amp.kicad_sch", Data: files["proj/amp.kicad_sch"].Data, Files: files})
	if err != nil {
		t.Fatal(err)
	}
	// Both instances of the sheet, under the references the root gives
	// them, and no part of the root sheet (J1).
	if len(c.Components) != 8 || c.Component("R201") == nil || c.Component("J1") != nil {
		t.Fatalf("components %v", c.Components)
	}
	if c.Component("R201").Properties["sheet"] != "/amp2/" {
		t.Errorf("R201 %+v", c.Component("R201"))
	}
	// Nets keep the names of the whole design; pins of other sheets
	// are left out.
	if n := c.Net("/amp1/IN"); n == nil || strings.Join(n.Pins, " ") != "R101.1" {
		t.Errorf("net /amp1/IN %+v", n)
	}
	// Alone, it is read as a root: the references written in it, and a
	// warning.
	alone, findings := CheckSource(Source{Name: "amp.kicad_sch", Data: files["proj/amp.kicad_sch"].Data}, ValidateOptions{})
	if alone == nil || alone.Component("R201") != nil || !strings.Contains(joinErrors(findings), "no instance data") {
		t.Errorf("read alone: %v", joinErrors(findings))
	}
}

func TestKiCadRootSheets(t *testing.T) {
	files := hierFiles(t, nil)
	c, err := ParseSource(Source{Name: "proj/hier.kicad_sch", Data: files["proj/hier.kicad_sch"].Data, Files: files})
	if err != nil {
		t.Fatal(err)
	}
	want := []Sheet{{"/amp1/", "amp.kicad_sch"}, {"/amp2/", "amp.kicad_sch"}}
	if len(c.Sheets) != 2 || c.Sheets[0] != want[0] || c.Sheets[1] != want[1] {
		t.Errorf("sheets %v", c.Sheets)
	}
}

func joinErrors(errs []*Error) string {
	var s []string
	for _, e := range errs {
		s = append(s, e.Error())
	}
	return strings.Join(s, "\n")
}

func TestKiCadValidate(t *testing.T) {
	flat := string(readKiCadFixture(t, "flat/flat.kicad_sch"))
	for _, tc := range []struct {
		name, data string
		err        error  // wrapped by the first finding
		want       string // in the findings
		errors     int    // findings of level error
	}{
		{name: "valid", data: flat, want: "flat.kicad_sch:71:1: warning: pin U1.6 (-) is connected to nothing"},
		{name: "label only", data: flat, want: "flat.kicad_sch:43:1: warning: pin U1.3 (+) is the only pin on net VIN"},
		{name: "syntax", data: "(kicad_sch (version 20250114)\n  (wire (pts (xy 1 2)", err: ErrSyntax, want: "flat.kicad_sch:2:22: ", errors: 1},
		{name: "not a schematic inside", data: "(kicad_sch (symbol (at 1 2)))", err: ErrInvalid, want: "flat.kicad_sch:1:12: placed symbol has no (lib_id …)", errors: 1},
		{name: "duplicate reference", data: strings.ReplaceAll(flat, `(reference "R2")`, `(reference "R1")`),
			want: "flat.kicad_sch:55:1: duplicate reference R1", errors: 1},
		{name: "unannotated", data: strings.ReplaceAll(strings.ReplaceAll(flat, `(reference "R2")`, `(reference "R?")`), `(reference "R4")`, `(reference "R?")`),
			want: "flat.kicad_sch:118:1: warning: symbol R? (Device:R) is not annotated"},
		{name: "sub-sheet missing", data: string(readKiCadFixture(t, "hier/hier.kicad_sch")), want: `warning: sheet "amp1": file amp.kicad_sch not found`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, findings := Check("flat.kicad_sch", []byte(tc.data), ValidateOptions{})
			if got := joinErrors(findings); !strings.Contains(got, tc.want) {
				t.Errorf("findings:\n%s\nwant %q", got, tc.want)
			}
			if n := len(Errors(findings)); n != tc.errors {
				t.Errorf("%d errors, want %d:\n%s", n, tc.errors, joinErrors(findings))
			}
			if tc.err != nil && (c != nil || !errors.Is(findings[0], tc.err)) {
				t.Errorf("model %v, first finding %v, want %v", c, findings[0], tc.err)
			}
			if _, err := Parse("flat.kicad_sch", []byte(tc.data)); (err != nil) != (tc.err != nil) {
				t.Errorf("Parse: %v", err)
			}
		})
	}
}

// TestKiCadSubSheetFindings: a sub-sheet read through its root reports
// the findings placed in it, named from where the sub-sheet is named; the
// root reports them all.
func TestKiCadSubSheetFindings(t *testing.T) {
	amp := string(readKiCadFixture(t, "hier/amp.kicad_sch"))
	amp = strings.Replace(amp, `(reference "R202")`, `(reference "R201")`, 1)
	files := hierFiles(t, map[string]string{"amp.kicad_sch": amp})
	_, sub := CheckSource(Source{Name: "sheets/amp.kicad_sch", Path: "proj/amp.kicad_sch", Data: []byte(amp), Files: files}, ValidateOptions{})
	if len(Errors(sub)) != 1 || !strings.HasPrefix(sub[0].Error(), "sheets/amp.kicad_sch:") || !strings.Contains(sub[0].Msg, "duplicate reference R201") {
		t.Errorf("sub-sheet findings:\n%s", joinErrors(sub))
	}
	_, root := CheckSource(Source{Name: "sheets/hier.kicad_sch", Path: "proj/hier.kicad_sch", Data: files["proj/hier.kicad_sch"].Data, Files: files}, ValidateOptions{})
	if len(Errors(root)) != 1 || root[len(root)-1].File != "sheets/amp.kicad_sch" {
		t.Errorf("root findings:\n%s", joinErrors(root))
	}
	// A broken root: the sub-sheet is read alone, and says why.
	files["proj/hier.kicad_sch"] = &fstest.MapFile{Data: []byte(strings.Replace(string(files["proj/hier.kicad_sch"].Data), "(wire", "(junction (at 1 x)) (wire", 1))}
	_, alone := CheckSource(Source{Name: "proj/amp.kicad_sch", Data: []byte(amp), Files: files}, ValidateOptions{})
	if !strings.Contains(joinErrors(alone), "warning: read alone: the root schematic proj/hier.kicad_sch that uses it cannot be read (proj/hier.kicad_sch:") {
		t.Errorf("findings:\n%s", joinErrors(alone))
	}
}

func TestKiCadNetlistFindings(t *testing.T) {
	nl := string(readKiCadFixture(t, "flat/flat.net"))
	i := strings.Index(nl, "    (comp ")
	j := strings.Index(nl[i+1:], "    (comp ") + i + 1
	dup := nl[:j] + nl[i:j] + nl[j:]
	c, findings := Check("flat.net", []byte(dup), ValidateOptions{})
	if c == nil || len(Errors(findings)) != 1 || !strings.Contains(findings[0].Msg, "is listed twice") {
		t.Errorf("findings:\n%s", joinErrors(findings))
	}
	if _, findings := Check("flat.net", []byte("(export (version \"E\") (nets (net (node (pin 1)))))"), ValidateOptions{}); len(findings) != 1 || findings[0].Line != 1 {
		t.Errorf("findings:\n%s", joinErrors(findings))
	}
}

func TestRelPath(t *testing.T) {
	for _, tc := range [][3]string{
		{".", "a.kicad_sch", "a.kicad_sch"},
		{"proj", "proj/sch/a.kicad_sch", "sch/a.kicad_sch"},
		{"proj/sch", "proj/top.kicad_sch", "../top.kicad_sch"},
		{"/home/u/p/sch", "/home/u/p/top.kicad_sch", "../top.kicad_sch"},
		{"a/b", "c/d", "../../c/d"},
	} {
		if got := relPath(tc[0], tc[1]); got != tc[2] {
			t.Errorf("relPath(%q, %q) = %q, want %q", tc[0], tc[1], got, tc[2])
		}
	}
}

// TestKiCadSharedReads: the files of one version share one read of their
// hierarchy, unless a file's content is not the version's.
func TestKiCadSharedReads(t *testing.T) {
	files := hierFiles(t, nil)
	reads := &Reads{}
	var models []*Circuit
	for _, n := range []string{"proj/hier.kicad_sch", "proj/amp.kicad_sch"} {
		c, findings := CheckSource(Source{Name: n, Data: files[n].Data, Files: files, Reads: reads}, ValidateOptions{})
		alone, _ := CheckSource(Source{Name: n, Data: files[n].Data, Files: files}, ValidateOptions{})
		if c == nil || !Diff(c, alone).Empty() || len(Errors(findings)) > 0 {
			t.Fatalf("%s: shared read %v differs from its own, or %v", n, Diff(c, alone), findings)
		}
		models = append(models, c)
	}
	if len(reads.schematics) != 1 || reads.schematics["proj/hier.kicad_sch"] == nil {
		t.Errorf("hierarchies read: %v", reads.schematics)
	}
	// An edit not in Files is read on its own.
	edited := strings.Replace(string(files["proj/amp.kicad_sch"].Data), `(property "Value" "1k"`, `(property "Value" "2k2"`, 1)
	c, err := ParseSource(Source{Name: "proj/amp.kicad_sch", Data: []byte(edited), Files: files, Reads: reads})
	if err != nil || c.Component("R102").Value != "2k2" || models[1].Component("R102").Value != "1k" {
		t.Errorf("edited sub-sheet: %v %+v", err, c.Component("R102"))
	}
}
