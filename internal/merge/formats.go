package merge

import (
	"slices"
	"strings"

	"github.com/circuitvc/circuitvc/internal/circuit"
)

// memberKey identifies an object by one string (or number) member.
func memberKey(name string) func(Value) (string, bool) {
	return func(v Value) (string, bool) { return v.d.scalar(v.n, name) }
}

// withoutMember is an object's canonical content apart from one member.
func withoutMember(name string) func(Value) []byte {
	return func(v Value) []byte {
		if v.n.kind != kObject {
			return canonical(v)
		}
		v.d.expand(v.n)
		var b []byte
		for _, m := range sortedMembers(v) {
			if m.key != name {
				b = append(b, m.key...)
				b = append(b, 0)
				b = append(b, canonical(Value{v.d, &m.val})...)
				b = append(b, 0)
			}
		}
		return b
	}
}

func sortedMembers(v Value) []*member {
	out := make([]*member, len(v.n.members))
	for i := range v.n.members {
		out[i] = &v.n.members[i]
	}
	slices.SortFunc(out, func(a, b *member) int { return strings.Compare(a.key, b.key) })
	return out
}

// scalarKey identifies a scalar by its text: pins in a list, ids in a
// trace.
func scalarKey(v Value) (string, bool) {
	if v.n.kind == kObject || v.n.kind == kArray {
		return "", false
	}
	return v.Text(), true
}

// stringSet is a set of strings or numbers: pins, connections.
var stringSet = &Shape{Key: scalarKey}

// nativeAdapter: components by reference, nets by name (a net renamed
// on one side still takes the other side's pins), pins and connections
// as sets, a position as one value.
type nativeAdapter struct{}

var nativeShape = &Shape{Members: map[string]*Shape{
	"components": {Key: memberKey("id"), KeyLabel: "id", Renames: true, WithoutKey: withoutMember("id"),
		Item: &Shape{Members: map[string]*Shape{"pins": stringSet, "position": {Atomic: true}}}},
	"nets": {Key: memberKey("name"), KeyLabel: "name", Renames: true, WithoutKey: withoutMember("name"),
		Item: &Shape{Members: map[string]*Shape{"connections": stringSet}}},
}}

func (nativeAdapter) format() circuit.Format                   { return circuit.FormatNative }
func (nativeAdapter) shape() *Shape                            { return nativeShape }
func (nativeAdapter) check(name string, data []byte) []finding { return checkCircuit(name, data) }

func (nativeAdapter) describe(_ [3]Value, p Path) (string, string) {
	if len(p) == 0 {
		return "the file", ""
	}
	switch {
	case p[0].Key == "components" && len(p) > 1 && p[1].ID:
		return displayID(p[1].Key), propPath(p[2:])
	case p[0].Key == "nets" && len(p) > 1 && p[1].ID:
		return "net " + displayID(p[1].Key), propPath(p[2:])
	}
	return p[0].Key, propPath(p[1:])
}

// wokwiAdapter: parts by id, connections by their two endpoints in
// either order (a wire moved on one side still takes the other side's
// colour), each connection a record of endpoints, colour and route;
// top and left one position.
type wokwiAdapter struct{}

var wokwiShape = &Shape{Members: map[string]*Shape{
	"parts": {Key: memberKey("id"), KeyLabel: "id", Renames: true, WithoutKey: withoutMember("id"),
		Item: &Shape{Groups: []Group{{Name: "position", Members: []string{"top", "left"}}}}},
	"connections": {Key: wireKey, Renames: true, WithoutKey: wireRest,
		Item: &Shape{Tuple: true, Item: &Shape{Atomic: true}}},
}}

// wireKey is a connection's endpoints, sorted, so that a wire drawn the
// other way round is the same wire.
func wireKey(v Value) (string, bool) {
	a, b := v.Index(0), v.Index(1)
	if !a.OK() || !b.OK() || a.n.kind != kString || b.n.kind != kString {
		return "", false
	}
	x, y := a.String(), b.String()
	if y < x {
		x, y = y, x
	}
	return x + "\x00" + y, true
}

// wireRest is a connection apart from its endpoints.
func wireRest(v Value) []byte {
	var b []byte
	for i := 2; v.Index(i).OK(); i++ {
		b = append(b, canonical(v.Index(i))...)
		b = append(b, 0)
	}
	return b
}

func (wokwiAdapter) format() circuit.Format                   { return circuit.FormatWokwi }
func (wokwiAdapter) shape() *Shape                            { return wokwiShape }
func (wokwiAdapter) check(name string, data []byte) []finding { return checkCircuit(name, data) }

// wireFields names a connection's fields by position.
var wireFields = []string{"from", "to", "colour", "route"}

