package draw

import (
	"math"
	"strings"
)

// pcbLayers are the PCB view's layers, bottom first. Copper layers not
// listed (inner1…) are added after "bottom" when a file uses them.
var pcbLayers = [][2]string{
	{"board", "Board"}, {"bottom", "Bottom copper"}, {"top", "Top copper"},
	{"th", "Through-hole pads and vias"}, {"drill", "Holes"},
	{"silk-bottom", "Bottom silkscreen"}, {"silk-top", "Top silkscreen"},
	{"outline", "Component outlines"}, {"courtyard", "Courtyards"},
}

// pcb draws the PCB view, or returns nil when the file has none.
func (f *tsFile) pcb() *View {
	var any bool
	for _, e := range f.elems {
		if strings.HasPrefix(e.str("type"), "pcb_") {
			any = true
			break
		}
	}
	if !any {
		return nil
	}
	layers := pcbLayers
	inner := map[string]bool{}
	for _, t := range f.of("pcb_trace") {
		for _, p := range t.list("route") {
			if l := asObj(p).str("layer"); strings.HasPrefix(l, "inner") && !inner[l] {
				inner[l] = true
				layers = append(layers[:2:2], append([][2]string{{l, "Copper " + l}}, layers[2:]...)...)
			}
		}
	}
	b := newBuilder("pcb", 3, layers...)
	b.layers["courtyard"].Off = true
	for _, e := range f.elems {
		switch typ := e.str("type"); typ {
		case "pcb_board":
			f.pcbBoard(b, e)
		case "pcb_component":
			f.pcbComponent(b, e)
		case "pcb_smtpad":
			f.pcbPad(b, e)
		case "pcb_plated_hole":
			f.pcbPlatedHole(b, e)
		case "pcb_hole":
			f.pcbHole(b, e)
		case "pcb_trace":
			f.pcbTrace(b, e)
		case "pcb_via":
			f.pcbVia(b, e)
		case "pcb_courtyard_rect", "pcb_courtyard_outline":
			f.pcbCourtyard(b, e)
		default:
			if strings.HasPrefix(typ, "pcb_silkscreen_") {
				f.pcbSilk(b, e)
			}
		}
	}
	return b.done()
}

func (f *tsFile) pcbBoard(b *builder, e obj) {
	it := &Item{Kind: "board", ID: tsID(e)}
	if pts := points(e.list("outline")); len(pts) > 2 {
		it.Shapes = []Shape{{Op: OpPolygon, Pts: pts}}
	} else if c, ok := e.pt("center"); ok {
		it.Shapes = []Shape{rectAt(flip(c), e.num("width"), e.num("height"))}
	}
	b.add("board", it)
}

// pcbComponent draws the component's bounds, which the file gives
// already turned by the component's rotation.
func (f *tsFile) pcbComponent(b *builder, e obj) {
	c, ok := e.pt("center")
	if !ok {
		return
	}
	id := tsID(e)
	ref := f.ref[id]
	it := &Item{Kind: "component", ID: id, Ref: ref, Shapes: []Shape{rectAt(flip(c), e.num("width"), e.num("height"))}}
	b.add("outline", it)
}

// copper is the layer a pad or trace point is drawn on.
func copper(b *builder, layer string) string {
	if _, ok := b.layers[layer]; ok && layer != "" {
		return layer
	}
	return "top"
}

func (f *tsFile) pad(b *builder, e obj, kind string) *Item {
	it := &Item{Kind: kind, ID: tsID(e), Ref: f.ref[e.str("pcb_component_id")], Pin: f.pin[e.str("pcb_port_id")]}
	b.onNet(it, f.portNet(b, e.str("pcb_port_id")))
	return it
}

func (f *tsFile) pcbPad(b *builder, e obj) {
	it := f.pad(b, e, "pad")
	c := flip(Point{e.num("x"), e.num("y")})
	switch e.str("shape") {
	case "circle":
		it.Shapes = []Shape{{Op: OpCircle, X: c.X, Y: c.Y, W: e.num("radius")}}
	case "polygon":
		it.Shapes = []Shape{{Op: OpPolygon, Pts: points(e.list("points"))}}
	default: // rect, rotated_rect, pill
		s := rectAt(c, e.num("width"), e.num("height"))
		s.Rot = -e.num("ccw_rotation")
		if e.str("shape") == "pill" {
			s.R = math.Min(s.W, s.H) / 2
		}
		it.Shapes = []Shape{s}
	}
	b.add(copper(b, e.str("layer")), it)
}

func (f *tsFile) pcbPlatedHole(b *builder, e obj) {
	it := f.pad(b, e, "pad")
	c := flip(Point{e.num("x"), e.num("y")})
	switch e.str("shape") {
	case "circle":
		it.Shapes = []Shape{{Op: OpCircle, X: c.X, Y: c.Y, W: e.num("outer_diameter") / 2},
			{Op: OpCircle, X: c.X, Y: c.Y, W: e.num("hole_diameter") / 2, Class: "hole"}}
	default: // pill, oval, rect and their rotated forms
		outer := rectAt(c, e.num("outer_width"), e.num("outer_height"))
		hole := rectAt(c, e.num("hole_width"), e.num("hole_height"))
		hole.Class = "hole"
		outer.Rot, hole.Rot = -e.num("ccw_rotation"), -e.num("ccw_rotation")
		if !strings.Contains(e.str("shape"), "rect") {
			outer.R, hole.R = math.Min(outer.W, outer.H)/2, math.Min(hole.W, hole.H)/2
		}
		it.Shapes = []Shape{outer, hole}
	}
	b.add("th", it)
}

