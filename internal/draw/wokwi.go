package draw

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// wokwiPart is one placed part with its pin positions on the canvas.
type wokwiPart struct {
	id, typ   string
	left, top float64
	rot       float64
	spec      partSpec
	pins      map[string]Point // after rotation, on the canvas
	extra     []string         // used pins the table does not place
}

func drawWokwi(partList []obj, connList [][]any) *Drawing {
	d := &Drawing{Format: Wokwi, Info: map[string]string{}}
	parts, order := readParts(partList, d.Info)
	conns := wokwiConns(connList)
	// Pins that connections use but the table does not place go along
	// the bottom edge, in natural order, so the picture is stable.
	for _, c := range conns {
		for _, e := range c.ends {
			if p := parts[e.part]; p != nil && !p.placed(e.pin) && !slices.Contains(p.extra, e.pin) {
				p.extra = append(p.extra, e.pin)
			}
		}
	}
	b := newBuilder("breadboard", 1, [2]string{"parts", "Parts"}, [2]string{"wires", "Wires"})
	for _, p := range order {
		p.layout()
		for _, it := range p.items() {
			b.add("parts", it)
		}
	}
	nets := wokwiNets(conns)
	for i, c := range conns {
		d.Info[c.key()] = c.describe()
		wire, stub := c.items(parts)
		b.onNet(wire, b.net(nets.key[i], nets.name[i], nets.pins[i]))
		b.add("wires", wire)
		if stub != nil {
			b.add("wires", stub)
		}
	}
	d.Views = []*View{b.done()}
	return d
}

// readParts reads the parts with an id (the first of a repeated id),
// sized from the table of common parts, and describes each in info.
func readParts(list []obj, info map[string]string) (map[string]*wokwiPart, []*wokwiPart) {
	parts := map[string]*wokwiPart{}
	var order []*wokwiPart
	for _, p := range list {
		id := p.str("id")
		if id == "" || parts[id] != nil {
			continue
		}
		wp := &wokwiPart{id: id, typ: p.str("type"), left: p.num("left"), top: p.num("top"), rot: p.num("rotate")}
		spec, known := wokwiParts[wp.typ]
		if !known {
			spec = defaultPart
		}
		wp.spec = spec
		parts[id] = wp
		order = append(order, wp)
		info[id] = partInfo(wp.typ, p.obj("attrs"))
	}
	return parts, order
}

func partInfo(typ string, attrs obj) string {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := []string{typ}
	for _, k := range keys {
		out = append(out, k+"="+attrs.str(k))
	}
	return strings.Join(out, " ")
}

// placed reports whether the part's table, or the breadboard rule,
// places pin.
func (p *wokwiPart) placed(pin string) bool {
	if strings.HasPrefix(p.typ, "wokwi-breadboard") {
		_, ok := breadboardPin(pin, p.spec.w, p.spec.h)
		return ok
	}
	for _, r := range p.spec.rows {
		for _, n := range strings.Fields(r.names) {
			if n == pin {
				return true
			}
		}
	}
	return false
}

// layout computes every pin's position on the canvas: table rows, the
// breadboard rule, then unplaced pins along the bottom edge; all turned
// with the part about its centre, as Wokwi does.
func (p *wokwiPart) layout() {
	p.pins = map[string]Point{}
	local := map[string]Point{}
	for _, r := range p.spec.rows {
		for i, n := range strings.Fields(r.names) {
			if n != "_" {
				local[n] = Point{r.x + float64(i)*r.dx, r.y + float64(i)*r.dy}
			}
		}
	}
	slices.SortFunc(p.extra, naturalCompare)
	var rest []string
	for _, pin := range p.extra {
		if pt, ok := breadboardPin(pin, p.spec.w, p.spec.h); ok && strings.HasPrefix(p.typ, "wokwi-breadboard") {
			local[pin] = pt
			continue
		}
		rest = append(rest, pin)
	}
	for i, pin := range rest {
		local[pin] = Point{p.spec.w * float64(i+1) / float64(len(rest)+1), p.spec.h}
	}
	c := Point{p.left + p.spec.w/2, p.top + p.spec.h/2}
	for n, pt := range local {
		p.pins[n] = rotate(Point{p.left + pt.X, p.top + pt.Y}, c, p.rot)
	}
}

