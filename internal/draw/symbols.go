package draw

import (
	"math"
	"strings"
)

// symbolKind picks a built-in symbol for a schematic component from its
// tscircuit symbol name (boxresistor_left, capacitor_polarized_down…) or,
// without one, its ftype; "" means draw a box with pins.
func symbolKind(symbol, ftype string, ports int) string {
	s := strings.ToLower(symbol)
	two := ports <= 2
	switch {
	case s == "":
	case strings.Contains(s, "potentiometer"):
		return "pot"
	case strings.Contains(s, "resistor") && two:
		return "resistor"
	case strings.Contains(s, "capacitor") && strings.Contains(s, "polarized") && two:
		return "pcap"
	case strings.Contains(s, "capacitor") && two:
		return "cap"
	case strings.HasPrefix(s, "led") && two:
		return "led"
	case (strings.Contains(s, "diode") || strings.Contains(s, "zener") || strings.Contains(s, "schottky")) && two:
		return "diode"
	case strings.HasPrefix(s, "spst_switch") && two:
		return "switch"
	case (strings.Contains(s, "transistor") || strings.Contains(s, "npn") || strings.Contains(s, "pnp") || strings.Contains(s, "mosfet")) && ports == 3:
		return "transistor"
	case strings.HasPrefix(s, "gnd") || strings.HasPrefix(s, "ground"):
		return "ground"
	case strings.HasPrefix(s, "vcc") || strings.HasPrefix(s, "power") || strings.HasPrefix(s, "rail_up"):
		return "power"
	default:
		return ""
	}
	switch {
	case ftype == "simple_resistor" && two:
		return "resistor"
	case ftype == "simple_capacitor" && two:
		return "cap"
	case ftype == "simple_led" && two:
		return "led"
	case ftype == "simple_diode" && two:
		return "diode"
	case ftype == "simple_transistor" && ports == 3:
		return "transistor"
	case ftype == "simple_ground":
		return "ground"
	case ftype == "simple_power_source":
		return "power"
	}
	return ""
}

// symbolShapes draws symbol kind for a component centred on c of size
// w×h whose pins end at ends (in pin order). Two-terminal symbols lie
// along the line between the two pins farthest apart.
func symbolShapes(kind string, c Point, w, h float64, ends []Point) []Shape {
	switch kind {
	case "ground":
		return groundShapes(Point{c.X, c.Y - h/2}, math.Max(h, 0.3))
	case "power":
		return powerShapes(Point{c.X, c.Y + h/2}, math.Max(h, 0.3))
	case "transistor":
		return transistorShapes(c, w, h, ends)
	}
	a, b := farthest(ends)
	if dist(a, b) == 0 {
		if w >= h {
			a, b = Point{c.X - w/2, c.Y}, Point{c.X + w/2, c.Y}
		} else {
			a, b = Point{c.X, c.Y - h/2}, Point{c.X, c.Y + h/2}
		}
	}
	u := unit(a, b)
	// The symbol's half thickness is the component's size across the
	// axis, bounded so that a square footprint still looks like itself.
	th := h / 2
	if math.Abs(u.Y) > math.Abs(u.X) {
		th = w / 2
	}
	hl := dist(a, b) / 2
	th = math.Min(math.Max(th, hl*0.2), hl*0.6)
	f := frame{mid: Point{(a.X + b.X) / 2, (a.Y + b.Y) / 2}, u: u}
	switch kind {
	case "resistor", "pot":
		bl := hl * 0.55
		s := []Shape{f.line(-hl, 0, -bl, 0), f.poly(-bl, -th*0.55, bl, -th*0.55, bl, th*0.55, -bl, th*0.55), f.line(bl, 0, hl, 0)}
		if kind == "pot" {
			s = append(s, f.line(0, th*1.6, 0, th*0.6), f.line(-th*0.25, th*0.95, 0, th*0.6, th*0.25, th*0.95))
		}
		return s
	case "cap", "pcap":
		g := math.Max(th*0.3, hl*0.08)
		s := []Shape{f.line(-hl, 0, -g, 0), f.line(-g, -th, -g, th)}
		if kind == "pcap" {
			s = append(s, f.line(g*2, -th, g, -th*0.5, g, th*0.5, g*2, th), f.line(g, 0, hl, 0),
				f.line(-g-th*0.6, -th*0.75, -g-th*0.2, -th*0.75), f.line(-g-th*0.4, -th*0.95, -g-th*0.4, -th*0.55))
		} else {
			s = append(s, f.line(g, -th, g, th), f.line(g, 0, hl, 0))
		}
		return s
	case "diode", "led":
		tw := math.Min(th, hl*0.45)
		s := []Shape{f.line(-hl, 0, -tw, 0), f.poly(-tw, -tw, -tw, tw, tw, 0), f.line(tw, -tw, tw, tw), f.line(tw, 0, hl, 0)}
		if kind == "led" {
			for _, o := range []float64{-tw * 0.6, tw * 0.1} {
				s = append(s, f.line(o, -tw*1.2, o+tw*0.6, -tw*1.9), f.line(o+tw*0.25, -tw*1.85, o+tw*0.6, -tw*1.9, o+tw*0.55, -tw*1.55))
			}
		}
		return s
	case "switch":
		bl := hl * 0.5
		r := th * 0.15
		return []Shape{f.line(-hl, 0, -bl, 0), f.circle(-bl, 0, r), f.line(-bl, 0, bl*0.9, -th*0.9),
			f.circle(bl, 0, r), f.line(bl, 0, hl, 0)}
	}
	return nil
}

