package circuit

import (
	"slices"
	"sort"
	"strings"
)

// Delta is the semantic difference between two circuits, in the order a
// reader wants it: components, nets, pin moves, metadata, BOM. Every list
// is sorted (references and net names in natural order).
type Delta struct {
	// Added and Removed components, with their attributes.
	Added   []*Component
	Removed []*Component
	// Renamed components kept every attribute and connection but their
	// reference.
	Renamed []Rename
	// Changed components, each with the attributes that differ. A
	// renamed component that also moved appears here under its new
	// reference.
	Changed []ComponentChange

	NetsAdded   []*Net
	NetsRemoved []*Net
	// NetsRenamed kept exactly the same pins.
	NetsRenamed []Rename
	// NetsChanged gained or lost pins (other than pins that moved to or
	// from another net, which are in PinsMoved).
	NetsChanged []NetChange
	// PinsMoved left one net for another.
	PinsMoved []PinMove

	// SheetsAdded and SheetsRemoved are hierarchical sheet instances
	// (KiCad) by path; SheetsChanged show another file under the same
	// path.
	SheetsAdded, SheetsRemoved []Sheet
	SheetsChanged              []SheetChange

	// Metadata changes, by key; Old or New is "" when the key was added
	// or removed. The format version appears as key "version".
	Metadata []Change
	// BOM lists the BOM groups whose quantity or references changed.
	BOM []BOMChange
	// Other lists changes inside elements the format's definition does
	// not know (tscircuit element types circuit-json lacks), with their
	// JSON paths, so that nothing a file holds changes unseen.
	Other []JSONChange

	// Limit is how many references or pins WriteText prints in one list
	// before it cuts the rest with a count: 0 means DefaultListLimit, a
	// negative number means all of them (diff --full).
	Limit int
}

// DefaultListLimit is how many items WriteText shows of a long list of
// references or pins.
const DefaultListLimit = 20

// Rename is a reference or net name that changed.
type Rename struct{ Old, New string }

// Change is one attribute's old and new value ("" when absent).
type Change struct{ Attr, Old, New string }

// ComponentChange lists the attributes of one component that changed.
type ComponentChange struct {
	Ref     string
	Changes []Change
}

// NetChange is a net that gained or lost pins.
type NetChange struct {
	Name           string
	Added, Removed []string
}

// PinMove is a pin that left one net for another.
type PinMove struct{ Pin, From, To string }

// BOMChange is one BOM group (value + footprint + MPN, and the Wokwi
// attributes of BOMAttributes) whose quantity or references changed.
// Quantity 0 means the group is new or gone.
type BOMChange struct {
	Value, Footprint, MPN string
	Type                  string
	Variant               string
	OldQty, NewQty        int
	OldRefs, NewRefs      []string
}

// Empty reports whether the circuits are the same in every way the model
// sees.
func (d *Delta) Empty() bool {
	return len(d.Added)+len(d.Removed)+len(d.Renamed)+len(d.Changed)+
		len(d.NetsAdded)+len(d.NetsRemoved)+len(d.NetsRenamed)+len(d.NetsChanged)+
		len(d.PinsMoved)+len(d.SheetsAdded)+len(d.SheetsRemoved)+len(d.SheetsChanged)+
		len(d.Metadata)+len(d.BOM)+len(d.Other) == 0
}

// Diff compares two circuits, which may come from different formats.
// Either may be nil, meaning an empty circuit.
func Diff(old, new *Circuit) *Delta {
	if old == nil {
		old = &Circuit{}
	}
	if new == nil {
		new = &Circuit{}
	}
	d := &Delta{}
	// The BOM is grouped from the components alone, which the rest of
	// Diff only reads: on a second core it costs a big diff no time.
	bom := make(chan []BOMChange, 1)
	go func() { bom <- diffBOM(old, new) }()
	renames := diffComponents(d, old, new)
	diffNets(d, old, new, renames)
	diffSheets(d, old.Sheets, new.Sheets)
	d.Metadata = diffMetadata(old, new)
	d.BOM = <-bom
	d.Other = diffOthers(old.others, new.others)
	return d
}

