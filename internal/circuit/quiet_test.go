package circuit

import (
	"fmt"
	"strings"
	"testing"
)

// TestWireMoveIsANetChange: moving one Wokwi wire end changes nets only;
// no part's pins change.
func TestWireMoveIsANetChange(t *testing.T) {
	doc := func(end string) []byte {
		return []byte(`{"version": 1, "parts": [
		 {"id": "uno", "type": "wokwi-arduino-uno"}, {"id": "bb1", "type": "wokwi-breadboard"},
		 {"id": "led1", "type": "wokwi-led", "attrs": {"color": "red"}}],
		 "connections": [["uno:13", "bb1:` + end + `", "green", []], ["led1:A", "bb1:10t.a", "green", []],
		                 ["uno:GND.1", "bb1:1b.j", "black", []], ["led1:C", "bb1:1b.i", "black", []]]}`)
	}
	d := Diff(mustParse(t, "diagram.json", doc("10t.b")), mustParse(t, "diagram.json", doc("11t.b")))
	if len(d.Changed)+len(d.Added)+len(d.Removed) != 0 {
		t.Errorf("components changed: %+v", d.Changed)
	}
	text := textOf(t, d)
	if strings.Contains(text, "pins") || !strings.Contains(text, "nets:") {
		t.Errorf("diff:\n%s", text)
	}
}

// TestWireToAnotherNet: moving a Wokwi wire end from one net to another
// is that pin moving, and the net it left losing its other pin; the net
// it joined keeps its name and pins.
func TestWireToAnotherNet(t *testing.T) {
	doc := func(end string) []byte {
		return []byte(`{"version": 1, "parts": [{"id": "uno", "type": "wokwi-arduino-uno"}, {"id": "dht", "type": "wokwi-dht22"}],
		 "connections": [["uno:GND.1", "dht:GND", "black", []], ["uno:2", "dht:SDA", "green", []], ["` + end + `", "dht:VCC", "red", []]]}`)
	}
	d := Diff(mustParse(t, "diagram.json", doc("uno:5V")), mustParse(t, "diagram.json", doc("uno:GND.1")))
	if len(d.PinsMoved) != 1 || d.PinsMoved[0] != (PinMove{Pin: "dht.VCC", From: "5V", To: "GND"}) {
		t.Errorf("pins moved %+v, want dht.VCC from 5V to GND", d.PinsMoved)
	}
	if len(d.NetsRemoved) != 1 || d.NetsRemoved[0].Name != "5V" || len(d.NetsChanged) != 0 {
		t.Errorf("nets removed %+v, changed %+v; want 5V removed", d.NetsRemoved, d.NetsChanged)
	}
}

// TestRenameKeepsAutoNets: renaming a part does not rename the nets
// whose generated names come from it.
func TestRenameKeepsAutoNets(t *testing.T) {
	base := tsFixture(`{"type": "source_component", "source_component_id": "sc2", "ftype": "simple_capacitor", "name": "C1", "capacitance": 1e-7}`,
		`{"type": "source_port", "source_port_id": "sp3", "source_component_id": "sc2", "name": "pin1", "pin_number": 1}`,
		`{"type": "source_trace", "source_trace_id": "st2", "connected_source_port_ids": ["sp3", "sp2"], "connected_source_net_ids": []}`)
	a := mustParse(t, "a.json", []byte(base))
	if a.Net("Net-(C1.pin1)") == nil {
		t.Fatalf("nets = %v", netNames(a))
	}
	renamed := strings.Replace(base, `"name": "C1"`, `"name": "C9"`, 1)
	d := Diff(a, mustParse(t, "b.json", []byte(renamed)))
	if got := d.Summary(); got != "C1→C9" {
		t.Errorf("summary = %q, want only the rename", got)
	}
}

// TestLongListsAreCut: references print as ranges, long lists are cut
// with a count, and Limit < 0 (diff --full) prints everything.
func TestLongListsAreCut(t *testing.T) {
	mk := func(n int, value string) *Circuit {
		var comps []string
		for i := 1; i <= n; i++ {
			comps = append(comps, fmt.Sprintf(`{"id": "R%d", "type": "resistor", "value": "%s"}`, i, value))
		}
		comps = append(comps, `{"id": "C1", "value": "1n"}`, `{"id": "C3", "value": "1n"}`)
		return mustParse(t, "a.circuit.json", []byte(`{"components": [`+strings.Join(comps, ",")+`], "nets": []}`))
	}
	big := mk(5000, "1k")
	less := mk(5000, "1k")
	less.Components = append(less.Components[:16:16], less.Components[17:]...) // R15 (C1 and C3 sort first)
	less.index()
	text := textOf(t, Diff(big, less))
	if !strings.Contains(text, "5000 → 4999  -R15") || len(text) > 2000 {
		t.Errorf("diff (%d bytes):\n%.2000s", len(text), text)
	}
	old := mk(60, "1k")
	new := mk(60, "1k")
	var kept []*Component
	for i, c := range new.Components {
		if i%2 == 0 {
			kept = append(kept, c)
		}
	}
	new.Components = kept
	new.index()
	d := Diff(old, new)
	if text := textOf(t, d); !strings.Contains(text, "… (+") {
		t.Errorf("no cut:\n%s", text)
	}
	d.Limit = -1
	if text := textOf(t, d); strings.Contains(text, "… (+") || !strings.Contains(text, "-R60") {
		t.Errorf("--full cut:\n%s", text)
	}
}

// TestUnknownElementsInDiff: a change inside an element type circuit-json
// does not define shows under other: with its path.
func TestUnknownElementsInDiff(t *testing.T) {
	a := tsFixture(`{"type": "source_flux_capacitor", "source_flux_capacitor_id": "f1", "gigawatts": 1.21}`)
	b := strings.Replace(a, `1.21`, `2.42`, 1)
	d := Diff(mustParse(t, "a.json", []byte(a)), mustParse(t, "b.json", []byte(b)))
	if len(d.Other) != 1 || d.Other[0].Path != "$[6].gigawatts" || d.Other[0].Old != "1.21" || d.Other[0].New != "2.42" {
		t.Fatalf("other = %+v", d.Other)
	}
	if text := textOf(t, d); !strings.Contains(text, "other:\n  ~  $[6].gigawatts  1.21 → 2.42") {
		t.Errorf("text:\n%s", text)
	}
	if s := d.Summary(); s != "$[6].gigawatts 1.21→2.42" {
		t.Errorf("summary = %q", s)
	}
}
