// Package circuit understands circuit files: it reads native
// *.circuit.json, Wokwi diagram.json, tscircuit Circuit JSON, KiCad
// schematics and KiCad netlists into one normalised model, validates them
// with precise locations, computes semantic diffs and exports BOMs and
// netlists. It imports nothing else from circuitvc but internal/kicad and
// does no file I/O of its own: callers pass bytes, and for a KiCad
// hierarchy an fs.FS of the files beside them (Source).
//
// # Model
//
// A Circuit has components keyed by reference (type, value, footprint,
// MPN, manufacturer, DNP, pins, position, properties), nets keyed by name
// (sets of "REF.PIN" pins) and metadata. How each format maps to it:
//
//   - native: one to one; see NativeSchema for the JSON Schema.
//   - Wokwi: parts become components (attrs.value is the value, other
//     attrs are properties, left/top/rotate the position; parts declare
//     no pins); connections are joined into nets by union-find. A net is named after a ground
//     or supply pin on it (GND, then 5V/3V3-style rails, then VCC, VDD…)
//     and otherwise "Net-(first pin)", first in natural order; a clash
//     gets a suffix (GND_2). The simulator's $serialMonitor is a Virtual
//     component, kept out of BOMs.
//   - tscircuit: source_component elements are components (ftype is the
//     type; the value is the numeric field, spelled as its display_*
//     string when they agree; manufacturer_part_number the MPN;
//     footprinter_string of the cad_component the footprint; the
//     pcb_component centre the position and do_not_place the DNP mark);
//     source_port elements are pins; source_trace elements join ports
//     and source_nets by union-find, and a net takes its source_net's
//     name. Names are scoped per subcircuit: a name used in two
//     subcircuits is prefixed with the subcircuit's name (amp1/R1).
//     Geometry is skipped unread; elements of types circuit-json does
//     not define are kept for the diff ("other").
//   - KiCad schematic (.kicad_sch, KiCad 6 to 9) and netlist (.net), read
//     by internal/kicad with nets computed from the drawing: placed
//     symbols are components (the reference, the library id as the type,
//     Value, Footprint, the MPN from the first field of a common name
//     such as MPN, Manufacturer, DNP, the first unit's position; other
//     fields, in_bom no and on_board no as exclude_from_bom and
//     exclude_from_board, and the sheet path below the root are
//     properties); power symbols and flags are not. Nets are named as
//     KiCad names them; names KiCad makes from a pin (Net-(R1-Pad1),
//     unconnected-(…)) are Auto, and a pin alone on such a net is on no
//     net. Hierarchical sheets below the file are Circuit.Sheets. A
//     sub-sheet is read through the root that uses it (found beside it
//     in Source.Files), as the part of the whole design placed on it:
//     its components under the references the root gives them, its nets
//     under the design's names.
//
// Values are quantities (see ParseQuantity): diffs and BOM groups
// compare 4k7 and 4.7kΩ, or 1uF and 1µF, as equal.
//
// # Semantic diff
//
// Diff reports, in this order: components added, removed, renamed (same
// attributes and connections under a new reference) and changed
// (attribute old → new); nets added, removed, renamed (same pins, or
// most of them, under a new name) and changed (pins gained or lost);
// pins moved between nets; hierarchical sheets added, removed or showing
// another file; metadata; the BOM delta per group of
// value + footprint + MPN (+ the Wokwi attributes of BOMAttributes); and
// changes inside unknown elements (other). Nets whose names the file
// does not give (Net.Auto) are matched by their pins.
//
// Delta.MarshalJSON gives a stable schema for scripts. Every list is
// present, possibly empty, and sorted (references and names in natural
// order); added and removed components use the native component shape,
// with empty attributes left out:
//
//	{
//	  "components": {
//	    "added":   [{"id": "C12", "type": "capacitor", "value": "100nF", "footprint": "0402", "pins": ["1", "2"]}],
//	    "removed": [{"id": "R3", "value": "1k", "footprint": "0603"}],
//	    "renamed": [{"old": "R5", "new": "R7"}],
//	    "changed": [{"ref": "R1", "changes": [{"attr": "value", "old": "10k", "new": "4.7k"}]}]
//	  },
//	  "nets": {
//	    "added":   [{"name": "SDA", "connections": ["U1.4", "R3.2"]}],
//	    "removed": [{"name": "SIG", "connections": ["R2.1"]}],
//	    "renamed": [{"old": "VCC", "new": "+3V3"}],
//	    "changed": [{"name": "GND", "added": ["C12.2"], "removed": []}]
//	  },
//	  "pins_moved": [{"pin": "U3.8", "from": "GND", "to": "+5V"}],
//	  "sheets":     {"added":   [{"path": "/power/", "file": "power.kicad_sch"}],
//	                 "removed": [],
//	                 "changed": [{"path": "/io/", "old_file": "io.kicad_sch", "new_file": "io2.kicad_sch"}]},
//	  "metadata":   [{"key": "revision", "old": "A", "new": "B"}],
//	  "bom": [{"value": "10k", "footprint": "0603", "mpn": "", "type": "resistor", "variant": "",
//	           "old_qty": 3, "new_qty": 2, "old_refs": ["R1", "R2", "R5"], "new_refs": ["R1", "R2"]}],
//	  "other": [{"op": "change", "path": "$[812].gigawatts", "old": 1.21, "new": 2.42}]
//	}
//
// Attribute names in "changes" are type, value, footprint, mpn,
// manufacturer, dnp, pins, position and properties.KEY; absent values
// are "". A BOM group that is new has old_qty 0, one that is gone
// new_qty 0. Metadata keys of nested objects are dotted; the file's
// format version is the key "version".
//
// JSONDelta.MarshalJSON, for other JSON, gives
//
//	{"changes": [{"op": "change", "path": "$.a", "old": 1, "new": 2},
//	             {"op": "add", "path": "$.b[1]", "new": "x"}]}
//
// # Errors
//
// Parse and Validate report *Error values with file, 1-based line and
// column (in characters), JSON path (none for KiCad files) and what was
// expected; they wrap ErrSyntax, ErrInvalid or ErrNotCircuit for
// errors.Is.
package circuit
