package draw

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Native graph geometry, in drawing units (pixels at zoom 1).
const (
	nodeW     = 110.0 // component box width
	pinStep   = 14.0  // distance between pins on a side
	nodeBaseH = 28.0  // box height without pins
	cellW     = 230.0 // grid cell width of the automatic layout
	cellGapY  = 80.0  // space between rows of the automatic layout
	nativeFnt = 11.0
)

type nativeComp struct {
	ref, info  string
	pins       []string
	pos        *Point
	box        Shape
	pinAt      map[string]Point
	neighbours []int
}

// nativeFile is the part of a native circuit that is drawn, decoded
// leniently: a field of the wrong type reads as empty, so a file that
// fails validation still draws.
type nativeFile struct {
	Components []struct {
		ID           scalar   `json:"id"`
		Type         scalar   `json:"type"`
		Value        scalar   `json:"value"`
		Footprint    scalar   `json:"footprint"`
		MPN          scalar   `json:"mpn"`
		Manufacturer scalar   `json:"manufacturer"`
		DNP          scalar   `json:"dnp"`
		Pins         []scalar `json:"pins"`
		Position     struct {
			X, Y scalar
		} `json:"position"`
	} `json:"components"`
	Nets []struct {
		Name        scalar   `json:"name"`
		Connections []scalar `json:"connections"`
	} `json:"nets"`
}

// scalar is a JSON string or number as text; any other value reads as
// "" (and a number keeps its JSON spelling).
type scalar string

// UnmarshalJSON implements json.Unmarshaler.
func (s *scalar) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) > 0 && b[0] == '"':
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		*s = scalar(str)
	case len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9'), string(b) == "true":
		*s = scalar(b)
	default:
		*s = ""
	}
	return nil
}

func (s scalar) num() (float64, bool) {
	f, err := strconv.ParseFloat(string(s), 64)
	return f, err == nil
}

func drawNative(doc *nativeFile, opt Options) *Drawing {
	d := &Drawing{Format: Native, Info: map[string]string{}}
	comps, byRef := nativeComponents(doc, d.Info)
	nets := nativeNets(doc, comps, byRef)
	simple := len(comps) > opt.Detail
	placeNative(comps)
	b := newBuilder("graph", 1, [2]string{"nets", "Nets"}, [2]string{"components", "Components"})
	for _, c := range comps {
		for _, it := range c.items(simple) {
			b.add("components", it)
		}
	}
	for _, n := range nets {
		if n.name == "" {
			continue
		}
		it := &Item{Kind: "net", OnNet: true, Bulk: simple, Optional: simple}
		b.onNet(it, b.net(n.name, n.name, sortedPins(n.pins)))
		it.Shapes = netShapes(n.name, n.pins, comps, byRef, simple)
		b.add("nets", it)
	}
	v := b.done()
	if simple {
		v.Simplified = fmt.Sprintf("%d components: drawn as plain boxes; only changed components are labelled and only changed nets drawn, while there are no more than a few thousand", len(comps))
	}
	d.Views = []*View{v}
	return d
}

// nativeComponents reads the components with a reference (the first of
// a repeated one) and describes each in info.
func nativeComponents(doc *nativeFile, info map[string]string) ([]*nativeComp, map[string]int) {
	var comps []*nativeComp
	byRef := map[string]int{}
	for _, c := range doc.Components {
		ref := string(c.ID)
		if _, dup := byRef[ref]; dup || ref == "" {
			continue
		}
		var desc []string
		for _, f := range []scalar{c.Type, c.Value, c.Footprint, c.MPN, c.Manufacturer} {
			if f != "" {
				desc = append(desc, string(f))
			}
		}
		if c.DNP == "true" {
			desc = append(desc, "DNP")
		}
		nc := &nativeComp{ref: ref, info: strings.Join(desc, " ")}
		for _, p := range c.Pins {
			if p != "" {
				nc.pins = append(nc.pins, string(p))
			}
		}
		x, okX := c.Position.X.num()
		y, okY := c.Position.Y.num()
		if okX && okY {
			nc.pos = &Point{x, y}
		}
		byRef[ref] = len(comps)
		comps = append(comps, nc)
		info[ref] = nc.info
	}
	return comps, byRef
}

// nativeNet is a net's name and its pins on drawn components.
type nativeNet struct {
	name string
	pins []string
}