// items draws the part: its outline (turned), its id and type, and
// each of its pins as an item of its own. The part is compared by its
// type and place (its attributes count through Info); the pins follow
// from those.
func (p *wokwiPart) items() []*Item {
	body := Shape{Op: OpRect, X: p.left, Y: p.top, W: p.spec.w, H: p.spec.h, Rot: p.rot, R: 3, Class: "body"}
	c := Point{p.left + p.spec.w/2, p.top + p.spec.h/2}
	size := min(14, max(7, min(p.spec.w, p.spec.h)/4))
	part := &Item{Kind: "component", Ref: p.id, Shapes: []Shape{body,
		{Op: OpText, X: c.X, Y: c.Y, H: size, Text: p.id, Anchor: "middle", Class: "ref"},
		{Op: OpText, X: c.X, Y: c.Y + size, H: size * 0.7, Text: shortType(p.typ), Anchor: "middle", Class: "type"}},
		sig: p.typ + " " + strconv.FormatFloat(p.left, 'g', -1, 64) + " " + strconv.FormatFloat(p.top, 'g', -1, 64) +
			" " + strconv.FormatFloat(p.rot, 'g', -1, 64)}
	names := make([]string, 0, len(p.pins))
	for n := range p.pins {
		names = append(names, n)
	}
	slices.SortFunc(names, naturalCompare)
	out := []*Item{part}
	for _, n := range names {
		pt := p.pins[n]
		out = append(out, &Item{Kind: "pin", Ref: p.id, Pin: p.id + "." + n, derived: true,
			Shapes: []Shape{{Op: OpCircle, X: pt.X, Y: pt.Y, W: 1.8}}})
	}
	return out
}

func shortType(typ string) string {
	for _, prefix := range []string{"wokwi-", "board-"} {
		typ = strings.TrimPrefix(typ, prefix)
	}
	return typ
}

// wokwiEnd is one end of a connection.
type wokwiEnd struct{ part, pin string }

func (e wokwiEnd) String() string { return e.part + ":" + e.pin }

// wokwiConn is one connection: endpoints, colour and routing hints.
type wokwiConn struct {
	ends  [2]wokwiEnd
	color string
	hints []string
}

// wokwiConns reads connections, skipping malformed ones (validation
// reports those).
func wokwiConns(raw [][]any) []wokwiConn {
	var out []wokwiConn
	for _, c := range raw {
		if len(c) < 2 {
			continue
		}
		var wc wokwiConn
		ok := true
		for j := 0; j < 2; j++ {
			s, _ := c[j].(string)
			part, pin, found := strings.Cut(s, ":")
			if !found || part == "" || pin == "" {
				ok = false
				break
			}
			wc.ends[j] = wokwiEnd{part, pin}
		}
		if !ok {
			continue
		}
		if len(c) > 2 {
			wc.color, _ = c[2].(string)
		}
		if len(c) > 3 {
			if hs, isList := c[3].([]any); isList {
				for _, h := range hs {
					if s, isStr := h.(string); isStr {
						wc.hints = append(wc.hints, s)
					}
				}
			}
		}
		out = append(out, wc)
	}
	return out
}

// describe is the connection's attributes for people, the way Compare
// reads them: "colour green; route v10 * h5".
func (c *wokwiConn) describe() string {
	return "colour " + orDefault(c.color, "none") + "; route " + orDefault(strings.Join(c.hints, " "), "straight")
}

// key is the connection's identity (see ConnKey).
func (c *wokwiConn) key() string { return ConnKey(c.ends[0].String(), c.ends[1].String()) }

