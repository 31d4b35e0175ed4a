package circuit

import (
	"strings"
	"testing"
)

// tsDoc builds a small tscircuit file: a resistor R1 with two ports, a
// trace between them and a net, plus the extra elements given.
func tsFixture(extra ...string) string {
	els := []string{
		`{"type": "source_component", "source_component_id": "sc1", "ftype": "simple_resistor", "name": "R1", "resistance": 1000, "display_resistance": "1kΩ"}`,
		`{"type": "source_port", "source_port_id": "sp1", "source_component_id": "sc1", "name": "pin1", "pin_number": 1}`,
		`{"type": "source_port", "source_port_id": "sp2", "source_component_id": "sc1", "name": "pin2", "pin_number": 2}`,
		`{"type": "source_net", "source_net_id": "sn1", "name": "GND", "member_source_group_ids": []}`,
		`{"type": "source_trace", "source_trace_id": "st1", "connected_source_port_ids": ["sp1"], "connected_source_net_ids": ["sn1"]}`,
		`{"type": "pcb_component", "pcb_component_id": "pc1", "source_component_id": "sc1", "center": {"x": 1, "y": 2}, "rotation": 0, "layer": "top", "width": 1, "height": 1}`,
	}
	return "[\n" + strings.Join(append(els, extra...), ",\n") + "\n]"
}

// TestValidateLevels: each shape the issue names gets its level, and the
// valid shapes tscircuit and Wokwi write get none.
func TestValidateLevels(t *testing.T) {
	wokwi := func(part string) string {
		return `{"version": 1, "parts": [` + part + `], "connections": []}`
	}
	tests := []struct {
		name, file, data string
		want             string // "" (clean), or level + ": " + a piece of the message
	}{
		{"tscircuit clean", "c.json", tsFixture(), ""},
		{"resistance: true", "c.json", strings.Replace(tsFixture(), `"resistance": 1000`, `"resistance": true`, 1), "error: got boolean"},
		{"pin_number one", "c.json", strings.Replace(tsFixture(), `"pin_number": 1`, `"pin_number": "one"`, 1), "error: got string"},
		{"pad width wide", "c.json", tsFixture(`{"type": "pcb_smtpad", "pcb_smtpad_id": "pad1", "shape": "rect", "x": 0, "y": 0, "width": "wide", "height": 1, "layer": "top", "port_hints": []}`), "warning: got string"},
		{"element without type", "c.json", tsFixture(`{"name": "x"}`), "error: element has no type"},
		{"bare number", "c.json", tsFixture(`42`), "error: element is a number"},
		{"null element", "c.json", tsFixture(`null`), "error: element is a null"},
		{"unknown element type", "c.json", tsFixture(`{"type": "source_flux_capacitor", "x": 1}`), `warning: unknown element type "source_flux_capacitor"`},
		{"unknown ftype", "c.json", strings.Replace(tsFixture(), `"simple_resistor"`, `"simple_flux"`, 1), `warning: unknown ftype "simple_flux"`},
		{"value not a quantity", "c.json", strings.Replace(tsFixture(), `"resistance": 1000, "display_resistance": "1kΩ"`, `"resistance": null, "display_resistance": "NaNpΩ"`, 1), "warning: display_resistance \"NaNpΩ\" is not a quantity"},
		{"duplicate source_component_id", "c.json", tsFixture(`{"type": "source_component", "source_component_id": "sc1", "ftype": "simple_resistor", "name": "R2", "resistance": 1}`), `error: duplicate source_component_id "sc1"`},
		{"duplicate source_port_id", "c.json", tsFixture(`{"type": "source_port", "source_port_id": "sp1", "source_component_id": "sc1", "name": "pin3", "pin_number": 3}`), `error: duplicate source_port_id "sp1"`},
		{"duplicate pcb_component_id", "c.json", tsFixture(`{"type": "pcb_component", "pcb_component_id": "pc1", "source_component_id": "sc1", "center": {"x": 1, "y": 2}, "rotation": 0, "layer": "top", "width": 1, "height": 1}`), `error: duplicate pcb_component_id "pc1"`},
		{"duplicate source_net_id", "c.json", tsFixture(`{"type": "source_net", "source_net_id": "sn1", "name": "VCC", "member_source_group_ids": []}`), `error: duplicate source_net_id "sn1"`},
		{"dangling reference outside the netlist", "c.json", tsFixture(`{"type": "cad_component", "cad_component_id": "cad1", "source_component_id": "sc9", "pcb_component_id": "pc1"}`), `warning: cad_component refers to source_component "sc9"`},
		{"extra field is a note only when strict", "c.json", strings.Replace(tsFixture(), `"name": "R1",`, `"name": "R1", "colour_of_sky": "blue",`, 1), ""},
		{"port of a manually placed via", "c.json", tsFixture(
			`{"type": "source_manually_placed_via", "source_manually_placed_via_id": "via1", "source_group_id": "g1", "source_net_id": "sn1"}`,
			`{"type": "source_group", "source_group_id": "g1"}`,
			`{"type": "source_port", "source_port_id": "sp9", "source_component_id": "via1", "name": "top"}`,
			`{"type": "source_trace", "source_trace_id": "st9", "connected_source_port_ids": ["sp9", "sp2"], "connected_source_net_ids": []}`), ""},
		{"port without component", "c.json", tsFixture(`{"type": "source_port", "source_port_id": "sp9", "name": "free"}`), ""},
		{"empty names", "c.json", tsFixture(`{"type": "source_net", "source_net_id": "sn2", "name": "", "member_source_group_ids": []}`,
			`{"type": "source_component", "source_component_id": "sc2", "ftype": "simple_capacitor", "name": "", "capacitance": 1e-6}`), ""},
		{"same name in two subcircuits", "c.json", tsFixture(
			`{"type": "source_group", "source_group_id": "g1", "is_subcircuit": true, "subcircuit_id": "s1", "name": "amp1"}`,
			`{"type": "source_group", "source_group_id": "g2", "is_subcircuit": true, "subcircuit_id": "s2", "name": "amp2"}`,
			`{"type": "source_component", "source_component_id": "sc2", "ftype": "simple_resistor", "name": "R5", "resistance": 1, "source_group_id": "g1"}`,
			`{"type": "source_component", "source_component_id": "sc3", "ftype": "simple_resistor", "name": "R5", "resistance": 1, "source_group_id": "g2"}`), ""},
		{"same name in one subcircuit", "c.json", tsFixture(
			`{"type": "source_component", "source_component_id": "sc2", "ftype": "simple_resistor", "name": "R1", "resistance": 1}`), `error: duplicate reference "R1"`},
		{"wokwi clean", "diagram.json", wokwi(`{"id": "led1", "type": "wokwi-led", "left": 1, "top": 2, "rotate": 90, "hide": false, "attrs": {"color": "red"}}`), ""},
		{"wokwi part without type", "diagram.json", wokwi(`{"id": "led1"}`), "error: part has no type"},
		{"wokwi type 7", "diagram.json", wokwi(`{"id": "led1", "type": 7}`), "error: got number"},
		{"wokwi top high", "diagram.json", wokwi(`{"id": "led1", "type": "wokwi-led", "top": "high"}`), "error: got string"},
		{"wokwi rotate ninety", "diagram.json", wokwi(`{"id": "led1", "type": "wokwi-led", "rotate": "ninety"}`), "error: got string"},
		{"wokwi attrs array", "diagram.json", wokwi(`{"id": "led1", "type": "wokwi-led", "attrs": [1, 2]}`), "error: got array"},
		{"wokwi attr number", "diagram.json", wokwi(`{"id": "led1", "type": "wokwi-led", "attrs": {"flip": 1}}`), "warning: got number"},
		{"wokwi hide string", "diagram.json", wokwi(`{"id": "led1", "type": "wokwi-led", "hide": "yes"}`), "warning: got string"},
		{"wokwi root array", "diagram.json", `[{"id": "led1"}]`, "error: diagram.json is named like a wokwi circuit but holds a JSON array"},
		{"wokwi colour not a string", "diagram.json", `{"parts": [{"id": "a", "type": "wokwi-led"}], "connections": [["a:A", "a:C", 5, []]]}`, "warning: got number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			findings := Validate(tt.file, []byte(tt.data), ValidateOptions{})
			var got []string
			for _, f := range findings {
				got = append(got, f.Level.String()+": "+f.Msg)
			}
			if tt.want == "" {
				if len(got) > 0 {
					t.Fatalf("want no findings, got:\n%s", strings.Join(got, "\n"))
				}
				return
			}
			for _, g := range got {
				if strings.HasPrefix(g, tt.want) {
					return
				}
			}
			t.Fatalf("want a finding %q, got:\n%s", tt.want, strings.Join(got, "\n"))
		})
	}
}