func (f *tsFile) pcbHole(b *builder, e obj) {
	c := flip(Point{e.num("x"), e.num("y")})
	it := &Item{Kind: "hole", ID: tsID(e), Ref: f.ref[e.str("pcb_component_id")]}
	if d := e.num("hole_diameter"); d > 0 {
		it.Shapes = []Shape{{Op: OpCircle, X: c.X, Y: c.Y, W: d / 2}}
	} else {
		s := rectAt(c, e.num("hole_width"), e.num("hole_height"))
		s.R = math.Min(s.W, s.H) / 2
		it.Shapes = []Shape{s}
	}
	b.add("drill", it)
}

// pcbTrace draws a trace's route: one item per copper layer it runs on,
// each a polyline per run of equal width.
func (f *tsFile) pcbTrace(b *builder, e obj) {
	id := tsID(e)
	g := f.traceNet(b, e)
	items := map[string]*Item{}
	var run []Point
	var runLayer string
	var runWidth float64
	flush := func() {
		if len(run) > 1 {
			it := items[runLayer]
			if it == nil {
				it = &Item{Kind: "trace", ID: id, OnNet: true}
				b.onNet(it, g)
				items[runLayer] = it
				b.add(runLayer, it)
			}
			it.Shapes = append(it.Shapes, Shape{Op: OpLine, Pts: run, Stroke: runWidth})
		}
		run = nil
	}
	for _, v := range e.list("route") {
		p := asObj(v)
		pt := flip(Point{p.num("x"), p.num("y")})
		if p.str("route_type") != "wire" {
			// A via or a jump: the wire on either side ends here.
			flush()
			continue
		}
		layer := copper(b, p.str("layer"))
		w := p.num("width")
		if len(run) > 0 && (layer != runLayer || w != runWidth) {
			last := run[len(run)-1]
			flush()
			if layer == runLayer {
				run = []Point{last} // only the width changed: stay joined
			}
		}
		runLayer, runWidth = layer, w
		run = append(run, pt)
	}
	flush()
}

// traceNet finds a pcb_trace's net: through its source trace, the net
// it is named for, or the port it starts at.
func (f *tsFile) traceNet(b *builder, e obj) int {
	var port string
	for _, v := range e.list("route") {
		p := asObj(v)
		if s := p.str("start_pcb_port_id"); s != "" {
			port = s
			break
		}
	}
	g := f.netOf(b, "t:"+e.str("source_trace_id"), "t:"+e.str("connection_name"), "n:"+e.str("connection_name"))
	if g < 0 && port != "" {
		g = f.portNet(b, port)
	}
	return g
}

func (f *tsFile) pcbVia(b *builder, e obj) {
	c := flip(Point{e.num("x"), e.num("y")})
	it := &Item{Kind: "via", ID: tsID(e), OnNet: true,
		Shapes: []Shape{{Op: OpCircle, X: c.X, Y: c.Y, W: e.num("outer_diameter") / 2},
			{Op: OpCircle, X: c.X, Y: c.Y, W: e.num("hole_diameter") / 2, Class: "hole"}}}
	if t := f.byID[e.str("pcb_trace_id")]; t != nil {
		b.onNet(it, f.traceNet(b, t))
	}
	b.add("th", it)
}

func (f *tsFile) pcbCourtyard(b *builder, e obj) {
	it := &Item{Kind: "courtyard", ID: tsID(e), Ref: f.ref[e.str("pcb_component_id")]}
	if pts := points(e.list("outline")); len(pts) > 1 {
		it.Shapes = []Shape{{Op: OpPolygon, Pts: pts}}
	} else if c, ok := e.pt("center"); ok {
		it.Shapes = []Shape{rectAt(flip(c), e.num("width"), e.num("height"))}
	}
	b.add("courtyard", it)
}

// pcbSilk draws silkscreen paths, lines, rects, circles and text.
func (f *tsFile) pcbSilk(b *builder, e obj) {
	it := &Item{Kind: "silk", ID: tsID(e), Ref: f.ref[e.str("pcb_component_id")]}
	sw := e.num("stroke_width")
	switch e.str("type") {
	case "pcb_silkscreen_path":
		it.Shapes = []Shape{{Op: OpLine, Pts: points(e.list("route")), Stroke: sw}}
	case "pcb_silkscreen_line":
		it.Shapes = []Shape{{Op: OpLine, Pts: []Point{flip(Point{e.num("x1"), e.num("y1")}), flip(Point{e.num("x2"), e.num("y2")})}, Stroke: sw}}
	case "pcb_silkscreen_rect":
		c, _ := e.pt("center")
		it.Shapes = []Shape{rectAt(flip(c), e.num("width"), e.num("height"))}
	case "pcb_silkscreen_circle":
		c, _ := e.pt("center")
		c = flip(c)
		it.Shapes = []Shape{{Op: OpCircle, X: c.X, Y: c.Y, W: e.num("radius")}}
	case "pcb_silkscreen_text":
		p, _ := e.pt("anchor_position")
		p = flip(p)
		size := e.num("font_size")
		if size <= 0 {
			size = 1
		}
		anchor := "middle"
		switch a := e.str("anchor_alignment"); {
		case strings.HasSuffix(a, "left"):
			anchor = "start"
		case strings.HasSuffix(a, "right"):
			anchor = "end"
		}
		it.Shapes = []Shape{{Op: OpText, X: p.X, Y: p.Y + size*0.35, H: size, Text: e.str("text"), Anchor: anchor, Rot: -e.num("ccw_rotation")}}
	}
	if len(it.Shapes) == 0 {
		return
	}
	layer := "silk-top"
	if e.str("layer") == "bottom" {
		layer = "silk-bottom"
	}
	b.add(layer, it)
}
