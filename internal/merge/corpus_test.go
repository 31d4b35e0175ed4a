package merge

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/internal/circuit"
)

// A suite is a base file and edits to it: every two of its edits touch
// different items, so any pair of them merges cleanly; its clashes are
// pairs of edits to one item.
type suite struct {
	name    string // the file's name, which helps detect its format
	base    func(t testing.TB) []byte
	edits   []edit
	clashes []clash
}

// clash is two edits of one item; the merge must report exactly one
// conflict, naming item.
type clash struct {
	ours, theirs edit
	item         string
}

func nativeSuite() suite {
	const f = "amp.circuit.json"
	removeC2 := sets("component removed", "C2", f, P("components", id("C2")), "",
		P("nets", id("GND"), "connections", id("C2.2")), "", P("nets", id("+5V"), "connections", id("C2.1")), "")
	return suite{
		name: f,
		base: func(t testing.TB) []byte { return readFixture(t, f) },
		edits: []edit{
			sets("value changed", "R1", f, P("components", id("R1"), "value"), `"22k"`),
			sets("component added", "R20", f, P("components", id("R20")), `{"id": "R20", "type": "resistor", "value": "1k", "footprint": "0603", "pins": ["1", "2"]}`),
			removeC2,
			sets("wire moved", "R10.1", f, P("nets", id("FB"), "connections", id("R10.1")), "",
				P("nets", id("OUT"), "connections", id("R10.1")), `"R10.1"`),
			sets("net renamed", "VMID", f, P("nets", id("VMID"), "name"), `"MID"`),
			sets("part moved", "J1", f, P("components", id("J1"), "position"), `{"x": 5, "y": 0}`),
		},
		clashes: []clash{
			{sets("R5 4.7k", "", f, P("components", id("R5"), "value"), `"4.7k"`),
				sets("R5 22k", "", f, P("components", id("R5"), "value"), `"22k"`), "R5 value"},
			{sets("J1 right", "", f, P("components", id("J1"), "position"), `{"x": 5, "y": 0}`),
				sets("J1 down", "", f, P("components", id("J1"), "position"), `{"x": 0, "y": 5}`), "J1 position"},
			{removeC2, sets("C2 22uF", "", f, P("components", id("C2"), "value"), `"22uF"`), "C2"},
			{sets("R20 1k", "", f, P("components", id("R20")), `{"id": "R20", "type": "resistor", "value": "1k", "pins": ["1", "2"]}`),
				sets("R20 2k", "", f, P("components", id("R20")), `{"id": "R20", "type": "resistor", "value": "2k", "pins": ["1", "2"]}`), "R20 value"},
			{sets("VMID to MID", "", f, P("nets", id("VMID"), "name"), `"MID"`),
				sets("VMID to MIDDLE", "", f, P("nets", id("VMID"), "name"), `"MIDDLE"`), "VMID"},
			{sets("R10.1 to OUT", "", f, P("nets", id("FB"), "connections", id("R10.1")), "", P("nets", id("OUT"), "connections", id("R10.1")), `"R10.1"`),
				sets("R10.1 to VMID", "", f, P("nets", id("FB"), "connections", id("R10.1")), "", P("nets", id("VMID"), "connections", id("R10.1")), `"R10.1"`),
				"R10.1"},
		},
	}
}

// wokwiLCDSuite edits the LCD board: a resistor, an Arduino and wires.
func wokwiLCDSuite() suite {
	const f = "diagram.json"
	removeR1 := sets("part removed", "r1", f, P("parts", id("r1")), "",
		P("connections", wire("uno:5V", "r1:2")), "", P("connections", wire("r1:1", "lcd:A")), "")
	return suite{
		name: f,
		base: func(t testing.TB) []byte { return readCorpus(t, "wokwi/wokwi-lcd1602/lcd-uno/diagram.json") },
		edits: []edit{
			sets("value changed", "r1", f, P("parts", id("r1"), "attrs", "value"), `"330"`),
			sets("part moved", "uno", f, P("parts", id("uno"), "top"), `210`),
			sets("part added", "led1", f, P("parts", id("led1")), `{"id": "led1", "type": "wokwi-led", "top": 100, "left": 300, "attrs": {"color": "red"}}`,
				P("connections", wire("led1:A", "uno:13")), `["led1:A", "uno:13", "green", []]`,
				P("connections", wire("led1:C", "uno:GND.2")), `["led1:C", "uno:GND.2", "black", []]`),
			sets("wire moved", "uno:7", f, P("connections", wire("uno:7", "lcd:D7"), ix(0)), `"uno:6"`),
		},
		clashes: []clash{
			{removeR1, sets("wire to r1", "", f, P("connections", wire("r1:1", "uno:13")), `["r1:1", "uno:13", "green", []]`), "r1"},
			{sets("D7 to 6", "", f, P("connections", wire("uno:7", "lcd:D7"), ix(0)), `"uno:6"`),
				sets("D7 to 5", "", f, P("connections", wire("uno:7", "lcd:D7"), ix(0)), `"uno:5"`), "uno:7"},
		},
	}
}

