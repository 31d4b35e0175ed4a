package circuit

import (
	"sort"
	"strconv"
	"strings"
)

// decodeWokwi maps a Wokwi diagram.json to the model: parts become
// components, and connections are joined into nets by union-find.
func decodeWokwi(root *node, s *errorSink) (*Circuit, *sites) {
	c := &Circuit{Format: FormatWokwi, Metadata: map[string]string{}}
	st := &sites{
		refPath:         func(i int) string { return "$.parts[" + strconv.Itoa(i) + "].id" },
		pinPath:         func(i, j int) string { return "$.connections[" + strconv.Itoa(i) + "][" + strconv.Itoa(j) + "]" },
		unknownRef:      "connection %q names unknown part %q",
		unknownExpected: "a part id from $.parts",
	}
	if root.kind != kObject {
		s.fatal(root.off, "$", "an object with \"parts\" and \"connections\"", "Wokwi diagram is a JSON %s", root.kind)
		return nil, nil
	}
	var parts, conns *node
	for i := range root.obj {
		m := &root.obj[i]
		switch m.key {
		case "parts":
			parts = &m.val
		case "connections":
			conns = &m.val
		case "version":
			c.Version = m.val.text()
			wokwiKind(s, &m.val, "$.version", LevelWarning, kNumber, kString)
		default:
			if s.validate {
				wokwiTopField(s, m)
			}
			if m.val.kind == kObject {
				flatten(c.Metadata, m.key, &m.val)
				if len(m.val.obj) == 0 {
					c.Metadata[m.key] = "{}"
				}
			} else {
				c.Metadata[m.key] = scalarOrJSON(&m.val)
			}
		}
	}
	if parts != nil {
		if !expectKind(s, parts, kArray, "$.parts") {
			return nil, nil
		}
		for i := range parts.arr {
			comp, ok := wokwiPart(&parts.arr[i], i, s, st)
			if !ok {
				return nil, nil
			}
			c.Components = append(c.Components, comp)
		}
	}
	if conns != nil {
		if !expectKind(s, conns, kArray, "$.connections") {
			return nil, nil
		}
		if !wokwiNets(c, conns, s, st) {
			return nil, nil
		}
	}
	return c, st
}

func scalarOrJSON(n *node) string {
	if n.kind == kString {
		return n.str
	}
	return n.text()
}

func wokwiPart(n *node, i int, s *errorSink, st *sites) (*Component, bool) {
	path := func() string { return pathIdx("$.parts", i) }
	if n.kind != kObject {
		s.fatal(n.off, path(), "object", "part is a %s", n.kind)
		return nil, false
	}
	id := n.get("id")
	if id == nil || id.kind != kString || id.str == "" {
		off := n.off
		if id != nil {
			off = id.off
		}
		s.fatal(off, path()+".id", "a non-empty string part id", "part has no id")
		return nil, false
	}
	comp := &Component{Ref: id.str, Properties: map[string]string{}}
	st.refs = append(st.refs, site{name: comp.Ref, off: id.off, i: i})
	if s.validate {
		checkWokwiPart(n, path(), s)
	}
	var x, y, rot float64
	var placed bool
	for k := range n.obj {
		m := &n.obj[k]
		switch m.key {
		case "id":
		case "type":
			comp.Type = scalarString(&m.val)
		case "top":
			y, _ = numberOf(&m.val)
			placed = true
		case "left":
			x, _ = numberOf(&m.val)
			placed = true
		case "rotate":
			rot, _ = numberOf(&m.val)
		case "attrs":
			if m.val.kind == kObject {
				flatten(comp.Properties, "", &m.val)
			}
		default:
			comp.Properties[m.key] = scalarOrJSON(&m.val)
		}
	}
	if v, ok := comp.Properties["value"]; ok {
		comp.Value = v
		delete(comp.Properties, "value")
	}
	if placed {
		comp.Position = &Position{X: x, Y: y, Rotation: rot}
	}
	return comp, true
}

