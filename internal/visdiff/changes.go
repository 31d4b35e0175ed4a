package visdiff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/circuitvc/circuitvc/internal/circuit"
	"github.com/circuitvc/circuitvc/internal/draw"
)

// Semantic is one file's semantic diff: both circuits (nil where the
// file does not exist) and their delta.
type Semantic struct {
	Old, New *circuit.Circuit
	Delta    *circuit.Delta
}

// listPins is how many pins a net's hover text names before it cuts the
// rest with a count; summaryPins, its line in the change list.
const (
	listPins    = 24
	summaryPins = 6
)

// changes turns the semantic diff into the change set that colours the
// drawings and fills the change list, in the delta's order (see the
// package documentation for the mapping). data and drawn are the
// file's versions and their drawings, read only to place changes inside
// unknown tscircuit elements.
func (s *Semantic) changes(data [2][]byte, drawn [2]*draw.Drawing) draw.ChangeSet {
	d := s.Delta
	m := newNames(d)
	var cs draw.ChangeSet
	add := func(c draw.Change) { cs.Changes = append(cs.Changes, c) }
	for _, c := range d.Added {
		add(draw.Change{Kind: draw.Component, Key: c.Ref, Status: draw.Added,
			Summary: join("+ "+c.Ref, describe(c)), New: attributes(c)})
	}
	for _, c := range d.Removed {
		add(draw.Change{Kind: draw.Component, Key: c.Ref, Status: draw.Removed,
			Summary: join("− "+c.Ref, describe(c)), Old: attributes(c)})
	}
	for _, r := range d.Renamed {
		add(draw.Change{Kind: draw.Component, Key: r.Old, NewKey: r.New, Status: draw.Changed,
			Summary: r.Old + " renamed to " + r.New, Old: "reference " + r.Old, New: "reference " + r.New})
	}
	for _, c := range d.Changed {
		var sum, old, new []string
		for _, ch := range c.Changes {
			sum = append(sum, ch.Attr+" "+shown(ch.Old)+" → "+shown(ch.New))
			old = append(old, ch.Attr+" "+shown(ch.Old))
			new = append(new, ch.Attr+" "+shown(ch.New))
		}
		key, newKey := m.ref(c.Ref)
		add(draw.Change{Kind: draw.Component, Key: key, NewKey: newKey, Status: draw.Changed,
			Summary: c.Ref + " " + strings.Join(sum, "; "), Old: strings.Join(old, "\n"), New: strings.Join(new, "\n")})
	}
	s.netChanges(&cs, m)
	for _, p := range d.PinsMoved {
		key, newKey := m.pin(p.Pin)
		add(draw.Change{Kind: draw.Pin, Key: key, NewKey: newKey, Status: draw.Changed,
			Summary: p.Pin + " moved from " + p.From + " to " + p.To, Old: "net " + p.From, New: "net " + p.To})
	}
	for _, c := range d.Metadata {
		add(draw.Change{Kind: draw.Metadata, Key: c.Attr, Status: status(c.Old, c.New),
			Summary: c.Attr + ": " + shown(c.Old) + " → " + shown(c.New), Old: c.Old, New: c.New})
	}
	for _, b := range d.BOM {
		add(bomChange(b))
	}
	cs.Changes = append(cs.Changes, otherChanges(d.Other, data, drawn)...)
	return cs
}