// nativeNets reads the nets, gives undeclared pins a place on their
// component, and links the components of each small net as neighbours
// for the automatic layout (big nets, ground and supplies, say little
// about what belongs together).
func nativeNets(doc *nativeFile, comps []*nativeComp, byRef map[string]int) []nativeNet {
	var nets []nativeNet
	for _, n := range doc.Nets {
		var pins []string
		var idx []int
		for _, p := range n.Connections {
			ref, pin, ok := strings.Cut(string(p), ".")
			i, known := byRef[ref]
			if !ok || !known {
				continue
			}
			pins = append(pins, string(p))
			idx = append(idx, i)
			if !slices.Contains(comps[i].pins, pin) {
				comps[i].pins = append(comps[i].pins, pin)
			}
		}
		if len(idx) <= bigNet {
			for _, i := range idx {
				comps[i].neighbours = append(comps[i].neighbours, idx...)
			}
		}
		nets = append(nets, nativeNet{string(n.Name), pins})
	}
	return nets
}

func sortedPins(p []string) []string {
	s := slices.Clone(p)
	slices.SortFunc(s, naturalCompare)
	return s
}

// placeNative gives every component a box. With positions in the file,
// they are scaled so that boxes rarely overlap; components without a
// position go on a grid below, in an order that follows connections
// (breadth first from the first reference in natural order), so that
// connected parts sit near each other and the layout depends only on
// the content.
func placeNative(comps []*nativeComp) {
	var placed Box
	var withPos int
	for _, c := range comps {
		if c.pos != nil {
			placed.Add(*c.pos)
			withPos++
		}
	}
	// The scale is a power of two and the origin the file's, so that an
	// edit elsewhere in the file does not move every box.
	scale := 1.0
	if withPos > 1 {
		spacing := math.Sqrt(math.Max(placed.W()*placed.H(), 1e-9) / float64(withPos))
		if placed.W() == 0 || placed.H() == 0 {
			spacing = math.Max(placed.W(), placed.H()) / float64(withPos)
		}
		if spacing > 0 {
			scale = math.Exp2(math.Round(math.Log2(cellW / spacing)))
		}
	}
	top := 0.0
	for _, c := range comps {
		if c.pos != nil {
			cx, cy := c.pos.X*scale, c.pos.Y*scale
			c.setBox(cx, cy)
			top = math.Max(top, c.box.Y+c.box.H)
		}
	}
	var rest []int
	for i, c := range comps {
		if c.pos == nil {
			rest = append(rest, i)
		}
	}
	if len(rest) == 0 {
		return
	}
	if withPos > 0 {
		top += cellGapY * 2
	}
	order := bfsOrder(comps, rest)
	cols := int(math.Ceil(math.Sqrt(float64(len(order)) * 1.6)))
	y := top
	for r := 0; r*cols < len(order); r++ {
		rowH := 0.0
		for k := r * cols; k < min(len(order), (r+1)*cols); k++ {
			rowH = math.Max(rowH, nodeHeight(len(comps[order[k]].pins)))
		}
		for k := r * cols; k < min(len(order), (r+1)*cols); k++ {
			comps[order[k]].setBox(float64(k-r*cols)*cellW+nodeW/2, y+rowH/2)
		}
		y += rowH + cellGapY
	}
}

// bfsOrder orders the components listed in idx so that connected ones
// follow each other.
func bfsOrder(comps []*nativeComp, idx []int) []int {
	want := map[int]bool{}
	for _, i := range idx {
		want[i] = true
	}
	start := slices.Clone(idx)
	slices.SortStableFunc(start, func(a, b int) int { return naturalCompare(comps[a].ref, comps[b].ref) })
	seen := map[int]bool{}
	var order []int
	for _, s := range start {
		if seen[s] {
			continue
		}
		queue := []int{s}
		seen[s] = true
		for len(queue) > 0 {
			i := queue[0]
			queue = queue[1:]
			order = append(order, i)
			nb := slices.Clone(comps[i].neighbours)
			slices.SortFunc(nb, func(a, b int) int { return naturalCompare(comps[a].ref, comps[b].ref) })
			for _, j := range nb {
				if want[j] && !seen[j] {
					seen[j] = true
					queue = append(queue, j)
				}
			}
		}
	}
	return order
}

func nodeHeight(pins int) float64 {
	return nodeBaseH + pinStep*float64((pins+1)/2)
}

