package circuit

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// tscircuitSchemaJSON is what scripts/circuit-json-extract.sh extracted
// from tscircuit's own element definitions (the circuit-json package):
// every element type, its variants, each field's JSON kinds, whether it
// is required, its allowed values, and the id and reference fields.
//
//go:embed tscircuit_schema.json
var tscircuitSchemaJSON []byte

// kindSet is a set of JSON kinds, one bit per kind.
type kindSet uint8

const kindAny kindSet = 0xff

func (k kindSet) has(x kind) bool { return k&(1<<x) != 0 }

func (k kindSet) String() string {
	if k == kindAny {
		return "any value"
	}
	var names []string
	for _, x := range []kind{kString, kNumber, kBool, kNull, kArray, kObject} {
		if k.has(x) {
			names = append(names, x.String())
		}
	}
	return joinOr(names)
}

func joinOr(names []string) string {
	switch len(names) {
	case 0:
		return "nothing"
	case 1:
		return names[0]
	}
	out := ""
	for i, n := range names {
		switch {
		case i == 0:
		case i == len(names)-1:
			out += " or "
		default:
			out += ", "
		}
		out += n
	}
	return out
}

// tsField is one field's definition.
type tsField struct {
	Kinds    []string            `json:"kinds"`
	Required bool                `json:"required"`
	Enum     []any               `json:"enum"`
	Unit     string              `json:"unit"`
	Items    *tsField            `json:"items"`
	Fields   map[string]*tsField `json:"fields"`
	// Strict objects reject fields they do not define.
	Strict bool `json:"strict"`

	kinds kindSet
	enum  map[enumValue]bool
	// required lists the required members of an object field, sorted.
	required []string
}

// enumValue is an allowed value as the checker compares it: a kind and
// the text (numbers in their shortest form), so that checking a string
// allocates nothing.
type enumValue struct {
	kind kind
	text string
}

// tsVariant is one shape of an element type, chosen by literal fields
// (ftype for source_component, shape for pads).
type tsVariant struct {
	When   map[string]string   `json:"when"`
	Fields map[string]*tsField `json:"fields"`
	Strict bool                `json:"strict"`
	// required lists the required fields, sorted, except the literal
	// fields of When (reportDiscriminator reports those).
	required []string
}

// tsElementDef is one element type.
type tsElementDef struct {
	Variants []*tsVariant `json:"variants"`
	// ID is the field holding the element's own id, if it has one.
	ID string `json:"id"`
	// Refs maps fields to the element type whose id they hold.
	Refs map[string]string `json:"refs"`
	// refs are the Refs the checker follows, sorted by field: not the
	// netlist's, which the adapter checks while joining nets.
	refs []tsRef

	// typ is the element type; raw its variants as scanTsSchema kept
	// them, decoded and prepared once, on first use (see variants).
	typ  string
	raw  []byte
	once sync.Once
	err  error
}

// variants returns the type's variants prepared for the checker:
// decoded from raw on first use, kinds and enums prepared, relaxations
// applied, required lists taken (after the relaxations, which make some
// fields optional). Safe for concurrent use.
func (e *tsElementDef) variants() ([]*tsVariant, error) {
	e.once.Do(func() {
		if e.raw != nil {
			e.Variants, e.err = decodeVariants(e.raw)
			if e.err != nil {
				e.err = fmt.Errorf("%s: %w", e.typ, e.err)
				return
			}
		}
		for _, v := range e.Variants {
			for _, f := range v.Fields {
				f.prepare()
			}
		}
		relaxElement(e.typ, e)
		for _, v := range e.Variants {
			for k, f := range v.Fields {
				if _, disc := v.When[k]; f.Required && !disc {
					v.required = append(v.required, k)
				}
				f.requiredLists()
			}
			sort.Strings(v.required)
		}
	})
	return e.Variants, e.err
}

// tsRef is one reference field and the element type it names.
type tsRef struct{ field, target string }