// wokwiAPSuite edits the Wi-Fi board: four parts with attributes.
func wokwiAPSuite() suite {
	const f = "diagram.json"
	ap4 := func(ssid string) string {
		return `{ "type": "wokwi-wifi-ap", "id": "ap4", "top": 220, "left": 28.8, "attrs": { "ssid": "` + ssid + `", "channel": "3" } }`
	}
	return suite{
		name: f,
		base: func(t testing.TB) []byte { return readCorpus(t, "wokwi/wokwi-wifi-ap/esp32-scan/diagram.json") },
		edits: []edit{
			sets("value changed", "ap1", f, P("parts", id("ap1"), "attrs", "channel"), `"7"`),
			sets("part moved", "ap2", f, P("parts", id("ap2"), "top"), `70`, P("parts", id("ap2"), "left"), `30`),
			sets("part removed", "ap3", f, P("parts", id("ap3")), ""),
			sets("part added", "ap4", f, P("parts", id("ap4")), ap4("TestNet-New")),
			sets("wire moved", "esp:TX", f, P("connections", wire("esp:TX", "$serialMonitor:RX"), ix(0)), `"esp:TX2"`),
		},
		clashes: []clash{
			{sets("channel 7", "", f, P("parts", id("ap1"), "attrs", "channel"), `"7"`),
				sets("channel 8", "", f, P("parts", id("ap1"), "attrs", "channel"), `"8"`), "ap1 attrs.channel"},
			{sets("ap2 down", "", f, P("parts", id("ap2"), "top"), `70`),
				sets("ap2 right", "", f, P("parts", id("ap2"), "left"), `40`), "ap2 position"},
			{sets("ap3 removed", "", f, P("parts", id("ap3")), ""),
				sets("ap3 renamed", "", f, P("parts", id("ap3"), "attrs", "ssid"), `"Other"`), "ap3"},
			{sets("ap4 new", "", f, P("parts", id("ap4")), ap4("New")),
				sets("ap4 other", "", f, P("parts", id("ap4")), ap4("Other")), "ap4 attrs.ssid"},
			{sets("TX to TX2", "", f, P("connections", wire("esp:TX", "$serialMonitor:RX"), ix(0)), `"esp:TX2"`),
				sets("TX to TX0", "", f, P("connections", wire("esp:TX", "$serialMonitor:RX"), ix(0)), `"esp:TX0"`), "esp:TX"},
		},
	}
}

