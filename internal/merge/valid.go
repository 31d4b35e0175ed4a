package merge

// validJSON reports whether data is exactly one JSON value (RFC 8259),
// with whitespace around it. It allocates nothing.
func validJSON(data []byte) bool {
	v := validator{data: data}
	return v.document()
}

func (v *validator) document() bool {
	v.ws()
	if !v.value(0) {
		return false
	}
	v.ws()
	return v.pos == len(v.data)
}

// topSpan is where a child of the root is: its key (for a member) and its
// value.
type topSpan struct{ keyStart, keyEnd, start, end int }

// maxDepth bounds nesting, so that hostile input cannot exhaust the stack.
const maxDepth = 10000

type validator struct {
	data []byte
	pos  int
	// top, when not nil, collects the spans of the root's children, so
	// that reading the root needs no second pass over the document.
	top *[]topSpan
}

func (v *validator) ws() { v.pos = skipWS(v.data, v.pos) }

func (v *validator) peek() byte {
	if v.pos < len(v.data) {
		return v.data[v.pos]
	}
	return 0
}

func (v *validator) value(depth int) bool {
	if depth > maxDepth {
		return false
	}
	switch c := v.peek(); {
	case c == '{':
		return v.container(depth, '}', true)
	case c == '[':
		return v.container(depth, ']', false)
	case c == '"':
		return v.string()
	case c == 't':
		return v.literal("true")
	case c == 'f':
		return v.literal("false")
	case c == 'n':
		return v.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return v.number()
	}
	return false
}

func (v *validator) container(depth int, close byte, object bool) bool {
	v.pos++
	v.ws()
	if v.peek() == close {
		v.pos++
		return true
	}
	for {
		var sp topSpan
		if object {
			sp.keyStart = v.pos
			if v.peek() != '"' || !v.string() {
				return false
			}
			sp.keyEnd = v.pos
			v.ws()
			if v.peek() != ':' {
				return false
			}
			v.pos++
			v.ws()
		}
		sp.start = v.pos
		if !v.value(depth + 1) {
			return false
		}
		if depth == 0 && v.top != nil {
			sp.end = v.pos
			*v.top = append(*v.top, sp)
		}
		v.ws()
		switch v.peek() {
		case ',':
			v.pos++
			v.ws()
		case close:
			v.pos++
			return true
		default:
			return false
		}
	}
}

func (v *validator) string() bool {
	data := v.data
	for i := v.pos + 1; i < len(data); i++ {
		switch c := data[i]; {
		case c == '"':
			v.pos = i + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			i++
			if i >= len(data) {
				return false
			}
			switch data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(data) {
					return false
				}
				for _, h := range data[i+1 : i+5] {
					if !isHex(h) {
						return false
					}
				}
				i += 4
			default:
				return false
			}
		}
	}
	return false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func (v *validator) literal(word string) bool {
	if len(v.data)-v.pos < len(word) || string(v.data[v.pos:v.pos+len(word)]) != word {
		return false
	}
	v.pos += len(word)
	return true
}

func (v *validator) number() bool {
	digits := func() int {
		n := 0
		for v.pos < len(v.data) && v.data[v.pos] >= '0' && v.data[v.pos] <= '9' {
			v.pos++
			n++
		}
		return n
	}
	if v.peek() == '-' {
		v.pos++
	}
	switch {
	case v.peek() == '0':
		v.pos++
	case digits() == 0:
		return false
	}
	if v.peek() == '.' {
		v.pos++
		if digits() == 0 {
			return false
		}
	}
	if c := v.peek(); c == 'e' || c == 'E' {
		v.pos++
		if c := v.peek(); c == '+' || c == '-' {
			v.pos++
		}
		if digits() == 0 {
			return false
		}
	}
	return true
}
