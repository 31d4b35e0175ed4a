package circuit

import (
	"strconv"
	"strings"
)

// tscircuit element types the model reads; everything else (PCB and
// schematic geometry, mostly) is skipped without being decoded.
var tsWanted = map[string]bool{
	"source_component":        true,
	"source_port":             true,
	"source_trace":            true,
	"source_net":              true,
	"source_project_metadata": true,
	"cad_component":           true,
	"pcb_component":           true,
}

// tsElem is one decoded element of interest with its index in the array.
type tsElem struct {
	idx int
	n   node
}

// scanTscircuit walks the top-level array, decoding only wanted
// elements. It reports malformed JSON as fatal.
func scanTscircuit(data []byte, s *errorSink) ([]tsElem, bool) {
	p := newParser(data)
	p.skipBOM()
	p.ws()
	if p.pos >= len(p.data) || p.data[p.pos] != '[' {
		if err := p.skip(); err != nil {
			s.syntax(err)
			return nil, false
		}
		s.fatal(0, "$", "an array of elements", "tscircuit Circuit JSON is not an array")
		return nil, false
	}
	p.pos++
	p.depth++
	var out []tsElem
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
	} else {
		for idx := 0; ; idx++ {
			e, want, err := p.tsElement()
			if err != nil {
				s.syntax(err)
				return nil, false
			}
			if want {
				out = append(out, tsElem{idx: idx, n: e})
			}
			p.ws()
			if p.pos >= len(p.data) {
				s.syntax(p.errf("unexpected end of file in array", "',' or ']'"))
				return nil, false
			}
			if p.data[p.pos] == ']' {
				p.pos++
				break
			}
			if p.data[p.pos] != ',' {
				s.syntax(p.errf("unexpected %s in array", "',' or ']'", p.describe()))
				return nil, false
			}
			p.pos++
		}
	}
	if err := p.end(); err != nil {
		s.syntax(err)
		return nil, false
	}
	return out, true
}

// tsElement reads one array element. When its first key is "type" and
// names an element the model ignores, the rest is skipped; otherwise the
// element is decoded in full.
func (p *parser) tsElement() (node, bool, *syntaxError) {
	p.ws()
	start := p.pos
	if p.pos < len(p.data) && p.data[p.pos] == '{' {
		p.pos++
		p.ws()
		if p.pos < len(p.data) && p.data[p.pos] == '"' {
			key, err := p.key()
			if err != nil {
				return node{}, false, err
			}
			p.ws()
			if key == "type" && p.pos < len(p.data) && p.data[p.pos] == ':' {
				p.pos++
				p.ws()
				if p.pos < len(p.data) && p.data[p.pos] == '"' {
					t, err := p.string()
					if err != nil {
						return node{}, false, err
					}
					if !tsWanted[t] {
						done, err := p.afterMember()
						if err != nil || done {
							return node{}, false, err
						}
						p.depth++
						err = p.skipMembers()
						p.depth--
						return node{}, false, err
					}
				}
			}
		}
	}
	p.pos = start
	var n node
	err := p.value(&n)
	return n, n.kind == kObject, err
}