// tscircuitSuite edits the 555 timer board.
func tscircuitSuite() suite {
	const f = "555-timer-circuit.json"
	value := func(name string, ohms, shown string) edit {
		return sets(name, "R1", f, P(id("source_component_2"), "resistance"), ohms,
			P(id("source_component_2"), "display_resistance"), `"`+shown+`"`)
	}
	added := func(ohms, shown string) edit {
		return sets("component added", "R9", f,
			P(id("source_port_90")), `{"type": "source_port", "source_port_id": "source_port_90", "name": "pin1", "pin_number": 1, "source_component_id": "source_component_90"}`,
			P(id("source_port_91")), `{"type": "source_port", "source_port_id": "source_port_91", "name": "pin2", "pin_number": 2, "source_component_id": "source_component_90"}`,
			P(id("source_component_90")), `{"type": "source_component", "source_component_id": "source_component_90", "ftype": "simple_resistor", "name": "R9", "resistance": `+ohms+`, "display_resistance": "`+shown+`"}`)
	}
	moveTrace := func(port string) edit {
		return sets("wire moved", "source_trace_6", f, P(id("source_trace_6"), "connected_source_port_ids"), `["source_port_11", "`+port+`"]`)
	}
	removeR3 := edit{name: "component removed", item: "R3", apply: func(t testing.TB, data []byte) []byte {
		return removeElements(t, f, data, "source_component_4")
	}}
	return suite{
		name: f,
		base: func(t testing.TB) []byte { return readCorpus(t, "tscircuit/555-timer-circuit.json") },
		edits: []edit{
			value("value changed", "2200", "2.2kΩ"),
			added("4700", "4.7kΩ"),
			removeR3,
			moveTrace("source_port_19"),
			sets("net renamed", "VCC", f, P(id("source_net_0"), "name"), `"VDD"`),
			sets("part moved", "C2", f, P(id("pcb_component_6"), "center"), `{"x": 2, "y": -6}`),
		},
		clashes: []clash{
			{value("2.2k", "2200", "2.2kΩ"), value("4.7k", "4700", "4.7kΩ"), "R1 resistance"},
			{sets("C2 right", "", f, P(id("pcb_component_6"), "center"), `{"x": 2, "y": -7}`),
				sets("C2 up", "", f, P(id("pcb_component_6"), "center"), `{"x": 1, "y": -6}`), "C2 pcb_component center"},
			{removeR3, sets("R3 changed", "", f, P(id("source_component_4"), "resistance"), `470`,
				P(id("source_component_4"), "display_resistance"), `"470Ω"`), "R3"},
			{sets("VCC to VDD", "", f, P(id("source_net_0"), "name"), `"VDD"`),
				sets("VCC to V+", "", f, P(id("source_net_0"), "name"), `"V+"`), "net VDD name"},
			{moveTrace("source_port_19"), moveTrace("source_port_21"), "source_trace_6"},
			{added("4700", "4.7kΩ"), added("10000", "10kΩ"), "R9 resistance"},
		},
	}
}

// removeElements deletes tscircuit elements and everything that refers
// to them, as deleting a component in an editor does: elements whose
// *_id member names a removed element go too, and removed ids are taken
// out of *_ids lists.
func removeElements(t testing.TB, name string, data []byte, ids ...string) []byte {
	var elems []map[string]any
	if err := json.Unmarshal(data, &elems); err != nil {
		t.Fatal(err)
	}
	idOf := func(e map[string]any) string { typ, _ := e["type"].(string); s, _ := e[typ+"_id"].(string); return s }
	gone := map[string]bool{}
	for _, id := range ids {
		gone[id] = true
	}
	for changed := true; changed; {
		changed = false
		for _, e := range elems {
			own := idOf(e)
			if gone[own] {
				continue
			}
			for k, v := range e {
				if s, ok := v.(string); ok && k != e["type"].(string)+"_id" && strings.HasSuffix(k, "_id") && gone[s] {
					gone[own], changed = true, true
				}
			}
		}
	}
	for _, e := range elems {
		own := idOf(e)
		if gone[own] {
			data = set(t, name, data, P(id(own)), "")
			continue
		}
		for k, v := range e {
			list, ok := v.([]any)
			if !ok || !strings.HasSuffix(k, "_ids") {
				continue
			}
			kept := slices.DeleteFunc(slices.Clone(list), func(x any) bool { s, _ := x.(string); return gone[s] })
			if len(kept) != len(list) {
				b, _ := json.Marshal(kept)
				data = set(t, name, data, P(id(own), k), string(b))
			}
		}
	}
	return data
}

func suites() []suite {
	return []suite{nativeSuite(), wokwiLCDSuite(), wokwiAPSuite(), tscircuitSuite()}
}

// TestEditsAreSound checks the suites themselves: each edit changes the
// file and leaves it without validation errors the base did not have.
func TestEditsAreSound(t *testing.T) {
	for _, s := range suites() {
		t.Run(s.name, func(t *testing.T) {
			base := s.base(t)
			ad := adapterFor(detectBytes(t, s.name, base))
			before := ad.check(s.name, base)
			for _, e := range s.edits {
				out := e.apply(t, base)
				if string(out) == string(base) {
					t.Errorf("%s: no change", e.name)
				}
				if fresh := newFindings(ad.check(s.name, out), before, nil); len(fresh) > 0 {
					t.Errorf("%s: makes the circuit invalid: %v", e.name, fresh)
				}
			}
		})
	}
}

func detectBytes(t testing.TB, name string, data []byte) circuit.Format {
	d, err := parseDoc(data)
	if err != nil {
		t.Fatal(err)
	}
	return detect(name, d)
}