func (wokwiAdapter) describe(_ [3]Value, p Path) (string, string) {
	if len(p) == 0 {
		return "the file", ""
	}
	switch {
	case p[0].Key == "parts" && len(p) > 1 && p[1].ID:
		return displayID(p[1].Key), propPath(p[2:])
	case p[0].Key == "connections" && len(p) > 1 && p[1].ID:
		item := "wire " + displayID(p[1].Key)
		if len(p) > 2 && p[2].index && p[2].Index < len(wireFields) {
			return item, wireFields[p[2].Index]
		}
		return item, propPath(p[2:])
	}
	return p[0].Key, propPath(p[1:])
}

// tscircuitAdapter: elements by their <type>_id; a component's numeric
// value with its display string as one property; centres, routes and
// edges as one value; a trace's ends (its ports and nets) as one value,
// since moving one end of a wire two ways is a conflict.
type tscircuitAdapter struct {
	// byID indexes each side's elements, built when a conflict needs
	// naming.
	byID [3]map[string]Value
}

var tsValueFields = []string{"resistance", "capacitance", "inductance", "max_resistance", "frequency", "voltage",
	"current", "max_current", "power"}

var (
	tsElement   = &Shape{Members: map[string]*Shape{"center": {Atomic: true}, "route": {Atomic: true}, "edges": {Atomic: true}}}
	tsComponent = func() *Shape {
		s := &Shape{Members: tsElement.Members}
		for _, f := range tsValueFields {
			s.Groups = append(s.Groups, Group{Name: f, Members: []string{f, "display_" + f}, Show: "display_" + f})
		}
		return s
	}()
	tsTrace = &Shape{Members: map[string]*Shape{
		"connected_source_port_ids": {Atomic: true}, "connected_source_net_ids": {Atomic: true}}}
	tsShape = &Shape{Key: tsKey, KeyLabel: "id", ItemFor: func(v Value) *Shape {
		t, _ := v.d.scalar(v.n, "type") // without reading the rest of the element
		switch t {
		case "source_component":
			return tsComponent
		case "source_trace":
			return tsTrace
		}
		return tsElement
	}}
)

// tsKey is an element's id: the member named after its type.
func tsKey(v Value) (string, bool) {
	t, ok := v.d.scalar(v.n, "type")
	if !ok || t == "" {
		return "", false
	}
	return v.d.scalar(v.n, t+"_id")
}

func (*tscircuitAdapter) format() circuit.Format                   { return circuit.FormatTscircuit }
func (*tscircuitAdapter) shape() *Shape                            { return tsShape }
func (*tscircuitAdapter) check(name string, data []byte) []finding { return checkCircuit(name, data) }

func (a *tscircuitAdapter) describe(sides [3]Value, p Path) (string, string) {
	if len(p) == 0 {
		return "the file", ""
	}
	if !p[0].ID {
		return Path(p[:1]).String(), propPath(p[1:])
	}
	el := a.element(sides, p[0].Key)
	return a.name(sides, el, p[0].Key), propPath(p[1:])
}

// element finds an element by id, in ours, theirs or base.
func (a *tscircuitAdapter) element(sides [3]Value, id string) Value {
	for _, s := range []side{ours, theirs, base} {
		if !sides[s].OK() {
			continue
		}
		if a.byID[s] == nil {
			a.byID[s] = map[string]Value{}
			for i, k := range keys(sides[s], tsShape) {
				a.byID[s][k] = sides[s].Index(i)
			}
		}
		if v, ok := a.byID[s][id]; ok {
			return v
		}
	}
	return Value{}
}

// name names an element as the circuit knows it: a component by its
// name (R5), a port as R5.pin1, a net by name, anything placed for a
// component as "R5 pcb_component", the rest as "type id".
func (a *tscircuitAdapter) name(sides [3]Value, el Value, id string) string {
	typ := el.Get("type").String()
	comp := func(v Value) string {
		if c := a.element(sides, v.Get("source_component_id").String()); c.OK() {
			return c.Get("name").String()
		}
		return ""
	}
	switch typ {
	case "source_component":
		if n := el.Get("name").String(); n != "" {
			return n
		}
	case "source_port":
		if c := comp(el); c != "" {
			return c + "." + el.Get("name").String()
		}
	case "source_net":
		return "net " + el.Get("name").String()
	case "source_trace":
		var ends []string
		ports := el.Get("connected_source_port_ids")
		for i := 0; ports.Index(i).OK(); i++ {
			if p := a.element(sides, ports.Index(i).String()); p.OK() {
				ends = append(ends, comp(p)+"."+p.Get("name").String())
			}
		}
		if len(ends) > 0 {
			return "trace " + id + " (" + strings.Join(ends, "–") + ")"
		}
		return "trace " + id
	}
	owner := el
	for _, ref := range []string{"pcb_component_id", "schematic_component_id"} {
		if r := el.Get(ref).String(); r != "" && typ != strings.TrimSuffix(ref, "_id") {
			owner = a.element(sides, r)
		}
	}
	if c := comp(owner); c != "" {
		if owner.n == el.n {
			return c + " " + typ // pcb_component, schematic_component…
		}
		return c + " " + id // one of its pads, ports, texts
	}
	if typ == "" {
		return displayID(id)
	}
	return typ + " " + id
}
