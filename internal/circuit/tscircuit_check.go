package circuit

import (
	"strconv"
	"strings"
)

// tsModelFields are the fields the model reads, per element type: a
// wrong JSON type there makes the circuit ambiguous (an error), while
// elsewhere it is a warning.
var tsModelFields = map[string]map[string]bool{
	"source_component": {"name": true, "source_component_id": true, "ftype": true, "manufacturer_part_number": true,
		"resistance": true, "capacitance": true, "inductance": true, "max_resistance": true, "frequency": true, "voltage": true,
		"display_resistance": true, "display_capacitance": true, "display_inductance": true, "display_max_resistance": true,
		"display_frequency": true, "display_voltage": true, "display_value": true, "color": true,
		"subcircuit_id": true, "source_group_id": true},
	"source_port":             {"source_port_id": true, "source_component_id": true, "name": true, "pin_number": true},
	"source_trace":            {"source_trace_id": true, "connected_source_port_ids": true, "connected_source_net_ids": true},
	"source_net":              {"source_net_id": true, "name": true, "subcircuit_id": true},
	"source_group":            {"source_group_id": true, "subcircuit_id": true, "parent_source_group_id": true, "is_subcircuit": true, "name": true},
	"cad_component":           {"source_component_id": true, "footprinter_string": true},
	"pcb_component":           {"source_component_id": true, "center": true, "rotation": true, "do_not_place": true},
	"source_project_metadata": {},
}

// tsIdentity are the fields whose absence makes an element ambiguous
// (an error); other required fields that are missing are warnings.
var tsIdentity = map[string]map[string]bool{
	"source_component": {"name": true, "source_component_id": true},
	"source_port":      {"source_port_id": true},
	"source_trace":     {"connected_source_port_ids": true},
	"source_net":       {"source_net_id": true},
	"pcb_component":    {"source_component_id": true},
	"cad_component":    {"source_component_id": true},
}

// tsNetlistRefs are the references that make up the netlist: one that
// names nothing is an error (the adapter reports them while joining
// nets); other dangling references are warnings.
var tsNetlistRefs = map[string]bool{
	"source_trace.connected_source_port_ids": true,
	"source_trace.connected_source_net_ids":  true,
	"source_port.source_component_id":        true,
}

// tsID is an element's identity: its type and its id.
type tsID struct{ typ, id string }

// tsChecker validates elements against the extracted definitions.
type tsChecker struct {
	schema *tsSchema
	s      *errorSink
	// ids maps an element type and id to the offset of the element that
	// defines it.
	ids map[tsID]int
	// connectivity holds the subcircuit_connectivity_map_key values.
	connectivity map[string]bool
	// elem and segs are the path of the value being checked: the
	// element's index and the steps below it (see path).
	elem int
	segs []jseg
	// pending are the references seen, checked by finish.
	pending []tsPendingRef
}

// newTsChecker returns a checker of elements against circuit-json's
// definitions, reporting to s; nil (after reporting why) when the
// definitions cannot be read. Elements are given to element one by one
// as they are read, and finish checks the references once all are in.
func newTsChecker(s *errorSink) *tsChecker {
	schema, err := tscircuitSchema()
	if err != nil {
		s.problem(-1, "", "", "internal: tscircuit definitions: %v", err)
		return nil
	}
	return &tsChecker{schema: schema, s: s, ids: map[tsID]int{}, connectivity: map[string]bool{}}
}

// finish checks that each reference field seen names an element that
// exists. References the adapter resolves while joining nets are left
// to it.
func (c *tsChecker) finish() {
	for _, r := range c.pending {
		if c.known(r.target, r.field, r.id) {
			continue
		}
		// The path is spelled out only for a finding.
		path := pathKey(pathIdx("$", r.elem), r.field)
		if r.j >= 0 {
			path = pathIdx(path, r.j)
		}
		c.s.warn(r.off, path, "the "+c.schema.Elements[r.target].ID+" of a "+r.target,
			"%s refers to %s %q, which the file does not define", r.typ, r.target, r.id)
	}
}

// element checks one element's shape and records its id.
func (c *tsChecker) element(e *tsElem) {
	n := &e.n
	c.elem = e.idx
	path := c.elemPath
	if n.kind != kObject {
		c.s.problem(n.off, path(), "an element object with a \"type\"", "element is a %s", n.kind)
		return
	}
	t := n.get("type")
	if t == nil || t.kind != kString {
		off := n.off
		if t != nil {
			off = t.off
		}
		c.s.problem(off, path()+".type", "a string naming the element type", "element has no type")
		return
	}
	def := c.schema.Elements[t.str]
	if def == nil {
		c.s.warn(t.off, path()+".type", "an element type of "+c.schema.Package+"@"+c.schema.Version,
			"unknown element type %q", t.str)
		return
	}
	vs, err := def.variants()
	if err != nil {
		// The embedded definitions are tested; this is a build defect.
		c.s.problem(-1, "", "", "internal: tscircuit definitions: %v", err)
		return
	}
	v := c.variant(t.str, def, vs, n)
	c.object(t.str, n, v, tsModelFields[t.str], c.s)
	if k := stringField(n, "subcircuit_connectivity_map_key"); k != "" {
		c.connectivity[k] = true
	}
	c.collectRefs(e, t.str, def)
	if def.ID != "" {
		if id := n.get(def.ID); id != nil && id.kind == kString {
			key := tsID{t.str, id.str}
			if first, dup := c.ids[key]; dup {
				c.s.problem(id.off, pathKey(path(), def.ID), "a unique "+def.ID,
					"duplicate %s %q (first defined on line %d)", def.ID, id.str, c.line(first))
			} else {
				c.ids[key] = id.off
			}
		}
	}
}