// decodeTscircuit maps tscircuit Circuit JSON to the model:
// source_component → components (value from the display_* or numeric
// fields, footprint from cad_component, position from pcb_component),
// source_port → pins, source_trace and source_net → nets by union-find.
func decodeTscircuit(data []byte, s *errorSink) (*Circuit, *sites) {
	elems, ok := scanTscircuit(data, s)
	if !ok {
		return nil, nil
	}
	c := &Circuit{Format: FormatTscircuit, Metadata: map[string]string{}}
	st := &sites{
		refPath: func(i int) string { return "$[" + strconv.Itoa(i) + "].name" },
		pinPath: func(i, j int) string {
			return "$[" + strconv.Itoa(i) + "].connected_source_port_ids[" + strconv.Itoa(j) + "]"
		},
		declared:        map[string]bool{},
		unknownRef:      "pin %q names no component %q",
		unknownExpected: "a source_component name",
	}
	byID := map[string]*Component{}
	var ports, traces, nets []*tsElem
	for k := range elems {
		e := &elems[k]
		t := e.n.get("type")
		if t == nil {
			continue
		}
		switch t.str {
		case "source_component":
			comp := tsComponent(e, s, st)
			if comp == nil {
				continue
			}
			if id := e.n.get("source_component_id"); id != nil && id.kind == kString {
				byID[id.str] = comp
			}
			c.Components = append(c.Components, comp)
		case "source_port":
			ports = append(ports, e)
		case "source_trace":
			traces = append(traces, e)
		case "source_net":
			nets = append(nets, e)
		case "source_project_metadata":
			for i := range e.n.obj {
				m := &e.n.obj[i]
				if m.key == "type" || strings.HasSuffix(m.key, "_id") {
					continue
				}
				c.Metadata[m.key] = scalarOrJSON(&m.val)
			}
		}
	}
	// Footprints and positions live on other elements.
	for k := range elems {
		e := &elems[k]
		comp := byID[stringField(&e.n, "source_component_id")]
		if comp == nil {
			continue
		}
		switch stringField(&e.n, "type") {
		case "cad_component":
			if fp := stringField(&e.n, "footprinter_string"); fp != "" {
				comp.Footprint = fp
			}
		case "pcb_component":
			comp.Position = positionOf(e.n.get("center"), "x", "y", "")
			if comp.Position != nil {
				comp.Position.Rotation, _ = numberOf(e.n.get("rotation"))
			}
		}
	}
	portPin := tsPorts(ports, byID, s)
	c.Nets = tsNets(traces, nets, portPin, s, st)
	return c, st
}

func stringField(n *node, key string) string {
	v := n.get(key)
	if v == nil || v.kind != kString {
		return ""
	}
	return v.str
}

// tsValueKeys lists, in order of preference, the fields that hold a
// component's value: the display strings tscircuit writes, then raw
// numbers with their unit.
var tsValueKeys = []struct{ key, unit string }{
	{"display_resistance", ""}, {"display_capacitance", ""}, {"display_inductance", ""},
	{"display_max_resistance", ""}, {"display_frequency", ""}, {"display_voltage", ""},
	{"display_value", ""}, {"symbol_display_value", ""},
	{"resistance", "Ω"}, {"capacitance", "F"}, {"inductance", "H"}, {"max_resistance", "Ω"},
	{"frequency", "Hz"}, {"voltage", "V"}, {"color", ""},
}

func tsComponent(e *tsElem, s *errorSink, st *sites) *Component {
	n := &e.n
	name := n.get("name")
	if name == nil || name.kind != kString || name.str == "" {
		off := n.off
		if name != nil {
			off = name.off
		}
		s.problem(off, pathIdx("$", e.idx)+".name", "a non-empty string", "source_component has no name")
		return nil
	}
	comp := &Component{Ref: name.str, Type: stringField(n, "ftype"), off: n.off,
		MPN: stringField(n, "manufacturer_part_number"), Properties: map[string]string{}}
	st.refs = append(st.refs, site{name: comp.Ref, off: name.off, i: e.idx})
	st.declared[comp.Ref] = true
	used := ""
	for _, vk := range tsValueKeys {
		v := n.get(vk.key)
		if v == nil {
			continue
		}
		if v.kind == kString && v.str != "" {
			comp.Value, used = v.str, vk.key
			break
		}
		if f, ok := numberOf(v); ok && vk.unit != "" {
			comp.Value, used = siFormat(f)+vk.unit, vk.key
			break
		}
	}
	for i := range n.obj {
		m := &n.obj[i]
		switch {
		case m.key == "type" || m.key == "name" || m.key == "ftype" || m.key == "manufacturer_part_number" ||
			m.key == used || strings.HasSuffix(m.key, "_id"):
		case used != "" && "display_"+m.key == used:
			// The raw number behind the display value says the same.
		case m.val.kind == kObject:
			flatten(comp.Properties, m.key, &m.val)
		default:
			comp.Properties[m.key] = scalarOrJSON(&m.val)
		}
	}
	return comp
}