// farthest returns the two points farthest apart (the symbol's axis).
func farthest(pts []Point) (Point, Point) {
	var a, b Point
	best := -1.0
	for i := range pts {
		for j := i + 1; j < len(pts); j++ {
			if d := dist(pts[i], pts[j]); d > best {
				best, a, b = d, pts[i], pts[j]
			}
		}
	}
	return a, b
}

// transistorShapes draws a bipolar transistor in its box: a circle, the
// base bar, and lines from each pin to it. The base is the pin most to
// one side; the other two meet the bar's ends.
func transistorShapes(c Point, w, h float64, ends []Point) []Shape {
	r := math.Min(w, h) / 2 * 0.9
	barX := c.X - r*0.35
	s := []Shape{{Op: OpCircle, X: c.X, Y: c.Y, W: r, Class: "outline"},
		{Op: OpLine, Pts: []Point{{barX, c.Y - r*0.5}, {barX, c.Y + r*0.5}}}}
	base := -1
	bestSide := -1.0
	for i, e := range ends {
		if side := math.Abs(e.X-c.X) - math.Abs(e.Y-c.Y); side > bestSide {
			bestSide, base = side, i
		}
	}
	for i, e := range ends {
		switch {
		case i == base:
			s = append(s, Shape{Op: OpLine, Pts: []Point{e, {barX, c.Y}}})
		case e.Y < c.Y:
			s = append(s, Shape{Op: OpLine, Pts: []Point{e, {e.X, c.Y - r*0.6}, {barX, c.Y - r*0.2}}})
		default:
			s = append(s, Shape{Op: OpLine, Pts: []Point{{barX, c.Y + r*0.2}, {e.X, c.Y + r*0.6}, e}})
		}
	}
	return s
}

// groundShapes draws a ground symbol hanging from p, size tall.
func groundShapes(p Point, size float64) []Shape {
	y := p.Y + size*0.45
	s := []Shape{{Op: OpLine, Pts: []Point{p, {p.X, y}}}}
	for i, w := range []float64{0.6, 0.38, 0.16} {
		yy := y + float64(i)*size*0.15
		s = append(s, Shape{Op: OpLine, Pts: []Point{{p.X - w*size/2, yy}, {p.X + w*size/2, yy}}})
	}
	return s
}

// powerShapes draws a supply rail symbol standing on p, size tall.
func powerShapes(p Point, size float64) []Shape {
	top := p.Y - size*0.7
	return []Shape{{Op: OpLine, Pts: []Point{p, {p.X, top}}},
		{Op: OpLine, Pts: []Point{{p.X - size*0.3, top}, {p.X + size*0.3, top}}}}
}

// frame maps symbol coordinates (s along the axis from the middle, t
// across it) to the view.
type frame struct {
	mid, u Point
}

func (f frame) at(s, t float64) Point {
	return Point{f.mid.X + f.u.X*s - f.u.Y*t, f.mid.Y + f.u.Y*s + f.u.X*t}
}

func (f frame) pts(st []float64) []Point {
	pts := make([]Point, 0, len(st)/2)
	for i := 0; i+1 < len(st); i += 2 {
		pts = append(pts, f.at(st[i], st[i+1]))
	}
	return pts
}

func (f frame) line(st ...float64) Shape { return Shape{Op: OpLine, Pts: f.pts(st)} }

func (f frame) poly(st ...float64) Shape {
	return Shape{Op: OpPolygon, Pts: f.pts(st), Class: "outline"}
}

func (f frame) circle(s, t, r float64) Shape {
	p := f.at(s, t)
	return Shape{Op: OpCircle, X: p.X, Y: p.Y, W: r, Class: "outline"}
}