// diffComponents fills the component sections and returns the renames,
// old reference → new.
func diffComponents(d *Delta, old, new *Circuit) map[string]string {
	var removed, added []*Component
	// Both sides are in natural reference order: walk them together.
	oc, nc := byRefOrder(old.Components), byRefOrder(new.Components)
	for i, j := 0, 0; i < len(oc) || j < len(nc); {
		switch {
		case j >= len(nc) || (i < len(oc) && naturalLess(oc[i].Ref, nc[j].Ref)):
			removed = append(removed, oc[i])
			i++
		case i >= len(oc) || naturalLess(nc[j].Ref, oc[i].Ref):
			added = append(added, nc[j])
			j++
		default:
			if ch := compareComponents(oc[i], nc[j]); len(ch) > 0 {
				d.Changed = append(d.Changed, ComponentChange{Ref: nc[j].Ref, Changes: ch})
			}
			i++
			j++
		}
	}
	renames := map[string]string{}
	if len(removed) > 0 && len(added) > 0 {
		removed, added = matchRenames(d, old, new, removed, added, renames)
	}
	d.Added, d.Removed = added, removed
	// Renamed components that also moved were appended out of order.
	sort.SliceStable(d.Changed, func(i, j int) bool { return naturalLess(d.Changed[i].Ref, d.Changed[j].Ref) })
	return renames
}

// byRefOrder returns comps in natural reference order without
// duplicates, as Parse leaves them; a circuit built by hand is sorted
// into a copy.
func byRefOrder(comps []*Component) []*Component {
	sorted := func(a, b *Component) int { return naturalCompare(a.Ref, b.Ref) }
	if slices.IsSortedFunc(comps, sorted) {
		return comps
	}
	out := slices.Clone(comps)
	slices.SortStableFunc(out, sorted)
	return slices.CompactFunc(out, func(a, b *Component) bool { return a.Ref == b.Ref })
}

// byNameOrder is byRefOrder for nets.
func byNameOrder(nets []*Net) []*Net {
	sorted := func(a, b *Net) int { return naturalCompare(a.Name, b.Name) }
	if slices.IsSortedFunc(nets, sorted) {
		return nets
	}
	out := slices.Clone(nets)
	slices.SortStableFunc(out, sorted)
	return out
}

// matchRenames pairs removed and added components that are identical but
// for their reference: first by attributes and the names of the nets on
// each pin, then by attributes and the pins each pin connects to (which
// survives a net being renamed at the same time).
func matchRenames(d *Delta, old, new *Circuit, removed, added []*Component, renames map[string]string) ([]*Component, []*Component) {
	oldNets, newNets := pinNets(old, removed), pinNets(new, added)
	for pass := 0; pass < 2; pass++ {
		sig := func(c *Component, nets map[string][]pinNet) string {
			var b strings.Builder
			b.WriteString(attrSignature(c))
			for _, pn := range nets[c.Ref] {
				b.WriteString("\x01")
				b.WriteString(pn.pin)
				b.WriteString("=")
				if pass == 0 && !pn.net.Auto {
					b.WriteString(pn.net.Name)
					continue
				}
				// An auto-named net is known by its pins, not its name
				// (which may come from the renamed part itself).
				for _, q := range pn.net.Pins {
					if ref, _, _ := SplitPin(q); ref != c.Ref {
						b.WriteString(q)
						b.WriteString(",")
					}
				}
			}
			return b.String()
		}
		pool := map[string][]*Component{}
		for _, c := range removed {
			k := sig(c, oldNets)
			pool[k] = append(pool[k], c)
		}
		var stillAdded []*Component
		matched := map[*Component]bool{}
		for _, c := range added {
			k := sig(c, newNets)
			if list := pool[k]; len(list) > 0 {
				o := list[0]
				pool[k] = list[1:]
				matched[o] = true
				renames[o.Ref] = c.Ref
				d.Renamed = append(d.Renamed, Rename{Old: o.Ref, New: c.Ref})
				if !samePosition(o.Position, c.Position) {
					d.Changed = append(d.Changed, ComponentChange{Ref: c.Ref,
						Changes: []Change{{Attr: "position", Old: positionString(o.Position), New: positionString(c.Position)}}})
				}
				continue
			}
			stillAdded = append(stillAdded, c)
		}
		var stillRemoved []*Component
		for _, c := range removed {
			if !matched[c] {
				stillRemoved = append(stillRemoved, c)
			}
		}
		removed, added = stillRemoved, stillAdded
		if len(removed) == 0 || len(added) == 0 {
			break
		}
	}
	sort.SliceStable(d.Renamed, func(i, j int) bool { return naturalLess(d.Renamed[i].Old, d.Renamed[j].Old) })
	return removed, added
}

