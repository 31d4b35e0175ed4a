package circuit

import (
	"errors"
	"fmt"
	"strconv"
)

// The embedded definitions are decoded with the package's own parser
// rather than encoding/json: reflection over 260 KB of nested maps cost
// about 7 ms and 35,000 allocations in every process that reads a
// tscircuit file, more than validating a 1.4 MB board. The decoder is
// strict (an unknown key or a wrong JSON type is an error), and a test
// checks it against encoding/json.

// decodeTsSchema decodes the extracted definitions.
func decodeTsSchema(data []byte) (*tsSchema, error) {
	root, se := parseJSON(data)
	if se != nil {
		return nil, fmt.Errorf("tscircuit definitions: %w", se)
	}
	s := &tsSchema{}
	err := eachMember(&root, "$", func(k string, v *node) error {
		var err error
		switch k {
		case "package":
			s.Package, err = schemaString(v, "")
		case "version":
			s.Version, err = schemaString(v, "")
		case "elements":
			s.Elements = map[string]*tsElementDef{}
			err = eachMember(v, "", func(typ string, v *node) error {
				e, err := decodeTsElement(v, "")
				s.Elements[typ] = e
				return err
			})
		default:
			err = errors.New("unknown key")
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("tscircuit definitions: %w", err)
	}
	return s, nil
}

func decodeTsElement(n *node, path string) (*tsElementDef, error) {
	if n.kind == kNull {
		return nil, nil
	}
	e := &tsElementDef{}
	return e, eachMember(n, path, func(k string, v *node) error {
		var err error
		switch k {
		case "id":
			e.ID, err = schemaString(v, "")
		case "refs":
			e.Refs, err = stringMap(v, "")
		case "variants":
			if v.kind == kNull {
				return nil
			}
			if v.kind != kArray {
				return errors.New("not an array")
			}
			for i := range v.arr {
				x, err := decodeTsVariant(&v.arr[i], pathIdx("", i))
				if err != nil {
					return err
				}
				e.Variants = append(e.Variants, x)
			}
		default:
			err = errors.New("unknown key")
		}
		return err
	})
}

func decodeTsVariant(n *node, path string) (*tsVariant, error) {
	if n.kind == kNull {
		return nil, nil
	}
	x := &tsVariant{}
	return x, eachMember(n, path, func(k string, v *node) error {
		var err error
		switch k {
		case "when":
			x.When, err = stringMap(v, "")
		case "fields":
			x.Fields, err = fieldMap(v, "")
		case "strict":
			x.Strict, err = schemaBool(v, "")
		default:
			err = errors.New("unknown key")
		}
		return err
	})
}

func decodeTsField(n *node, path string) (*tsField, error) {
	if n.kind == kNull {
		return nil, nil
	}
	f := &tsField{}
	return f, eachMember(n, path, func(k string, v *node) error {
		var err error
		switch k {
		case "kinds":
			if v.kind == kNull {
				return nil
			}
			if v.kind != kArray {
				return errors.New("not an array")
			}
			for i := range v.arr {
				s, err := schemaString(&v.arr[i], pathIdx("", i))
				if err != nil {
					return err
				}
				f.Kinds = append(f.Kinds, s)
			}
		case "required":
			f.Required, err = schemaBool(v, "")
		case "strict":
			f.Strict, err = schemaBool(v, "")
		case "unit":
			f.Unit, err = schemaString(v, "")
		case "items":
			f.Items, err = decodeTsField(v, "")
		case "fields":
			f.Fields, err = fieldMap(v, "")
		case "enum":
			if v.kind == kNull {
				return nil
			}
			if v.kind != kArray {
				return errors.New("not an array")
			}
			for i := range v.arr {
				x, err := anyValue(&v.arr[i], pathIdx("", i))
				if err != nil {
					return err
				}
				f.Enum = append(f.Enum, x)
			}
		default:
			err = errors.New("unknown key")
		}
		return err
	})
}

// eachMember calls fn for each member of an object (nothing for null,
// as encoding/json leaves a null field at its zero value).
func eachMember(n *node, path string, fn func(k string, v *node) error) error {
	if n.kind == kNull {
		return nil
	}
	if n.kind != kObject {
		return fmt.Errorf("%s: %s, not an object", path, n.kind)
	}
	for i := range n.obj {
		m := &n.obj[i]
		if err := fn(m.key, &m.val); err != nil {
			// The path is spelled out, key by key, only for an error.
			return fmt.Errorf("%s: %w", strconv.Quote(m.key), err)
		}
	}
	return nil
}

func fieldMap(n *node, path string) (map[string]*tsField, error) {
	if n.kind == kNull {
		return nil, nil
	}
	out := make(map[string]*tsField, len(n.obj))
	return out, eachMember(n, path, func(k string, v *node) error {
		f, err := decodeTsField(v, "")
		out[k] = f
		return err
	})
}

func stringMap(n *node, path string) (map[string]string, error) {
	if n.kind == kNull {
		return nil, nil
	}
	out := make(map[string]string, len(n.obj))
	return out, eachMember(n, path, func(k string, v *node) error {
		s, err := schemaString(v, "")
		out[k] = s
		return err
	})
}

func schemaString(n *node, path string) (string, error) {
	switch n.kind {
	case kString:
		return n.str, nil
	case kNull:
		return "", nil
	}
	return "", fmt.Errorf("%s: %s, not a string", path, n.kind)
}

func schemaBool(n *node, path string) (bool, error) {
	switch n.kind {
	case kBool:
		return n.str == "true", nil
	case kNull:
		return false, nil
	}
	return false, fmt.Errorf("%s: %s, not a boolean", path, n.kind)
}

// anyValue is a scalar as encoding/json decodes it into an any.
func anyValue(n *node, path string) (any, error) {
	switch n.kind {
	case kString:
		return n.str, nil
	case kBool:
		return n.str == "true", nil
	case kNumber:
		f, err := strconv.ParseFloat(n.str, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return f, nil
	case kNull:
		return nil, nil
	}
	return nil, fmt.Errorf("%s: %s in an enum", path, n.kind)
}

// scanTsSchema reads the definitions' top level and each element
// type's id and refs, and keeps each type's variants undecoded (see
// tsElementDef.variants): a board uses a few dozen of the 190 types, and
// skipping the others' variants is several times cheaper than decoding
// them.
func scanTsSchema(data []byte) (*tsSchema, error) {
	p := newParser(data)
	s := &tsSchema{}
	err := p.eachKey(func(k string) error {
		switch k {
		case "package", "version":
			v, se := p.val()
			if se != nil {
				return se
			}
			str, serr := schemaString(&v, "")
			if k == "package" {
				s.Package = str
			} else {
				s.Version = str
			}
			return serr
		case "elements":
			s.Elements = map[string]*tsElementDef{}
			return p.eachKey(func(typ string) error {
				e := &tsElementDef{typ: typ}
				s.Elements[typ] = e
				return p.eachKey(func(k string) error {
					switch k {
					case "id", "refs":
						v, se := p.val()
						if se != nil {
							return se
						}
						var err error
						if k == "id" {
							e.ID, err = schemaString(&v, "")
						} else {
							e.Refs, err = stringMap(&v, "")
						}
						return err
					case "variants":
						p.ws()
						start := p.pos
						if err := p.skip(); err != nil {
							return err
						}
						e.raw = data[start:p.pos]
						return nil
					}
					return errors.New("unknown key")
				})
			})
		}
		return errors.New("unknown key")
	})
	if se := p.end(); err == nil && se != nil {
		err = se
	}
	if err != nil {
		return nil, fmt.Errorf("tscircuit definitions: %w", err)
	}
	return s, nil
}

// eachKey reads an object, calling fn after each key's ':' to read the
// value. Errors from fn name the key.
func (p *parser) eachKey(fn func(key string) error) error {
	p.ws()
	if p.pos >= len(p.data) || p.data[p.pos] != '{' {
		return p.errf("unexpected %s", "an object", p.describe())
	}
	p.pos++
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return nil
	}
	for {
		p.ws()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return p.errf("unexpected %s in object", "a string key", p.describe())
		}
		key, se := p.key()
		if se != nil {
			return se
		}
		if se := p.colon(); se != nil {
			return se
		}
		if err := fn(key); err != nil {
			return fmt.Errorf("%s: %w", strconv.Quote(key), err)
		}
		if done, se := p.objectNext(); se != nil {
			return se
		} else if done {
			return nil
		}
	}
}

// decodeVariants decodes a type's variants as scanTsSchema kept them.
func decodeVariants(raw []byte) ([]*tsVariant, error) {
	n, se := parseJSON(raw)
	if se != nil {
		return nil, se
	}
	switch n.kind {
	case kNull:
		return nil, nil
	case kArray:
	default:
		return nil, fmt.Errorf("variants: %s, not an array", n.kind)
	}
	var out []*tsVariant
	for i := range n.arr {
		v, err := decodeTsVariant(&n.arr[i], "")
		if err != nil {
			return nil, fmt.Errorf("variants[%d]: %w", i, err)
		}
		out = append(out, v)
	}
	return out, nil
}