// setBox places the component's box centred on (cx, cy) and its pins
// on its sides: the first half on the left, the rest on the right.
func (c *nativeComp) setBox(cx, cy float64) {
	h := nodeHeight(len(c.pins))
	c.box = Shape{Op: OpRect, X: cx - nodeW/2, Y: cy - h/2, W: nodeW, H: h, R: 3}
	c.pinAt = map[string]Point{}
	left := (len(c.pins) + 1) / 2
	for i, p := range c.pins {
		if i < left {
			c.pinAt[p] = Point{c.box.X, c.box.Y + nodeBaseH - 4 + float64(i)*pinStep}
		} else {
			c.pinAt[p] = Point{c.box.X + nodeW, c.box.Y + nodeBaseH - 4 + float64(i-left)*pinStep}
		}
	}
}

// items draws the component's box, reference and value, and each pin as
// an item of its own. In a simplified drawing the box is a bulk item (an
// unchanged box is merged into one path and its text left out) and pins
// are not drawn.
func (c *nativeComp) items(simple bool) []*Item {
	it := &Item{Kind: "component", Ref: c.ref, Bulk: simple, Shapes: []Shape{c.box}, auto: c.pos == nil}
	it.Shapes = append(it.Shapes, Shape{Op: OpText, X: c.box.X + nodeW/2, Y: c.box.Y + 13, H: nativeFnt + 1, Text: c.ref, Anchor: "middle", Class: "ref"})
	if c.info != "" {
		it.Shapes = append(it.Shapes, Shape{Op: OpText, X: c.box.X + nodeW/2, Y: c.box.Y + c.box.H + nativeFnt, H: nativeFnt * 0.85, Text: clip(c.info, 28), Anchor: "middle", Class: "val"})
	}
	if simple {
		return []*Item{it}
	}
	out := make([]*Item, 0, 1+len(c.pins))
	out = append(out, it)
	left := (len(c.pins) + 1) / 2
	for i, p := range c.pins {
		pt := c.pinAt[p]
		t := Shape{Op: OpText, X: pt.X + 5, Y: pt.Y + 3.5, H: nativeFnt * 0.8, Text: p}
		if i >= left {
			t.X, t.Anchor = pt.X-5, "end"
		}
		out = append(out, &Item{Kind: "pin", Ref: c.ref, Pin: c.ref + "." + p, auto: c.pos == nil,
			Shapes: []Shape{{Op: OpCircle, X: pt.X, Y: pt.Y, W: 2.5, Class: "pin"}, t}})
	}
	return out
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// bigNet is the pin count above which a net (ground, a supply) is drawn
// as a short stub at each pin, as schematics draw power symbols, rather
// than as lines to its centre across the whole picture.
const bigNet = 12

// netShapes draws a net as lines from its pins to their centre (a
// straight line for two pins), labelled with its name; a big net as a
// labelled stub at each pin.
func netShapes(name string, pins []string, comps []*nativeComp, byRef map[string]int, simple bool) []Shape {
	pts := make([]Point, 0, len(pins))
	dirs := make([]float64, 0, len(pins))
	for _, p := range pins {
		ref, pin, _ := strings.Cut(p, ".")
		c := comps[byRef[ref]]
		if pt, ok := c.pinAt[pin]; ok {
			pts = append(pts, pt)
			dir := 1.0
			if pt.X <= c.box.X {
				dir = -1
			}
			dirs = append(dirs, dir)
		}
	}
	if len(pts) == 0 {
		return nil
	}
	s := make([]Shape, 0, 2*len(pts)+2)
	if len(pts) > bigNet {
		for i, p := range pts {
			end := Point{p.X + dirs[i]*14, p.Y}
			s = append(s, Shape{Op: OpLine, Pts: []Point{p, end}})
			if !simple {
				t := Shape{Op: OpText, X: end.X + dirs[i]*2, Y: p.Y + 3, H: nativeFnt * 0.75, Text: name}
				if dirs[i] < 0 {
					t.Anchor = "end"
				}
				s = append(s, t)
			}
		}
		return s
	}
	var c Point
	for _, p := range pts {
		c.X += p.X / float64(len(pts))
		c.Y += p.Y / float64(len(pts))
	}
	if len(pts) == 2 {
		s = append(s, Shape{Op: OpLine, Pts: pts})
	} else {
		for _, p := range pts {
			s = append(s, Shape{Op: OpLine, Pts: []Point{c, p}})
		}
		s = append(s, Shape{Op: OpCircle, X: c.X, Y: c.Y, W: 3, Class: "hub"})
	}
	s = append(s, Shape{Op: OpText, X: c.X, Y: c.Y - 5, H: nativeFnt * 0.9, Text: name, Anchor: "middle"})
	return s
}