// pinNet is one connected pin of a component and its net.
type pinNet struct {
	pin string
	net *Net
}

// pinNets maps the references of comps to their connected pins (first
// net of each), in natural pin order.
func pinNets(c *Circuit, comps []*Component) map[string][]pinNet {
	refs := make(map[string]bool, len(comps))
	for _, comp := range comps {
		refs[comp.Ref] = true
	}
	m := make(map[string][]pinNet)
	seen := make(map[string]bool)
	for _, n := range c.Nets {
		for _, p := range n.Pins {
			ref, pin, _ := SplitPin(p)
			if !refs[ref] || seen[p] {
				continue
			}
			seen[p] = true
			m[ref] = append(m[ref], pinNet{pin, n})
		}
	}
	for _, list := range m {
		slices.SortFunc(list, func(a, b pinNet) int { return naturalCompare(a.pin, b.pin) })
	}
	return m
}

// attrSignature is everything about a component except its reference
// and position.
func attrSignature(c *Component) string {
	var b strings.Builder
	for _, s := range []string{c.Type, valueKey(c), c.Footprint, c.MPN, c.Manufacturer} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	if c.DNP {
		b.WriteString("dnp")
	}
	if c.Virtual {
		b.WriteString("virtual")
	}
	b.WriteByte(0)
	b.WriteString(strings.Join(c.Pins, "\x02"))
	for _, k := range sortedKeys(c.Properties) {
		b.WriteByte(0)
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(c.Properties[k])
	}
	return b.String()
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// compareComponents lists the attributes that differ, in a fixed order.
func compareComponents(a, b *Component) []Change {
	var ch []Change
	add := func(attr, x, y string) {
		if x != y {
			ch = append(ch, Change{Attr: attr, Old: x, New: y})
		}
	}
	add("type", a.Type, b.Type)
	if !sameValue(a, b) {
		ch = append(ch, Change{Attr: "value", Old: valueText(a), New: valueText(b)})
	}
	add("footprint", a.Footprint, b.Footprint)
	add("mpn", a.MPN, b.MPN)
	add("manufacturer", a.Manufacturer, b.Manufacturer)
	add("dnp", boolString(a.DNP), boolString(b.DNP))
	if !equalStrings(a.Pins, b.Pins) {
		add("pins", strings.Join(a.Pins, " "), strings.Join(b.Pins, " "))
	}
	if !samePosition(a.Position, b.Position) {
		add("position", positionString(a.Position), positionString(b.Position))
	}
	if len(a.Properties) > 0 || len(b.Properties) > 0 {
		for _, k := range unionKeys(a.Properties, b.Properties) {
			add("properties."+k, a.Properties[k], b.Properties[k])
		}
	}
	return ch
}

// sameValue compares values as quantities when both are (1uF = 1µF,
// 4k7 = 4.7kΩ), else as text; a stale tscircuit display string counts.
func sameValue(a, b *Component) bool {
	if a.Quantity != nil && b.Quantity != nil {
		if !a.Quantity.Equal(*b.Quantity) {
			return false
		}
		return a.ShownAs == b.ShownAs || sameText(a.ShownAs, b.ShownAs)
	}
	return a.Value == b.Value && a.ShownAs == b.ShownAs
}

// sameText compares two value strings as quantities when both are.
func sameText(x, y string) bool {
	qx, okx := ParseQuantity(x)
	qy, oky := ParseQuantity(y)
	return okx && oky && qx.Equal(qy)
}

// valueText is a value for people: the value, and beside it a tscircuit
// display string that says something else.
func valueText(c *Component) string {
	if c.ShownAs != "" {
		return c.Value + " (displayed as " + c.ShownAs + ")"
	}
	return c.Value
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func samePosition(a, b *Position) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// positionString renders a position as "(x, y)" plus " rot N" when
// rotated; "" for none.
func positionString(p *Position) string {
	if p == nil {
		return ""
	}
	s := "(" + formatFloat(p.X) + ", " + formatFloat(p.Y) + ")"
	if p.Rotation != 0 {
		s += " rot " + formatFloat(p.Rotation)
	}
	return s
}

func unionKeys(a, b map[string]string) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// diffNets fills the net sections. Old pins are first translated through
// the component renames, so a renamed part does not look rewired.
func diffNets(d *Delta, old, new *Circuit, renames map[string]string) {
	oldNets := old.Nets
	if len(renames) > 0 {
		oldNets = renamePins(old.Nets, renames)
	}
	newNets := byNameOrder(new.Nets)
	oldNets = byNameOrder(oldNets)
	// Auto-named nets are known by their pins: pair them first.
	matchedOld := make([]bool, len(oldNets))
	matchedNew := make([]bool, len(newNets))
	type pinEdit struct{ added, removed []string }
	edits := map[string]*pinEdit{}
	for _, pr := range pairAutoNets(oldNets, newNets) {
		o, n := oldNets[pr[0]], newNets[pr[1]]
		matchedOld[pr[0]], matchedNew[pr[1]] = true, true
		if !equalStrings(o.Pins, n.Pins) {
			a, r := sortedDiff(o.Pins, n.Pins)
			edits[n.Name] = &pinEdit{added: a, removed: r}
		}
	}
	// Nets named by the file are known by their name; both sides are in
	// name order.
	for i, j := 0, 0; i < len(oldNets) && j < len(newNets); {
		o, n := oldNets[i], newNets[j]
		switch {
		case matchedOld[i] || o.Auto:
			i++
		case matchedNew[j] || n.Auto:
			j++
		case naturalLess(o.Name, n.Name):
			i++
		case naturalLess(n.Name, o.Name):
			j++
		default:
			matchedOld[i], matchedNew[j] = true, true
			if !equalStrings(o.Pins, n.Pins) {
				a, r := sortedDiff(o.Pins, n.Pins)
				edits[n.Name] = &pinEdit{added: a, removed: r}
			}
			i++
			j++
		}
	}
	var removedNets, addedNets []*Net
	for i, n := range oldNets {
		if !matchedOld[i] {
			removedNets = append(removedNets, n)
		}
	}
	for j, n := range newNets {
		if !matchedNew[j] {
			addedNets = append(addedNets, n)
		}
	}
	// Renamed nets: a removed and an added net that share their pins.
	if len(removedNets) > 0 && len(addedNets) > 0 {
		var pairs [][2]*Net
		pairs, removedNets, addedNets = matchNetRenames(old, new, renames, removedNets, addedNets)
		for _, pr := range pairs {
			d.NetsRenamed = append(d.NetsRenamed, Rename{Old: pr[0].Name, New: pr[1].Name})
			if !equalStrings(pr[0].Pins, pr[1].Pins) {
				a, r := sortedDiff(pr[0].Pins, pr[1].Pins)
				edits[pr[1].Name] = &pinEdit{added: a, removed: r}
			}
		}
	}
	// Pin moves: a pin that left one net and joined another.
	from := map[string]string{}
	for name, e := range edits {
		for _, p := range e.removed {
			from[p] = name
		}
	}
	for _, n := range removedNets {
		for _, p := range n.Pins {
			from[p] = n.Name
		}
	}
	moved := map[string]bool{}
	addMove := func(p, to string) {
		if f, ok := from[p]; ok {
			d.PinsMoved = append(d.PinsMoved, PinMove{Pin: p, From: f, To: to})
			moved[p] = true
		}
	}
	for name, e := range edits {
		for _, p := range e.added {
			addMove(p, name)
		}
	}
	for _, n := range addedNets {
		for _, p := range n.Pins {
			addMove(p, n.Name)
		}
	}
	for name, e := range edits {
		e.added = without(e.added, moved)
		e.removed = without(e.removed, moved)
		if len(e.added)+len(e.removed) > 0 {
			d.NetsChanged = append(d.NetsChanged, NetChange{Name: name, Added: e.added, Removed: e.removed})
		}
	}
	d.NetsAdded, d.NetsRemoved = addedNets, removedNets
	sort.Slice(d.NetsChanged, func(i, j int) bool { return naturalLess(d.NetsChanged[i].Name, d.NetsChanged[j].Name) })
	sort.Slice(d.NetsRenamed, func(i, j int) bool { return naturalLess(d.NetsRenamed[i].Old, d.NetsRenamed[j].Old) })
	sort.Slice(d.PinsMoved, func(i, j int) bool { return naturalLess(d.PinsMoved[i].Pin, d.PinsMoved[j].Pin) })
}

// pairAutoNets pairs auto-named old and new nets by the pins they share
// (old pins already under renamed references), so that a net whose
// generated name changed (its first pin was renamed or removed) stays
// the same net. Pairs that share most pins are made first: when two old
// nets merge into one new net, the new net continues the old net that
// brought most of its pins, and the other lost its pins to it.
func pairAutoNets(old, new []*Net) [][2]int {
	owner := map[string]int{}
	for i, n := range new {
		if n.Auto {
			for _, p := range n.Pins {
				owner[p] = i
			}
		}
	}
	if len(owner) == 0 {
		return nil
	}
	type candidate struct{ old, new, shared int }
	var cands []candidate
	for oi, o := range old {
		if !o.Auto {
			continue
		}
		counts := map[int]int{}
		for _, p := range o.Pins {
			if i, ok := owner[p]; ok {
				counts[i]++
			}
		}
		for i, n := range counts {
			cands = append(cands, candidate{oi, i, n})
		}
	}
	slices.SortFunc(cands, func(a, b candidate) int {
		if a.shared != b.shared {
			return b.shared - a.shared
		}
		if a.old != b.old {
			return a.old - b.old
		}
		return a.new - b.new
	})
	takenOld, takenNew := make([]bool, len(old)), make([]bool, len(new))
	var pairs [][2]int
	for _, c := range cands {
		if !takenOld[c.old] && !takenNew[c.new] {
			takenOld[c.old], takenNew[c.new] = true, true
			pairs = append(pairs, [2]int{c.old, c.new})
		}
	}
	return pairs
}

// renamePins copies the nets that hold pins of renamed components, with
// those pins under their new reference.
func renamePins(nets []*Net, renames map[string]string) []*Net {
	out := make([]*Net, len(nets))
	for i, n := range nets {
		out[i] = n
		for j, p := range n.Pins {
			ref, pin, _ := SplitPin(p)
			nr, ok := renames[ref]
			if !ok {
				continue
			}
			if out[i] == n {
				out[i] = &Net{Name: n.Name, Auto: n.Auto, Pins: append([]string(nil), n.Pins...)}
			}
			out[i].Pins[j] = nr + "." + pin
		}
		if out[i] != n {
			sortNatural(out[i].Pins)
		}
	}
	return out
}

// sortedDiff returns the elements only in b (added) and only in a
// (removed); both inputs are in natural order.
func sortedDiff(a, b []string) (added, removed []string) {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j >= len(b) || (i < len(a) && naturalLess(a[i], b[j])):
			removed = append(removed, a[i])
			i++
		case i >= len(a) || naturalLess(b[j], a[i]):
			added = append(added, b[j])
			j++
		default:
			i++
			j++
		}
	}
	return added, removed
}

