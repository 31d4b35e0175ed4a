package circuit

import (
	"bytes"
	"testing"
	"testing/fstest"
)

// checkKiCad holds the adapter to what the model promises whatever the
// input: Parse and CheckSource agree on whether there is a circuit; an
// error is an *Error placed in a file; a circuit has unique references,
// net pins that name a component's own pins, no pin on two nets, exports
// in every format, and survives its own native export.
func checkKiCad(t *testing.T, src Source) {
	c, findings := CheckSource(src, ValidateOptions{})
	parsed, err := ParseSource(src)
	if (c == nil) != (err != nil) || (parsed == nil) != (c == nil) {
		t.Fatalf("CheckSource gave %v, ParseSource %v", c != nil, err)
	}
	for _, e := range findings {
		if e.File == "" || e.Msg == "" {
			t.Fatalf("finding %#v", e)
		}
	}
	if c == nil {
		if len(Errors(findings)) == 0 {
			t.Fatal("no circuit and no error")
		}
		return
	}
	onNet := map[string]string{}
	for i, comp := range c.Components {
		if i > 0 && !naturalLess(c.Components[i-1].Ref, comp.Ref) {
			t.Fatalf("components out of order or repeated: %s, %s", c.Components[i-1].Ref, comp.Ref)
		}
	}
	for _, n := range c.Nets {
		for _, p := range n.Pins {
			ref, pin, ok := SplitPin(p)
			comp := c.Component(ref)
			if !ok || comp == nil || !contains(comp.Pins, pin) {
				t.Fatalf("net %q pin %q names no pin of a component", n.Name, p)
			}
			if prev, dup := onNet[p]; dup {
				t.Fatalf("pin %s on %q and %q", p, prev, n.Name)
			}
			onNet[p] = n.Name
		}
	}
	for _, f := range ExportFormats() {
		if err := Export(new(bytes.Buffer), c, f); err != nil {
			t.Fatalf("export %s: %v", f, err)
		}
	}
	var native bytes.Buffer
	if err := Export(&native, c, "model"); err != nil {
		t.Fatal(err)
	}
	back, err := Parse("f.circuit.json", native.Bytes())
	if err != nil {
		t.Fatalf("the native export does not parse: %v", err)
	}
	for _, n := range c.Nets {
		n.Auto = false // a native file names every net
	}
	d := Diff(c, back)
	d.Metadata, d.SheetsAdded, d.SheetsRemoved, d.SheetsChanged = nil, nil, nil, nil // not in a native file
	if !d.Empty() {
		t.Fatalf("the native export differs: %s", d.Summary())
	}
}

func FuzzKiCadSchematic(f *testing.F) {
	for _, n := range []string{"flat/flat.kicad_sch", "v6/legacy.kicad_sch", "hier/hier.kicad_sch", "hier/amp.kicad_sch"} {
		f.Add(readKiCadFixture(f, n))
	}
	f.Add([]byte(`(kicad_sch (symbol (lib_id "a:b") (at 0 0) (property "Reference" "R?")) (symbol (lib_id "a:b") (at 1 1) (property "Reference" "R?")))`))
	files := hierFiles(f, nil)
	f.Fuzz(func(t *testing.T, data []byte) {
		// As a root with the fixture's sub-sheet beside it, and as that
		// sub-sheet with its root beside it.
		checkKiCad(t, Source{Name: "proj/hier.kicad_sch", Data: data, Files: files})
		checkKiCad(t, Source{Name: "proj/amp.kicad_sch", Data: data, Files: files})
	})
}

func FuzzKiCadNetlist(f *testing.F) {
	for _, n := range []string{"flat/flat.net", "hier/hier.net", "v6/legacy.net"} {
		f.Add(readKiCadFixture(f, n))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if kicadFormat("f.net", data) != FormatKiCadNetlist {
			return
		}
		checkKiCad(t, Source{Name: "f.net", Data: data, Files: fstest.MapFS{}})
	})
}
