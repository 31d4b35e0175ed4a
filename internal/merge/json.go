package merge

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
)

// ErrNotJSON is returned for input that is not one well-formed JSON
// document: such files need a line merge instead.
var ErrNotJSON = errors.New("merge: not a JSON document")

// kind is the JSON type of a node.
type kind uint8

const (
	kNull kind = iota
	kBool
	kNumber
	kString
	kArray
	kObject
)

// node is one JSON value of a document, known by its byte span. Children
// are found on demand (expand): a merge looks inside only the values
// that differ between the sides, so most of a big file is never split
// into nodes.
type node struct {
	kind       kind
	start, end int // the value's bytes: data[start:end]
	expanded   bool
	items      []node   // array elements, once expanded
	members    []member // object members, once expanded
	// ids caches the identities of a set's items (keys).
	ids []string
	// plan is what the merge does to this node of ours (nil: keep it);
	// touched marks a node with a plan at or below it.
	plan    *plan
	touched bool
}

// member is one key of an object.
type member struct {
	key              string // decoded
	keyStart, keyEnd int    // the key's bytes, quotes included
	val              node
}

// doc is a parsed JSON document with the layout facts that new text
// written into it must follow.
type doc struct {
	data []byte
	root node
	// indent is one level of indentation ("  ", "\t"), "" when the
	// document is on one line.
	indent string
	// newline is "\r\n" when the document's first line ends so, else "\n".
	newline string
	// scratch space of expand, and its interned keys
	items   []node
	members []member
	keys    map[string]string
}

// parseDoc checks that data is one JSON document and reads its top
// level. Deeper levels are read when first needed.
func parseDoc(data []byte) (*doc, error) {
	pos := 0
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		pos = 3 // a byte order mark, as some Windows editors write
	}
	var top []topSpan
	v := validator{data: data, pos: pos, top: &top}
	if !v.document() {
		return nil, ErrNotJSON
	}
	d := &doc{data: data, newline: "\n"}
	pos = skipWS(data, pos)
	d.root = node{kind: kindOf(data[pos]), start: pos, end: skipBack(data), expanded: true}
	switch d.root.kind {
	case kArray:
		d.root.items = make([]node, len(top))
		for i, sp := range top {
			d.root.items[i] = node{kind: kindOf(data[sp.start]), start: sp.start, end: sp.end}
		}
	case kObject:
		d.root.members = make([]member, len(top))
		for i, sp := range top {
			d.root.members[i] = member{key: d.key(data[sp.keyStart:sp.keyEnd]), keyStart: sp.keyStart, keyEnd: sp.keyEnd,
				val: node{kind: kindOf(data[sp.start]), start: sp.start, end: sp.end}}
		}
	}
	d.indent = detectIndent(data)
	if i := bytes.IndexByte(data, '\n'); i > 0 && data[i-1] == '\r' {
		d.newline = "\r\n"
	}
	return d, nil
}

// value reads the value starting at pos (not expanded).
func (d *doc) value(pos int) node {
	return node{kind: kindOf(d.data[pos]), start: pos, end: skipValue(d.data, pos)}
}

// kindOf is the kind of the value whose first byte is c.
func kindOf(c byte) kind {
	switch c {
	case '{':
		return kObject
	case '[':
		return kArray
	case '"':
		return kString
	case 't', 'f':
		return kBool
	case 'n':
		return kNull
	}
	return kNumber
}

// skipBack returns the end of a valid document's value: its length
// without the whitespace after it.
func skipBack(data []byte) int {
	end := len(data)
	for end > 0 {
		switch data[end-1] {
		case ' ', '\t', '\n', '\r':
			end--
		default:
			return end
		}
	}
	return end
}

// expand reads n's children, once.
func (d *doc) expand(n *node) {
	if n.expanded {
		return
	}
	n.expanded = true
	data := d.data
	pos := skipWS(data, n.start+1)
	// Children gather in the document's scratch lists and are copied
	// out at their exact size: one allocation per container.
	switch n.kind {
	case kArray:
		items := d.items[:0]
		for data[pos] != ']' {
			items = append(items, d.value(pos))
			pos = skipWS(data, items[len(items)-1].end)
			if data[pos] == ',' {
				pos = skipWS(data, pos+1)
			}
		}
		n.items, d.items = append([]node(nil), items...), items
	case kObject:
		members := d.members[:0]
		for data[pos] != '}' {
			ks := pos
			ke := skipString(data, pos)
			vs := skipWS(data, skipWS(data, ke)+1) // past ':'
			members = append(members, member{key: d.key(data[ks:ke]), keyStart: ks, keyEnd: ke, val: d.value(vs)})
			pos = skipWS(data, members[len(members)-1].val.end)
			if data[pos] == ',' {
				pos = skipWS(data, pos+1)
			}
		}
		n.members, d.members = append([]member(nil), members...), members
	}
}

