// Package draw pictures circuit files from their own geometry, as SVG,
// and writes the visual diff report: one self-contained HTML page where
// every change is highlighted on the drawing and linked to its line in
// the change list. It reads bytes and writes to an io.Writer; it does no
// file I/O and imports nothing else from circuitvc.
//
// # Drawings
//
// Parse draws a file (the format is told from its content):
//
//   - tscircuit Circuit JSON: a schematic view (schematic_component as a
//     built-in symbol — resistor, capacitor, polarized capacitor, LED,
//     diode, potentiometer, switch, transistor, ground, power — or else a
//     box with pin labels; schematic_port, schematic_trace edges and
//     junctions, schematic_net_label, schematic_text) and a PCB view
//     (pcb_board, pcb_component outlines, pcb_smtpad, pcb_plated_hole,
//     pcb_hole, pcb_trace routes per copper layer with their widths,
//     pcb_via, pcb_silkscreen_*, courtyards). y is flipped to point down.
//   - Wokwi diagram.json: the breadboard view, parts at left/top turned by
//     rotate about their centre, sized from a table of common parts with
//     their header pins (a default box otherwise), wires in their colours
//     routed by the connection's placement hints ("v", "h", "*") or
//     straight without any.
//   - native *.circuit.json: components as boxes with their pins, nets as
//     lines to their centre (big nets as stubs at each pin), placed at the
//     file's positions or else on a grid that follows connectivity. Above
//     Options.Detail components the drawing is simplified: unchanged
//     boxes merge into one path and unchanged nets are left out.
//
// Each view is a stack of layers, which the report can hide and show.
// Every item carries its identity as SVG attributes: data-ref (the
// component's reference, named as the semantic model names it: a
// tscircuit name used in two subcircuits is prefixed with the
// subcircuit's, amp1/R1), data-id (a tscircuit element's *_id),
// data-conn (a Wokwi connection, see ConnKey), data-pin ("REF.PIN") and
// data-net (the net it draws or touches).
//
// # Changes
//
// A ChangeSet lists what to highlight, keyed by those identities; see
// Kind for the key of each kind. Items of added things are green, of
// removed ones red, of changed ones amber; everything else is dimmed.
// A net change marks the traces, wires and labels of the net, found by
// its name or by any of its pins, so the drawing and the semantic diff
// need not name unnamed nets alike. Package internal/visdiff fills a
// ChangeSet from the semantic diff (its documentation has the table).
//
// Compare adds what only geometry shows (a part moved, a trace
// re-routed, a Wokwi wire recoloured) by comparing two drawings item by
// item; ChangeSet.Merge appends its changes for keys the semantic diff
// did not name. Where an item's drawing follows from other items, it
// compares what the file says instead: a Wokwi wire by its colour and
// routing hints (it runs wherever its parts are), a Wokwi part by its
// type, place and attributes (its pins follow).
//
// # Report
//
// WriteReport writes one page for any number of files: inline SVG, CSS
// and JavaScript, no network requests, no external fonts. A file that
// is drawn on neither side (not a circuit) shows its text instead. Per
// file and view it shows the old and new drawings side by side under one pan and
// zoom (drag, wheel, Fit), or overlaid with an opacity slider; layer
// toggles; the change list, where a click zooms to and flashes the
// change's items on both sides; and hovering an item shows its identity
// and its change's old and new attributes. Views other than the first
// are parsed by the browser only when first shown, so a big board opens
// fast.
package draw
