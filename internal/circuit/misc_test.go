package circuit

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/internal/circuit/gen"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name, data string
		want       Format
	}{
		{"x.circuit.json", `{"components": []}`, FormatNative},
		{"anything.json", `{"version": 1, "nets": []}`, FormatNative},
		{"diagram.json", `{"parts": [], "connections": []}`, FormatWokwi},
		{"foo.json", `{"connections": []}`, FormatWokwi},
		{"circuit.json", `[{"type": "source_component"}]`, FormatTscircuit},
		{"x.json", `[{"type": "pcb_board"}, 1]`, FormatTscircuit},
		{"x.json", `[{"type": "user"}]`, FormatJSON},
		{"x.json", `[]`, FormatJSON},
		{"x.json", `"just a string"`, FormatJSON},
		{"settings.json", `{"a": {"components": 1}}`, FormatJSON},
		{"diagram.json", `{"parts": [], "components": []}`, FormatWokwi},
		{"a.circuit.json", `{"parts": [], "components": []}`, FormatNative},
		// Malformed: the name decides.
		{"a.circuit.json", `{"components": [`, FormatNative},
		{"diagram.json", `{"parts": [`, FormatWokwi},
		{"dist/circuit.json", `[{"type": "source_component",`, FormatTscircuit},
		{"x.json", `{`, FormatJSON},
		{"README.md", "# hello", FormatUnknown},
		{"x.txt", `{"components": []}`, FormatNative}, // content wins over name
		{"x.json", "[{\"type\": \"source_port\"}, }", FormatJSON},
		{"x.json", "\xef\xbb\xbf{\"components\": []}", FormatNative},
	}
	for _, tt := range tests {
		if got := Detect(tt.name, []byte(tt.data)); got != tt.want {
			t.Errorf("Detect(%q, %q) = %s, want %s", tt.name, tt.data, got, tt.want)
		}
	}
	for f, s := range map[Format]string{FormatUnknown: "unknown", FormatJSON: "json", FormatNative: "native", FormatWokwi: "wokwi", FormatTscircuit: "tscircuit"} {
		if f.String() != s {
			t.Errorf("%d.String() = %q", f, f.String())
		}
	}
}