// netChanges adds the net sections. A net change names the net's pins
// on each side, by which the drawing finds it whatever it calls the net;
// old pins are given under their old references.
func (s *Semantic) netChanges(cs *draw.ChangeSet, m names) {
	d := s.Delta
	add := func(c draw.Change) { cs.Changes = append(cs.Changes, c) }
	pinsOf := func(c *circuit.Circuit, name string) []string {
		if c == nil {
			return nil
		}
		if n := c.Net(name); n != nil {
			return n.Pins
		}
		return nil
	}
	// The hover text lists more pins than the summary, where it has them.
	more := func(pins []string) string {
		if len(pins) <= summaryPins {
			return ""
		}
		return clipList(pins, listPins)
	}
	for _, n := range d.NetsAdded {
		add(draw.Change{Kind: draw.Net, Key: n.Name, Status: draw.Added, NewPins: n.Pins,
			Summary: "+ net " + n.Name + " " + clipList(n.Pins, summaryPins), New: more(n.Pins)})
	}
	for _, n := range d.NetsRemoved {
		old := pinsOf(s.Old, n.Name)
		add(draw.Change{Kind: draw.Net, Key: n.Name, Status: draw.Removed, OldPins: old,
			Summary: "− net " + n.Name + " " + clipList(old, summaryPins), Old: more(old)})
	}
	for _, r := range d.NetsRenamed {
		old, new := pinsOf(s.Old, r.Old), pinsOf(s.New, r.New)
		add(draw.Change{Kind: draw.Net, Key: r.Old, NewKey: r.New, Status: draw.Changed, OldPins: old, NewPins: new,
			Summary: "net " + r.Old + " renamed to " + r.New, Old: "net " + r.Old, New: "net " + r.New})
	}
	removedPins := map[string]bool{}
	for _, n := range d.NetsRemoved {
		for _, p := range n.Pins {
			removedPins[p] = true
		}
	}
	for _, n := range d.NetsChanged {
		new := pinsOf(s.New, n.Name)
		var edits []string
		for _, p := range n.Added {
			edits = append(edits, "+"+p)
		}
		for _, p := range n.Removed {
			edits = append(edits, "−"+p)
		}
		old := m.oldPins(oldNetPins(d, n, new, removedPins))
		add(draw.Change{Kind: draw.Net, Key: n.Name, Status: draw.Changed, OldPins: old, NewPins: new,
			Summary: "net " + n.Name + " " + clipList(edits, listPins),
			Old:     clipList(old, listPins), New: clipList(new, listPins)})
	}
}

// oldNetPins works out the pins (under new references) that the net
// which became n held: its pins now, less those it gained (added, or
// moved in from another net), plus those it lost (removed, or moved to
// another net). A pin that moved out of n names n by its new name as
// From, unless it left a net that is gone.
func oldNetPins(d *circuit.Delta, n circuit.NetChange, new []string, removedPins map[string]bool) []string {
	gained := map[string]bool{}
	for _, p := range n.Added {
		gained[p] = true
	}
	var old []string
	for _, mv := range d.PinsMoved {
		switch {
		case mv.To == n.Name:
			gained[mv.Pin] = true
		case mv.From == n.Name && !removedPins[mv.Pin]:
			old = append(old, mv.Pin)
		}
	}
	for _, p := range new {
		if !gained[p] {
			old = append(old, p)
		}
	}
	return append(old, n.Removed...)
}

// names maps references the delta gives on the new side back to the
// old side, through the components it reports renamed.
type names struct{ old map[string]string }

func newNames(d *circuit.Delta) names {
	m := names{old: map[string]string{}}
	for _, r := range d.Renamed {
		m.old[r.New] = r.Old
	}
	return m
}

// ref returns a component's key on the old side and, when it was
// renamed, on the new side, from its new reference.
func (m names) ref(ref string) (key, newKey string) {
	if o, ok := m.old[ref]; ok {
		return o, ref
	}
	return ref, ""
}

// pin is ref for a pin "REF.PIN".
func (m names) pin(pin string) (key, newKey string) {
	if o := m.oldPin(pin); o != pin {
		return o, pin
	}
	return pin, ""
}

// oldPin is "REF.PIN" under the old reference.
func (m names) oldPin(pin string) string {
	ref, name, ok := circuit.SplitPin(pin)
	if o, renamed := m.old[ref]; ok && renamed {
		return o + "." + name
	}
	return pin
}

func (m names) oldPins(pins []string) []string {
	if len(m.old) == 0 {
		return pins
	}
	out := make([]string, len(pins))
	for i, p := range pins {
		out[i] = m.oldPin(p)
	}
	return out
}

