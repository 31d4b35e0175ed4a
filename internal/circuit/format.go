package circuit

import (
	"path"
	"strings"
)

// Format is the kind of file a circuit was read from.
type Format int

const (
	// FormatUnknown is anything that is not JSON: callers fall back to a
	// line diff.
	FormatUnknown Format = iota
	// FormatJSON is JSON that is not a circuit: it gets a structural diff.
	FormatJSON
	// FormatNative is circuitvc's own *.circuit.json format.
	FormatNative
	// FormatWokwi is a Wokwi diagram.json.
	FormatWokwi
	// FormatTscircuit is tscircuit Circuit JSON, a flat array of typed
	// elements.
	FormatTscircuit
	// FormatKiCad is a KiCad schematic (.kicad_sch, KiCad 6 and later).
	FormatKiCad
	// FormatKiCadNetlist is KiCad's S-expression netlist export (.net).
	FormatKiCadNetlist
)

// String returns the format's short name: unknown, json, native, wokwi,
// tscircuit, kicad, kicad-netlist.
func (f Format) String() string {
	switch f {
	case FormatKiCad:
		return "kicad"
	case FormatKiCadNetlist:
		return "kicad-netlist"
	case FormatJSON:
		return "json"
	case FormatNative:
		return "native"
	case FormatWokwi:
		return "wokwi"
	case FormatTscircuit:
		return "tscircuit"
	default:
		return "unknown"
	}
}

// IsCircuit reports whether f is one of the circuit formats.
func (f Format) IsCircuit() bool {
	return f == FormatNative || f == FormatWokwi || f == FormatTscircuit || f.isKiCad()
}

// Detect decides a file's format from its content, using the name only as
// a hint. Valid JSON is classified by shape: an object with "components"
// or "nets" is native, one with "parts" or "connections" is Wokwi, an
// array of objects whose "type" is source_*, pcb_*, schematic_* or cad_*
// is tscircuit; when an object has both kinds of key, a name ending in
// .circuit.json or diagram.json decides. Other JSON is FormatJSON.
//
// A file that starts with (kicad_sch is a KiCad schematic, one that
// starts with (export a KiCad netlist.
//
// When the content is not valid JSON the name decides, so that Validate
// can report the syntax error against the format the user meant:
// *.circuit.json is FormatNative, diagram.json FormatWokwi, *.kicad_sch
// FormatKiCad, other *.json FormatJSON, and anything else FormatUnknown.
func Detect(name string, data []byte) Format { return detect(name, data, true) }

// detect is Detect; with whole false it trusts the sniffed beginning of
// a document and skips checking the rest, for callers that parse the
// whole document next anyway and report its syntax errors themselves.
func detect(name string, data []byte, whole bool) Format {
	if f := kicadFormat(name, data); f != FormatUnknown {
		return f
	}
	p := newParser(data)
	p.skipBOM()
	f, _ := sniff(p, name)
	if f == FormatUnknown {
		return hintFormat(name)
	}
	// sniff stops early for arrays; the rest must be valid too.
	if whole && p.pos < len(p.data) {
		if err := p.finishTop(); err != nil {
			return hintFormat(name)
		}
	}
	return f
}

// hintFormat guesses from the name alone.
func hintFormat(name string) Format {
	base := strings.ToLower(path.Base(strings.ReplaceAll(name, "\\", "/")))
	switch {
	case strings.HasSuffix(base, ".circuit.json"):
		return FormatNative
	case base == "diagram.json":
		return FormatWokwi
	case strings.HasSuffix(base, ".json"):
		return FormatJSON
	}
	return FormatUnknown
}

// sniff classifies the document at p. For objects it reads the whole
// document (validating it); for arrays it looks at the first element and
// leaves p inside the array, with p.inArray set. It returns FormatUnknown
// for malformed input.
func sniff(p *parser, name string) (Format, *syntaxError) {
	p.ws()
	if p.pos >= len(p.data) {
		return FormatUnknown, p.errf("empty file", "a JSON value")
	}
	switch p.data[p.pos] {
	case '{':
		return sniffObject(p, name)
	case '[':
		return sniffArray(p)
	}
	if err := p.skip(); err != nil {
		return FormatUnknown, err
	}
	if err := p.end(); err != nil {
		return FormatUnknown, err
	}
	return FormatJSON, nil
}

func sniffObject(p *parser, name string) (Format, *syntaxError) {
	var native, wokwi bool
	p.pos++
	p.depth++
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
	} else {
		for done := false; !done; {
			p.ws()
			if p.pos >= len(p.data) || p.data[p.pos] != '"' {
				return FormatUnknown, p.errf("unexpected %s in object", "a string key", p.describe())
			}
			key, err := p.key()
			if err != nil {
				return FormatUnknown, err
			}
			p.ws()
			if p.pos >= len(p.data) || p.data[p.pos] != ':' {
				return FormatUnknown, p.errf("unexpected %s after object key", "':'", p.describe())
			}
			p.pos++
			if err := p.skip(); err != nil {
				return FormatUnknown, err
			}
			switch key {
			case "components", "nets":
				native = true
			case "parts", "connections":
				wokwi = true
			}
			if done, err = p.afterMember(); err != nil {
				return FormatUnknown, err
			}
		}
	}
	p.depth--
	if err := p.end(); err != nil {
		return FormatUnknown, err
	}
	switch {
	case native && wokwi:
		if hintFormat(name) == FormatWokwi {
			return FormatWokwi, nil
		}
		return FormatNative, nil
	case native:
		return FormatNative, nil
	case wokwi:
		return FormatWokwi, nil
	}
	return FormatJSON, nil
}

// afterMember consumes ',' or '}' after an object member.
func (p *parser) afterMember() (done bool, err *syntaxError) {
	p.ws()
	if p.pos >= len(p.data) {
		return false, p.errf("unexpected end of file in object", "',' or '}'")
	}
	switch p.data[p.pos] {
	case ',':
		p.pos++
		return false, nil
	case '}':
		p.pos++
		return true, nil
	}
	return false, p.errf("unexpected %s in object", "',' or '}'", p.describe())
}

// sniffArray decides from the elements: the array is tscircuit when an
// object element among the first ones has a tscircuit type (the first
// may be broken: a missing type, a bare number). p is left at the array.
func sniffArray(p *parser) (Format, *syntaxError) {
	save := p.pos
	p.pos++
	p.ws()
	for k := 0; k < sniffElements && p.pos < len(p.data) && p.data[p.pos] != ']'; k++ {
		var el node
		if err := p.value(&el); err != nil {
			return FormatUnknown, err
		}
		if t := el.get("type"); t != nil && t.kind == kString && isTscircuitType(t.str) {
			p.pos = save
			return FormatTscircuit, nil
		}
		p.ws()
		if p.pos < len(p.data) && p.data[p.pos] == ',' {
			p.pos++
			p.ws()
		}
	}
	p.pos = save
	if err := p.skip(); err != nil {
		return FormatUnknown, err
	}
	if err := p.end(); err != nil {
		return FormatUnknown, err
	}
	return FormatJSON, nil
}

// sniffElements is how many elements sniffArray looks at.
const sniffElements = 8

func isTscircuitType(t string) bool {
	for _, prefix := range []string{"source_", "pcb_", "schematic_", "cad_", "simulation_"} {
		if strings.HasPrefix(t, prefix) {
			return true
		}
	}
	return false
}

// finishTop validates the rest of a document that sniff left at its start.
func (p *parser) finishTop() *syntaxError {
	if err := p.skip(); err != nil {
		return err
	}
	return p.end()
}
