package kicad

import (
	"errors"
	"strings"
	"testing"
)

func TestReadNetlist(t *testing.T) {
	nl := fixtureNetlist(t, "flat/flat.kicad_sch")
	if nl.Version != "E" || nl.Source != "flat.kicad_sch" || !strings.HasPrefix(nl.Tool, "Eeschema 9.") {
		t.Errorf("header %q %q %q", nl.Version, nl.Source, nl.Tool)
	}
	r3 := nl.Component("R3")
	if r3 == nil || r3.Value != "10k" || r3.Footprint != "Resistor_SMD:R_0603_1608Metric" || !r3.DNP || r3.MPN() != "RC0603FR-0710KL" || r3.LibID != "Device:R" || r3.Sheet != "/" {
		t.Errorf("R3 = %+v", r3)
	}
	if tp := nl.Component("TP1"); tp == nil || tp.InBOM {
		t.Errorf("TP1 = %+v", tp)
	}
	gnd := nl.Net("GND")
	if gnd == nil || strings.Join(gnd.Pins(), " ") != "D1.1 U1.4 U1.5 U2.7" {
		t.Fatalf("GND = %+v", gnd)
	}
	if n := gnd.Nodes[0]; n.Function != "K" || n.Type != "passive" || n.NoConnect {
		t.Errorf("D1.1 = %+v", n)
	}
	if n := nl.Net("unconnected-(R2-Pad2)").Nodes[0]; n.Type != "passive" || !n.NoConnect {
		t.Errorf("R2.2 = %+v", n)
	}
}

func TestNetlistSheets(t *testing.T) {
	nl := fixtureNetlist(t, "hier/hier.kicad_sch")
	var got []string
	for _, s := range nl.Sheets {
		got = append(got, s.Path+"="+s.File)
	}
	if strings.Join(got, " ") != "/=hier.kicad_sch /amp1/=amp.kicad_sch /amp2/=amp.kicad_sch" || len(nl.Sheets[0].TitleBlock) != 0 {
		t.Errorf("sheets %v, title block %v", got, nl.Sheets[0].TitleBlock)
	}
	src := `(export (version "E") (design (sheet (number "1") (name "/") (title_block (title "Amp") (rev) (source "a.kicad_sch") (comment (number "2") (value "ok"))))))`
	nl, err := ParseNetlist("a.net", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if tb := nl.Sheets[0].TitleBlock; len(tb) != 2 || tb[0] != (Field{"title", "Amp"}) || tb[1] != (Field{"comment2", "ok"}) {
		t.Errorf("title block %v", tb)
	}
}

func TestParseNetlistErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		err       error
		text      string
	}{
		{"schematic", "(kicad_sch (version 1))", ErrFormat, "n.net:1:1: not a KiCad netlist"},
		{"syntax", "(export (nets (net (name \"x\")", ErrSyntax, "n.net:1:30: unexpected end of file"},
		{"node without ref", "(export (nets (net (name \"x\")\n (node (pin \"1\")))))", ErrFormat, "n.net:2:2: net \"x\": node without (ref …)"},
		{"net without name", "(export (nets\n (net (node (ref \"R1\") (pin \"1\")))))", ErrFormat, "n.net:2:2: net without (name …)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseNetlist("n.net", []byte(tc.src))
			if !errors.Is(err, tc.err) || !strings.HasPrefix(err.Error(), tc.text) {
				t.Errorf("got %v, want %v starting %q", err, tc.err, tc.text)
			}
		})
	}
}

// TestNetlistDuplicates: KiCad writes a component twice when a sub-sheet
// exported alone repeats a reference; that is reported, not fatal.
func TestNetlistDuplicates(t *testing.T) {
	nl, err := ParseNetlist("n.net", []byte(`(export (version "E") (components (comp (ref "R1")) (comp (ref "R1"))))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(nl.Components) != 2 || len(nl.Warnings) != 1 || !strings.Contains(nl.Warnings[0].String(), "n.net:1:53: component R1 is listed twice") {
		t.Errorf("components %d warnings %v", len(nl.Components), nl.Warnings)
	}
}
