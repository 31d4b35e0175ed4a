package circuit

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// TestDiffNativeFixtures covers each change category on small native
// fixtures: testdata/amp.circuit.json against one edited copy each.
func TestDiffNativeFixtures(t *testing.T) {
	base := mustParse(t, "amp.circuit.json", readFixture(t, "amp.circuit.json"))
	tests := []struct {
		file    string
		summary string
		check   func(t *testing.T, d *Delta)
	}{
		{"amp-added.circuit.json", "+C3", func(t *testing.T, d *Delta) {
			wantRefs(t, "added", d.Added, "C3")
			if d.Added[0].Value != "100nF" || d.Added[0].Footprint != "0402" {
				t.Errorf("added = %+v", d.Added[0])
			}
			wantNetChanges(t, d, "+5V +C3.1", "GND +C3.2")
			wantBOM(t, d, "100nF 0402 GRM155R71C104KA88D 1→2 C1→C1 C3")
		}},
		{"amp-removed.circuit.json", "-R10", func(t *testing.T, d *Delta) {
			wantRefs(t, "removed", d.Removed, "R10")
			wantNetChanges(t, d, "FB -R10.1", "OUT -R10.2")
			wantBOM(t, d, "4.7k 0603 RC0603FR-074K7L 1→0 R10→")
		}},
		{"amp-renamed.circuit.json", "R5→R7", func(t *testing.T, d *Delta) {
			if len(d.Renamed) != 1 || d.Renamed[0] != (Rename{"R5", "R7"}) {
				t.Errorf("renamed = %v", d.Renamed)
			}
			if len(d.Added)+len(d.Removed)+len(d.Changed) != 0 {
				t.Errorf("a rename also reported as add/remove/change: %+v", d)
			}
			wantNetChanges(t, d)
			if len(d.PinsMoved) != 0 {
				t.Errorf("pins moved = %v", d.PinsMoved)
			}
			wantBOM(t, d, "10k 0603 RC0603FR-0710KL 3→3 R1 R2 R5→R1 R2 R7")
		}},
		{"amp-changed.circuit.json", "C1 properties.voltage 16V→25V; R5 10k→4.7k, mpn RC0603FR-0710KL→RC0603FR-074K7L", func(t *testing.T, d *Delta) {
			if len(d.Changed) != 2 {
				t.Fatalf("changed = %+v", d.Changed)
			}
			r5 := d.Changed[1]
			want := []Change{{"value", "10k", "4.7k"}, {"mpn", "RC0603FR-0710KL", "RC0603FR-074K7L"}}
			if r5.Ref != "R5" || len(r5.Changes) != 2 || r5.Changes[0] != want[0] || r5.Changes[1] != want[1] {
				t.Errorf("R5 changes = %+v", r5)
			}
			wantBOM(t, d, "10k 0603 RC0603FR-0710KL 3→2 R1 R2 R5→R1 R2", "4.7k 0603 RC0603FR-074K7L 1→2 R10→R5 R10")
		}},
		{"amp-net-added.circuit.json", "+net SENSE", func(t *testing.T, d *Delta) {
			if len(d.NetsAdded) != 1 || d.NetsAdded[0].Name != "SENSE" || strings.Join(d.NetsAdded[0].Pins, " ") != "J1.2" {
				t.Errorf("nets added = %+v", d.NetsAdded)
			}
		}},
		{"amp-net-removed.circuit.json", "-net OUT", func(t *testing.T, d *Delta) {
			if len(d.NetsRemoved) != 1 || d.NetsRemoved[0].Name != "OUT" {
				t.Errorf("nets removed = %+v", d.NetsRemoved)
			}
		}},
		{"amp-net-renamed.circuit.json", "net +5V→VCC", func(t *testing.T, d *Delta) {
			if len(d.NetsRenamed) != 1 || d.NetsRenamed[0] != (Rename{"+5V", "VCC"}) {
				t.Errorf("nets renamed = %v", d.NetsRenamed)
			}
			if len(d.NetsAdded)+len(d.NetsRemoved) != 0 {
				t.Errorf("a net rename also reported as add/remove")
			}
		}},
		{"amp-pin-moved.circuit.json", "U1.3 VMID→+5V", func(t *testing.T, d *Delta) {
			if len(d.PinsMoved) != 1 || d.PinsMoved[0] != (PinMove{"U1.3", "VMID", "+5V"}) {
				t.Errorf("pins moved = %v", d.PinsMoved)
			}
			wantNetChanges(t, d)
		}},
		{"amp-metadata.circuit.json", "reviewer ∅→Grace; revision A→B", func(t *testing.T, d *Delta) {
			if len(d.Metadata) != 2 || d.Metadata[1] != (Change{"revision", "A", "B"}) {
				t.Errorf("metadata = %v", d.Metadata)
			}
		}},
		{"amp-reordered.circuit.json", "", func(t *testing.T, d *Delta) {
			if !d.Empty() {
				t.Errorf("reordering is not a change: %+v", d)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d := Diff(base, mustParse(t, tt.file, readFixture(t, tt.file)))
			if got := d.Summary(); got != tt.summary {
				t.Errorf("Summary = %q, want %q", got, tt.summary)
			}
			if d.Empty() != (tt.summary == "") {
				t.Errorf("Empty = %v", d.Empty())
			}
			tt.check(t, d)
			// Every delta renders and encodes.
			var buf bytes.Buffer
			if err := d.WriteText(&buf); err != nil || buf.Len() == 0 {
				t.Errorf("WriteText: %v, %d bytes", err, buf.Len())
			}
			if b, err := d.MarshalJSON(); err != nil || !json.Valid(b) {
				t.Errorf("MarshalJSON: %v %s", err, b)
			}
		})
	}
}

func wantRefs(t *testing.T, what string, got []*Component, want ...string) {
	t.Helper()
	var refs []string
	for _, c := range got {
		refs = append(refs, c.Ref)
	}
	if strings.Join(refs, " ") != strings.Join(want, " ") {
		t.Errorf("%s = %v, want %v", what, refs, want)
	}
}

// wantNetChanges compares NetsChanged written as "NAME +PIN -PIN".
func wantNetChanges(t *testing.T, d *Delta, want ...string) {
	t.Helper()
	var got []string
	for _, n := range d.NetsChanged {
		s := n.Name
		for _, p := range n.Added {
			s += " +" + p
		}
		for _, p := range n.Removed {
			s += " -" + p
		}
		got = append(got, s)
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("nets changed = %q, want %q", got, want)
	}
}

// wantBOM compares BOM changes written as "VALUE FP MPN OLD→NEW REFS→REFS".
func wantBOM(t *testing.T, d *Delta, want ...string) {
	t.Helper()
	var got []string
	for _, b := range d.BOM {
		got = append(got, strings.Join([]string{b.Value, b.Footprint, b.MPN}, " ")+" "+
			itoa(b.OldQty)+"→"+itoa(b.NewQty)+" "+strings.Join(b.OldRefs, " ")+"→"+strings.Join(b.NewRefs, " "))
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("BOM delta = %q, want %q", got, want)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestDiffOutputs pins the three renderings of one delta with a change
// in every section.
func TestDiffOutputs(t *testing.T) {
	old := mustParse(t, "a.circuit.json", []byte(`{"version": "1", "metadata": {"rev": "A"},
	 "components": [{"id": "R1", "value": "10k", "footprint": "0603", "pins": ["1", "2"]},
	                {"id": "R2", "value": "1k", "footprint": "0603", "pins": ["1", "2"]},
	                {"id": "U1", "type": "mcu", "pins": ["1", "2", "3"]}],
	 "nets": [{"name": "GND", "connections": ["R1.2", "U1.2"]}, {"name": "VCC", "connections": ["R1.1", "U1.1"]},
	          {"name": "SIG", "connections": ["R2.1", "U1.3"]}]}`))
	new := mustParse(t, "a.circuit.json", []byte(`{"version": "1", "metadata": {"rev": "B"},
	 "components": [{"id": "R1", "value": "4.7k", "footprint": "0603", "pins": ["1", "2"]},
	                {"id": "C1", "value": "100nF", "footprint": "0402", "pins": ["1", "2"]},
	                {"id": "U1", "type": "mcu", "pins": ["1", "2", "3"]}],
	 "nets": [{"name": "GND", "connections": ["R1.2", "C1.2"]}, {"name": "+3V3", "connections": ["R1.1", "U1.1", "C1.1", "U1.2"]},
	          {"name": "DATA", "connections": ["U1.3"]}]}`))
	d := Diff(old, new)
	if got, want := d.Summary(), "R1 10k→4.7k; +C1; -R2; net SIG→DATA; net VCC→+3V3; U1.2 GND→+3V3; rev A→B"; got != want {
		t.Errorf("Summary:\n got  %s\n want %s", got, want)
	}
	var buf bytes.Buffer
	if err := d.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	// The nets SIG and VCC lost or gained pins while being renamed: they
	// are still reported as renames, with their pin changes.
	wantText := `components:
  +  C1  100nF 0402
  -  R2  1k 0603
  ~  R1  value: 10k → 4.7k
nets:
  ~  SIG   renamed to DATA
  ~  VCC   renamed to +3V3
  ~  +3V3  +C1.1
  ~  DATA  -R2.1
  ~  GND   +C1.2
pins moved:
  >  U1.2  moved from GND to +3V3
metadata:
  ~  rev  A → B
bom:
  +  100nF 0402  0 → 1  C1
  -  10k 0603    1 → 0  R1
  +  4.7k 0603   0 → 1  R1
  -  1k 0603     1 → 0  R2
`
	if buf.String() != wantText {
		t.Errorf("WriteText:\n%s\nwant:\n%s", buf.String(), wantText)
	}
	b, err := d.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := `{"components":{"added":[{"id":"C1","value":"100nF","footprint":"0402","pins":["1","2"]}],` +
		`"removed":[{"id":"R2","value":"1k","footprint":"0603","pins":["1","2"]}],"renamed":[],` +
		`"changed":[{"ref":"R1","changes":[{"attr":"value","old":"10k","new":"4.7k"}]}]},` +
		`"nets":{"added":[],"removed":[],"renamed":[{"old":"SIG","new":"DATA"},{"old":"VCC","new":"+3V3"}],` +
		`"changed":[{"name":"+3V3","added":["C1.1"],"removed":[]},{"name":"DATA","added":[],"removed":["R2.1"]},{"name":"GND","added":["C1.2"],"removed":[]}]},` +
		`"pins_moved":[{"pin":"U1.2","from":"GND","to":"+3V3"}],"sheets":{"added":[],"removed":[],"changed":[]},"metadata":[{"key":"rev","old":"A","new":"B"}],` +
		`"bom":[{"value":"100nF","footprint":"0402","mpn":"","type":"","variant":"","old_qty":0,"new_qty":1,"old_refs":[],"new_refs":["C1"]},` +
		`{"value":"10k","footprint":"0603","mpn":"","type":"","variant":"","old_qty":1,"new_qty":0,"old_refs":["R1"],"new_refs":[]},` +
		`{"value":"4.7k","footprint":"0603","mpn":"","type":"","variant":"","old_qty":0,"new_qty":1,"old_refs":[],"new_refs":["R1"]},` +
		`{"value":"1k","footprint":"0603","mpn":"","type":"","variant":"","old_qty":1,"new_qty":0,"old_refs":["R2"],"new_refs":[]}],"other":[]}`
	if string(b) != wantJSON {
		t.Errorf("MarshalJSON:\n%s\nwant:\n%s", b, wantJSON)
	}
}

// edit decodes JSON, lets f change it, and encodes it again; numbers
// keep their text.
func edit[T any](t *testing.T, data []byte, f func(v T) T) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v T
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(f(v))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type obj = map[string]any

// element finds a tscircuit element by type and a field value.
func element(t *testing.T, elems []obj, typ, key, value string) obj {
	t.Helper()
	for _, e := range elems {
		if e["type"] == typ && e[key] == value {
			return e
		}
	}
	t.Fatalf("no %s with %s=%s", typ, key, value)
	return nil
}

// TestDiffTscircuitEdits edits a real tscircuit file the way a designer
// would and checks the delta names each edit.
func TestDiffTscircuitEdits(t *testing.T) {
	data := readCorpus(t, "tscircuit/555-timer-circuit.json")
	old := mustParse(t, "555.json", data)
	tests := []struct {
		name    string
		edit    func([]obj) []obj
		summary string
	}{
		{"change a resistance", func(es []obj) []obj {
			r := element(t, es, "source_component", "name", "R2")
			r["resistance"], r["display_resistance"] = json.Number("4700"), "4.7kΩ"
			return es
		}, "R2 1kΩ→4.7kΩ"},
		{"add a capacitor", func(es []obj) []obj {
			return append(es,
				obj{"type": "source_component", "source_component_id": "source_component_99", "ftype": "simple_capacitor",
					"name": "C9", "capacitance": 1e-7, "display_capacitance": "100nF"},
				obj{"type": "source_port", "source_port_id": "source_port_98", "name": "pin1", "pin_number": 1, "source_component_id": "source_component_99"},
				obj{"type": "source_port", "source_port_id": "source_port_99", "name": "pin2", "pin_number": 2, "source_component_id": "source_component_99"},
				obj{"type": "source_trace", "source_trace_id": "source_trace_98", "connected_source_port_ids": []any{"source_port_98"}, "connected_source_net_ids": []any{"source_net_0"}},
				obj{"type": "source_trace", "source_trace_id": "source_trace_99", "connected_source_port_ids": []any{"source_port_99"}, "connected_source_net_ids": []any{"source_net_1"}},
			)
		}, "+C9"},
		{"rename a net", func(es []obj) []obj {
			element(t, es, "source_net", "name", "VCC")["name"] = "VDD"
			return es
		}, "net VCC→VDD"},
		{"move a connection", func(es []obj) []obj {
			// LED1's cathode trace goes to VCC instead of GND.
			tr := element(t, es, "source_trace", "source_trace_id", "source_trace_15")
			tr["connected_source_net_ids"] = []any{"source_net_0"}
			return es
		}, "LED1.pin2 GND→VCC"},
		{"rename a component", func(es []obj) []obj {
			element(t, es, "source_component", "name", "R3")["name"] = "R30"
			return es
		}, "R3→R30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Diff(old, mustParse(t, "555.json", edit(t, data, tt.edit)))
			if got := d.Summary(); got != tt.summary {
				t.Errorf("Summary = %q, want %q", got, tt.summary)
			}
		})
	}
}

// TestDiffWokwiEdits edits a real Wokwi diagram.
func TestDiffWokwiEdits(t *testing.T) {
	data := readCorpus(t, "wokwi/wokwi-lcd1602/lcd-uno/diagram.json")
	old := mustParse(t, "diagram.json", data)
	tests := []struct {
		name    string
		edit    func(obj) obj
		summary string
	}{
		{"change a resistance", func(d obj) obj {
			d["parts"].([]any)[2].(obj)["attrs"].(obj)["value"] = "330"
			return d
		}, "r1 220→330"},
		{"add a part", func(d obj) obj {
			d["parts"] = append(d["parts"].([]any), obj{"id": "led1", "type": "wokwi-led", "top": 0, "left": 0, "attrs": obj{"color": "red"}})
			d["connections"] = append(d["connections"].([]any), []any{"led1:C", "uno:GND.1", "black", []any{}})
			return d
		}, "+led1"},
		{"move a connection", func(d obj) obj {
			// lcd:K (backlight cathode) from GND to 5V.
			d["connections"].([]any)[1].([]any)[0] = "uno:5V"
			return d
		}, "lcd.K GND→5V"},
		{"rename a part", func(d obj) obj {
			d["parts"].([]any)[2].(obj)["id"] = "rBacklight"
			for _, c := range d["connections"].([]any) {
				c := c.([]any)
				for i := 0; i < 2; i++ {
					c[i] = strings.Replace(c[i].(string), "r1:", "rBacklight:", 1)
				}
			}
			return d
		}, "r1→rBacklight"},
		{"only wire colours and routes", func(d obj) obj {
			for _, c := range d["connections"].([]any) {
				c.([]any)[2] = "green"
			}
			return d
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Diff(old, mustParse(t, "diagram.json", edit(t, data, tt.edit)))
			if got := d.Summary(); got != tt.summary {
				t.Errorf("Summary = %q, want %q", got, tt.summary)
			}
		})
	}
}
