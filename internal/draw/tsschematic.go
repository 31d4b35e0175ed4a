package draw

import (
	"slices"
	"strings"
)

// schFont is the text size of labels the file does not size itself, in
// schematic units (tscircuit draws pin labels at this size).
const schFont = 0.18

// schematic draws the schematic view, or returns nil when the file has
// none.
func (f *tsFile) schematic() *View {
	comps := f.of("schematic_component")
	ports := f.of("schematic_port")
	traces := f.of("schematic_trace")
	labels := f.of("schematic_net_label")
	texts := f.of("schematic_text")
	if len(comps)+len(ports)+len(traces)+len(labels) == 0 {
		return nil
	}
	b := newBuilder("schematic", 3,
		[2]string{"symbols", "Symbols"}, [2]string{"pins", "Pins"}, [2]string{"wires", "Wires"},
		[2]string{"labels", "Net labels"}, [2]string{"text", "Text"})
	portsOf := map[string][]obj{}
	for _, p := range ports {
		id := p.str("schematic_component_id")
		portsOf[id] = append(portsOf[id], p)
	}
	named := map[string]bool{} // components whose reference a schematic_text already shows
	for _, t := range texts {
		if ref := f.ref[t.str("schematic_component_id")]; ref != "" && t.str("text") == ref {
			named[ref] = true
		}
	}
	symbolic := map[string]bool{}
	for _, c := range comps {
		id := tsID(c)
		symbolic[id] = f.schComponent(b, c, portsOf[id], named)
	}
	for _, p := range ports {
		f.schPort(b, p, symbolic[p.str("schematic_component_id")])
	}
	for _, t := range traces {
		f.schTrace(b, t)
	}
	for _, l := range labels {
		f.schLabel(b, l)
	}
	for _, t := range texts {
		f.schText(b, t)
	}
	return b.done()
}

// schComponent draws a component as its symbol, or as a box when no
// symbol drawing is known; it reports whether a symbol was drawn.
func (f *tsFile) schComponent(b *builder, c obj, ports []obj, named map[string]bool) bool {
	id := tsID(c)
	ref := f.ref[id]
	center, _ := c.pt("center")
	center = flip(center)
	size := c.obj("size")
	w, h := size.num("width"), size.num("height")
	src := f.byID[c.str("source_component_id")]
	kind := symbolKind(c.str("symbol_name"), src.str("ftype"), len(ports))
	it := &Item{Kind: "component", ID: id, Ref: ref}
	body := Box{}
	if kind != "" {
		ends := portEnds(ports)
		it.Shapes = symbolShapes(kind, center, w, h, ends)
	} else {
		it.Shapes = []Shape{rectAt(center, w, h)}
		it.Shapes[0].Class = "body"
	}
	for i := range it.Shapes {
		body.Union(it.Shapes[i].Bounds())
	}
	if body.Empty() {
		body.Add(center)
	}
	if !named[ref] && ref != "" {
		it.Shapes = append(it.Shapes, Shape{Op: OpText, X: center.X, Y: body.MinY - 0.08, H: schFont, Text: ref, Anchor: "middle", Class: "ref"})
	}
	val := c.str("symbol_display_value")
	if val == "" && kind != "" {
		val = f.value[ref]
	}
	if val != "" {
		it.Shapes = append(it.Shapes, Shape{Op: OpText, X: center.X, Y: body.MaxY + schFont, H: schFont, Text: val, Anchor: "middle", Class: "val"})
	}
	b.add("symbols", it)
	return kind != ""
}

// portEnds lists the ports' centres in pin-number order (flipped).
func portEnds(ports []obj) []Point {
	sorted := slices.Clone(ports)
	slices.SortStableFunc(sorted, func(a, b obj) int { return int(a.num("pin_number") - b.num("pin_number")) })
	var pts []Point
	for _, p := range sorted {
		if c, ok := p.pt("center"); ok {
			pts = append(pts, flip(c))
		}
	}
	return pts
}

