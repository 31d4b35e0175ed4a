package draw

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// tsFile indexes a tscircuit Circuit JSON file: the flat list of typed
// elements, each named by its own *_id.
type tsFile struct {
	elems []obj
	byID  map[string]obj
	// ref is the reference (source_component name) of each
	// source_component_id, schematic_component_id and pcb_component_id.
	ref map[string]string
	// pin is "REF.PIN" of each source_port_id, schematic_port_id and
	// pcb_port_id.
	pin   map[string]string
	conn  *unionFind
	nets  map[string]*NetGroup // by union-find root
	info  map[string]string
	value map[string]string // display value by reference
}

// tsID is an element's own id: the field named after its type.
func tsID(e obj) string {
	return e.str(e.str("type") + "_id")
}

func drawTscircuit(elems []obj) (*Drawing, error) {
	if len(elems) > 0 && elems[0].str("type") == "" {
		return nil, fmt.Errorf("%w: a JSON array whose elements have no \"type\"", ErrNotCircuit)
	}
	f := &tsFile{elems: elems, byID: map[string]obj{}, ref: map[string]string{}, pin: map[string]string{},
		info: map[string]string{}, value: map[string]string{}}
	for _, e := range elems {
		if id := tsID(e); id != "" {
			f.byID[id] = e
		}
	}
	f.components()
	f.ports()
	f.connectivity()
	d := &Drawing{Format: Tscircuit, Info: f.info}
	sch, pcb := f.schematic(), f.pcb()
	// A schematic with ports but no components (a file exported before
	// its schematic was laid out) says less than the board: show the
	// board first.
	if sch != nil && sch.Layer("symbols") == nil && pcb != nil {
		sch, pcb = pcb, sch
	}
	for _, v := range []*View{sch, pcb} {
		if v != nil {
			d.Views = append(d.Views, v)
		}
	}
	return d, nil
}

func (f *tsFile) of(typ string) []obj {
	var out []obj
	for _, e := range f.elems {
		if e.str("type") == typ {
			out = append(out, e)
		}
	}
	return out
}

// components names every source_component and the schematic and PCB
// components that draw it, as the semantic diff names them: a name used
// in two subcircuits is prefixed with its subcircuit's name (amp1/R1).
func (f *tsFile) components() {
	comps := f.of("source_component")
	names := f.scopedNames(comps)
	for i, e := range comps {
		name := names[i]
		if name == "" {
			name = e.str("source_component_id")
		}
		f.ref[e.str("source_component_id")] = name
		val := tsValue(e)
		f.value[name] = val
		info := []string{e.str("ftype")}
		for _, s := range []string{val, e.str("manufacturer_part_number")} {
			if s != "" {
				info = append(info, s)
			}
		}
		f.info[name] = strings.Join(info, " ")
	}
	for _, typ := range []string{"schematic_component", "pcb_component"} {
		for _, e := range f.of(typ) {
			f.ref[tsID(e)] = f.ref[e.str("source_component_id")]
		}
	}
}

// scopedNames gives each element's name, prefixed with its subcircuit's
// label when the same name is used in more than one subcircuit (the top
// level keeps bare names).
func (f *tsFile) scopedNames(elems []obj) []string {
	groups := map[string]obj{}
	for _, g := range f.of("source_group") {
		groups[g.str("source_group_id")] = g
	}
	keys := make([]string, len(elems))
	labels := make([]string, len(elems))
	scopes := map[string]map[string]bool{}
	for i, e := range elems {
		keys[i], labels[i] = tsScope(e, groups)
		name := e.str("name")
		if scopes[name] == nil {
			scopes[name] = map[string]bool{}
		}
		scopes[name][keys[i]] = true
	}
	out := make([]string, len(elems))
	for i, e := range elems {
		out[i] = e.str("name")
		if len(scopes[out[i]]) > 1 && keys[i] != "" && out[i] != "" {
			out[i] = labels[i] + "/" + out[i]
		}
	}
	return out
}

// tsScope is the subcircuit an element belongs to: its subcircuit_id,
// else that of the nearest enclosing source_group that is a subcircuit;
// "" for the top level. label names it for people: its group's name
// when it has one.
func tsScope(e obj, groups map[string]obj) (key, label string) {
	labelOf := func(id string) string {
		for _, g := range groups {
			if g.str("subcircuit_id") == id && g.str("name") != "" {
				return g.str("name")
			}
		}
		return id
	}
	if id := e.str("subcircuit_id"); id != "" {
		return id, labelOf(id)
	}
	g := groups[e.str("source_group_id")]
	for depth := 0; g != nil && depth < 64; depth++ {
		if b, _ := g["is_subcircuit"].(bool); b {
			id := g.str("subcircuit_id")
			if id == "" {
				id = g.str("source_group_id")
			}
			return id, labelOf(id)
		}
		g = groups[g.str("parent_source_group_id")]
	}
	return "", ""
}

// tsValue is a source component's value as shown: its display_* field,
// else a known quantity with its unit.
func tsValue(e obj) string {
	for k := range e {
		if strings.HasPrefix(k, "display_") && k != "display_name" {
			if s := e.str(k); s != "" {
				return s
			}
		}
	}
	for _, q := range []struct{ key, unit string }{{"resistance", "Ω"}, {"capacitance", "F"}, {"inductance", "H"}, {"frequency", "Hz"}} {
		if e.has(q.key) {
			return strconv.FormatFloat(e.num(q.key), 'g', 4, 64) + q.unit
		}
	}
	return e.str("color")
}