// items draws the wire. Both ends on drawn parts: a straight line, or
// the path the routing hints give. An end on a simulator part
// ($serialMonitor) or a missing part: a short stub, and the other end's
// name beside it as an item of that part. The wire is compared by its
// colour and hints (its ends are its identity): where it runs follows
// from where its parts are.
func (c *wokwiConn) items(parts map[string]*wokwiPart) (wire, stub *Item) {
	wire = &Item{Kind: "wire", Conn: c.key(), OnNet: true, Color: safeColor(c.color),
		sig: c.color + " " + strings.Join(c.hints, ",")}
	a, okA := pinAt(parts, c.ends[0])
	b, okB := pinAt(parts, c.ends[1])
	switch {
	case okA && okB:
		wire.Shapes = []Shape{{Op: OpLine, Pts: route(a, b, c.hints)}}
	case okA || okB:
		from, other := a, c.ends[1]
		if !okA {
			from, other = b, c.ends[0]
		}
		to := Point{from.X, from.Y - 24}
		wire.Shapes = []Shape{{Op: OpLine, Pts: []Point{from, to}}}
		stub = &Item{Kind: "component", Ref: other.part, Pin: other.part + "." + other.pin,
			Shapes: []Shape{{Op: OpText, X: to.X + 3, Y: to.Y - 3, H: 8, Text: "→ " + other.String(), Rot: -90}}}
	}
	if c.color == "" && len(wire.Shapes) > 0 {
		wire.Shapes[0].Class = "hidden"
	}
	return wire, stub
}

func pinAt(parts map[string]*wokwiPart, e wokwiEnd) (Point, bool) {
	p := parts[e.part]
	if p == nil {
		return Point{}, false
	}
	pt, ok := p.pins[e.pin]
	return pt, ok
}

// route follows Wokwi's wire placement mini-language: "vN" and "hN"
// move N pixels vertically or horizontally; those before "*" walk from
// the source pin, those after it from the target pin (applied in
// reverse order); the two walks are then joined by a horizontal and a
// vertical segment. With no hints the wire is a straight line.
func route(a, b Point, hints []string) []Point {
	if len(hints) == 0 {
		return []Point{a, b}
	}
	star := slices.Index(hints, "*")
	src, dst := hints, []string(nil)
	if star >= 0 {
		src, dst = hints[:star], hints[star+1:]
	}
	walk := func(p Point, steps []string) ([]Point, byte) {
		pts := []Point{p}
		var last byte
		for _, s := range steps {
			if len(s) < 2 {
				continue
			}
			n, err := strconv.ParseFloat(s[1:], 64)
			if err != nil {
				continue
			}
			switch s[0] {
			case 'v':
				p.Y += n
			case 'h':
				p.X += n
			default:
				continue
			}
			last = s[0]
			pts = append(pts, p)
		}
		return pts, last
	}
	from, lastFrom := walk(a, src)
	rev := slices.Clone(dst)
	slices.Reverse(rev)
	to, _ := walk(b, rev)
	p, q := from[len(from)-1], to[len(to)-1]
	pts := from
	if p.X != q.X && p.Y != q.Y {
		if lastFrom == 'h' {
			pts = append(pts, Point{p.X, q.Y})
		} else {
			pts = append(pts, Point{q.X, p.Y})
		}
	}
	for i := len(to) - 1; i >= 0; i-- {
		pts = append(pts, to[i])
	}
	return slices.Compact(pts)
}

// safeColor keeps a colour name or #hex as written, and drops anything
// that could break out of a style attribute.
func safeColor(c string) string {
	for _, r := range c {
		if !(r == '#' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return ""
		}
	}
	return c
}

// wokwiNetInfo holds, per connection, its net's key, name and pins.
type wokwiNetInfo struct {
	key, name []string
	pins      [][]string
}

// wokwiNets joins connections into nets by their endpoints. Pins are
// "part.pin", as the semantic diff writes them; a net is named after
// its first pin.
func wokwiNets(conns []wokwiConn) wokwiNetInfo {
	u := newUnionFind()
	for _, c := range conns {
		u.union(c.ends[0].part+"."+c.ends[0].pin, c.ends[1].part+"."+c.ends[1].pin)
	}
	members := map[string][]string{}
	for t := range u.parent {
		r, _ := u.find(t)
		members[r] = append(members[r], t)
	}
	for r := range members {
		slices.SortFunc(members[r], naturalCompare)
	}
	var info wokwiNetInfo
	for _, c := range conns {
		r, _ := u.find(c.ends[0].part + "." + c.ends[0].pin)
		pins := members[r]
		info.key = append(info.key, r)
		info.name = append(info.name, "Net-("+pins[0]+")")
		info.pins = append(info.pins, pins)
	}
	return info
}