// facing is the screen direction a port's pin points to.
func facing(dir string) Point {
	switch dir {
	case "left":
		return Point{-1, 0}
	case "up":
		return Point{0, -1}
	case "down":
		return Point{0, 1}
	}
	return Point{1, 0}
}

// schPort draws a port: a dot at the pin's end, and for boxes the pin
// line back to the box and the pin's label inside it.
func (f *tsFile) schPort(b *builder, p obj, symbolic bool) {
	c, ok := p.pt("center")
	if !ok {
		return
	}
	c = flip(c)
	id := tsID(p)
	it := &Item{Kind: "port", ID: id, Ref: f.ref[p.str("schematic_component_id")], Pin: f.pin[id]}
	b.onNet(it, f.netOf(b, "p:"+p.str("source_port_id")))
	if !symbolic {
		d := facing(p.str("facing_direction"))
		l := p.num("distance_from_component_edge")
		edge := Point{c.X - d.X*l, c.Y - d.Y*l}
		it.Shapes = append(it.Shapes, Shape{Op: OpLine, Pts: []Point{edge, c}, Class: "pin"})
		if label := f.pinLabel(p); label != "" {
			t := Shape{Op: OpText, X: edge.X - d.X*0.06, Y: edge.Y + schFont*0.35, H: schFont * 0.8, Text: label, Class: "pinlabel"}
			switch {
			case d.X > 0:
				t.Anchor = "end"
			case d.X < 0:
				t.Anchor = "start"
			default:
				// Top and bottom pins: the label reads upwards into the box.
				t.X, t.Y = edge.X+schFont*0.3, edge.Y-d.Y*0.06
				t.Rot = -90
				t.Anchor = map[bool]string{true: "end", false: "start"}[d.Y > 0]
			}
			it.Shapes = append(it.Shapes, t)
		}
	}
	it.Shapes = append(it.Shapes, Shape{Op: OpCircle, X: c.X, Y: c.Y, W: 0.035, Class: "dot"})
	b.add("pins", it)
}

// pinLabel is the text a box shows for a port: the component's label
// for it, the port's own display label, else none.
func (f *tsFile) pinLabel(p obj) string {
	comp := f.byID[p.str("schematic_component_id")]
	if labels := comp.obj("port_labels"); labels != nil {
		if s := labels.str("pin" + p.str("pin_number")); s != "" {
			return s
		}
	}
	return p.str("display_pin_label")
}

// schTrace draws a schematic trace: its edges joined into polylines,
// and its junction dots.
func (f *tsFile) schTrace(b *builder, t obj) {
	it := &Item{Kind: "wire", ID: tsID(t), OnNet: true}
	b.onNet(it, f.netOf(b, "k:"+t.str("subcircuit_connectivity_map_key"), "t:"+t.str("source_trace_id")))
	var run []Point
	flush := func() {
		if len(run) > 1 {
			it.Shapes = append(it.Shapes, Shape{Op: OpLine, Pts: run})
		}
		run = nil
	}
	for _, e := range t.list("edges") {
		edge := asObj(e)
		from, ok1 := edge.pt("from")
		to, ok2 := edge.pt("to")
		if !ok1 || !ok2 {
			continue
		}
		from, to = flip(from), flip(to)
		if len(run) == 0 || run[len(run)-1] != from {
			flush()
			run = []Point{from}
		}
		run = append(run, to)
	}
	flush()
	for _, j := range points(t.list("junctions")) {
		it.Shapes = append(it.Shapes, Shape{Op: OpCircle, X: j.X, Y: j.Y, W: 0.05, Class: "junction"})
	}
	b.add("wires", it)
}

