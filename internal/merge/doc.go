// Package merge is circuitvc's three-way merge of circuit files: it
// merges the changes from a common version (base) to one side (theirs)
// into the other (ours), item by item rather than line by line, and
// writes the result in ours' own layout.
//
// # How items are matched
//
// Items are matched by identity, not position: tscircuit elements by
// their <type>_id, Wokwi parts by id and connections by their two
// endpoints in either order, native components by reference and nets
// by name. An item renamed on one side and otherwise unchanged there
// (a net, a part, a wire moved to another pin) keeps matching its base
// item, so the other side's changes to it still apply. Then, per item
// and per property:
//
//   - changed on one side only, or identically on both: taken;
//   - added on one side: added; deleted on one side and untouched on
//     the other: deleted;
//   - the same property changed differently, deleted on one side and
//     changed on the other, or the same identity added twice with
//     different content: a Conflict.
//
// Sets (components, nets, pins, connections, tscircuit elements) merge
// without conflict when both sides insert; their new items go after the
// item that precedes them on the side that added them. Ordered arrays
// merge as diff3 does, base order first, then ours' insertions, then
// theirs'. Some values change as one: a position (native position,
// Wokwi top with left, tscircuit center), a route, and a tscircuit
// component's numeric value with its display string; two different
// changes to one of them are one conflict.
//
// The merged circuit is then checked as a whole with circuitvc's
// validation (internal/circuit): an error that neither side had (a pin
// on two nets, a connection to a part the other side removed, a
// duplicate reference) is a conflict of kind Invalid naming the cause
// and the item it was found in.
//
// # Layout
//
// The result is ours' bytes with the merge's changes spliced in: every
// value no change touches is copied byte for byte, and new values are
// written with ours' indentation, separators and line ends. A clean
// merge of two one-line edits therefore differs from the base in two
// lines. Where the sides conflict the file keeps ours' value, so it
// stays JSON an editor can open; Resolve later sets any conflict to one
// side's value.
//
// # Formats
//
// A format is an adapter: a Shape (which arrays are sets, by which
// identity, which values change as one), a way to name places in
// circuit terms (R5 value, net GND, wire uno:GND.1–lcd:VSS,
// R5.pin1), and the check of a whole document. JSON that is no circuit
// merges with no adapter: objects member by member, arrays as ordered
// lists.
//
// A format of another syntax, such as KiCad's S-expressions, needs
// besides its adapter a parser into the engine's document (values with
// byte spans, children found on demand) and the syntax of what the
// engine writes into a document: the separator between elements (a
// space, not a comma), how a member is spelled, an empty container.
// Everything else — matching, conflicts, layout-keeping splicing,
// resolution — is shared.
package merge
