package circuit

import (
	"strings"
	"testing"
	"testing/fstest"
)

// symbolBlock returns the (symbol …) of a placed symbol whose Reference
// property is ref, found in the fixture's text.
func symbolBlock(t *testing.T, src, ref string) string {
	t.Helper()
	at := strings.Index(src, `(property "Reference" "`+ref+`"`)
	start := strings.LastIndex(src[:at], "\n(symbol (lib_id") + 1
	end := strings.Index(src[at:], "\n(") + at + 1
	if at < 0 || start <= 0 {
		t.Fatalf("no symbol %s", ref)
	}
	return src[start:end]
}

func TestKiCadDiffs(t *testing.T) {
	flat := string(readKiCadFixture(t, "flat/flat.kicad_sch"))
	for _, tc := range []struct {
		name    string
		edit    func(string) string
		summary string
	}{
		{"value field", func(s string) string {
			return strings.Replace(s, `(property "Value" "1k"`, `(property "Value" "4.7k"`, 1)
		}, "R1 1k→4.7k"},
		{"same value spelt otherwise", func(s string) string {
			return strings.Replace(s, `(property "Value" "4k7"`, `(property "Value" "4.7kΩ"`, 1)
		}, ""},
		{"wire endpoint moved off a pin", func(s string) string {
			// R1.2 to the MID junction: the wire now ends short of the pin.
			return strings.Replace(s, "(xy 50.8 54.61) (xy 50.8 57.15)", "(xy 50.8 55.88) (xy 50.8 57.15)", 1)
		}, "net /MID -R1.2"},
		{"label renamed", func(s string) string {
			return strings.ReplaceAll(s, `(label "MID"`, `(label "MIDDLE"`)
		}, "net /MID→/MIDDLE"},
		{"label at a pin renamed", func(s string) string {
			return strings.Replace(s, `(label "OUT2" (at 134.62 88.9 0)`, `(label "MID" (at 134.62 88.9 0)`, 1)
		}, "TP1.1 /OUT2→/MID"},
		{"symbol deleted", func(s string) string {
			return strings.Replace(s, symbolBlock(t, s, "D1"), "", 1)
		}, "-D1"},
		{"DNP cleared", func(s string) string {
			return strings.Replace(s, "(dnp yes)", "(dnp no)", 1)
		}, "R3 dnp true→false"},
		{"MPN field changed", func(s string) string {
			return strings.Replace(s, `"RC0603FR-071KL"`, `"RC0603JR-071KL"`, 1)
		}, "R1 mpn RC0603FR-071KL→RC0603JR-071KL"},
		{"title block", func(s string) string {
			return strings.Replace(s, "(paper \"A4\")", "(paper \"A4\") (title_block (rev \"B\"))", 1)
		}, "rev ∅→B"},
		{"drawing only: a text added", func(s string) string {
			return strings.Replace(s, "(paper \"A4\")", "(paper \"A4\") (text \"note\" (at 1 1 0))", 1)
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sides, ok := ParseBoth("flat.kicad_sch", []byte(flat), []byte(tc.edit(flat)))
			if !ok {
				t.Fatal("not parsed")
			}
			if got := Diff(sides[0], sides[1]).Summary(); got != tc.summary {
				var b strings.Builder
				Diff(sides[0], sides[1]).WriteText(&b)
				t.Errorf("summary %q, want %q\n%s", got, tc.summary, b.String())
			}
		})
	}
}

