package visdiff

import (
	corpusdata "github.com/circuitvc/circuitvc/internal/corpus"
	"slices"
	"testing"

	"github.com/circuitvc/circuitvc/internal/circuit"
	"github.com/circuitvc/circuitvc/internal/draw"
)

// TestTscircuitEdits edits real tscircuit boards as a user does (a
// component renamed, a value changed, a component moved on the PCB with
// its pads, a PCB trace deleted, a schematic trace re-routed) and checks
// that exactly those items are coloured, in the schematic and the PCB.
func TestTscircuitEdits(t *testing.T) {
	for _, rel := range []string{"tscircuit/555-timer-circuit.json", "tscircuit/led-water-accelerometer.json", "tscircuit/motor-controller.json"} {
		t.Run(rel, func(t *testing.T) {
			data := corpus(t, rel)
			var renamed, valued, moved, deleted, rerouted string
			edited := tsEdit(t, data, func(elems []map[string]any) []map[string]any {
				names := map[string]string{}
				for _, e := range elems {
					if e["type"] == "source_component" {
						names[str(e["source_component_id"])] = str(e["name"])
					}
				}
				var movedPCB string
				var out []map[string]any
				for _, e := range elems {
					switch e["type"] {
					case "source_component":
						switch {
						case renamed == "" && e["ftype"] == "simple_resistor":
							renamed = str(e["name"])
							e["name"] = "R999"
						case valued == "" && e["ftype"] == "simple_capacitor":
							valued = str(e["name"])
							e["capacitance"] = 4.321e-6
							e["display_capacitance"] = "4.321µF"
						}
					case "pcb_component":
						if n := names[str(e["source_component_id"])]; moved == "" && n != renamed && n != valued && n != "" {
							moved, movedPCB = n, str(e["pcb_component_id"])
						}
					case "pcb_trace":
						if deleted == "" {
							deleted = str(e["pcb_trace_id"])
							continue
						}
					case "schematic_trace":
						if rerouted == "" {
							rerouted = str(e["schematic_trace_id"])
							to := e["edges"].([]any)[0].(map[string]any)["to"].(map[string]any)
							to["y"] = to["y"].(float64) + 0.2
						}
					}
					if movedPCB != "" && e["pcb_component_id"] == movedPCB {
						corpusdata.ShiftX(e, 1.5)
					}
					out = append(out, e)
				}
				return out
			})
			v := diffFile(t, rel, data, edited)
			if len(v.delta.Renamed) != 1 || len(v.delta.Changed) != 2 {
				t.Fatalf("semantic diff: renamed %v, changed %v; want %s renamed, %s and %s changed", v.delta.Renamed, v.delta.Changed, renamed, valued, moved)
			}
			checkExactly(t, v, expect{
				refs: [2][]string{{renamed, valued, moved}, {"R999", valued, moved}},
				ids:  [2][]string{{deleted, rerouted}, {rerouted}},
			})
		})
	}
}

// TestTscircuitPinMoved moves a capacitor's pin from GND to VCC in a
// real board (its source trace now goes to the other net): the pin is
// coloured, and the nets that hold it on each side.
func TestTscircuitPinMoved(t *testing.T) {
	const rel = "tscircuit/555-timer-circuit.json"
	data := corpus(t, rel)
	var port string
	edited := tsEdit(t, data, func(elems []map[string]any) []map[string]any {
		keys := map[string]string{}
		for _, e := range elems {
			if e["type"] == "source_net" {
				keys[str(e["name"])] = str(e["subcircuit_connectivity_map_key"])
			}
		}
		for _, e := range elems {
			ports, _ := e["connected_source_port_ids"].([]any)
			nets, _ := e["connected_source_net_ids"].([]any)
			if port == "" && e["type"] == "source_trace" && len(ports) == 1 && len(nets) == 1 && e["subcircuit_connectivity_map_key"] == keys["GND"] {
				port = str(ports[0])
				e["connected_source_net_ids"] = []any{"source_net_0"}
				e["subcircuit_connectivity_map_key"] = keys["VCC"]
			}
		}
		for _, e := range elems {
			if e["type"] == "source_port" && e["source_port_id"] == port {
				e["subcircuit_connectivity_map_key"] = keys["VCC"]
			}
		}
		return elems
	})
	v := diffFile(t, rel, data, edited)
	if len(v.delta.PinsMoved) != 1 || v.delta.PinsMoved[0].From != "GND" || v.delta.PinsMoved[0].To != "VCC" {
		t.Fatalf("semantic diff: pins moved %v, want one from GND to VCC", v.delta.PinsMoved)
	}
	pin := v.delta.PinsMoved[0].Pin
	checkExactly(t, v, expect{pins: [2][]string{{pin}, {pin}}, netPins: [2][]string{{pin}, {pin}}})
}