func without(list []string, drop map[string]bool) []string {
	out := list[:0]
	for _, p := range list {
		if !drop[p] {
			out = append(out, p)
		}
	}
	return out
}

func diffMetadata(old, new *Circuit) []Change {
	a, b := old.Metadata, new.Metadata
	if a == nil {
		a = map[string]string{}
	}
	if b == nil {
		b = map[string]string{}
	}
	var ch []Change
	if old.Version != new.Version {
		ch = append(ch, Change{Attr: "version", Old: old.Version, New: new.Version})
	}
	for _, k := range unionKeys(a, b) {
		if a[k] != b[k] {
			ch = append(ch, Change{Attr: k, Old: a[k], New: b[k]})
		}
	}
	return ch
}

// diffBOM compares the BOMs group by group.
func diffBOM(old, new *Circuit) []BOMChange {
	ol, oi := old.bomMap()
	nl, ni := new.bomMap()
	var out []BOMChange
	for k, i := range ni {
		n := &nl[i]
		bc := BOMChange{Value: n.Value, Footprint: n.Footprint, MPN: n.MPN, Type: n.Type, Variant: n.Variant,
			NewQty: n.Qty, NewRefs: n.Refs}
		if j, ok := oi[k]; ok {
			o := &ol[j]
			if o.Qty == n.Qty && equalStrings(o.Refs, n.Refs) {
				continue
			}
			bc.OldQty, bc.OldRefs = o.Qty, o.Refs
		}
		out = append(out, bc)
	}
	for k, j := range oi {
		if _, ok := ni[k]; ok {
			continue
		}
		o := &ol[j]
		out = append(out, BOMChange{Value: o.Value, Footprint: o.Footprint, MPN: o.MPN, Type: o.Type, Variant: o.Variant,
			OldQty: o.Qty, OldRefs: o.Refs})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := firstRef(out[i]), firstRef(out[j])
		if a != b {
			return naturalLess(a, b)
		}
		// Old group before new group of the same first part.
		if (out[i].OldQty > 0) != (out[j].OldQty > 0) {
			return out[i].OldQty > 0
		}
		return bomChangeKey(out[i]) < bomChangeKey(out[j])
	})
	return out
}