// bomChange lists a BOM line whose quantity or references changed.
func bomChange(b circuit.BOMChange) draw.Change {
	label := bomLabel(b)
	c := draw.Change{Kind: draw.BOM, Key: label, Status: draw.Changed,
		Old: strconv.Itoa(b.OldQty) + " × " + circuit.RefRanges(b.OldRefs),
		New: strconv.Itoa(b.NewQty) + " × " + circuit.RefRanges(b.NewRefs)}
	switch {
	case b.OldQty == 0:
		c.Status, c.Summary = draw.Added, fmt.Sprintf("BOM + %d × %s: %s", b.NewQty, label, circuit.RefRanges(b.NewRefs))
	case b.NewQty == 0:
		c.Status, c.Summary = draw.Removed, fmt.Sprintf("BOM − %d × %s: %s", b.OldQty, label, circuit.RefRanges(b.OldRefs))
	default:
		gained, lost := difference(b.NewRefs, b.OldRefs), difference(b.OldRefs, b.NewRefs)
		var refs []string
		if len(gained) > 0 {
			refs = append(refs, "+"+circuit.RefRanges(gained))
		}
		if len(lost) > 0 {
			refs = append(refs, "−"+circuit.RefRanges(lost))
		}
		c.Summary = fmt.Sprintf("BOM %s: %d → %d", label, b.OldQty, b.NewQty)
		if len(refs) > 0 {
			c.Summary += " (" + strings.Join(refs, ", ") + ")"
		}
	}
	return c
}

// bomLabel names a BOM line: its value, footprint and MPN, with the
// part type where those say too little.
func bomLabel(b circuit.BOMChange) string {
	var parts []string
	for _, s := range []string{b.Value, b.Footprint, b.MPN} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if (b.Value == "" && b.MPN == "" || b.Variant != "") && b.Type != "" {
		parts = append([]string{b.Type}, parts...)
	}
	if b.Variant != "" {
		parts = append(parts, "("+b.Variant+")")
	}
	if len(parts) == 0 {
		return "(no value)"
	}
	return strings.Join(parts, " ")
}

// difference lists the elements of a that are not in b.
func difference(a, b []string) []string {
	in := make(map[string]bool, len(b))
	for _, s := range b {
		in[s] = true
	}
	var out []string
	for _, s := range a {
		if !in[s] {
			out = append(out, s)
		}
	}
	return out
}

// otherChanges lists changes inside tscircuit elements of types
// circuit-json does not define. A change marks, on the side its path is
// in (the old file for a removed element, else the new one), the first
// drawn element among the element itself and those it names by *_id
// (the pcb_component it belongs to, say); with none drawn it is listed
// only.
func otherChanges(list []circuit.JSONChange, data [2][]byte, drawn [2]*draw.Drawing) []draw.Change {
	if len(list) == 0 {
		return nil
	}
	want := [2]map[int]bool{{}, {}}
	for _, o := range list {
		if i, ok := elementIndex(o.Path); ok {
			want[sideOf(o)][i] = true
		}
	}
	var ids [2]map[int]elemIDs
	var have [2]map[string]bool
	for s := range ids {
		ids[s], have[s] = elementIDs(data[s], want[s]), drawnIDs(drawn[s])
	}
	out := make([]draw.Change, 0, len(list))
	for _, o := range list {
		// Only a whole element comes or goes; a field of one that comes
		// or goes changes the element.
		c := draw.Change{Kind: draw.Other, Key: o.Path, Status: draw.Changed, Old: o.Old, New: o.New}
		if i, ok := elementIndex(o.Path); ok && o.Path == "$["+strconv.Itoa(i)+"]" && o.Op != "change" {
			c.Status = status(o.Old, o.New)
		}
		switch o.Op {
		case "add":
			c.Summary = "+ " + o.Path + " " + clip(o.New, 72)
		case "remove":
			c.Summary = "− " + o.Path + " " + clip(o.Old, 72)
		default:
			c.Summary = o.Path + ": " + clip(o.Old, 36) + " → " + clip(o.New, 36)
		}
		if i, ok := elementIndex(o.Path); ok {
			s := sideOf(o)
			for k, id := range ids[s][i].ids {
				if have[s][id] {
					c.Kind, c.Key = draw.Element, id
					if k > 0 || !ids[s][i].own {
						// What the element belongs to is drawn, not the
						// element: that changed, it did not come or go.
						c.Status = draw.Changed
					}
					break
				}
			}
		}
		out = append(out, c)
	}
	return out
}