func (c *tsChecker) line(off int) int {
	if c.s.index == nil {
		c.s.index = newLineIndex(c.s.data)
	}
	l, _ := c.s.index.pos(off)
	return l
}

// variant picks the definition an element follows: among the variants
// whose literal fields (ftype, shape) match, the one it breaks least.
// When none matches, the literal field is reported and every variant is
// a candidate.
func (c *tsChecker) variant(typ string, def *tsElementDef, vs []*tsVariant, n *node) *tsVariant {
	var cands []*tsVariant
	for _, v := range vs {
		if matchesWhen(v, n) {
			cands = append(cands, v)
		}
	}
	if len(cands) == 0 {
		cands = vs
		c.reportDiscriminator(typ, vs, n)
	}
	if len(cands) == 1 {
		return cands[0]
	}
	best, bestN := cands[0], -1
	for _, v := range cands {
		scratch := &errorSink{strict: true, countOnly: true}
		c.object(typ, n, v, nil, scratch)
		if bestN < 0 || scratch.count < bestN {
			best, bestN = v, scratch.count
		}
	}
	return best
}

func matchesWhen(v *tsVariant, n *node) bool {
	for k, want := range v.When {
		got := n.get(k)
		if got == nil || got.kind != kString || got.str != want {
			return false
		}
	}
	return true
}

// reportDiscriminator names the literal field no variant accepts, like
// an unknown ftype.
func (c *tsChecker) reportDiscriminator(typ string, vs []*tsVariant, n *node) {
	path := c.elemPath()
	allowed := map[string][]string{}
	for _, v := range vs {
		for k, val := range v.When {
			allowed[k] = append(allowed[k], val)
		}
	}
	for k, vals := range allowed {
		got := n.get(k)
		if got != nil && got.kind == kString && contains(vals, got.str) {
			continue
		}
		sortNatural(vals)
		vals = dedupSorted(vals)
		expected := "one of " + strings.Join(vals, ", ")
		if len(vals) > 8 {
			expected = "one of " + strings.Join(vals[:8], ", ") + ", …"
		}
		switch {
		case got == nil:
			c.s.warn(n.off, pathKey(path, k), expected, "%s has no %s", typ, k)
		case got.kind != kString:
			c.s.report(c.level(typ, k), got.off, pathKey(path, k), expected, "got %s", got.kind)
		default:
			c.s.warn(got.off, pathKey(path, k), expected, "unknown %s %q", k, got.str)
		}
	}
}

// level is the level of a wrong type in field key of typ.
func (c *tsChecker) level(typ, key string) Level {
	if tsModelFields[typ][key] {
		return LevelError
	}
	return LevelWarning
}

// object checks an object's members against fields. model lists the
// fields whose breaches are errors (nil: all are warnings).
func (c *tsChecker) object(typ string, n *node, v *tsVariant, model map[string]bool, s *errorSink) {
	fields := v.Fields
	c.segs = c.segs[:0]
	for i := range n.obj {
		m := &n.obj[i]
		if m.key == "type" {
			continue
		}
		f := fields[m.key]
		c.push(jseg{key: m.key})
		if f == nil {
			c.extra(typ, m, v.Strict, s)
		} else {
			lvl := LevelWarning
			if model[m.key] {
				lvl = LevelError
			}
			c.value(typ, &m.val, f, lvl, s)
		}
		c.pop()
	}
	for _, k := range v.required {
		if n.get(k) == nil {
			lvl := LevelWarning
			if model != nil && tsIdentity[typ][k] {
				lvl = LevelError
			}
			s.report(lvl, n.off, c.elemPath(), "property "+strconv.Quote(k), "%s has no %s", typ, k)
		}
	}
}

