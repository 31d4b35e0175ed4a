package circuit

// Relaxation is one place where circuitvc accepts what circuit-json's
// newest definition rejects, because files that tscircuit releases
// wrote do it. Each names a real file that needed it.
type Relaxation struct {
	// ID is how the conformance table refers to it: R1, R2, …
	ID string
	// Rule says what is accepted.
	Rule string
	// Files are real files (in the corpus, or upstream files checked by
	// hand) that need the relaxation.
	Files string
}

// Relaxations lists every relaxation of the tscircuit rules, in ID
// order. The conformance test checks that each is needed by a file or
// mutation in its table, and that every disagreement with upstream is
// one of these or a rule upstream's per-element definition cannot see.
var Relaxations = []Relaxation{
	{"R1", "null is accepted wherever a field is optional (older releases wrote null for unset fields)",
		"555-timer-circuit.json: source_trace.max_length, schematic_group.subcircuit_id; led-water-accelerometer.json: pcb_silkscreen_text.pcb_component_id; motor-controller.json: schematic_port.schematic_component_id, pcb_group.anchor_alignment"},
	{"R2", "pcb_component and pcb_group display_offset_x/display_offset_y may be numbers (the definition now wants strings)",
		"custom-symbol-pins.json, motor-controller.json"},
	{"R3", "schematic_net_label.source_net_id may be missing",
		"555-timer-circuit.json, led-water-accelerometer.json"},
	{"R4", "schematic_component.port_arrangement side pins may be pin names (strings) as well as pin numbers",
		"usb.json, 555-timer-circuit.json, led-water-accelerometer.json"},
	{"R5", "a pcb_solder_paste of shape \"pill\" may lack its radius",
		"usb.json, motor-controller.json"},
	{"R6", "a source_component's numeric value field (resistance, capacitance, …) may be null; the display string stands in (and is warned about when it is not a quantity)",
		"motor-controller.json: R18 (resistance null, display_resistance \"NaNpΩ\")"},
	{"R7", "a source_component_id may name a source_manually_placed_via (tscircuit gives a manually placed via's ports and PCB component the via's id)",
		"circuit-json-to-kicad tests/assets/via-grid-with-connection.json (210 ports of vias, upstream, checked by hand)"},
	{"R8", "source_trace_id on other elements (pcb_trace, schematic_trace) is not checked as a reference: tscircuit writes the ids of solver-made traces and of source_nets there",
		"555-timer-circuit.json, led-water-accelerometer.json, simple-circuit.json (schematic_trace \"solver_…\"); motor-controller.json (pcb_trace \"source_net_27\")"},
	{"R9", "a source_net_id may hold the key of a connectivity net (a subcircuit_connectivity_map_key of the file) instead of a source_net's id",
		"circuit-json-to-kicad tests/assets/autorouting-dataset-01.json and alarmv2.json (schematic_net_label, upstream, checked by hand)"},
	{"R10", "an empty string in a reference field means no reference",
		"circuit-json-to-kicad tests/assets/via-grid-with-connection.json and alarmv2.json (source_manually_placed_via.source_net_id \"\", upstream, checked by hand)"},
}

// relaxElement edits the extracted definition of element type typ for
// R2–R6; R1 and R7–R10 are applied where values and references are
// checked. It runs once per type, after the fields are prepared.
func relaxElement(typ string, e *tsElementDef) {
	addKind := func(field string, k kind) {
		for _, v := range e.Variants {
			if f := v.Fields[field]; f != nil {
				f.kinds |= 1 << k
			}
		}
	}
	switch typ {
	case "pcb_component", "pcb_group":
		addKind("display_offset_x", kNumber) // R2
		addKind("display_offset_y", kNumber)
	case "schematic_net_label": // R3
		for _, v := range e.Variants {
			if f := v.Fields["source_net_id"]; f != nil {
				f.Required = false
			}
		}
	case "schematic_component": // R4
		for _, v := range e.Variants {
			if pa := v.Fields["port_arrangement"]; pa != nil {
				for _, side := range pa.Fields {
					if pins := side.Fields["pins"]; pins != nil && pins.Items != nil {
						pins.Items.kinds |= 1 << kString
					}
				}
			}
		}
	case "pcb_solder_paste": // R5
		for _, v := range e.Variants {
			if f := v.Fields["radius"]; f != nil && v.When["shape"] == "pill" {
				f.Required = false
			}
		}
	case "source_component": // R6
		for _, v := range e.Variants {
			for _, f := range v.Fields {
				if f.Unit != "" && f.Required {
					f.kinds |= 1 << kNull
				}
			}
		}
	}
}