func TestNaturalOrder(t *testing.T) {
	got := []string{"R10", "R2", "C1", "R1", "U1.10", "U1.8", "R02", "LED_3V3", "LED3", "R", "R1a"}
	sortNatural(got)
	want := "C1 LED3 LED_3V3 R R1 R1a R02 R2 R10 U1.8 U1.10"
	if strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

func TestExport(t *testing.T) {
	c := mustParse(t, "amp.circuit.json", readFixture(t, "amp.circuit.json"))
	tests := []struct {
		format string
		want   string
	}{
		{"bom", `Qty  References  Value      Footprint               MPN                 Manufacturer
1    C1          100nF      0402                    GRM155R71C104KA88D  Murata
1    J1          connector  PinHeader_1x03_P2.54mm  -                   -
3    R1 R2 R5    10k        0603                    RC0603FR-0710KL     Yageo
1    R10         4.7k       0603                    RC0603FR-074K7L     Yageo
1    U1          MCP6001    SOT-23-5                MCP6001T-I/OT       Microchip
7 parts in 5 lines
not in the BOM: C2 (DNP)
`},
		{"netlist", `+5V   C1.1 C2.1 J1.1 R1.1 U1.5
FB    R5.2 R10.1 U1.4
GND   C1.2 C2.2 J1.3 R2.2 U1.2
OUT   R5.1 R10.2 U1.1
VMID  R1.2 R2.1 U1.3
`},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := Export(&buf, c, tt.format); err != nil {
			t.Fatal(err)
		}
		if buf.String() != tt.want {
			t.Errorf("%s:\n%s\nwant:\n%s", tt.format, buf.String(), tt.want)
		}
	}

	var buf bytes.Buffer
	if err := Export(&buf, c, "csv"); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 6 || strings.Join(recs[0], ",") != "References,Qty,Value,Footprint,MPN,Manufacturer,Type,Variant" ||
		strings.Join(recs[3], ",") != "R1 R2 R5,3,10k,0603,RC0603FR-0710KL,Yageo,resistor," {
		t.Errorf("csv = %q", recs)
	}

	buf.Reset()
	if err := Export(&buf, c, "json"); err != nil {
		t.Fatal(err)
	}
	var lines []struct {
		Refs []string `json:"refs"`
		Qty  int      `json:"qty"`
	}
	if err := json.Unmarshal(buf.Bytes(), &lines); err != nil || len(lines) != 5 || lines[2].Qty != 3 {
		t.Errorf("json = %s (%v)", buf.String(), err)
	}

	// native export round-trips: it validates and parses to the same circuit.
	buf.Reset()
	if err := Export(&buf, c, "native"); err != nil {
		t.Fatal(err)
	}
	if errs := Validate("out.circuit.json", buf.Bytes(), ValidateOptions{}); len(errs) > 0 {
		t.Fatalf("exported native is invalid: %v", errs)
	}
	if d := Diff(c, mustParse(t, "out.circuit.json", buf.Bytes())); !d.Empty() {
		t.Errorf("native round trip changed: %s", d.Summary())
	}

	err = Export(&buf, c, "pdf")
	if !errors.Is(err, ErrUnknownExportFormat) || !strings.Contains(err.Error(), "bom, csv, json, netlist") {
		t.Errorf("unknown format error = %v", err)
	}
}

func TestExportCSVDefusesFormulas(t *testing.T) {
	c := mustParse(t, "a.circuit.json", []byte(`{"components": [{"id": "R1", "value": "=HYPERLINK(\"x\")"}]}`))
	var buf bytes.Buffer
	if err := Export(&buf, c, "csv"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `'=HYPERLINK`) {
		t.Errorf("csv = %s", buf.String())
	}
}

// TestExportConvertsRealFiles: every real file exports to a valid native
// circuit with the same components and nets.
func TestExportConvertsRealFiles(t *testing.T) {
	for _, f := range []string{"tscircuit/motor-controller.json", "wokwi/wokwi-lcd1602/lcd-uno/diagram.json"} {
		c := mustParse(t, f, readCorpus(t, f))
		var buf bytes.Buffer
		if err := Export(&buf, c, "native"); err != nil {
			t.Fatal(err)
		}
		if errs := Validate("x.circuit.json", buf.Bytes(), ValidateOptions{}); len(errs) > 0 {
			t.Fatalf("%s: %v", f, errs[0])
		}
		n := mustParse(t, "x.circuit.json", buf.Bytes())
		d := Diff(c, n)
		if len(d.Added)+len(d.Removed)+len(d.Changed)+len(d.NetsAdded)+len(d.NetsRemoved)+len(d.NetsChanged) != 0 {
			t.Errorf("%s: conversion changed the circuit: %s", f, d.Summary())
		}
	}
}

func TestDiffJSON(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           []JSONChange
	}{
		{"equal modulo order and number form", `{"a": 1, "b": [1, 2]}`, `{"b": [1.0, 2], "a": 1e0}`, nil},
		{"scalar change", `{"a": 1}`, `{"a": 2}`, []JSONChange{{"change", "$.a", "1", "2"}}},
		{"key added and removed", `{"a": 1, "odd key": true}`, `{"a": 1, "c": null}`,
			[]JSONChange{{"remove", `$["odd key"]`, "true", ""}, {"add", "$.c", "", "null"}}},
		{"array insertion", `[1, 2, 3]`, `[1, 9, 2, 3]`, []JSONChange{{"add", "$[1]", "", "9"}}},
		{"array removal", `[{"id": 1}, {"id": 2}, {"id": 3}]`, `[{"id": 1}, {"id": 3}]`, []JSONChange{{"remove", "$[1]", `{"id":2}`, ""}}},
		{"edit inside an element", `[{"id": 1, "v": "a"}, {"id": 2}]`, `[{"id": 1, "v": "b"}, {"id": 2}, {"id": 3}]`,
			[]JSONChange{{"change", "$[0].v", `"a"`, `"b"`}, {"add", "$[2]", "", `{"id":3}`}}},
		{"type change", `{"a": [1]}`, `{"a": {"x": 1}}`, []JSONChange{{"change", "$.a", "[1]", `{"x":1}`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DiffJSON([]byte(tt.old), []byte(tt.new))
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Changes) != len(tt.want) {
				t.Fatalf("changes = %+v, want %+v", d.Changes, tt.want)
			}
			for i := range tt.want {
				if d.Changes[i] != tt.want[i] {
					t.Errorf("change %d = %+v, want %+v", i, d.Changes[i], tt.want[i])
				}
			}
			if d.Empty() != (len(tt.want) == 0) {
				t.Error("Empty disagrees")
			}
			b, err := d.MarshalJSON()
			if err != nil || !json.Valid(b) {
				t.Errorf("MarshalJSON: %v %s", err, b)
			}
		})
	}
	d, _ := DiffJSON([]byte(`{"a": 1, "b": [1]}`), []byte(`{"a": 2, "b": [1, "x"]}`))
	if got := d.Summary(); got != `$.a 1→2; +$.b[1]` {
		t.Errorf("Summary = %q", got)
	}
	var buf bytes.Buffer
	if err := d.WriteText(&buf); err != nil || buf.String() != "~  $.a     1 → 2\n+  $.b[1]  \"x\"\n" {
		t.Errorf("WriteText = %q", buf.String())
	}
	if b, _ := d.MarshalJSON(); string(b) != `{"changes":[{"op":"change","path":"$.a","old":1,"new":2},{"op":"add","path":"$.b[1]","new":"x"}]}` {
		t.Errorf("MarshalJSON = %s", b)
	}
	_, err := DiffJSON([]byte(`{}`), []byte(`{"a": }`))
	var e *Error
	if !errors.As(err, &e) || e.File != "new" || e.Col != 7 || !errors.Is(err, ErrSyntax) {
		t.Errorf("malformed new: %v", err)
	}
}