// value checks one value, at the checker's current path, against its
// field definition.
func (c *tsChecker) value(typ string, v *node, f *tsField, lvl Level, s *errorSink) {
	if f.kinds == kindAny {
		return
	}
	if !f.kinds.has(v.kind) {
		if v.kind == kNull && !f.Required {
			return // relaxation R1: null for an optional field
		}
		s.report(lvl, v.off, c.path(), f.kinds.String(), "got %s", v.kind)
		return
	}
	if f.enum != nil && v.kind != kNull && !f.enumHas(v) {
		s.warn(v.off, c.path(), "one of "+f.enumList(), "value %s not allowed", quoteNode(v))
		return
	}
	switch v.kind {
	case kString:
		if f.Unit != "" && f.kinds.has(kNumber) {
			if _, ok := ParseQuantity(v.str); !ok {
				s.warn(v.off, c.path(), "a number or a "+f.Unit+" with its unit, like "+unitExample(f.Unit),
					"%q is not a %s", v.str, f.Unit)
			}
		}
	case kArray:
		if f.Items != nil {
			for j := range v.arr {
				c.push(jseg{idx: j, isIdx: true})
				c.value(typ, &v.arr[j], f.Items, lvl, s)
				c.pop()
			}
		}
	case kObject:
		if f.Fields != nil {
			c.nested(typ, v, f, lvl, s)
		}
	}
}

// nested checks a nested object; its fields share the level of the
// field that holds them.
func (c *tsChecker) nested(typ string, n *node, of *tsField, lvl Level, s *errorSink) {
	fields := of.Fields
	for i := range n.obj {
		m := &n.obj[i]
		f := fields[m.key]
		c.push(jseg{key: m.key})
		if f == nil {
			c.extra(typ, m, of.Strict, s)
		} else {
			c.value(typ, &m.val, f, lvl, s)
		}
		c.pop()
	}
	for _, k := range of.required {
		if n.get(k) == nil {
			s.report(lvl, n.off, c.path(), "property "+strconv.Quote(k), "missing property %q", k)
		}
	}
}

// jseg is one step of the JSON path below an element: a key or an
// index. The checker keeps the steps to the value it is at on a stack
// and spells the path out only when a finding needs it, so that the
// walk allocates nothing for values that are fine.
type jseg struct {
	key   string
	idx   int
	isIdx bool
}

func (c *tsChecker) push(g jseg) { c.segs = append(c.segs, g) }
func (c *tsChecker) pop()        { c.segs = c.segs[:len(c.segs)-1] }

// elemPath spells out the path of the element being checked.
func (c *tsChecker) elemPath() string { return pathIdx("$", c.elem) }

// path spells out the path of the value the checker is at.
func (c *tsChecker) path() string {
	p := c.elemPath()
	for _, g := range c.segs {
		if g.isIdx {
			p = pathIdx(p, g.idx)
		} else {
			p = pathKey(p, g.key)
		}
	}
	return p
}

// extra reports a field the definition does not list: a note, since
// zod drops such fields silently, or a warning where the definition is
// strict and upstream refuses them.
func (c *tsChecker) extra(typ string, m *member, strict bool, s *errorSink) {
	const expected = "only the fields circuit-json defines"
	if strict {
		s.warn(m.koff, c.path(), expected, "%s has no field %q in its definition", typ, m.key)
		return
	}
	if s.strict {
		s.note(m.koff, c.path(), expected, "%s has no field %q in its definition", typ, m.key)
	}
}

func unitExample(unit string) string {
	switch unit {
	case "resistance":
		return "\"4.7kΩ\""
	case "capacitance":
		return "\"100nF\""
	case "inductance":
		return "\"10uH\""
	case "voltage":
		return "\"3.3V\""
	case "current":
		return "\"20mA\""
	case "frequency":
		return "\"16MHz\""
	case "rotation":
		return "\"90deg\""
	case "length", "distance":
		return "\"1.5mm\""
	}
	return "\"10\""
}

// tsPendingRef is a reference to check once every id is known; it
// holds no node, so that the element it came from can be dropped.
type tsPendingRef struct {
	typ, field, target, id string
	off, elem, j           int // j is the index in an array field, or -1
}

// collectRefs records the references of an element for finish.
func (c *tsChecker) collectRefs(e *tsElem, typ string, def *tsElementDef) {
	n := &e.n
	for _, r := range def.refs {
		v := n.get(r.field)
		if v == nil {
			continue
		}
		switch v.kind {
		case kString:
			c.addRef(v, typ, r, e.idx, -1)
		case kArray:
			for j := range v.arr {
				c.addRef(&v.arr[j], typ, r, e.idx, j)
			}
		}
	}
}

// addRef records one reference value x of field r.
func (c *tsChecker) addRef(x *node, typ string, r tsRef, elem, j int) {
	if x.kind != kString || x.str == "" {
		return // relaxation R10: "" means no reference
	}
	c.pending = append(c.pending, tsPendingRef{typ: typ, field: r.field, target: r.target, id: x.str,
		off: x.off, elem: elem, j: j})
}

// known reports whether an element of type target has the given id.
// Relaxation R7: tscircuit gives the ports and PCB component of a
// manually placed via the via's id as their source_component_id.
func (c *tsChecker) known(target, field, id string) bool {
	if _, ok := c.ids[tsID{target, id}]; ok {
		return true
	}
	if field == "source_component_id" {
		_, ok := c.ids[tsID{"source_manually_placed_via", id}]
		return ok
	}
	// Relaxation R9: a source_net_id may hold a connectivity net's key.
	return field == "source_net_id" && c.connectivity[id]
}