// TestKiCadDiffText checks the whole report of a symbol deleted: the
// component, its pins leaving their nets, and the BOM.
func TestKiCadDiffText(t *testing.T) {
	flat := string(readKiCadFixture(t, "flat/flat.kicad_sch"))
	edited := strings.Replace(flat, symbolBlock(t, flat, "D1"), "", 1)
	edited = strings.Replace(edited, `(property "Value" "1k"`, `(property "Value" "4k7"`, 1)
	sides, _ := ParseBoth("flat.kicad_sch", []byte(flat), []byte(edited))
	var b strings.Builder
	if err := Diff(sides[0], sides[1]).WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := `components:
  -  D1  Device:LED red LED_SMD:LED_0603_1608Metric
  ~  R1  value: 1k → 4k7
nets:
  ~  /MID  -D1.2
  ~  GND   -D1.1
bom:
  -  red LED_SMD:LED_0603_1608Metric                    1 → 0  D1
  -  1k Resistor_SMD:R_0603_1608Metric RC0603FR-071KL   1 → 0  R1
  +  4k7 Resistor_SMD:R_0603_1608Metric RC0603FR-071KL  0 → 1  R1
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestKiCadSheetAdded(t *testing.T) {
	files := hierFiles(t, nil)
	root := string(files["proj/hier.kicad_sch"].Data)
	box := `(sheet (at 150 40) (size 20 20) (uuid "cccccccc-0000-4000-8000-000000000009")
  (property "Sheetname" "power" (at 150 40 0)) (property "Sheetfile" "sch/power.kicad_sch" (at 150 40 0))
  (instances (project "fixture" (path "/11111111-2222-4333-8444-000000000001" (page "4")))))
`
	withBox := strings.Replace(root, " (sheet_instances", box+" (sheet_instances", 1)
	newFiles := hierFiles(t, map[string]string{
		"hier.kicad_sch":      withBox,
		"sch/power.kicad_sch": `(kicad_sch (version 20250114) (uuid "eeeeeeee-0000-4000-8000-000000000001"))`,
	})
	sides, ok := ParsePair(Source{Name: "proj/hier.kicad_sch", Data: []byte(root), Files: files},
		Source{Name: "proj/hier.kicad_sch", Data: []byte(withBox), Files: newFiles})
	if !ok {
		t.Fatal("not parsed")
	}
	d := Diff(sides[0], sides[1])
	if len(d.SheetsAdded) != 1 || d.SheetsAdded[0] != (Sheet{Path: "/power/", File: "sch/power.kicad_sch"}) || d.Summary() != "+sheet /power/" {
		t.Errorf("sheets added %v, summary %q", d.SheetsAdded, d.Summary())
	}
	var b strings.Builder
	d.WriteText(&b)
	if b.String() != "sheets:\n  +  /power/  sch/power.kicad_sch\n" {
		t.Errorf("text %q", b.String())
	}
	back := Diff(sides[1], sides[0])
	if len(back.SheetsRemoved) != 1 || back.Summary() != "-sheet /power/" {
		t.Errorf("removed %v", back.SheetsRemoved)
	}
}

// TestKiCadSubSheetDiff: an edit on a sheet used twice shows under the
// references of both instances, read through the root at each version.
func TestKiCadSubSheetDiff(t *testing.T) {
	old := hierFiles(t, nil)
	amp := string(old["proj/amp.kicad_sch"].Data)
	edited := strings.Replace(amp, `(property "Value" "1k"`, `(property "Value" "2k2"`, 1)
	newFiles := hierFiles(t, map[string]string{"amp.kicad_sch": edited})
	sides, ok := ParsePair(Source{Name: "proj/amp.kicad_sch", Data: []byte(amp), Files: old},
		Source{Name: "proj/amp.kicad_sch", Data: []byte(edited), Files: newFiles})
	if !ok {
		t.Fatal("not parsed")
	}
	if got := Diff(sides[0], sides[1]).Summary(); got != "R102 1k→2k2; R202 1k→2k2" {
		t.Errorf("summary %q", got)
	}
}

// TestKiCadRenamedFile: a schematic moved to another folder is read there
// on the new side.
func TestKiCadRenamedFile(t *testing.T) {
	old := hierFiles(t, nil)
	moved := fstest.MapFS{"new/hier.kicad_sch": old["proj/hier.kicad_sch"], "new/amp.kicad_sch": old["proj/amp.kicad_sch"]}
	sides, ok := ParsePair(Source{Name: "proj/hier.kicad_sch", Data: old["proj/hier.kicad_sch"].Data, Files: old},
		Source{Name: "new/hier.kicad_sch", Data: moved["new/hier.kicad_sch"].Data, Files: moved})
	if !ok || !Diff(sides[0], sides[1]).Empty() {
		t.Errorf("ok %v, diff %+v", ok, Diff(sides[0], sides[1]))
	}
	if s := SummarizeSources(Source{Name: "a.kicad_sch"}, Source{Name: "a.kicad_sch", Data: old["proj/hier.kicad_sch"].Data, Files: old, Path: "proj/hier.kicad_sch"}); s != "new circuit: 9 components, 6 nets" {
		t.Errorf("summary of a new file: %q", s)
	}
}

func TestKiCadBOM(t *testing.T) {
	flat := string(readKiCadFixture(t, "flat/flat.kicad_sch"))
	// R2's 10kΩ and R4's 10k on Device:R are one value: one line. DNP
	// and in_bom no parts are left out and named.
	edited := strings.Replace(flat, `(property "Value" "4k7"`, `(property "Value" "10kΩ"`, 1)
	edited = strings.Replace(edited, `(property "Value" "${SIM.PARAMS}"`, `(property "Value" "10k"`, 1)
	c, err := Parse("flat.kicad_sch", []byte(edited))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := Export(&b, c, "bom"); err != nil {
		t.Fatal(err)
	}
	want := `Qty  References  Value   Footprint                             MPN             Manufacturer
1    D1          red     LED_SMD:LED_0603_1608Metric           -               -
1    R1          1k      Resistor_SMD:R_0603_1608Metric        RC0603FR-071KL  -
2    R2 R4       10kΩ    Resistor_SMD:R_0603_1608Metric        -               -
1    U1          LM358   Package_SO:SOIC-8_3.9x4.9mm_P1.27mm   -               -
1    U2          74HC00  Package_SO:SOIC-14_3.9x8.7mm_P1.27mm  -               -
6 parts in 5 lines
not in the BOM: R3 (DNP), TP1 (excluded)
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