func sideOf(o circuit.JSONChange) int {
	if o.Op == "remove" {
		return 0
	}
	return 1
}

// elementIndex reads N from a path "$[N]…".
func elementIndex(path string) (int, bool) {
	rest, ok := strings.CutPrefix(path, "$[")
	if !ok {
		return 0, false
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return 0, false
	}
	i, err := strconv.Atoi(rest[:end])
	return i, err == nil
}

// elemIDs are an element's own id (the field named TYPE_id; own says
// whether it has one) and then the ids it names (its other *_id fields,
// in name order).
type elemIDs struct {
	ids []string
	own bool
}

// elementIDs reads the ids of the elements of a Circuit JSON array at
// the indexes wanted, decoding only those elements.
func elementIDs(data []byte, want map[int]bool) map[int]elemIDs {
	out := map[int]elemIDs{}
	if len(want) == 0 {
		return out
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return out
	}
	for i, found := 0, 0; dec.More() && found < len(want); i++ {
		if !want[i] {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return out
			}
			continue
		}
		found++
		var e map[string]any
		if dec.Decode(&e) != nil {
			return out
		}
		typ, _ := e["type"].(string)
		own := typ + "_id"
		var ids elemIDs
		if id, _ := e[own].(string); id != "" {
			ids.ids, ids.own = append(ids.ids, id), true
		}
		keys := make([]string, 0, len(e))
		for k := range e {
			if strings.HasSuffix(k, "_id") && k != own {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			if id, _ := e[k].(string); id != "" {
				ids.ids = append(ids.ids, id)
			}
		}
		out[i] = ids
	}
	return out
}

// drawnIDs are the element ids a drawing has items for.
func drawnIDs(d *draw.Drawing) map[string]bool {
	ids := map[string]bool{}
	if d == nil {
		return ids
	}
	for _, v := range d.Views {
		v.Items(func(_ *draw.Layer, it *draw.Item) {
			if it.ID != "" {
				ids[it.ID] = true
			}
		})
	}
	return ids
}

// status is the status of a value that was old and is new ("" where
// absent).
func status(old, new string) draw.Status {
	switch {
	case old == "":
		return draw.Added
	case new == "":
		return draw.Removed
	}
	return draw.Changed
}

// describe is a component's attributes on one line.
func describe(c *circuit.Component) string {
	var parts []string
	for _, s := range []string{c.Type, c.Value, c.Footprint, c.MPN, c.Manufacturer} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if c.DNP {
		parts = append(parts, "DNP")
	}
	return strings.Join(parts, " ")
}

// attributes are a component's attributes, one per line, for hovering.
func attributes(c *circuit.Component) string {
	var lines []string
	for _, kv := range [][2]string{{"type", c.Type}, {"value", c.Value}, {"footprint", c.Footprint},
		{"mpn", c.MPN}, {"manufacturer", c.Manufacturer}} {
		if kv[1] != "" {
			lines = append(lines, kv[0]+" "+kv[1])
		}
	}
	if c.DNP {
		lines = append(lines, "dnp true")
	}
	if len(c.Pins) > 0 {
		lines = append(lines, "pins "+clipList(c.Pins, listPins))
	}
	return strings.Join(lines, "\n")
}

func join(a, b string) string {
	if b == "" {
		return a
	}
	return a + " " + b
}

// shown is a value for people: ∅ for none.
func shown(s string) string {
	if s == "" {
		return "∅"
	}
	return s
}

// clipList joins a list with spaces, cut after n items with a count.
func clipList(list []string, n int) string {
	if len(list) <= n {
		return strings.Join(list, " ")
	}
	return strings.Join(list[:n], " ") + fmt.Sprintf(" … (+%d)", len(list)-n)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