// TestIndependentEdits: for every pair of edits to different items of a
// real file, applied one on each side, the merge is clean, equals
// applying both, and changes exactly the lines the two edits changed.
func TestIndependentEdits(t *testing.T) {
	for _, s := range suites() {
		base := s.base(t)
		for _, a := range s.edits {
			for _, b := range s.edits {
				if a.name == b.name {
					continue
				}
				t.Run(s.name+"/"+a.name+"+"+b.name, func(t *testing.T) {
					ours, theirs := a.apply(t, base), b.apply(t, base)
					r := mustMerge(t, s.name, base, ours, theirs)
					if len(r.Conflicts) > 0 {
						t.Fatalf("conflicts:%s", openConflicts(r))
					}
					sameContent(t, r.Data, b.apply(t, a.apply(t, base)))
					// The merge rewrites no line the edits left alone (two
					// edits may share a line: a comma before an item added
					// after the one the other edit changed).
					addO, delO := changedLines(base, ours)
					addT, delT := changedLines(base, theirs)
					if add, del := changedLines(base, r.Data); add > addO+addT || del > delO+delT {
						t.Errorf("merge changes +%d -%d lines; the edits changed +%d -%d and +%d -%d", add, del, addO, delO, addT, delT)
					}
				})
			}
		}
	}
}

// TestClashingEdits: two edits of one item give exactly one conflict,
// which names the item; the file keeps ours' value and stays JSON; and
// resolving it with theirs gives theirs' edit.
func TestClashingEdits(t *testing.T) {
	for _, s := range suites() {
		base := s.base(t)
		for _, c := range s.clashes {
			t.Run(s.name+"/"+c.ours.name+"+"+c.theirs.name, func(t *testing.T) {
				ours, theirs := c.ours.apply(t, base), c.theirs.apply(t, base)
				r := mustMerge(t, s.name, base, ours, theirs)
				if len(r.Conflicts) != 1 {
					t.Fatalf("%d conflicts, want 1:%s", len(r.Conflicts), openConflicts(r))
				}
				con := r.Conflicts[0]
				t.Log(con)
				if !strings.Contains(con.String(), c.item) {
					t.Errorf("conflict %q does not name %s", con, c.item)
				}
				if con.Kind != Invalid {
					sameContent(t, r.Data, ours)
				}
				resolved, err := Resolve(s.name, r.Data, con, "theirs")
				if err != nil {
					t.Fatal(err)
				}
				shape := adapterFor(r.Format).shape()
				if got, want := valueAt(t, resolved, shape, con.Path), valueAt(t, theirs, shape, con.Path); !equal(got, want, nil) {
					t.Errorf("resolved with theirs, %s is %s; theirs has %s", con.Path, got.Raw(), want.Raw())
				}
			})
		}
	}
}

// valueAt is the value at p in data.
func valueAt(t testing.TB, data []byte, s *Shape, p Path) Value {
	d, err := parseDoc(data)
	if err != nil {
		t.Fatal(err)
	}
	return find(Value{d, &d.root}, s, p)
}

// TestTwoOneLineEdits: the promise about layout, on each format.
func TestTwoOneLineEdits(t *testing.T) {
	cases := []struct {
		name, file string
		base       func(testing.TB) []byte
		a, b       Path
		va, vb     string
	}{
		{"native", "amp.circuit.json", func(t testing.TB) []byte { return readFixture(t, "amp.circuit.json") },
			P("components", id("R1"), "value"), P("nets", id("VMID"), "name"), `"22k"`, `"MID"`},
		{"wokwi", "diagram.json", func(t testing.TB) []byte { return readCorpus(t, "wokwi/wokwi-lcd1602/lcd-uno/diagram.json") },
			P("parts", id("r1"), "attrs", "value"), P("parts", id("lcd"), "left"), `"330"`, `40`},
		{"tscircuit", "board.json", func(t testing.TB) []byte { return readCorpus(t, "tscircuit/led-water-accelerometer.json") },
			P(id("source_component_50"), "capacitance"), P(id("source_net_0"), "name"), `0.00022`, `"VBUS"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := c.base(t)
			ours, theirs := set(t, c.file, base, c.a, c.va), set(t, c.file, base, c.b, c.vb)
			r := mustMerge(t, c.file, base, ours, theirs)
			if len(r.Conflicts) > 0 {
				t.Fatalf("conflicts:%s", openConflicts(r))
			}
			if add, del := changedLines(base, r.Data); add != 2 || del != 2 {
				t.Errorf("merged file changes +%d -%d lines from the base, want +2 -2", add, del)
			}
		})
	}
}