func TestSummarize(t *testing.T) {
	amp := readFixture(t, "amp.circuit.json")
	tests := []struct {
		name     string
		old, new []byte
		want     string
	}{
		{"new circuit", nil, amp, "new circuit: 8 components, 5 nets"},
		{"deleted", amp, nil, "deleted"},
		{"changed circuit", amp, readFixture(t, "amp-renamed.circuit.json"), "R5→R7"},
		{"same circuit", amp, readFixture(t, "amp-reordered.circuit.json"), ""},
		{"plain JSON", []byte(`{"a": 1}`), []byte(`{"a": 2}`), "$.a 1→2"},
		{"text", []byte("a"), []byte("b"), ""},
		{"broken new JSON", amp, []byte("{"), ""},
		{"new text file", nil, []byte("hello"), ""},
	}
	for _, tt := range tests {
		name := "amp.circuit.json"
		if tt.name == "plain JSON" {
			name = "settings.json"
		}
		if tt.name == "text" || tt.name == "new text file" {
			name = "notes.txt"
		}
		if got := Summarize(name, tt.old, tt.new); got != tt.want {
			t.Errorf("%s: Summarize = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestSummaryTruncates(t *testing.T) {
	var items []string
	for i := 0; i < 40; i++ {
		items = append(items, "+C"+strings.Repeat("1", 3))
	}
	got := joinLimited(items, 100)
	if n := len([]rune(got)); n > 100 || !strings.HasSuffix(got, "more)") {
		t.Errorf("%d chars: %q", n, got)
	}
	// Count what was kept plus what was dropped.
	kept := strings.Count(got, "+C111")
	var more int
	if _, err := fmtSscanf(got[strings.LastIndex(got, "(+"):], &more); err != nil || kept+more != 40 {
		t.Errorf("kept %d + more %d != 40 (%q)", kept, more, got)
	}
	if joinLimited([]string{"a", "b"}, 100) != "a; b" {
		t.Error("short list changed")
	}
}

// TestGeneratedCircuits: generated circuits are valid, and k edits give
// a delta that accounts for them, with renames found as renames.
func TestGeneratedCircuits(t *testing.T) {
	d := gen.New(500, 7)
	old := d.JSON()
	if errs := Validate("gen.circuit.json", old, ValidateOptions{}); len(errs) > 0 {
		t.Fatalf("generated circuit invalid: %v", errs[:min(3, len(errs))])
	}
	edits := d.Edit(21, 8)
	new := d.JSON()
	if errs := Validate("gen.circuit.json", new, ValidateOptions{}); len(errs) > 0 {
		t.Fatalf("edited circuit invalid: %v", errs[:min(3, len(errs))])
	}
	delta := Diff(mustParse(t, "a.circuit.json", old), mustParse(t, "b.circuit.json", new))
	var renamedEdits []string
	for _, e := range edits {
		if strings.HasPrefix(e, "X") || (strings.Contains(e, "→X") && !strings.Contains(e, " ")) {
			renamedEdits = append(renamedEdits, e)
		}
	}
	var renames []string
	for _, r := range delta.Renamed {
		renames = append(renames, r.Old+"→"+r.New)
	}
	sort.Strings(renamedEdits)
	sort.Strings(renames)
	if strings.Join(renames, " ") != strings.Join(renamedEdits, " ") {
		t.Errorf("renames = %v, edits made %v", renames, renamedEdits)
	}
	if delta.Empty() || len(delta.Added) == 0 || len(delta.Removed) == 0 || len(delta.Changed) == 0 {
		t.Errorf("delta misses edits: %s", delta.Summary())
	}
	if !bytes.Equal(gen.Native(50, 3), gen.Native(50, 3)) {
		t.Error("generator is not deterministic")
	}
}
