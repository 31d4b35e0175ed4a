package draw

import (
	"math"
	"slices"
)

// Drawing is one circuit file drawn from its own geometry: one or more
// views (a tscircuit file has a schematic and a PCB), each a stack of
// layers of items.
type Drawing struct {
	// Name is the file name given to Parse.
	Name string
	// Format is the format the file was read as.
	Format Format
	// Views in the order a reader wants them.
	Views []*View
	// Info holds a one-line description of each component, by
	// reference ("resistor 10k 0402"), and of each Wokwi wire, by
	// ConnKey ("colour green; route v10 * h5"), shown when hovering an
	// unchanged item.
	Info map[string]string
}

// View is one picture of a file: the schematic, the PCB, the Wokwi
// breadboard or the native graph. Coordinates are the file's own units
// with y pointing down (files whose y points up are flipped on reading).
type View struct {
	// Name identifies the view: schematic, pcb, breadboard or graph.
	Name string
	// Layers in drawing order, bottom first.
	Layers []*Layer
	// Nets are the connectivity groups that items belong to, with their
	// pins ("REF.PIN").
	Nets []*NetGroup
	// Simplified is non-empty when the view leaves detail out to stay
	// usable (a very large native file); it says what was left out.
	Simplified string

	prec   int  // decimal places written for coordinates
	bounds *Box // cached by Bounds
}

// Layer is a named group of items that the report can hide and show.
type Layer struct {
	Name  string // identifier: top, bottom, silkscreen-top, wires…
	Title string // what the toggle says
	// Off layers start hidden (courtyards).
	Off   bool
	Items []*Item
}

// NetGroup is a set of connected pins as the drawing sees it. Name is
// the file's own net name where it has one, else a name made from the
// pins (the report matches net changes by pins as well as by name).
type NetGroup struct {
	Name string
	Pins []string
}

// Item is one drawn thing with a stable identity. A diff colours items
// by these identities: Ref (the component's reference), ID (a tscircuit
// element's *_id), Conn (a Wokwi connection's endpoint pair, see
// ConnKey) and the net it belongs to.
type Item struct {
	// Kind names what the item is (component, pad, trace, wire, via,
	// port, label, text, silk, board, hole, net) and selects its style.
	Kind string
	ID   string
	Ref  string
	Conn string
	// Pin is "REF.PIN" for pads and ports.
	Pin string
	// Net is the name of the item's net group, for net items and for
	// pads and ports on a net.
	Net string
	// Color is a wire's own colour (Wokwi), empty for styled items.
	Color  string
	Shapes []Shape
	// OnNet marks items that draw a net (traces, wires, vias, net
	// labels): a change to the net highlights them.
	OnNet bool
	// Bulk items may be merged into one path when unchanged (very
	// large files); Optional ones are then left out altogether.
	Bulk, Optional bool

	group int  // 1 + index into View.Nets; 0 for none
	auto  bool // placed by an automatic layout, not by the file
	// sig, when set, is what Compare compares instead of the shapes:
	// the file's own attributes of an item whose drawing follows from
	// other items (a Wokwi wire runs between its parts' pins, wherever
	// the parts are).
	sig string
	// derived items follow wholly from other items' attributes (a
	// Wokwi part's pins, from its type and place): Compare leaves them
	// out.
	derived bool
}

// Shape is one SVG primitive in view coordinates.
type Shape struct {
	Op ShapeOp
	// Pts are the points of a polyline or polygon.
	Pts []Point
	// X, Y, W, H: a rect's corner and size, a circle's centre (W is the
	// radius), a text's anchor point.
	X, Y, W, H float64
	// Rot rotates a rect or text by degrees (clockwise on screen) about
	// its centre or anchor.
	Rot float64
	// Stroke is the line width of polylines (0: the style's).
	Stroke float64
	// R rounds a rect's corners (pills).
	R float64
	// Text and its font size (in H for text).
	Text string
	// Anchor is the text-anchor: start, middle or end.
	Anchor string
	// Class adds a style class to the primitive (hole, body, pin…).
	Class string
}

// ShapeOp is the kind of a Shape.
type ShapeOp uint8

// Shape kinds.
const (
	OpRect ShapeOp = iota
	OpCircle
	OpLine // polyline
	OpPolygon
	OpText
)

// Point is a position in view coordinates.
type Point struct{ X, Y float64 }

// Box is an axis-aligned bounding box; the zero Box is empty.
type Box struct {
	MinX, MinY, MaxX, MaxY float64
	ok                     bool
}

// Empty reports whether nothing was added to b.
func (b Box) Empty() bool { return !b.ok }

// Add grows b to hold p.
func (b *Box) Add(p Point) {
	if !b.ok {
		*b = Box{p.X, p.Y, p.X, p.Y, true}
		return
	}
	b.MinX, b.MaxX = math.Min(b.MinX, p.X), math.Max(b.MaxX, p.X)
	b.MinY, b.MaxY = math.Min(b.MinY, p.Y), math.Max(b.MaxY, p.Y)
}

// Union grows b to hold o.
func (b *Box) Union(o Box) {
	if o.ok {
		b.Add(Point{o.MinX, o.MinY})
		b.Add(Point{o.MaxX, o.MaxY})
	}
}