// wokwiNets joins connections into nets. Endpoints on parts that do not
// exist are reported and left out, so the model stays consistent.
func wokwiNets(c *Circuit, conns *node, s *errorSink, st *sites) bool {
	known := make(map[string]*Component, len(c.Components))
	for _, comp := range c.Components {
		if _, dup := known[comp.Ref]; !dup {
			known[comp.Ref] = comp
		}
	}
	uf := newUnionFind(2 * len(conns.arr))
	for i := range conns.arr {
		conn := &conns.arr[i]
		if conn.kind != kArray {
			s.fatal(conn.off, pathIdx("$.connections", i), "an array [from, to, color, route]", "connection is a %s", conn.kind)
			return false
		}
		if s.validate {
			checkWokwiConnection(conn, i, s)
		}
		if len(conn.arr) < 2 {
			s.problem(conn.off, pathIdx("$.connections", i), "an array [from, to, color, route]", "connection has %d endpoints", len(conn.arr))
			continue
		}
		ends := [2]int{-1, -1}
		for j := 0; j < 2; j++ {
			e := &conn.arr[j]
			path := func() string { return "$.connections[" + strconv.Itoa(i) + "][" + strconv.Itoa(j) + "]" }
			if e.kind != kString {
				s.problem(e.off, path(), "a string \"part:pin\"", "endpoint is a %s", e.kind)
				continue
			}
			part, pin, ok := strings.Cut(e.str, ":")
			if !ok || part == "" || pin == "" {
				s.problem(e.off, path(), "\"part:pin\", like \"uno:GND.1\"", "malformed endpoint %q", e.str)
				continue
			}
			ref := part
			if _, ok := known[ref]; !ok {
				if !strings.HasPrefix(part, "$") {
					s.problem(e.off, path(), st.unknownExpected, st.unknownRef, e.str, part)
					continue
				}
				// Simulator-provided parts ($serialMonitor) exist
				// without being listed in parts.
				v := &Component{Ref: ref, Type: ref, Virtual: true, Properties: map[string]string{}}
				known[ref] = v
				c.Components = append(c.Components, v)
			}
			full := ref + "." + pin
			ends[j] = uf.id(full)
			st.pins = append(st.pins, site{name: full, off: e.off, i: i, j: j})
		}
		switch {
		case ends[0] >= 0 && ends[1] >= 0:
			uf.union(ends[0], ends[1])
		}
	}
	// Wokwi parts declare no pins: a part's pins are not the
	// connections that touch it, so Pins stays empty.
	c.Nets = nameNets(uf, nil)
	// Record which net each pin site ended up on, for the checks.
	netOf := make(map[string]string)
	for _, n := range c.Nets {
		for _, p := range n.Pins {
			netOf[p] = n.Name
		}
	}
	for k := range st.pins {
		st.pins[k].net = netOf[st.pins[k].name]
	}
	// Every pin site is on exactly one net by construction, so the
	// "pin on two nets" check must not fire for repeated endpoints.
	st.pins = dedupSites(st.pins)
	return true
}

// dedupSites keeps the first site of each pin.
func dedupSites(in []site) []site {
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, s := range in {
		if !seen[s.name] {
			seen[s.name] = true
			out = append(out, s)
		}
	}
	return out
}

// nameNets turns union-find groups of "REF.PIN" elements into nets.
// fixed maps an element to a name given by the file (a tscircuit
// source_net); other nets are named after a power-like pin (GND, VCC, 5V)
// when they have one, else after their first pin in natural order.
// Elements that are not pins (no dot) are left out of the pin lists.
func nameNets(uf *unionFind, fixed map[int]string) []*Net {
	type draft struct {
		pins  []string
		want  string
		first string
		auto  bool
	}
	var drafts []draft
	for _, g := range uf.groups() {
		var d draft
		var named []string
		for _, el := range g {
			if name, ok := fixed[el]; ok {
				named = append(named, name)
				continue
			}
			// Joints that are not pins (a via's ports, source_nets
			// without a name) connect without being listed.
			if n := uf.names[el]; !strings.HasPrefix(n, "\x00") {
				d.pins = append(d.pins, n)
			}
		}
		if len(d.pins) == 0 {
			continue
		}
		sortNatural(d.pins)
		d.first = d.pins[0]
		switch {
		case len(named) > 0:
			sortNatural(named)
			d.want = named[0]
		default:
			d.auto = true
			d.want = powerName(d.pins)
			if d.want == "" {
				d.want = "Net-(" + d.first + ")"
			}
		}
		drafts = append(drafts, d)
	}
	// Nets claim names in order of their first pin, so that the result
	// does not depend on the order of the file.
	sort.Slice(drafts, func(i, j int) bool { return naturalLess(drafts[i].first, drafts[j].first) })
	want := make([]string, len(drafts))
	for i, d := range drafts {
		want[i] = d.want
	}
	names := uniqueNames(want)
	nets := make([]*Net, len(drafts))
	for i, d := range drafts {
		nets[i] = &Net{Name: names[i], Pins: d.pins, Auto: d.auto}
	}
	return nets
}

// powerName returns the best power-like pin name among pins: ground
// first, then supplies, ties broken by pin order. Pin suffixes like the
// ".1" of Wokwi's GND.1 are dropped.
func powerName(pins []string) string {
	best, bestClass := "", 99
	for _, p := range pins {
		_, pin, ok := SplitPin(p)
		if !ok {
			continue
		}
		base := pin
		if i := strings.LastIndexByte(base, '.'); i > 0 && allDigits(base[i+1:]) {
			base = base[:i]
		}
		if cl := powerClass(base); cl < bestClass {
			best, bestClass = base, cl
		}
	}
	return best
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// powerClass ranks a pin name for naming its net, lower is better:
// ground names first (GND before VSS), then supply rails (a voltage like
// 5V or 3V3 before VCC before VDD), 99 for anything else.
func powerClass(name string) int {
	u := strings.ToUpper(name)
	switch {
	case u == "GND":
		return 0
	case strings.HasPrefix(u, "GND") && allDigits(u[3:]):
		return 1
	case u == "AGND" || u == "DGND" || u == "GROUND" || u == "VSS" || u == "V-":
		return 2
	case u == "5V" || u == "3V3" || u == "3.3V" || u == "+5V" || u == "+3V3" || u == "+3.3V" || u == "12V" || u == "+12V":
		return 10
	case u == "VCC":
		return 11
	case u == "VDD" || u == "VIN" || u == "VBUS" || u == "VBAT" || u == "V+" || u == "VDDA" || u == "AVCC" || u == "IOREF":
		return 12
	}
	return 99
}
