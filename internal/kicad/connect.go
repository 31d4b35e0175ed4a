package kicad

import (
	"math"
	"strings"
)

// This file computes nets from the drawing, following the model of
// KiCad's connection graph: items that share a point on one sheet instance
// form a subgraph; subgraphs are joined by same-named local labels on the
// sheet, by sheet pins and hierarchical labels across levels, and by
// global labels and power pins everywhere; each net takes the name of its
// strongest driver.

// priority ranks what may name a net, as KiCad's CONNECTION_SUBGRAPH does.
type priority int

const (
	prioNone priority = iota
	prioPin
	prioSheetPin
	prioHierLabel
	prioLocalLabel
	prioLocalPower
	prioGlobalPower
	prioGlobal
)

// strong drivers are labels and power: a name a person gave the net.
func (p priority) strong() bool { return p >= prioHierLabel }

type itemKind int

const (
	pinItem itemKind = iota
	labelItem
	sheetPinItem
)

// item is one connectable thing on one sheet instance.
type item struct {
	kind itemKind
	pos  pt
	// pins
	use *symbolUse
	pin *libPin
	// labels
	lab *label
	// sheet pins
	spin *sheetPin
	box  *sheetRef
}

// text is the name written on a label or sheet pin.
func (it *item) text() string {
	if it.kind == sheetPinItem {
		return it.spin.name
	}
	return it.lab.text
}

// subgraph is a set of items wired together on one sheet instance.
type subgraph struct {
	inst      *sheetInstance
	items     []*item
	noConnect bool

	prio priority
	name string // the driver's net name, with its sheet path where KiCad gives one
	// member marks the stand-in for a bus member: a name without items.
	member *nameKey
}

// busGraph is a set of bus items (bus labels, bus sheet pins and
// hierarchical labels) joined by bus wires on one sheet instance.
type busGraph struct {
	inst    *sheetInstance
	items   []*item
	members []busMember
	prio    priority // of the item that names the bus
	global  bool
}

type netBuilder struct {
	h         *hierarchy
	aliases   map[string][]string
	subgraphs []*subgraph
	buses     []*busGraph
}

func newNetBuilder(h *hierarchy) *netBuilder {
	b := &netBuilder{h: h, aliases: map[string][]string{}}
	// KiCad pools the bus aliases of every sheet of a project.
	for _, f := range h.order {
		for name, members := range f.aliases {
			b.aliases[name] = members
		}
	}
	return b
}

// build returns the nets of the whole hierarchy; nets without a pin of a
// component are left out, as KiCad's netlist does.
func (b *netBuilder) build() []*Net {
	for _, in := range b.h.instances {
		b.sheetSubgraphs(in)
	}
	for _, sg := range b.subgraphs {
		b.resolveDriver(sg)
	}
	groups := b.group()
	return b.nets(groups)
}

// sheetSubgraphs joins the items of one sheet instance by wires,
// junctions and same-named local labels.
func (b *netBuilder) sheetSubgraphs(in *sheetInstance) {
	f := in.file
	pts := &pointSet{index: map[pt]int{}}
	for _, w := range f.wires {
		pts.union(pts.id(w.a), pts.id(w.b))
	}
	// A junction in the middle of a wire joins it there, as the drawing
	// shows (KiCad's editor splits wires at junctions when it saves; see
	// testdata/ORACLE.md for what kicad-cli does with other files).
	for _, j := range f.junctions {
		pts.attach(j, f.wires)
	}
	var items []*item
	for _, u := range in.symbols {
		if u.lib == nil {
			continue
		}
		for _, p := range u.lib.pins {
			if (p.unit != 0 && p.unit != u.unit) || (p.bodyStyle != 0 && p.bodyStyle != u.bodyStyle) {
				continue
			}
			items = append(items, &item{kind: pinItem, pos: u.transform(p.x, p.y), use: u, pin: p})
		}
	}
	// Labels and no-connect flags attach anywhere along a wire; pins and
	// wire ends only where a wire ends.
	for _, p := range f.noConnects {
		pts.attach(p, f.wires)
	}
	var busItems []*item
	byName := map[string]int{}
	for _, l := range f.labels {
		it := &item{kind: labelItem, pos: l.pos, lab: l}
		if isBusName(l.text, b.aliases) {
			busItems = append(busItems, it)
			continue
		}
		items = append(items, it)
		pts.attach(l.pos, f.wires)
		// Local and hierarchical labels of the same name on one sheet
		// are one net.
		if l.kind != globalLabel {
			id := pts.id(l.pos)
			if other, ok := byName[escapeNetName(l.text)]; ok {
				pts.union(other, id)
			} else {
				byName[escapeNetName(l.text)] = id
			}
		}
	}
	for _, s := range f.sheets {
		for _, p := range s.pins {
			it := &item{kind: sheetPinItem, pos: p.pos, spin: p, box: s}
			if isBusName(p.name, b.aliases) {
				busItems = append(busItems, it)
			} else {
				items = append(items, it)
			}
		}
	}
	b.busGraphs(in, busItems)
	bySet := map[int]*subgraph{}
	for _, it := range items {
		root := pts.find(pts.id(it.pos))
		sg := bySet[root]
		if sg == nil {
			sg = &subgraph{inst: in}
			bySet[root] = sg
			b.subgraphs = append(b.subgraphs, sg)
		}
		sg.items = append(sg.items, it)
	}
	for _, nc := range f.noConnects {
		if id, ok := pts.index[nc]; ok {
			if sg := bySet[pts.find(id)]; sg != nil {
				sg.noConnect = true
			}
		}
	}
}