// tsPorts maps source_port ids to "REF.PIN" and fills component pins.
// A pin is named by the port's name; when a component has two ports of
// the same name (USB-C's two GND1 pads), each is named pinN after its
// pin number instead.
func tsPorts(ports []*tsElem, byID map[string]*Component, s *errorSink) map[string]string {
	count := map[*Component]map[string]int{}
	owner := make([]*Component, len(ports))
	for k, e := range ports {
		n := &e.n
		comp := byID[stringField(n, "source_component_id")]
		if comp == nil {
			cid := orNull(n.get("source_component_id"))
			off := n.off
			if cid.kind != kNull {
				off = cid.off
			}
			s.problem(off, pathIdx("$", e.idx)+".source_component_id", "the source_component_id of a source_component",
				"source_port %q belongs to unknown component %s", stringField(n, "source_port_id"), quoteNode(cid))
			continue
		}
		owner[k] = comp
		if count[comp] == nil {
			count[comp] = map[string]int{}
		}
		count[comp][tsPortName(n)]++
	}
	out := make(map[string]string, len(ports))
	seen := map[*Component]map[string]int{}
	for k, e := range ports {
		comp := owner[k]
		if comp == nil {
			continue
		}
		name := tsPortName(&e.n)
		if count[comp][name] > 1 {
			if seen[comp] == nil {
				seen[comp] = map[string]int{}
			}
			seen[comp][name]++
			if num := scalarString(orNull(e.n.get("pin_number"))); num != "" {
				name = "pin" + num
			} else {
				name += "#" + strconv.Itoa(seen[comp][name])
			}
		}
		out[stringField(&e.n, "source_port_id")] = comp.Ref + "." + name
		comp.Pins = append(comp.Pins, name)
	}
	return out
}

// tsPortName is a port's name, or pinN when it has none.
func tsPortName(n *node) string {
	if name := stringField(n, "name"); name != "" {
		return name
	}
	return "pin" + scalarString(orNull(n.get("pin_number")))
}

var nullNode = node{kind: kNull}

func orNull(n *node) *node {
	if n == nil {
		return &nullNode
	}
	return n
}

// tsNets joins ports through traces and named source_nets.
func tsNets(traces, nets []*tsElem, portPin map[string]string, s *errorSink, st *sites) []*Net {
	uf := newUnionFind(len(portPin) + len(nets))
	fixed := map[int]string{}
	netIDs := map[string]bool{}
	for _, e := range nets {
		id := stringField(&e.n, "source_net_id")
		name := stringField(&e.n, "name")
		if id == "" || name == "" {
			continue
		}
		netIDs[id] = true
		fixed[uf.id("\x00net:"+id)] = name
	}
	for _, e := range traces {
		first := -1
		join := func(el int) {
			if first < 0 {
				first = el
			} else {
				uf.union(first, el)
			}
		}
		if ids := e.n.get("connected_source_port_ids"); ids != nil && ids.kind == kArray {
			for j := range ids.arr {
				v := &ids.arr[j]
				pin, ok := portPin[v.str]
				if v.kind != kString || !ok {
					s.problem(v.off, st.pinPath(e.idx, j), "a source_port_id", "source_trace connects unknown port %s", quoteNode(v))
					continue
				}
				join(uf.id(pin))
			}
		}
		if ids := e.n.get("connected_source_net_ids"); ids != nil && ids.kind == kArray {
			for j := range ids.arr {
				v := &ids.arr[j]
				if v.kind != kString || !netIDs[v.str] {
					s.problem(v.off, pathIdx(pathIdx("$", e.idx)+".connected_source_net_ids", j), "a source_net_id",
						"source_trace connects unknown net %s", quoteNode(v))
					continue
				}
				join(uf.id("\x00net:" + v.str))
			}
		}
	}
	return nameNets(uf, fixed)
}

// siFormat writes a quantity with an SI prefix: 4700 → 4.7k, 1e-7 → 100n.
func siFormat(f float64) string {
	if f == 0 {
		return "0"
	}
	prefixes := []struct {
		exp    float64
		prefix string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}, {1, ""}, {1e-3, "m"}, {1e-6, "u"}, {1e-9, "n"}, {1e-12, "p"}}
	a := f
	if a < 0 {
		a = -a
	}
	for _, p := range prefixes {
		if a >= p.exp*0.9999999 {
			return strconv.FormatFloat(roundSig(f/p.exp), 'g', -1, 64) + p.prefix
		}
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// roundSig rounds to 6 significant digits to hide binary noise (4.7e3/1e3).
func roundSig(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 6, 64), 64)
	return v
}

// quoteNode shows a value in a message: strings quoted, others as JSON.
func quoteNode(n *node) string {
	if n.kind == kString {
		return strconv.Quote(n.str)
	}
	return n.text()
}
