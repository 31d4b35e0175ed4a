package circuit

import (
	"strconv"
	"strings"
)

// tscircuit element types the model reads; everything else (PCB and
// schematic geometry, mostly) is skipped without being decoded.
var tsWanted = map[string]bool{
	"source_component":           true,
	"source_port":                true,
	"source_trace":               true,
	"source_net":                 true,
	"source_project_metadata":    true,
	"source_group":               true,
	"source_manually_placed_via": true,
	"cad_component":              true,
	"pcb_component":              true,
}

// tsElem is one decoded element with its index in the array.
type tsElem struct {
	idx int
	n   node
}

// scanTscircuit walks the top-level array. With all set (validation)
// it decodes every element and hands it to visit, keeping only those
// for which visit returns true; the memory of the others is reused for
// the next element. Otherwise it decodes only those the model reads and
// those of types circuit-json does not define (kept for the diff), and
// skips the rest undecoded. It reports malformed JSON as fatal.
func scanTscircuit(data []byte, s *errorSink, all bool, schema *tsSchema, visit func(*tsElem) bool) ([]tsElem, bool) {
	p := newParser(data)
	if all {
		// Every element is decoded: one copy of the file serves every
		// string and number in it.
		p.src = string(data)
	}
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
	skip := func(t string) bool {
		return !all && !tsWanted[t] && (schema == nil || schema.Elements[t] != nil)
	}
	p.pos++
	p.depth++
	var out []tsElem
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
	} else {
		for idx := 0; ; idx++ {
			mark := p.mark()
			e, want, err := p.tsElement(skip)
			if err != nil {
				s.syntax(err)
				return nil, false
			}
			switch {
			case all && visit != nil:
				// The element goes into out first (visit sees it there,
				// so that it is not moved to the heap on its own) and
				// is taken off again when not kept.
				out = append(out, tsElem{idx: idx, n: e})
				if !visit(&out[len(out)-1]) {
					out = out[:len(out)-1]
					p.release(mark)
				}
			case want || all:
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

// tsKeep reports whether the model needs an element once it has been
// checked: one of a type it reads, or of a type circuit-json does not
// define (kept for the diff).
func tsKeep(e *tsElem, schema *tsSchema) bool {
	t := stringField(&e.n, "type")
	return e.n.kind == kObject && (tsWanted[t] || schema == nil || schema.Elements[t] == nil)
}

// tsElement reads one array element. When its first key is "type" and
// skip says the type is not needed, the rest is skipped; otherwise the
// element is decoded in full. want is false for skipped elements and
// for values that are not objects.
func (p *parser) tsElement(skip func(string) bool) (node, bool, *syntaxError) {
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
					if skip(t) {
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

// tsDoc is a tscircuit file's elements sorted by what the model does
// with them.
type tsDoc struct {
	comps, ports, traces, nets, others []*tsElem
	groups                             map[string]*node
	vias                               map[string]bool
	byID                               map[string]*Component
}

// decodeTscircuit maps tscircuit Circuit JSON to the model:
// source_component → components (value from the numeric field, spelled
// as its display string when they agree; footprint from cad_component,
// position and DNP from pcb_component), source_port → pins, source_trace
// and source_net → nets by union-find. Names are scoped per subcircuit,
// as tscircuit scopes them: a name used in two subcircuits gets the
// subcircuit's name as a prefix (amp1/R1). Elements of types circuit-json
// does not define are kept for the diff. When validating, every element
// is also checked against circuit-json's definitions.
func decodeTscircuit(data []byte, s *errorSink) (*Circuit, *sites) {
	schema, _ := tscircuitSchema()
	var visit func(*tsElem) bool
	var checks *errorSink
	var chk *tsChecker
	if s.validate {
		// Elements are checked as they are read, so that those the
		// model does not need can be dropped at once. The findings wait
		// in their own sink: a syntax error further on replaces them.
		checks = &errorSink{file: s.file, data: s.data, validate: true, strict: s.strict}
		if chk = newTsChecker(checks); chk != nil {
			visit = func(e *tsElem) bool {
				chk.element(e)
				return tsKeep(e, schema)
			}
		}
	}
	elems, ok := scanTscircuit(data, s, s.validate, schema, visit)
	if !ok {
		return nil, nil
	}
	if chk != nil {
		chk.finish()
	}
	if checks != nil {
		s.errs = append(s.errs, checks.errs...)
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
	doc := &tsDoc{groups: map[string]*node{}, vias: map[string]bool{}, byID: map[string]*Component{}}
	for k := range elems {
		e := &elems[k]
		if e.n.kind != kObject {
			continue
		}
		switch t := stringField(&e.n, "type"); t {
		case "source_component":
			doc.comps = append(doc.comps, e)
		case "source_port":
			doc.ports = append(doc.ports, e)
		case "source_trace":
			doc.traces = append(doc.traces, e)
		case "source_net":
			doc.nets = append(doc.nets, e)
		case "source_group":
			doc.groups[stringField(&e.n, "source_group_id")] = &e.n
		case "source_manually_placed_via":
			doc.vias[stringField(&e.n, "source_manually_placed_via_id")] = true
		case "source_project_metadata":
			for i := range e.n.obj {
				m := &e.n.obj[i]
				if m.key == "type" || strings.HasSuffix(m.key, "_id") {
					continue
				}
				c.Metadata[m.key] = scalarOrJSON(&m.val)
			}
		default:
			if schema != nil && schema.Elements[t] == nil {
				doc.others = append(doc.others, e)
			}
		}
	}
	refs := doc.scopedNames(doc.comps, "name")
	for k, e := range doc.comps {
		comp := tsComponent(e, refs[k], s, st)
		if id := e.n.get("source_component_id"); id != nil && id.kind == kString {
			// The first of two elements with one id keeps it (Validate
			// reports the second), so that ports cannot move between
			// components.
			if _, dup := doc.byID[id.str]; !dup {
				doc.byID[id.str] = comp
			}
		}
		c.Components = append(c.Components, comp)
	}
	// Footprints, positions and DNP live on other elements.
	for k := range elems {
		e := &elems[k]
		comp := doc.byID[stringField(&e.n, "source_component_id")]
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
			if v := e.n.get("do_not_place"); v != nil && v.kind == kBool && v.str == "true" {
				comp.DNP = true
			}
		}
	}
	portPin := doc.tsPorts(s)
	c.Nets = doc.tsNets(portPin, s, st)
	c.others = otherElements(doc.others)
	return c, st
}

// scope returns the subcircuit an element belongs to: its subcircuit_id,
// else that of the nearest enclosing source_group that is a subcircuit;
// "" for the top level. label names the subcircuit for people: its
// group's name when it has one.
func (d *tsDoc) scope(n *node) (key, label string) {
	if id := stringField(n, "subcircuit_id"); id != "" {
		return id, d.subcircuitLabel(id)
	}
	g := d.groups[stringField(n, "source_group_id")]
	for depth := 0; g != nil && depth < 64; depth++ {
		if v := g.get("is_subcircuit"); v != nil && v.kind == kBool && v.str == "true" {
			id := stringField(g, "subcircuit_id")
			if id == "" {
				id = stringField(g, "source_group_id")
			}
			return id, d.subcircuitLabel(id)
		}
		g = d.groups[stringField(g, "parent_source_group_id")]
	}
	return "", ""
}

func (d *tsDoc) subcircuitLabel(id string) string {
	for _, g := range d.groups {
		if stringField(g, "subcircuit_id") == id {
			if name := stringField(g, "name"); name != "" {
				return name
			}
		}
	}
	return id
}

// scopedNames gives each element's name, prefixed with its subcircuit's
// label when the same name is used in more than one subcircuit (the top
// level keeps bare names).
func (d *tsDoc) scopedNames(elems []*tsElem, field string) []string {
	type placed struct{ key, label, name string }
	all := make([]placed, len(elems))
	scopes := map[string]map[string]bool{}
	for k, e := range elems {
		key, label := d.scope(&e.n)
		name := stringField(&e.n, field)
		all[k] = placed{key, label, name}
		if scopes[name] == nil {
			scopes[name] = map[string]bool{}
		}
		scopes[name][key] = true
	}
	out := make([]string, len(elems))
	for k, p := range all {
		out[k] = p.name
		if len(scopes[p.name]) > 1 && p.key != "" && p.name != "" {
			out[k] = p.label + "/" + p.name
		}
	}
	return out
}

func stringField(n *node, key string) string {
	v := n.get(key)
	if v == nil || v.kind != kString {
		return ""
	}
	return v.str
}

// tsValuePairs are the value fields of source_component: a display
// string and the number behind it, with the number's unit.
var tsValuePairs = []struct{ display, number, unit string }{
	{"display_resistance", "resistance", "Ω"}, {"display_capacitance", "capacitance", "F"},
	{"display_inductance", "inductance", "H"}, {"display_max_resistance", "max_resistance", "Ω"},
	{"display_frequency", "frequency", "Hz"}, {"display_voltage", "voltage", "V"},
}

// tsTextValues hold a value that has no number behind it.
var tsTextValues = []string{"display_value", "symbol_display_value", "color"}

// tsComponent builds one component. ref is its (scoped) name; a
// component with an empty name is known by its source_component_id.
func tsComponent(e *tsElem, ref string, s *errorSink, st *sites) *Component {
	n := &e.n
	name := n.get("name")
	off := n.off
	if name != nil {
		off = name.off
	}
	if ref == "" {
		ref = stringField(n, "source_component_id")
		if ref == "" {
			ref = "#" + strconv.Itoa(e.idx)
		}
		if name != nil && name.kind == kString {
			s.note(off, pathIdx("$", e.idx)+".name", "a reference like \"R1\"", "source_component has an empty name; it is shown as %s", ref)
		}
	}
	comp := &Component{Ref: ref, Type: stringField(n, "ftype"),
		MPN: stringField(n, "manufacturer_part_number"), Properties: map[string]string{}}
	st.refs = append(st.refs, site{name: comp.Ref, off: off, i: e.idx})
	st.declared[comp.Ref] = true
	used := tsValue(comp, e, s)
	for i := range n.obj {
		m := &n.obj[i]
		switch {
		case m.key == "type" || m.key == "name" || m.key == "ftype" || m.key == "manufacturer_part_number" ||
			used[m.key] || strings.HasSuffix(m.key, "_id"):
		case m.val.kind == kObject:
			flatten(comp.Properties, m.key, &m.val)
		default:
			comp.Properties[m.key] = scalarOrJSON(&m.val)
		}
	}
	return comp
}

// tsValue sets the component's value and returns the fields it used.
// The number is the truth: the display string is kept as the spelling
// when it says the same quantity, and shown beside the number when it
// does not (a stale display after an edit of the number).
func tsValue(comp *Component, e *tsElem, s *errorSink) map[string]bool {
	n := &e.n
	for _, vp := range tsValuePairs {
		disp, num := n.get(vp.display), n.get(vp.number)
		if disp == nil && num == nil {
			continue
		}
		var q *Quantity
		if f, ok := numberOf(num); ok {
			q = &Quantity{Value: f, Unit: vp.unit}
		} else if num != nil && num.kind == kString {
			if pq, ok := ParseQuantity(num.str); ok {
				pq.Unit = vp.unit
				q = &pq
			}
		}
		text := ""
		if disp != nil && disp.kind == kString {
			text = disp.str
		}
		dq, dok := ParseQuantity(text)
		switch {
		case q != nil && text != "" && dok && (dq.Unit == "" || dq.Unit == vp.unit) && closeTo(dq.Value, q.Value, 5e-3):
			comp.Value = text
		case q != nil && text != "":
			comp.Value, comp.ShownAs = q.String(), text
		case q != nil:
			comp.Value = q.String()
		default:
			comp.Value = text
			if dok {
				dq.Unit = vp.unit
				q = &dq
			} else if text != "" {
				s.warn(disp.off, pathKey(pathIdx("$", e.idx), vp.display), "a quantity like "+unitExample(unitOf(vp.unit)),
					"%s %q is not a quantity and %s gives no number", vp.display, text, vp.number)
			}
		}
		comp.Quantity = q
		return map[string]bool{vp.display: true, vp.number: true}
	}
	for _, key := range tsTextValues {
		if v := n.get(key); v != nil && v.kind == kString && v.str != "" {
			comp.Value = v.str
			return map[string]bool{key: true}
		}
	}
	return nil
}

func unitOf(symbol string) string {
	switch symbol {
	case "Ω":
		return "resistance"
	case "F":
		return "capacitance"
	case "H":
		return "inductance"
	case "V":
		return "voltage"
	case "Hz":
		return "frequency"
	}
	return ""
}

// tsPorts maps source_port ids to "REF.PIN" and fills component pins.
// A pin is named by the port's name; when a component has two ports of
// the same name (USB-C's two GND1 pads), each is named pinN after its
// pin number instead. Ports of no component (a manually placed via's,
// or ports without source_component_id) join nets without being pins.
func (d *tsDoc) tsPorts(s *errorSink) map[string]string {
	count := map[*Component]map[string]int{}
	owner := make([]*Component, len(d.ports))
	out := make(map[string]string, len(d.ports))
	for k, e := range d.ports {
		n := &e.n
		cid := n.get("source_component_id")
		comp := d.byID[stringField(n, "source_component_id")]
		if comp == nil {
			switch {
			case cid == nil || cid.kind == kNull || (cid.kind == kString && d.vias[cid.str]):
				out[stringField(n, "source_port_id")] = "\x00port:" + stringField(n, "source_port_id")
			default:
				s.problem(cid.off, pathIdx("$", e.idx)+".source_component_id", "the source_component_id of a source_component",
					"source_port %q belongs to unknown component %s", stringField(n, "source_port_id"), quoteNode(cid))
			}
			continue
		}
		owner[k] = comp
		if count[comp] == nil {
			count[comp] = map[string]int{}
		}
		count[comp][tsPortName(n)]++
	}
	seen := map[*Component]map[string]int{}
	for k, e := range d.ports {
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

// tsNets joins ports through traces and source_nets; a net takes its
// source_net's (scoped) name, and nets without one are named by
// nameNets.
func (d *tsDoc) tsNets(portPin map[string]string, s *errorSink, st *sites) []*Net {
	uf := newUnionFind(len(portPin) + len(d.nets))
	fixed := map[int]string{}
	netIDs := map[string]bool{}
	names := d.scopedNames(d.nets, "name")
	for k, e := range d.nets {
		id := stringField(&e.n, "source_net_id")
		if id == "" {
			continue
		}
		netIDs[id] = true
		if names[k] != "" {
			fixed[uf.id("\x00net:"+id)] = names[k]
		}
	}
	for _, e := range d.traces {
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
