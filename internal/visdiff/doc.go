// Package visdiff builds the visual diff of circuit files: it draws both
// versions of each file (package draw), turns the semantic diff (package
// circuit) into the change set that colours the drawings and fills the
// change list, and adds what only the geometry shows. It does no file
// I/O: callers pass bytes.
//
// # From the semantic diff to the picture
//
// The semantic diff decides what is highlighted. Each entry of a
// circuit.Delta becomes one draw.Change, in the delta's order; a key
// names the thing on the old side and NewKey on the new side where they
// differ (references under a rename):
//
//	Added component       Component  ref             added    New: its attributes
//	Removed component     Component  ref             removed  Old: its attributes
//	Renamed component     Component  old → new       changed
//	Changed component     Component  ref             changed  Old/New: each attribute
//	                      (old ref → new ref when it was renamed too)
//	NetsAdded             Net        name            added    NewPins: its pins
//	NetsRemoved           Net        name            removed  OldPins
//	NetsRenamed           Net        old → new       changed  OldPins, NewPins
//	NetsChanged           Net        name            changed  OldPins, NewPins
//	PinsMoved             Pin        REF.PIN         changed  Old/New: the nets
//	Metadata              Metadata   key             added, removed or changed (listed only)
//	BOM                   BOM        line            added, removed or changed (listed only)
//	Other                 Element    an element id   changed, or added/removed for a whole element
//	                      Other      JSON path       when no element it names is drawn (listed only)
//
// A net is found on the drawing by its name or by any of its pins
// (given under each side's references), so nets whose names the file
// does not give (Wokwi's, tscircuit's unnamed ones), which the model
// and the drawing name differently, still match. A NetsChanged entry
// gives the net's name on the new side only; its old pins are worked
// out from its pins now and the pins it gained, lost and traded with
// other nets. A pin that moved marks its pads or ports and, on each
// side, the net that holds it. A change inside an unknown tscircuit
// element marks the element itself if it is drawn, else the first drawn
// element it names by an *_id field (the pcb_component it belongs to).
//
// # What only the geometry shows
//
// draw.Compare finds items drawn differently. Its changes are added for
// keys the semantic diff does not name, except those the model already
// answers for: net changes (connectivity is the semantic diff's) and
// anything of a native file (which holds nothing but the model). What
// remains is a tscircuit trace, via, label or text that moved, a
// component drawn elsewhere on the schematic or with other pads, and a
// Wokwi wire recoloured, re-routed, added or removed. A file without a
// semantic diff (a version that is not a valid circuit) is compared by
// its geometry alone.
package visdiff