// TestStrictNotes: notes appear only when asked for.
func TestStrictNotes(t *testing.T) {
	data := strings.Replace(tsFixture(), `"name": "R1",`, `"name": "R1", "colour_of_sky": "blue",`, 1)
	f := Validate("c.json", []byte(data), ValidateOptions{Strict: true})
	if len(f) != 1 || f[0].Level != LevelNote || !strings.Contains(f[0].Error(), `note: $[0].colour_of_sky: source_component has no field "colour_of_sky"`) {
		t.Fatalf("strict findings = %v", f)
	}
}

// TestScopedNames: the same name in two subcircuits is two components,
// named after their subcircuits.
func TestScopedNames(t *testing.T) {
	data := tsFixture(
		`{"type": "source_group", "source_group_id": "g1", "is_subcircuit": true, "subcircuit_id": "s1", "name": "amp1"}`,
		`{"type": "source_group", "source_group_id": "g2", "parent_source_group_id": "g3"}`,
		`{"type": "source_group", "source_group_id": "g3", "is_subcircuit": true, "subcircuit_id": "s3"}`,
		`{"type": "source_component", "source_component_id": "sc2", "ftype": "simple_resistor", "name": "R5", "resistance": 1, "source_group_id": "g1"}`,
		`{"type": "source_component", "source_component_id": "sc3", "ftype": "simple_resistor", "name": "R5", "resistance": 2, "source_group_id": "g2"}`)
	c := mustParse(t, "c.json", []byte(data))
	var refs []string
	for _, comp := range c.Components {
		refs = append(refs, comp.Ref)
	}
	if got := strings.Join(refs, " "); got != "R1 amp1/R5 s3/R5" {
		t.Errorf("refs = %s", got)
	}
}

// TestDuplicateIDKeepsPins: a second source_component with R1's id does
// not take R1's ports.
func TestDuplicateIDKeepsPins(t *testing.T) {
	c := mustParse(t, "c.json", []byte(tsFixture(`{"type": "source_component", "source_component_id": "sc1", "ftype": "simple_resistor", "name": "R2", "resistance": 1}`)))
	if r1 := c.Component("R1"); r1 == nil || strings.Join(r1.Pins, " ") != "pin1 pin2" {
		t.Errorf("R1 = %+v", r1)
	}
	if r2 := c.Component("R2"); r2 == nil || len(r2.Pins) != 0 {
		t.Errorf("R2 = %+v", r2)
	}
}