// onSegment reports whether p lies on the segment w, ends included.
func onSegment(p pt, w segment) bool {
	if (p.X-w.a.X)*(w.b.Y-w.a.Y) != (p.Y-w.a.Y)*(w.b.X-w.a.X) {
		return false
	}
	return p.X >= min(w.a.X, w.b.X) && p.X <= max(w.a.X, w.b.X) &&
		p.Y >= min(w.a.Y, w.b.Y) && p.Y <= max(w.a.Y, w.b.Y)
}

// transform places a library pin position on the sheet: library Y points
// up, the sheet's down; the symbol is rotated counter-clockwise, then
// mirrored (about the X axis for "x": up and down swap), then moved to its
// position.
func (s *placedSymbol) transform(x, y int64) pt {
	y = -y
	switch ((int(math.Round(s.rot))%360 + 360) % 360) / 90 {
	case 1:
		x, y = y, -x
	case 2:
		x, y = -x, -y
	case 3:
		x, y = -y, x
	}
	switch s.mirror {
	case "x":
		y = -y
	case "y":
		x = -x
	}
	return pt{s.pos.X + x, s.pos.Y + y}
}

// inNetlist tells the symbols whose pins KiCad lists as net nodes.
func (s *symbolUse) inNetlist() bool { return !s.isPower() }

// isPowerPin reports a pin that names its net by itself: the pin of a
// power symbol, or an invisible power input on any symbol (KiCad's legacy
// implicit power connection).
func (it *item) isPowerPin() bool {
	return it.kind == pinItem && it.pin.etype == "power_in" && (it.pin.hidden || it.use.lib.power)
}

func (b *netBuilder) priorityOf(it *item) priority {
	switch it.kind {
	case sheetPinItem:
		return prioSheetPin
	case labelItem:
		switch it.lab.kind {
		case hierLabel:
			return prioHierLabel
		case globalLabel:
			return prioGlobal
		default:
			return prioLocalLabel
		}
	}
	if it.isPowerPin() {
		if it.use.lib.power && it.use.lib.localPwr {
			return prioLocalPower
		}
		return prioGlobalPower
	}
	if !it.use.inNetlist() {
		return prioNone
	}
	return prioPin
}

// driverName is the net name an item gives, before any sheet path.
func (b *netBuilder) driverName(sg *subgraph, it *item) string {
	switch it.kind {
	case labelItem:
		return escapeNetName(it.lab.text)
	case sheetPinItem:
		return escapeNetName(it.spin.name)
	}
	if it.isPowerPin() {
		if it.use.lib.power {
			return escapeNetName(it.use.value)
		}
		return escapeNetName(shownName(it.pin.name))
	}
	return b.defaultPinNetName(sg, it)
}

// defaultPinNetName is KiCad's name for a net that only pins drive:
// Net-(R1-Pad1), Net-(U1A-OUT), or unconnected-(U1-NC-Pad5) for a pin
// marked no-connect or alone on its net.
func (b *netBuilder) defaultPinNetName(sg *subgraph, it *item) string {
	u, p := it.use, it.pin
	unconnected := sg.noConnect || p.etype == "no_connect" || sg.pinCount() == 1
	name := "Net-("
	if unconnected {
		name = "unconnected-("
	}
	pinName, number := shownName(p.name), shownName(p.number)
	switch {
	case strings.HasSuffix(u.ref, "?"):
		return name + u.uuid + "-Pad" + p.number + ")"
	case pinName != "" && pinName != number:
		ref := u.ref
		if u.lib.unitCount > 1 {
			ref += unitLetter(u.unit)
		}
		name += ref + "-" + escapeNetName(pinName)
		if unconnected || hasSameNamedPin(u, p) {
			name += "-Pad" + escapeNetName(number)
		}
		return name + ")"
	default:
		return name + u.ref + "-Pad" + escapeNetName(number) + ")"
	}
}

