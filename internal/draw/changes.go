package draw

import (
	"slices"
)

// Kind says what a change is about, and so how it is found on the
// picture.
type Kind string

// Change kinds. Component, Net, Pin, Element and Connection changes are
// drawn; Metadata, BOM and Other changes appear in the change list only.
const (
	// Component: Key is the reference (native id, Wokwi part id,
	// tscircuit source_component name). Every item of the component is
	// marked: body, pads, ports, its silkscreen.
	Component Kind = "component"
	// Net: Key is the net name. OldPins and NewPins, when given, are
	// the net's pins on each side ("REF.PIN"); a drawn net is marked
	// when its name matches or it shares a pin with them, so the
	// drawing and the semantic diff need not name unnamed nets alike.
	Net Kind = "net"
	// Pin: Key is "REF.PIN" (a pin that moved between nets). Its pads
	// or ports are marked, and the nets holding it on each side.
	Pin Kind = "pin"
	// Element: Key is a tscircuit element's *_id (pcb_trace_id,
	// schematic_component_id…). Only that element is marked.
	Element Kind = "element"
	// Connection: Key is ConnKey of a Wokwi connection's endpoints.
	Connection Kind = "connection"
	// Metadata, BOM and Other changes are listed, not drawn. Other is
	// a change the drawing has no identity for (inside an element
	// without an id).
	Metadata Kind = "metadata"
	BOM      Kind = "bom"
	Other    Kind = "other"
)

// Status is how an item changed. Items no change names are Unchanged.
type Status string

// Statuses.
const (
	Unchanged Status = ""
	Added     Status = "added"
	Removed   Status = "removed"
	Changed   Status = "changed"
)

// Change is one entry of the change list and the items it marks.
type Change struct {
	Kind Kind
	// Key identifies the changed thing on the old side, or on the only
	// side it exists on (see Kind for what a key is).
	Key string
	// NewKey identifies it on the new side when that differs (a
	// rename); empty means Key.
	NewKey string
	Status Status
	// Summary is the line shown in the change list ("R5 value 10k →
	// 4.7k").
	Summary string
	// Old and New are the attributes on each side, one per line, shown
	// when hovering a marked item ("" when absent on that side).
	Old, New string
	// OldPins and NewPins are a net's pins on each side.
	OldPins, NewPins []string
}

// ChangeSet is what a diff report highlights: one file's changes, in
// the order the change list shows them.
type ChangeSet struct {
	Changes []Change
}

// ConnKey is the identity of a Wokwi connection: its two endpoints
// ("part:pin"), in order, so that a connection listed either way round
// is the same.
func ConnKey(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + " " + b
}

// side is the old or the new file of a diff.
type side uint8

const (
	oldSide side = iota
	newSide
)

func (s side) String() string {
	if s == oldSide {
		return "old"
	}
	return "new"
}

// key is the identity of c on side s.
func (c *Change) key(s side) string {
	if s == newSide && c.NewKey != "" {
		return c.NewKey
	}
	return c.Key
}

func (c *Change) pins(s side) []string {
	if s == oldSide {
		return c.OldPins
	}
	return c.NewPins
}

// mark is what a change set says about one drawn item.
type mark struct {
	st  Status
	idx []int // indexes into ChangeSet.Changes
}

// marker decides the marks of the items of one view on one side.
type marker struct {
	cs                           *ChangeSet
	elem, comp, pin, conn, named map[string][]int
	groups                       [][]int // per net group of the view: net and pin changes
}

// newMarker indexes cs for side s of view v. A nil or empty change set
// marks nothing.
func newMarker(cs *ChangeSet, s side, v *View) *marker {
	m := &marker{cs: cs, elem: map[string][]int{}, comp: map[string][]int{}, pin: map[string][]int{},
		conn: map[string][]int{}, named: map[string][]int{}}
	if cs == nil {
		return m
	}
	byPin := map[string][]int{} // net and pin changes by the pins they name
	for i := range cs.Changes {
		c := &cs.Changes[i]
		if c.Status == Unchanged {
			continue
		}
		k := c.key(s)
		switch c.Kind {
		case Component:
			m.comp[k] = append(m.comp[k], i)
		case Element:
			m.elem[k] = append(m.elem[k], i)
		case Connection:
			m.conn[k] = append(m.conn[k], i)
		case Pin:
			m.pin[k] = append(m.pin[k], i)
			byPin[k] = append(byPin[k], i)
		case Net:
			m.named[k] = append(m.named[k], i)
			for _, p := range c.pins(s) {
				byPin[p] = append(byPin[p], i)
			}
		}
	}
	m.groups = make([][]int, len(v.Nets))
	for g, n := range v.Nets {
		idx := slices.Clone(m.named[n.Name])
		for _, p := range n.Pins {
			idx = append(idx, byPin[p]...)
		}
		m.groups[g] = sortedUnique(idx)
	}
	return m
}

// of returns the mark of an item: its own element's change first, then
// its component's, its pin's, its connection's, then its net's (for
// items that draw a net). The status comes from the first that applies;
// the list holds every change the item belongs to, for the report's
// links.
func (m *marker) of(it *Item) mark {
	var out mark
	take := func(idx []int) {
		if len(idx) == 0 {
			return
		}
		if out.st == Unchanged {
			out.st = m.strongest(idx)
		}
		out.idx = append(out.idx, idx...)
	}
	if it.ID != "" {
		take(m.elem[it.ID])
	}
	if it.Ref != "" {
		take(m.comp[it.Ref])
	}
	if it.Pin != "" {
		take(m.pin[it.Pin])
	}
	if it.Conn != "" {
		take(m.conn[it.Conn])
	}
	if it.OnNet && it.group > 0 && it.group <= len(m.groups) {
		take(m.groups[it.group-1])
	}
	out.idx = sortedUnique(out.idx)
	return out
}

// strongest is the status to show for several changes at once: an
// addition or removal outweighs a change.
func (m *marker) strongest(idx []int) Status {
	st := Changed
	for _, i := range idx {
		if s := m.cs.Changes[i].Status; s == Added || s == Removed {
			st = s
		}
	}
	return st
}

func sortedUnique(s []int) []int {
	if len(s) < 2 {
		return s
	}
	slices.Sort(s)
	return slices.Compact(s)
}

// drawn reports whether changes of kind k can be found on a picture.
func (k Kind) drawn() bool {
	switch k {
	case Metadata, BOM, Other:
		return false
	}
	return true
}