// schLabel draws a net label: its text, with the power or ground symbol
// for rail labels.
func (f *tsFile) schLabel(b *builder, l obj) {
	c, ok := l.pt("center")
	if !ok {
		return
	}
	c = flip(c)
	anchor := c
	if a, ok := l.pt("anchor_position"); ok {
		anchor = flip(a)
	}
	it := &Item{Kind: "label", ID: tsID(l), OnNet: true}
	g := f.netOf(b, "n:"+l.str("source_net_id"))
	if g < 0 {
		g = b.netNamed(l.str("text"))
	}
	b.onNet(it, g)
	text := l.str("text")
	sym := l.str("symbol_name")
	switch {
	case strings.Contains(sym, "down") || strings.Contains(strings.ToLower(sym), "gnd") || strings.Contains(strings.ToLower(sym), "ground"):
		it.Shapes = append(it.Shapes, groundShapes(anchor, 0.3)...)
		it.Shapes = append(it.Shapes, Shape{Op: OpText, X: anchor.X, Y: anchor.Y + 0.3 + schFont, H: schFont, Text: text, Anchor: "middle"})
	case strings.Contains(sym, "up") || strings.Contains(strings.ToLower(sym), "vcc") || strings.Contains(strings.ToLower(sym), "power"):
		it.Shapes = append(it.Shapes, powerShapes(anchor, 0.3)...)
		it.Shapes = append(it.Shapes, Shape{Op: OpText, X: anchor.X, Y: anchor.Y - 0.34, H: schFont, Text: text, Anchor: "middle"})
	default:
		// A flag pointing away from the anchor, the text inside it.
		w := 0.6*schFont*float64(len([]rune(text))) + 0.12
		hh := schFont * 0.75
		var pts []Point
		switch l.str("anchor_side") {
		case "right": // anchored on its right: the flag extends left
			pts = []Point{anchor, {anchor.X - 0.1, anchor.Y - hh}, {anchor.X - 0.1 - w, anchor.Y - hh}, {anchor.X - 0.1 - w, anchor.Y + hh}, {anchor.X - 0.1, anchor.Y + hh}}
		case "top", "bottom":
			d := 1.0
			if l.str("anchor_side") == "bottom" {
				d = -1
			}
			pts = []Point{anchor, {anchor.X - hh, anchor.Y + d*0.1}, {anchor.X - hh, anchor.Y + d*(0.1+w)}, {anchor.X + hh, anchor.Y + d*(0.1+w)}, {anchor.X + hh, anchor.Y + d*0.1}}
		default:
			pts = []Point{anchor, {anchor.X + 0.1, anchor.Y - hh}, {anchor.X + 0.1 + w, anchor.Y - hh}, {anchor.X + 0.1 + w, anchor.Y + hh}, {anchor.X + 0.1, anchor.Y + hh}}
		}
		it.Shapes = append(it.Shapes, Shape{Op: OpPolygon, Pts: pts, Class: "flag"})
		t := Shape{Op: OpText, X: c.X, Y: c.Y + schFont*0.35, H: schFont, Text: text, Anchor: "middle"}
		if s := l.str("anchor_side"); s == "top" || s == "bottom" {
			t.Rot = -90
			t.X, t.Y = c.X+schFont*0.35, c.Y
		}
		it.Shapes = append(it.Shapes, t)
	}
	b.add("labels", it)
}

// schText draws a free text, rotated counter-clockwise as the file says.
func (f *tsFile) schText(b *builder, t obj) {
	p, ok := t.pt("position")
	if !ok {
		return
	}
	p = flip(p)
	size := t.num("font_size")
	if size <= 0 {
		size = schFont
	}
	anchor := map[string]string{"left": "start", "center": "middle", "right": "end"}[t.str("anchor")]
	it := &Item{Kind: "text", ID: tsID(t), Ref: f.ref[t.str("schematic_component_id")],
		Shapes: []Shape{{Op: OpText, X: p.X, Y: p.Y + size*0.35, H: size, Text: t.str("text"), Anchor: anchor, Rot: -t.num("rotation")}}}
	b.add("text", it)
}

// netNamed returns the view's net group called name, or −1.
func (b *builder) netNamed(name string) int {
	if name == "" {
		return -1
	}
	for i, n := range b.v.Nets {
		if n.Name == name {
			return i
		}
	}
	return -1
}

// unit is the direction from a to b, or (1, 0) when they coincide.
func unit(a, b Point) Point {
	d := dist(a, b)
	if d == 0 {
		return Point{1, 0}
	}
	return Point{(b.X - a.X) / d, (b.Y - a.Y) / d}
}