// pinCount counts the symbol pins of a subgraph, power symbols' and
// flags' included: a pin alone is "unconnected" in KiCad's names.
func (sg *subgraph) pinCount() int {
	n := 0
	for _, it := range sg.items {
		if it.kind == pinItem {
			n++
		}
	}
	return n
}

// hasSameNamedPin reports whether another pin of the symbol's unit has the
// same name and a different number, so the name alone is ambiguous.
func hasSameNamedPin(u *symbolUse, p *libPin) bool {
	for _, o := range u.lib.pins {
		if o == p || (o.unit != 0 && o.unit != u.unit) || (o.bodyStyle != 0 && o.bodyStyle != u.bodyStyle) {
			continue
		}
		if shownName(o.name) == shownName(p.name) && shownName(o.number) != shownName(p.number) {
			return true
		}
	}
	return false
}

// shownName is a pin name or number as displayed: "~" means none.
func shownName(s string) string {
	if s == "~" {
		return ""
	}
	return s
}

// escapeNetName escapes what KiCad escapes in net names: a slash would
// read as a sheet separator.
func escapeNetName(s string) string {
	return netNameEscaper.Replace(s)
}

var netNameEscaper = strings.NewReplacer("/", "{slash}", "\n", "", "\r", "")

// resolveDriver picks the item that names a subgraph: the highest
// priority; among equals, power symbols before other pins, real names
// before Net-(…-PadN) ones, then the smallest name.
func (b *netBuilder) resolveDriver(sg *subgraph) {
	var best *item
	bestName := ""
	sg.prio = prioNone
	for _, it := range sg.items {
		p := b.priorityOf(it)
		if p == prioNone || p < sg.prio {
			continue
		}
		name := b.driverName(sg, it)
		if p > sg.prio || best == nil || b.betterDriver(it, name, best, bestName) {
			best, bestName, sg.prio = it, name, p
		}
	}
	if best == nil {
		return
	}
	sg.name = bestName
	if b.hasPath(best) {
		sg.name = sg.inst.path + bestName
	}
}

// betterDriver breaks a tie between two drivers of the same priority.
func (b *netBuilder) betterDriver(a *item, aName string, c *item, cName string) bool {
	if a.kind == sheetPinItem {
		// KiCad prefers an output sheet pin, else keeps the first.
		return a.spin.shape == "output" && c.spin.shape != "output"
	}
	if a.kind == pinItem && c.kind == pinItem {
		ap, cp := a.use.lib.power, c.use.lib.power
		if ap != cp {
			return ap
		}
	}
	aLow, cLow := strings.Contains(aName, "-Pad"), strings.Contains(cName, "-Pad")
	if aLow != cLow {
		return cLow
	}
	return aName < cName
}

// hasPath tells drivers whose names are local to their sheet: labels
// (other than global ones), sheet pins and local power symbols. Pins are
// unique by reference and global names are the same everywhere.
func (b *netBuilder) hasPath(it *item) bool {
	switch it.kind {
	case labelItem:
		return it.lab.kind != globalLabel
	case sheetPinItem:
		return true
	}
	return it.isPowerPin() && it.use.lib.power && it.use.lib.localPwr
}

// unionFind joins integer nodes into sets.
type unionFind struct{ parent []int }

// add makes a new node in a set of its own.
func (u *unionFind) add() int {
	u.parent = append(u.parent, len(u.parent))
	return len(u.parent) - 1
}

func (u *unionFind) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

func (u *unionFind) union(a, b int) {
	if ra, rb := u.find(a), u.find(b); ra != rb {
		u.parent[rb] = ra
	}
}

// pointSet is a union-find over the connection points of one sheet.
type pointSet struct {
	unionFind
	index map[pt]int
}

func (s *pointSet) id(p pt) int {
	if i, ok := s.index[p]; ok {
		return i
	}
	i := s.add()
	s.index[p] = i
	return i
}

// attach joins p to every wire that passes through it.
func (s *pointSet) attach(p pt, wires []segment) {
	for _, w := range wires {
		if onSegment(p, w) {
			s.union(s.id(p), s.id(w.a))
		}
	}
}
