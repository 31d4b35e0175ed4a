package circuit

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/circuitvc/circuitvc/third_party/jsonschema"
	schemakind "github.com/circuitvc/circuitvc/third_party/jsonschema/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// NativeSchema is the JSON Schema (draft 2020-12) of the native
// *.circuit.json format, as embedded in the binary.
//
//go:embed native.schema.json
var NativeSchema []byte

const nativeSchemaURL = "https://circuitvc.dev/schema/native.circuit.json"

// ValidateOptions adds user rules to Validate.
type ValidateOptions struct {
	// Schema is an optional JSON Schema (any draft jsonschema/v6 knows;
	// 2020-12 when it does not say) that the document must satisfy in
	// addition to the built-in rules. It applies to every JSON format.
	Schema []byte
	// SchemaName names the schema in errors about the schema itself;
	// default "schema".
	SchemaName string
	// Strict also reports notes: departures from the format's
	// definition that real files show too (fields it does not list).
	Strict bool
}

// nativeSchema is compiled once; a compiled schema is immutable.
var nativeSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	return compileSchema(nativeSchemaURL, NativeSchema)
})

func compileSchema(url string, src []byte) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

// Validate checks a file and returns every problem found, in file order;
// nil means valid. It reports malformed JSON; for native files, breaches
// of the embedded JSON Schema (NativeSchema); for every circuit format,
// duplicate references, net pins that name no component or a pin the
// component does not declare, pins on two nets, duplicate net names and,
// for Wokwi, connections to parts that do not exist; and breaches of
// opts.Schema. Text files (FormatUnknown by Detect) without a user schema
// have nothing to check. KiCad files get their own checks (see
// CheckSource); opts.Schema does not apply to them.
func Validate(name string, data []byte, opts ValidateOptions) []*Error {
	_, errs := Check(name, data, opts)
	return errs
}

// Check is Validate that also returns the circuit read from data, as
// Parse would (nil when data holds no readable circuit), so that a caller
// needing both reads the file once.
func Check(name string, data []byte, opts ValidateOptions) (*Circuit, []*Error) {
	if f := kicadFormat(name, data); f != FormatUnknown {
		return CheckSource(Source{Name: name, Data: data}, opts)
	}
	f := detect(name, data, false) // the decode below finds any syntax error
	var model *Circuit
	if f == FormatUnknown && opts.Schema == nil {
		return nil, nil
	}
	s := &errorSink{file: name, data: data, validate: true, strict: opts.Strict}
	var root *node
	if h := hintFormat(name); f == FormatJSON && (h == FormatWokwi || h == FormatNative) {
		// A diagram.json or *.circuit.json that is JSON of another
		// shape (a root array) is not the circuit its name promises.
		wrongShape(name, data, h, s)
	}
	if f.IsCircuit() {
		c, st, r := decodeRaw(name, data, s)
		root = r
		if c != nil {
			dedupComponents(st, s)
			checkNets(c, st, s)
			c.Name = name
			c.normalise()
			model = c
		}
	}
	// Only schemas need the whole document as a tree; tscircuit files are
	// otherwise read without building one.
	needTree := f == FormatNative || opts.Schema != nil || !f.IsCircuit()
	if root == nil && needTree && !hasSyntaxError(s) {
		r, se := parseJSON(data)
		if se != nil {
			s.errs = s.errs[:0]
			s.syntax(se)
		} else {
			root = &r
		}
	}
	if root != nil && f == FormatNative {
		sch, err := nativeSchema()
		if err != nil {
			// The embedded schema is tested; this is a build defect.
			s.problem(-1, "", "", "internal: native schema: %v", err)
		} else if n := len(s.errs); schemaErrors(sch, root, s) && n > 0 {
			dropFatals(s)
		}
	}
	if root != nil && opts.Schema != nil {
		userSchema(opts, root, s)
	}
	out := s.errs
	sort.SliceStable(out, func(i, j int) bool { return out[i].Offset < out[j].Offset })
	return model, dedupErrors(out)
}

// wrongShape reports a file named as a circuit whose JSON is not shaped
// like one.
func wrongShape(name string, data []byte, want Format, s *errorSink) {
	r, se := parseJSON(data)
	if se != nil {
		return // reported as a syntax error below
	}
	what := map[Format]string{FormatWokwi: "an object with \"parts\" and \"connections\"",
		FormatNative: "an object with \"components\" and \"nets\""}[want]
	s.problem(r.off, "$", what, "%s is named like a %s circuit but holds a JSON %s", baseName(name), want, r.kind)
}

func baseName(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' || name[i] == '\\' {
			return name[i+1:]
		}
	}
	return name
}