func firstRef(b BOMChange) string {
	if len(b.OldRefs) > 0 {
		return b.OldRefs[0]
	}
	if len(b.NewRefs) > 0 {
		return b.NewRefs[0]
	}
	return ""
}

func bomChangeKey(b BOMChange) string {
	return b.Value + "\x00" + b.Footprint + "\x00" + b.MPN + "\x00" + b.Type + "\x00" + b.Variant
}

// matchNetRenames pairs removed and added nets that are the same net
// under a new name. Only pins of components present on both sides count
// (a net does not become another because a part on it was removed), and
// a pair must share at least half of the larger net's pins; the best
// overlap wins. It returns the pairs and the nets left unpaired.
func matchNetRenames(old, new *Circuit, renames map[string]string, removed, added []*Net) (pairs [][2]*Net, stillRemoved, stillAdded []*Net) {
	renamedTo := make(map[string]bool, len(renames))
	for _, nr := range renames {
		renamedTo[nr] = true
	}
	core := func(pins []string) []string {
		var out []string
		for _, p := range pins {
			ref, _, _ := SplitPin(p)
			if new.Component(ref) != nil && (renamedTo[ref] || (old.Component(ref) != nil && renames[ref] == "")) {
				out = append(out, p)
			}
		}
		return out
	}
	owner := map[string]int{}
	addedCore := make([]int, len(added))
	for i, n := range added {
		c := core(n.Pins)
		addedCore[i] = len(c)
		for _, p := range c {
			owner[p] = i
		}
	}
	taken := make([]bool, len(added))
	for _, r := range removed {
		rc := core(r.Pins)
		counts := map[int]int{}
		for _, p := range rc {
			if i, ok := owner[p]; ok && !taken[i] {
				counts[i]++
			}
		}
		best, bestN := -1, 0
		for i, n := range counts {
			if n > bestN || (n == bestN && i < best) {
				best, bestN = i, n
			}
		}
		if best >= 0 && 2*bestN >= max(len(rc), addedCore[best]) {
			taken[best] = true
			pairs = append(pairs, [2]*Net{r, added[best]})
			continue
		}
		stillRemoved = append(stillRemoved, r)
	}
	for i, n := range added {
		if !taken[i] {
			stillAdded = append(stillAdded, n)
		}
	}
	return pairs, stillRemoved, stillAdded
}