// key decodes an object key, interned: files repeat a few dozen keys
// thousands of times.
func (d *doc) key(raw []byte) string {
	if k, ok := d.keys[string(raw)]; ok {
		return k
	}
	if d.keys == nil {
		d.keys = map[string]string{}
	}
	k := decodeString(raw)
	d.keys[string(raw)] = k
	return k
}

// scalar returns the text of member key of object n when it is a string
// or number, reading n no further than that member when n is not yet
// expanded: identities are read from every element of a set, while most
// elements are never looked into.
func (d *doc) scalar(n *node, key string) (string, bool) {
	if n.kind != kObject {
		return "", false
	}
	if n.expanded {
		v := d.get(n, key)
		if v == nil || (v.kind != kString && v.kind != kNumber) {
			return "", false
		}
		return d.text(v), true
	}
	data := d.data
	pos := skipWS(data, n.start+1)
	for data[pos] != '}' {
		ke := skipString(data, pos)
		vs := skipWS(data, skipWS(data, ke)+1)
		ve := skipValue(data, vs)
		if ke-pos == len(key)+2 && string(data[pos+1:ke-1]) == key {
			switch data[vs] {
			case '"':
				return decodeString(data[vs:ve]), true
			case '{', '[', 't', 'f', 'n':
				return "", false
			}
			return string(data[vs:ve]), true
		}
		pos = skipWS(data, ve)
		if data[pos] == ',' {
			pos = skipWS(data, pos+1)
		}
	}
	return "", false
}

// raw is the bytes of n.
func (d *doc) raw(n *node) []byte { return d.data[n.start:n.end] }

// get returns the member of object n called key, or nil.
func (d *doc) get(n *node, key string) *node {
	if n == nil || n.kind != kObject {
		return nil
	}
	d.expand(n)
	for i := range n.members {
		if n.members[i].key == key {
			return &n.members[i].val
		}
	}
	return nil
}

// str returns the string value of n, or "" when n is not a string.
func (d *doc) str(n *node) string {
	if n == nil || n.kind != kString {
		return ""
	}
	return decodeString(d.raw(n))
}

// text is n as a short human-readable value: strings without quotes,
// everything else as compact JSON.
func (d *doc) text(n *node) string {
	if n.kind == kString {
		return d.str(n)
	}
	return string(compact(d.raw(n)))
}

func skipWS(data []byte, pos int) int {
	for pos < len(data) {
		switch data[pos] {
		case ' ', '\t', '\n', '\r':
			pos++
		default:
			return pos
		}
	}
	return pos
}

// skipString returns the end of the string starting at pos (its quote).
func skipString(data []byte, pos int) int {
	for i := pos + 1; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(data)
}

// skipValue returns the end of the (valid) value starting at pos.
func skipValue(data []byte, pos int) int {
	switch data[pos] {
	case '"':
		return skipString(data, pos)
	case '{', '[':
		depth := 0
		for i := pos; i < len(data); i++ {
			switch data[i] {
			case '"':
				i = skipString(data, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(data)
	}
	i := pos
	for i < len(data) {
		switch data[i] {
		case ',', ']', '}', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// decodeString decodes a JSON string literal (valid, quotes included).
func decodeString(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1])
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return string(raw[1 : len(raw)-1])
	}
	return s
}

// compact removes the whitespace outside strings.
func compact(raw []byte) []byte {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; c {
		case ' ', '\t', '\n', '\r':
		case '"':
			e := skipString(raw, i)
			out = append(out, raw[i:e]...)
			i = e - 1
		default:
			out = append(out, c)
		}
	}
	return out
}

// detectIndent finds one level of indentation: the leading whitespace of
// the first indented line.
func detectIndent(data []byte) string {
	for i := 0; i < len(data); i++ {
		if data[i] != '\n' {
			continue
		}
		j := i + 1
		for j < len(data) && (data[j] == ' ' || data[j] == '\t') {
			j++
		}
		if j > i+1 && j < len(data) && data[j] != '\n' && data[j] != '\r' {
			return string(data[i+1 : j])
		}
	}
	return ""
}

// lineIndent is the leading whitespace of the line holding offset pos.
func lineIndent(data []byte, pos int) string {
	start := bytes.LastIndexByte(data[:pos], '\n') + 1
	end := start
	for end < pos && (data[end] == ' ' || data[end] == '\t') {
		end++
	}
	return string(data[start:end])
}

// equalScalars compares two scalars of the same kind by meaning: strings
// by their decoded text, numbers by value (1.0 is 1).
func equalScalars(k kind, a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	switch k {
	case kString:
		return decodeString(a) == decodeString(b)
	case kNumber:
		x, err1 := strconv.ParseFloat(string(a), 64)
		y, err2 := strconv.ParseFloat(string(b), 64)
		return err1 == nil && err2 == nil && x == y
	}
	return false
}