// TestTscircuitComponentRemoved deletes a component and everything that
// belongs to it from a real board; its source traces lose its ports.
// The component is red on the old side, and the nets it was on are
// coloured on both sides.
func TestTscircuitComponentRemoved(t *testing.T) {
	const rel = "tscircuit/555-timer-circuit.json"
	data := corpus(t, rel)
	old, err := circuit.Parse(rel, data)
	if err != nil {
		t.Fatal(err)
	}
	const gone = "R3"
	edited := tsEdit(t, data, func(elems []map[string]any) []map[string]any {
		ids := map[string]bool{}
		for _, e := range elems {
			if e["type"] == "source_component" && e["name"] == gone {
				ids[str(e["source_component_id"])] = true
			}
		}
		// Elements of the component, then of its ports and parts.
		for range 3 {
			for _, e := range elems {
				for k, v := range e {
					if k != str(e["type"])+"_id" && ids[str(v)] {
						ids[str(e[str(e["type"])+"_id"])] = true
					}
				}
			}
		}
		var out []map[string]any
		for _, e := range elems {
			if ids[str(e[str(e["type"])+"_id"])] {
				continue
			}
			if ports, ok := e["connected_source_port_ids"].([]any); ok {
				e["connected_source_port_ids"] = slices.DeleteFunc(ports, func(p any) bool { return ids[str(p)] })
			}
			out = append(out, e)
		}
		return out
	})
	v := diffFile(t, rel, data, edited)
	if len(v.delta.Removed) != 1 || v.delta.Removed[0].Ref != gone {
		t.Fatalf("semantic diff: removed %v, want %s", v.delta.Removed, gone)
	}
	// The nets it was on, by their other pins.
	var was, still []string
	for _, n := range old.Nets {
		for _, p := range n.Pins {
			if ref, _, _ := circuit.SplitPin(p); ref == gone {
				was = append(was, n.Pins...)
				break
			}
		}
	}
	for _, p := range was {
		if ref, _, _ := circuit.SplitPin(p); ref != gone {
			still = append(still, p)
		}
	}
	checkExactly(t, v, expect{refs: [2][]string{{gone}, nil}, netPins: [2][]string{was, still}})
}

// TestWokwiEdits edits real Wokwi diagrams: a wire recoloured (no
// circuit change, only the drawing shows it), a part moved (its wires
// move with it but are not themselves changed), a pin moved to another
// net, the serial monitor disconnected, and an LED added on GND.
func TestWokwiEdits(t *testing.T) {
	const uno, esp = "wokwi/wokwi-dht22/dht22-uno/diagram.json", "wokwi/wokwi-dht22/dht22-esp32/diagram.json"
	conn := func(doc map[string]any, i int) []any { return doc["connections"].([]any)[i].([]any) }
	for _, tc := range []struct {
		name, file string
		edit       func(doc map[string]any)
		want       expect
	}{
		{"recolour and move", uno, func(doc map[string]any) {
			conn(doc, 1)[2] = "blue"
			dht := doc["parts"].([]any)[1].(map[string]any)
			dht["top"] = dht["top"].(float64) + 40
		}, expect{
			refs:  [2][]string{{"dht"}, {"dht"}},
			conns: [2][]string{{draw.ConnKey("uno:2", "dht:SDA")}, {draw.ConnKey("uno:2", "dht:SDA")}},
		}},
		{"pin moved", uno, func(doc map[string]any) {
			conn(doc, 2)[0] = "uno:GND.1" // dht:VCC from 5V to GND
		}, expect{
			conns:   [2][]string{{draw.ConnKey("uno:5V", "dht:VCC")}, {draw.ConnKey("uno:GND.1", "dht:VCC")}},
			pins:    [2][]string{{"dht.VCC"}, {"dht.VCC"}},
			netPins: [2][]string{{"dht.VCC"}, {"dht.VCC"}},
		}},
		{"LED added", uno, func(doc map[string]any) {
			doc["parts"] = append(doc["parts"].([]any), map[string]any{"type": "wokwi-led", "id": "led9", "left": -80.0, "top": -60.0, "attrs": map[string]any{"color": "red"}})
			doc["connections"] = append(doc["connections"].([]any), []any{"led9:C", "uno:GND.1", "black", []any{"v20", "*", "h0"}})
		}, expect{
			refs:    [2][]string{nil, {"led9"}},
			conns:   [2][]string{nil, {draw.ConnKey("led9:C", "uno:GND.1")}},
			netPins: [2][]string{{"uno.GND.1"}, {"uno.GND.1"}},
		}},
		{"serial monitor disconnected", esp, func(doc map[string]any) {
			doc["connections"] = doc["connections"].([]any)[2:]
		}, expect{
			refs:    [2][]string{{"$serialMonitor"}, nil},
			conns:   [2][]string{{draw.ConnKey("esp:TX", "$serialMonitor:RX"), draw.ConnKey("esp:RX", "$serialMonitor:TX")}, nil},
			netPins: [2][]string{{"esp.TX", "esp.RX"}, nil},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := corpus(t, tc.file)
			v := diffFile(t, "diagram.json", data, jsonEdit(t, data, tc.edit))
			checkExactly(t, v, tc.want)
		})
	}
}