// Grow returns b with a margin of d on every side.
func (b Box) Grow(d float64) Box {
	if !b.ok {
		return b
	}
	return Box{b.MinX - d, b.MinY - d, b.MaxX + d, b.MaxY + d, true}
}

// W and H are the box's width and height.
func (b Box) W() float64 { return b.MaxX - b.MinX }

// H is the box's height.
func (b Box) H() float64 { return b.MaxY - b.MinY }

// Contains reports whether p lies in b (edges included, with a small
// tolerance for rounding).
func (b Box) Contains(p Point) bool {
	const eps = 1e-6
	return b.ok && p.X >= b.MinX-eps && p.X <= b.MaxX+eps && p.Y >= b.MinY-eps && p.Y <= b.MaxY+eps
}

// Bounds is the box that holds every shape of the item.
func (it *Item) Bounds() Box {
	var b Box
	for i := range it.Shapes {
		b.Union(it.Shapes[i].Bounds())
	}
	return b
}

// Bounds is the box that holds the shape (text estimated from its
// length, rotation by the rotated corners).
func (s *Shape) Bounds() Box {
	var b Box
	switch s.Op {
	case OpRect:
		cx, cy := s.X+s.W/2, s.Y+s.H/2
		for _, p := range []Point{{s.X, s.Y}, {s.X + s.W, s.Y}, {s.X, s.Y + s.H}, {s.X + s.W, s.Y + s.H}} {
			b.Add(rotate(p, Point{cx, cy}, s.Rot))
		}
	case OpCircle:
		b.Add(Point{s.X - s.W, s.Y - s.W})
		b.Add(Point{s.X + s.W, s.Y + s.W})
	case OpLine, OpPolygon:
		for _, p := range s.Pts {
			b.Add(p)
		}
		b = b.Grow(s.Stroke / 2)
	case OpText:
		w := 0.6 * s.H * float64(len([]rune(s.Text)))
		x0 := s.X
		switch s.Anchor {
		case "middle":
			x0 -= w / 2
		case "end":
			x0 -= w
		}
		for _, p := range []Point{{x0, s.Y - s.H*0.8}, {x0 + w, s.Y - s.H*0.8}, {x0, s.Y + s.H*0.2}, {x0 + w, s.Y + s.H*0.2}} {
			b.Add(rotate(p, Point{s.X, s.Y}, s.Rot))
		}
	}
	return b
}

// rotate turns p about c by deg degrees (clockwise on a y-down screen).
func rotate(p, c Point, deg float64) Point {
	if deg == 0 {
		return p
	}
	s, co := math.Sincos(deg * math.Pi / 180)
	dx, dy := p.X-c.X, p.Y-c.Y
	return Point{c.X + dx*co - dy*s, c.Y + dx*s + dy*co}
}

// Bounds is the box that holds every item of the view. A view does not
// change once drawn, so the box is computed once.
func (v *View) Bounds() Box {
	if v.bounds != nil {
		return *v.bounds
	}
	var b Box
	for _, l := range v.Layers {
		for _, it := range l.Items {
			b.Union(it.Bounds())
		}
	}
	v.bounds = &b
	return b
}

// Layer returns the layer called name, or nil.
func (v *View) Layer(name string) *Layer {
	for _, l := range v.Layers {
		if l.Name == name {
			return l
		}
	}
	return nil
}

// View returns the view called name, or nil.
func (d *Drawing) View(name string) *View {
	for _, v := range d.Views {
		if v.Name == name {
			return v
		}
	}
	return nil
}

// Items calls f for every item of the view, bottom layer first.
func (v *View) Items(f func(l *Layer, it *Item)) {
	for _, l := range v.Layers {
		for _, it := range l.Items {
			f(l, it)
		}
	}
}

// builder collects items into named layers in a fixed order.
type builder struct {
	v      *View
	layers map[string]*Layer
	nets   map[string]int // net group key → index
}

func newBuilder(name string, prec int, layers ...[2]string) *builder {
	b := &builder{v: &View{Name: name, prec: prec}, layers: map[string]*Layer{}, nets: map[string]int{}}
	for _, l := range layers {
		ly := &Layer{Name: l[0], Title: l[1]}
		b.v.Layers = append(b.v.Layers, ly)
		b.layers[l[0]] = ly
	}
	return b
}

// add puts it on layer (which must be one of the builder's).
func (b *builder) add(layer string, it *Item) {
	b.layers[layer].Items = append(b.layers[layer].Items, it)
}

// net returns the index of the net group with key, creating it.
func (b *builder) net(key, name string, pins []string) int {
	if i, ok := b.nets[key]; ok {
		return i
	}
	b.v.Nets = append(b.v.Nets, &NetGroup{Name: name, Pins: pins})
	b.nets[key] = len(b.v.Nets) - 1
	return len(b.v.Nets) - 1
}

// onNet attaches it to net group g (−1 for none).
func (b *builder) onNet(it *Item, g int) {
	if g >= 0 {
		it.group = g + 1
		it.Net = b.v.Nets[g].Name
	}
}

// done drops empty layers and returns the view.
func (b *builder) done() *View {
	b.v.Layers = slices.DeleteFunc(b.v.Layers, func(l *Layer) bool { return len(l.Items) == 0 })
	return b.v
}