// tsSchema is the whole extracted definition.
type tsSchema struct {
	Package  string                   `json:"package"`
	Version  string                   `json:"version"`
	Elements map[string]*tsElementDef `json:"elements"`
	// idOwner maps an id field name to its element type.
	idOwner map[string]string
}

// TscircuitSchemaVersion names the circuit-json release the tscircuit
// rules were extracted from, like "circuit-json@0.0.542".
func TscircuitSchemaVersion() string {
	s, err := tscircuitSchema()
	if err != nil {
		return "unknown"
	}
	return s.Package + "@" + s.Version
}

var tscircuitSchema = sync.OnceValues(loadTscircuitSchema)

// loadTscircuitSchema reads the embedded definitions; each type's
// variants are decoded when first needed (tsElementDef.variants).
func loadTscircuitSchema() (*tsSchema, error) {
	s, err := scanTsSchema(tscircuitSchemaJSON)
	if err != nil {
		return nil, err
	}
	s.idOwner = map[string]string{}
	for typ, e := range s.Elements {
		if e.ID != "" {
			s.idOwner[e.ID] = typ
		}
		for field, target := range e.Refs {
			if tsNetlistRefs[typ+"."+field] || (field == "source_trace_id" && typ != "source_trace") {
				continue // relaxation R8
			}
			e.refs = append(e.refs, tsRef{field, target})
		}
		slices.SortFunc(e.refs, func(a, b tsRef) int { return strings.Compare(a.field, b.field) })
	}
	return s, nil
}

func (f *tsField) prepare() {
	for _, k := range f.Kinds {
		switch k {
		case "string":
			f.kinds |= 1 << kString
		case "number":
			f.kinds |= 1 << kNumber
		case "boolean":
			f.kinds |= 1 << kBool
		case "null":
			f.kinds |= 1 << kNull
		case "array":
			f.kinds |= 1 << kArray
		case "object":
			f.kinds |= 1 << kObject
		default:
			f.kinds = kindAny
		}
	}
	if len(f.Enum) > 0 {
		f.enum = make(map[enumValue]bool, len(f.Enum))
		for _, v := range f.Enum {
			f.enum[enumKey(v)] = true
		}
	}
	if f.Items != nil {
		f.Items.prepare()
	}
	for _, sub := range f.Fields {
		sub.prepare()
	}
}

// requiredLists fills required for f and the fields below it.
func (f *tsField) requiredLists() {
	f.required = f.required[:0]
	for k, sub := range f.Fields {
		if sub.Required {
			f.required = append(f.required, k)
		}
		sub.requiredLists()
	}
	sort.Strings(f.required)
	if f.Items != nil {
		f.Items.requiredLists()
	}
}

func enumKey(v any) enumValue {
	switch x := v.(type) {
	case string:
		return enumValue{kString, x}
	case float64:
		return enumValue{kNumber, strconv.FormatFloat(x, 'g', -1, 64)}
	case bool:
		return enumValue{kBool, strconv.FormatBool(x)}
	}
	return enumValue{kNull, "?"}
}

// enumHas reports whether n is one of f's allowed values.
func (f *tsField) enumHas(n *node) bool {
	switch n.kind {
	case kString, kBool:
		return f.enum[enumValue{n.kind, n.str}]
	case kNumber:
		x, _ := strconv.ParseFloat(n.str, 64)
		return f.enum[enumValue{kNumber, strconv.FormatFloat(x, 'g', -1, 64)}]
	}
	return false
}

// enumList shows the allowed values of a field for a message.
func (f *tsField) enumList() string {
	var vals []string
	for _, v := range f.Enum {
		b, _ := json.Marshal(v)
		vals = append(vals, string(b))
	}
	sort.Strings(vals)
	if len(vals) > 8 {
		return joinOr(append(vals[:8:8], "…"))
	}
	return joinOr(vals)
}
