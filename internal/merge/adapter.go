package merge

import (
	"regexp"
	"strings"

	"github.com/circuitvc/circuitvc/internal/circuit"
)

// adapter is what the engine needs to know about one format: the shape
// of its documents (what is a set, what is known by which identity,
// what changes as one), how to name a place in it in circuit terms, and
// how to check a merged document as a whole. Adding a JSON-based format
// is adding an adapter; see the package documentation for what a format
// with another syntax needs besides.
type adapter interface {
	// format is the format the adapter reads.
	format() circuit.Format
	// shape is the shape of the document's root.
	shape() *Shape
	// describe names the item and property at p; sides are the three
	// roots (a side whose document is absent has OK false). The item is
	// looked up in ours first, then theirs, then base.
	describe(sides [3]Value, p Path) (item, prop string)
	// check validates a whole document, returning its errors (not
	// warnings): each a message and the JSON path it points at.
	check(name string, data []byte) []finding
}

// finding is one error of a merged document.
type finding struct {
	msg  string
	path string // JSONPath with indexes: $.nets[2].connections[0]
}

// adapterFor returns the adapter of a format; plain JSON and anything
// unknown get the structural one.
func adapterFor(f circuit.Format) adapter {
	switch f {
	case circuit.FormatNative:
		return nativeAdapter{}
	case circuit.FormatWokwi:
		return wokwiAdapter{}
	case circuit.FormatTscircuit:
		return &tscircuitAdapter{}
	}
	return plainAdapter{}
}

// detect classifies a parsed document as circuit.Detect does (objects by
// their keys, arrays by their elements' types, the name deciding an
// object with both kinds of key), without reading the bytes again.
func detect(name string, d *doc) circuit.Format {
	root := Value{d, &d.root}
	switch d.root.kind {
	case kObject:
		d.expand(&d.root)
		var native, wokwi bool
		for _, m := range d.root.members {
			switch m.key {
			case "components", "nets":
				native = true
			case "parts", "connections":
				wokwi = true
			}
		}
		base := strings.ToLower(name[strings.LastIndexAny(name, `/\`)+1:])
		switch {
		case native && wokwi && base == "diagram.json":
			return circuit.FormatWokwi
		case native:
			return circuit.FormatNative
		case wokwi:
			return circuit.FormatWokwi
		}
	case kArray:
		for i := 0; i < 8; i++ {
			el := root.Index(i)
			if !el.OK() {
				break
			}
			if t := el.Get("type"); t.OK() && t.n.kind == kString && isTscircuitType(t.String()) {
				return circuit.FormatTscircuit
			}
		}
	}
	return circuit.FormatJSON
}

func isTscircuitType(t string) bool {
	for _, prefix := range []string{"source_", "pcb_", "schematic_", "cad_", "simulation_"} {
		if strings.HasPrefix(t, prefix) {
			return true
		}
	}
	return false
}

// checkCircuit runs circuitvc's validation and keeps the errors.
func checkCircuit(name string, data []byte) []finding {
	_, all := circuit.Check(name, data, circuit.ValidateOptions{})
	var out []finding
	for _, e := range circuit.Errors(all) {
		out = append(out, finding{msg: e.Msg, path: e.Path})
	}
	return out
}

// lineRef matches the line numbers in messages, which move when lines
// are added above: findings are compared without them.
var lineRef = regexp.MustCompile(`line \d+`)

func (f finding) key() string { return lineRef.ReplaceAllString(f.msg, "line N") }

// find follows p from root through shapes s; missing steps give a Value
// whose OK is false.
func find(root Value, s *Shape, p Path) Value {
	v := root
	for _, st := range p {
		if !v.OK() {
			return Value{}
		}
		v, s = step(v, s, st)
	}
	return v
}

// step follows one step from v, whose shape is s, to a child and its
// shape.
func step(v Value, s *Shape, st Step) (Value, *Shape) {
	var c Value
	switch {
	case st.index:
		c = v.Index(st.Index)
	case st.ID:
		c = findID(v, s, st.Key)
	default:
		return v.Get(st.Key), s.member(st.Key)
	}
	if !c.OK() {
		return Value{}, nil
	}
	return c, s.item(c)
}

// findID returns the element of set v whose identity is id.
func findID(v Value, s *Shape, id string) Value {
	if !v.OK() || v.n.kind != kArray || !s.isSet() {
		return Value{}
	}
	for i, k := range keys(v, s) {
		if k == id {
			return v.Index(i)
		}
	}
	return Value{}
}

// propPath spells the steps after an item as a property: position.x,
// pins, route[2].
func propPath(p Path) string {
	var b strings.Builder
	for _, s := range p {
		switch {
		case s.index:
			b.WriteString(Path{s}.String()[1:])
		case s.ID:
			b.WriteString("[" + displayID(s.Key) + "]")
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.Key)
		}
	}
	return b.String()
}

// plainAdapter merges JSON that is no circuit: objects by key, arrays
// as ordered lists, nothing to validate.
type plainAdapter struct{}

func (plainAdapter) format() circuit.Format { return circuit.FormatJSON }
func (plainAdapter) shape() *Shape          { return nil }
func (plainAdapter) describe(_ [3]Value, p Path) (string, string) {
	return p.String(), ""
}
func (plainAdapter) check(string, []byte) []finding { return nil }