func hasSyntaxError(s *errorSink) bool {
	for _, e := range s.errs {
		if e.Err == ErrSyntax {
			return true
		}
	}
	return false
}

// dropFatals removes the adapter's structural errors when the schema has
// already reported the same problems in its own words.
func dropFatals(s *errorSink) {
	fatal := make(map[*Error]bool, len(s.fatals))
	for _, e := range s.fatals {
		fatal[e] = true
	}
	out := s.errs[:0]
	for _, e := range s.errs {
		if !fatal[e] || e.Err == ErrSyntax {
			out = append(out, e)
		}
	}
	s.errs = out
}

func dedupErrors(errs []*Error) []*Error {
	if len(errs) == 0 {
		return nil
	}
	out := errs[:1]
	for _, e := range errs[1:] {
		last := out[len(out)-1]
		if e.Offset == last.Offset && e.Msg == last.Msg && e.Path == last.Path {
			continue
		}
		out = append(out, e)
	}
	return out
}

func userSchema(opts ValidateOptions, root *node, s *errorSink) {
	name := opts.SchemaName
	if name == "" {
		name = "schema"
	}
	sch, err := compileSchema("file:///user-schema.json", opts.Schema)
	if err != nil {
		s.errs = append(s.errs, &Error{File: name, Msg: "unusable schema: " + err.Error(),
			Expected: "a valid JSON Schema", Offset: -1, Err: ErrInvalid})
		return
	}
	schemaErrors(sch, root, s)
}

// schemaErrors validates root against sch and reports each leaf failure
// at its value. It returns whether there were any.
func schemaErrors(sch *jsonschema.Schema, root *node, s *errorSink) bool {
	err := sch.Validate(toAny(root))
	if err == nil {
		return false
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		s.problem(root.off, "$", "", "schema: %v", err)
		return true
	}
	p := message.NewPrinter(language.English)
	for _, leaf := range leaves(ve, nil) {
		reportSchemaLeaf(leaf, root, s, p)
	}
	return true
}

// leaves collects the most specific failures: those without causes.
func leaves(ve *jsonschema.ValidationError, out []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return append(out, ve)
	}
	for _, c := range ve.Causes {
		out = leaves(c, out)
	}
	return out
}

func reportSchemaLeaf(ve *jsonschema.ValidationError, root *node, s *errorSink, p *message.Printer) {
	n, _ := nodeAt(root, ve.InstanceLocation)
	path := pathFromTokens(ve.InstanceLocation, root)
	switch k := ve.ErrorKind.(type) {
	case *schemakind.Type:
		s.problem(n.off, path, strings.Join(k.Want, " or "), "got %s", k.Got)
	case *schemakind.Required:
		for _, m := range k.Missing {
			s.problem(n.off, path, fmt.Sprintf("property %q", m), "missing property %q", m)
		}
	case *schemakind.AdditionalProperties:
		for _, prop := range k.Properties {
			off := n.off
			if m := n.member(prop); m != nil {
				off = m.koff
			}
			s.problem(off, pathKey(path, prop), "only the properties the schema defines", "unknown property %q", prop)
		}
	case *schemakind.Pattern:
		s.problem(n.off, path, "a string matching "+k.Want, "%q does not match the pattern", k.Got)
	case *schemakind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			b, _ := json.Marshal(w)
			want[i] = string(b)
		}
		s.problem(n.off, path, "one of "+strings.Join(want, ", "), "value not allowed")
	case *schemakind.Const:
		b, _ := json.Marshal(k.Want)
		s.problem(n.off, path, string(b), "value not allowed")
	case *schemakind.MinLength:
		s.problem(n.off, path, fmt.Sprintf("at least %d characters", k.Want), "too short")
	case *schemakind.MinItems:
		s.problem(n.off, path, fmt.Sprintf("at least %d items", k.Want), "too few items")
	case *schemakind.MaxItems:
		s.problem(n.off, path, fmt.Sprintf("at most %d items", k.Want), "too many items")
	case *schemakind.FalseSchema:
		s.problem(n.off, path, "no value here", "value not allowed")
	default:
		s.problem(n.off, path, "", "%s", ve.ErrorKind.LocalizedString(p))
	}
}

// toAny converts a node tree to the values jsonschema expects.
func toAny(n *node) any {
	switch n.kind {
	case kNull:
		return nil
	case kBool:
		return n.str == "true"
	case kNumber:
		return json.Number(n.str)
	case kString:
		return n.str
	case kArray:
		out := make([]any, len(n.arr))
		for i := range n.arr {
			out[i] = toAny(&n.arr[i])
		}
		return out
	default:
		out := make(map[string]any, len(n.obj))
		for i := range n.obj {
			out[n.obj[i].key] = toAny(&n.obj[i].val)
		}
		return out
	}
}