// TestNativeEdits edits the demo circuit: a value changed, an LED
// removed and a capacitor added in its place, and a pin of the timer
// moved from OUT to CTRL.
func TestNativeEdits(t *testing.T) {
	data := mustRead(t, "../../testdata/blinker.circuit.json")
	edited := jsonEdit(t, data, func(doc map[string]any) {
		comps := doc["components"].([]any)
		for i, c := range comps {
			switch m := c.(map[string]any); m["id"] {
			case "R2":
				m["value"] = "22k"
			case "D1":
				comps[i] = map[string]any{"id": "C3", "type": "capacitor", "value": "1uF", "pins": []any{"1", "2"}}
			}
		}
		for _, n := range doc["nets"].([]any) {
			net := n.(map[string]any)
			pins := net["connections"].([]any)
			for i, p := range pins {
				switch p {
				case "D1.K":
					pins[i] = "C3.2"
				case "D1.A":
					pins[i] = "C3.1"
				}
			}
			switch net["name"] {
			case "OUT":
				net["connections"] = slices.DeleteFunc(pins, func(p any) bool { return p == "U1.3" })
			case "CTRL":
				net["connections"] = append(pins, "U1.3")
			}
		}
	})
	v := diffFile(t, "blinker.circuit.json", data, edited)
	checkExactly(t, v, expect{
		refs:    [2][]string{{"R2", "D1"}, {"R2", "C3"}},
		pins:    [2][]string{{"U1.3"}, {"U1.3"}},
		netPins: [2][]string{{"J1.2", "R3.2", "U1.3"}, {"J1.2", "R3.2", "U1.3"}},
	})
}

// TestFormattingOnly: a file whose bytes changed but not its meaning
// colours nothing and lists nothing.
func TestFormattingOnly(t *testing.T) {
	for _, rel := range []string{"tscircuit/555-timer-circuit.json", "wokwi/wokwi-dht22/dht22-uno/diagram.json"} {
		data := corpus(t, rel)
		reformatted := jsonEdit(t, []byte(`{"a":`+string(data)+`}`), func(map[string]any) {})
		reformatted = reformatted[len(`{"a":`) : len(reformatted)-1]
		v := diffFile(t, rel, data, reformatted)
		if len(v.fd.Changes.Changes) != 0 {
			t.Errorf("%s: %d changes for a reformatted file: %+v", rel, len(v.fd.Changes.Changes), v.fd.Changes.Changes[0])
		}
		checkExactly(t, v, expect{})
	}
}

// TestUnknownElement changes a field inside an element of a type
// circuit-json does not define, which belongs to a PCB component: the
// semantic diff lists it under other, and the picture marks the
// component's outline, the drawn element it names.
func TestUnknownElement(t *testing.T) {
	const rel = "tscircuit/555-timer-circuit.json"
	data := corpus(t, rel)
	var pcbID string
	withMarker := func(size float64) []byte {
		return tsEdit(t, data, func(elems []map[string]any) []map[string]any {
			for _, e := range elems {
				if e["type"] == "pcb_component" && pcbID == "" {
					pcbID = str(e["pcb_component_id"])
				}
			}
			return append(elems, map[string]any{"type": "pcb_fancy_marker", "pcb_fancy_marker_id": "fancy_1", "pcb_component_id": pcbID, "size": size})
		})
	}
	v := diffFile(t, rel, withMarker(1), withMarker(2))
	if len(v.delta.Other) != 1 {
		t.Fatalf("semantic diff: other %v, want one change", v.delta.Other)
	}
	if c := v.fd.Changes.Changes; len(c) != 1 || c[0].Kind != draw.Element || c[0].Key != pcbID || c[0].Status != draw.Changed {
		t.Fatalf("changes %+v, want the element %s changed", c, pcbID)
	}
	checkExactly(t, v, expect{ids: [2][]string{{pcbID}, {pcbID}}})
}

// TestScopedNames draws a board of two subcircuits that both have an
// R1 (a fixture of this project): the drawing names them amp1/R1 and
// amp2/R1 as the semantic diff does, and a value change of one colours
// only that one.
func TestScopedNames(t *testing.T) {
	data := mustRead(t, "testdata/two-amps.json")
	edited := tsEdit(t, data, func(elems []map[string]any) []map[string]any {
		for _, e := range elems {
			if e["source_component_id"] == "sc_amp2_r1" && e["type"] == "source_component" {
				e["resistance"] = 22000.0
			}
		}
		return elems
	})
	v := diffFile(t, "two-amps.json", data, edited)
	refs := map[string]bool{}
	for _, it := range v.items {
		refs[it.attr["data-ref"]] = true
	}
	for _, r := range []string{"amp1/R1", "amp2/R1"} {
		if !refs[r] {
			t.Errorf("no item of %s drawn (refs %v)", r, refs)
		}
	}
	if len(v.delta.Changed) != 1 || v.delta.Changed[0].Ref != "amp2/R1" {
		t.Fatalf("semantic diff: changed %v, want amp2/R1", v.delta.Changed)
	}
	checkExactly(t, v, expect{refs: [2][]string{{"amp2/R1"}, {"amp2/R1"}}})
}