// ports names every port "REF.PIN" as the semantic diff does: by the
// source_port's name (or pinN), and by pinN where a component has two
// ports of one name.
func (f *tsFile) ports() {
	ports := f.of("source_port")
	name := func(e obj) string {
		if n := e.str("name"); n != "" {
			return n
		}
		return "pin" + e.str("pin_number")
	}
	count, seen := map[string]int{}, map[string]int{}
	for _, e := range ports {
		count[e.str("source_component_id")+"\x00"+name(e)]++
	}
	for _, e := range ports {
		cid := e.str("source_component_id")
		n := name(e)
		if k := cid + "\x00" + n; count[k] > 1 {
			seen[k]++
			if num := e.str("pin_number"); num != "" {
				n = "pin" + num
			} else {
				n += "#" + strconv.Itoa(seen[k])
			}
		}
		if ref := f.ref[cid]; ref != "" {
			f.pin[e.str("source_port_id")] = ref + "." + n
		}
	}
	for _, typ := range []string{"schematic_port", "pcb_port"} {
		for _, e := range f.of(typ) {
			if p := f.pin[e.str("source_port_id")]; p != "" {
				f.pin[tsID(e)] = p
			}
		}
	}
}

// connectivity joins ports, source nets and source traces into nets,
// through the traces' endpoints and the connectivity keys they share.
func (f *tsFile) connectivity() {
	u := newUnionFind()
	key := func(e obj) {
		if k := e.str("subcircuit_connectivity_map_key"); k != "" {
			u.union("k:"+k, tsTokenOf(e))
		}
	}
	for _, e := range f.of("source_port") {
		u.add("p:" + e.str("source_port_id"))
		key(e)
	}
	for _, e := range f.of("source_net") {
		u.add("n:" + e.str("source_net_id"))
		key(e)
	}
	for _, e := range f.of("source_trace") {
		t := "t:" + e.str("source_trace_id")
		u.add(t)
		key(e)
		for _, p := range e.list("connected_source_port_ids") {
			if s, ok := p.(string); ok {
				u.union(t, "p:"+s)
			}
		}
		for _, n := range e.list("connected_source_net_ids") {
			if s, ok := n.(string); ok {
				u.union(t, "n:"+s)
			}
		}
	}
	f.conn = u
	// Name each group: its source net's name, else its first pin.
	groups := map[string]*NetGroup{}
	named := map[string]string{}
	nets := f.of("source_net")
	for i, n := range f.scopedNames(nets) {
		r, _ := u.find("n:" + nets[i].str("source_net_id"))
		if n != "" && (named[r] == "" || naturalLess(n, named[r])) {
			named[r] = n
		}
	}
	for _, e := range f.of("source_port") {
		r, _ := u.find("p:" + e.str("source_port_id"))
		if p := f.pin[e.str("source_port_id")]; p != "" {
			if groups[r] == nil {
				groups[r] = &NetGroup{}
			}
			groups[r].Pins = append(groups[r].Pins, p)
		}
	}
	for r, n := range named {
		if groups[r] == nil {
			groups[r] = &NetGroup{}
		}
		groups[r].Name = n
	}
	for _, g := range groups {
		slices.SortFunc(g.Pins, naturalCompare)
		if g.Name == "" && len(g.Pins) > 0 {
			g.Name = "Net-(" + g.Pins[0] + ")"
		}
	}
	f.nets = groups
}

// tsTokenOf is the union-find token of a source element.
func tsTokenOf(e obj) string {
	switch e.str("type") {
	case "source_port":
		return "p:" + e.str("source_port_id")
	case "source_net":
		return "n:" + e.str("source_net_id")
	}
	return "t:" + e.str("source_trace_id")
}

// netOf returns the view's net group for the first token that the
// file's connectivity knows, or −1.
func (f *tsFile) netOf(b *builder, tokens ...string) int {
	for _, t := range tokens {
		if len(t) < 3 {
			continue
		}
		if r, ok := f.conn.find(t); ok {
			g := f.nets[r]
			if g == nil {
				return -1
			}
			return b.net(r, g.Name, g.Pins)
		}
	}
	return -1
}

// portNet is the net group of a pcb_port or schematic_port.
func (f *tsFile) portNet(b *builder, portID string) int {
	p := f.byID[portID]
	if p == nil {
		return -1
	}
	return f.netOf(b, "p:"+p.str("source_port_id"))
}

// flip turns tscircuit's y-up coordinates into the drawing's y-down.
func flip(p Point) Point { return Point{p.X, -p.Y} }

// rectAt is a rect shape of size w×h centred on c.
func rectAt(c Point, w, h float64) Shape {
	return Shape{Op: OpRect, X: c.X - w/2, Y: c.Y - h/2, W: w, H: h}
}

// points reads a list of {x, y} objects, flipped.
func points(list []any) []Point {
	var pts []Point
	for _, v := range list {
		o := asObj(v)
		if o != nil && o.has("x") && o.has("y") {
			pts = append(pts, flip(Point{o.num("x"), o.num("y")}))
		}
	}
	return pts
}

func dist(a, b Point) float64 { return math.Hypot(b.X-a.X, b.Y-a.Y) }
