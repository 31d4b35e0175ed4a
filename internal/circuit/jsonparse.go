package circuit

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

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

func (k kind) String() string {
	switch k {
	case kNull:
		return "null"
	case kBool:
		return "boolean"
	case kNumber:
		return "number"
	case kString:
		return "string"
	case kArray:
		return "array"
	default:
		return "object"
	}
}

// node is one decoded JSON value that remembers where it started in the
// source bytes, so that every later error can point at a line and column.
// encoding/json forgets offsets once it has decoded, which is why circuit
// carries its own small parser.
type node struct {
	kind kind
	off  int    // byte offset of the value's first byte
	str  string // string value, number text, or "true"/"false"
	arr  []node
	obj  []member
}

// member is one key of an object, with the offset of the key's quote.
type member struct {
	key  string
	koff int
	val  node
}

// get returns the value of key in an object node, or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != kObject {
		return nil
	}
	for i := range n.obj {
		if n.obj[i].key == key {
			return &n.obj[i].val
		}
	}
	return nil
}

// member returns the member named key, or nil.
func (n *node) member(key string) *member {
	if n == nil || n.kind != kObject {
		return nil
	}
	for i := range n.obj {
		if n.obj[i].key == key {
			return &n.obj[i]
		}
	}
	return nil
}

// text returns a scalar's text: the string, the number as written, true,
// false or null. Containers return their compact JSON.
func (n *node) text() string {
	switch n.kind {
	case kString, kNumber, kBool:
		return n.str
	case kNull:
		return "null"
	}
	return string(appendCompact(nil, n))
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 1000

// parser is a strict RFC 8259 parser that records offsets.
type parser struct {
	data  []byte
	pos   int
	depth int
	// keys interns object keys: real files repeat a few dozen keys
	// thousands of times, and one string per key saves most allocations.
	keys map[string]string
	// mstack and nstack hold the members and elements of the containers
	// being parsed; each container copies its own out at the end, so
	// every slice in the tree is allocated once at its exact size.
	mstack []member
	nstack []node
	// marena and narena are the chunks finished containers take their
	// slices from: one allocation per chunk instead of one per object
	// or array (a 1.4 MB tscircuit file has some 50,000), which is most
	// of the parse's allocation count and garbage-collector work.
	marena []member
	narena []node
	// src, when set, is data as one string: values are then substrings
	// of it rather than one allocation each. Only a reader that decodes
	// the whole document sets it (every value it keeps holds src alive).
	src string
}

// sub returns data[i:j] as a string.
func (p *parser) sub(i, j int) string {
	if len(p.src) == len(p.data) && p.src != "" {
		return p.src[i:j]
	}
	return string(p.data[i:j])
}

// arenaMax bounds a chunk; containers larger than a quarter of it get
// their own slice. Chunks start small and double, so that a small
// document does not pay for a large chunk.
const arenaMax = 1024

// members returns a copy of ms carved from the member arena. The slice
// is capped at its length, so an append by a user reallocates rather
// than overwriting a neighbour.
func (p *parser) members(ms []member) []member {
	k := len(ms)
	if k > arenaMax/4 {
		return append([]member(nil), ms...)
	}
	if cap(p.marena)-len(p.marena) < k {
		p.marena = make([]member, 0, nextChunk(cap(p.marena), k))
	}
	i := len(p.marena)
	p.marena = append(p.marena, ms...)
	return p.marena[i : i+k : i+k]
}

// nodes is members for array elements.
func (p *parser) nodes(ns []node) []node {
	k := len(ns)
	if k > arenaMax/4 {
		return append([]node(nil), ns...)
	}
	if cap(p.narena)-len(p.narena) < k {
		p.narena = make([]node, 0, nextChunk(cap(p.narena), k))
	}
	i := len(p.narena)
	p.narena = append(p.narena, ns...)
	return p.narena[i : i+k : i+k]
}

// arenaMark is a position in the arenas (see mark).
type arenaMark struct {
	m, n   int
	mchunk *member
	nchunk *node
}

// mark records the arenas' position so that release can hand back what
// was carved after it.
func (p *parser) mark() arenaMark {
	return arenaMark{m: len(p.marena), n: len(p.narena), mchunk: chunkID(p.marena), nchunk: chunkIDNode(p.narena)}
}

// release hands back the slices carved since m; nothing may still
// point into them. A chunk started since m holds only such slices and
// is reused from its start.
func (p *parser) release(m arenaMark) {
	if chunkID(p.marena) == m.mchunk {
		clear(p.marena[m.m:])
		p.marena = p.marena[:m.m]
	} else {
		clear(p.marena)
		p.marena = p.marena[:0]
	}
	if chunkIDNode(p.narena) == m.nchunk {
		clear(p.narena[m.n:])
		p.narena = p.narena[:m.n]
	} else {
		clear(p.narena)
		p.narena = p.narena[:0]
	}
}

// chunkID identifies a chunk by its first slot.
func chunkID(a []member) *member {
	if cap(a) == 0 {
		return nil
	}
	return &a[:1][0]
}

func chunkIDNode(a []node) *node {
	if cap(a) == 0 {
		return nil
	}
	return &a[:1][0]
}

// nextChunk is the capacity of the chunk after one of capacity prev,
// holding at least k.
func nextChunk(prev, k int) int {
	c := min(max(2*prev, 16), arenaMax)
	return max(c, k)
}

// syntaxError is a parse failure at a byte offset.
type syntaxError struct {
	off      int
	msg      string
	expected string
}

func (e *syntaxError) Error() string { return e.msg }

func newParser(data []byte) *parser {
	return &parser{data: data, keys: make(map[string]string, 64)}
}

// parseJSON decodes one complete JSON document.
func parseJSON(data []byte) (node, *syntaxError) {
	p := newParser(data)
	p.skipBOM()
	var n node
	if err := p.value(&n); err != nil {
		return node{}, err
	}
	if err := p.end(); err != nil {
		return node{}, err
	}
	return n, nil
}

// skipBOM skips a UTF-8 byte order mark, which some Windows editors write.
func (p *parser) skipBOM() {
	if len(p.data) >= 3 && p.data[0] == 0xEF && p.data[1] == 0xBB && p.data[2] == 0xBF {
		p.pos = 3
	}
}

// end checks that only whitespace follows the document.
func (p *parser) end() *syntaxError {
	p.ws()
	if p.pos < len(p.data) {
		return p.errf("unexpected %s after the JSON value", "end of file", p.describe())
	}
	return nil
}

func (p *parser) ws() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// describe names the byte at pos for an error message.
func (p *parser) describe() string {
	if p.pos >= len(p.data) {
		return "end of file"
	}
	c := p.data[p.pos]
	if c < 0x20 || c >= 0x7f {
		r, _ := utf8.DecodeRune(p.data[p.pos:])
		return strconv.QuoteRune(r)
	}
	return strconv.QuoteRune(rune(c))
}

func (p *parser) errf(format, expected string, args ...any) *syntaxError {
	return &syntaxError{off: p.pos, msg: sprintf(format, args...), expected: expected}
}

// value parses any JSON value into n.
func (p *parser) value(n *node) *syntaxError {
	v, err := p.val()
	*n = v
	return err
}

// val parses any JSON value. It returns the node by value: passing a
// pointer into the recursion would make every member escape to the heap.
func (p *parser) val() (node, *syntaxError) {
	p.ws()
	if p.pos >= len(p.data) {
		return node{}, p.errf("unexpected end of file", "a JSON value")
	}
	n := node{off: p.pos}
	switch c := p.data[p.pos]; c {
	case '{':
		return p.object(n)
	case '[':
		return p.array(n)
	case '"':
		n.kind = kString
		s, err := p.string()
		n.str = s
		return n, err
	case 't':
		n.kind, n.str = kBool, "true"
		return n, p.literal("true")
	case 'f':
		n.kind, n.str = kBool, "false"
		return n, p.literal("false")
	case 'n':
		n.kind = kNull
		return n, p.literal("null")
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			n.kind = kNumber
			start := p.pos
			if err := p.number(); err != nil {
				return n, err
			}
			n.str = p.sub(start, p.pos)
			return n, nil
		}
		return n, p.errf("unexpected %s", "a JSON value", p.describe())
	}
}

func (p *parser) literal(word string) *syntaxError {
	for i := 0; i < len(word); i++ {
		if p.pos >= len(p.data) || p.data[p.pos] != word[i] {
			return p.errf("invalid literal (unexpected %s)", strconv.Quote(word), p.describe())
		}
		p.pos++
	}
	return nil
}

func (p *parser) enter() *syntaxError {
	p.depth++
	if p.depth > maxDepth {
		return p.errf("nesting deeper than %d levels", "shallower nesting", maxDepth)
	}
	return nil
}

func (p *parser) object(n node) (node, *syntaxError) {
	if err := p.enter(); err != nil {
		return n, err
	}
	defer func() { p.depth-- }()
	n.kind = kObject
	p.pos++ // '{'
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return n, nil
	}
	base := len(p.mstack)
	defer func() { p.mstack = p.mstack[:base] }()
	for {
		p.ws()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return n, p.errf("unexpected %s in object", "a string key", p.describe())
		}
		koff := p.pos
		key, err := p.key()
		if err != nil {
			return n, err
		}
		if err := p.colon(); err != nil {
			return n, err
		}
		v, err := p.val()
		if err != nil {
			return n, err
		}
		p.mstack = append(p.mstack, member{key: key, koff: koff, val: v})
		if done, err := p.objectNext(); err != nil || done {
			if done {
				n.obj = p.members(p.mstack[base:])
			}
			return n, err
		}
	}
}

func (p *parser) array(n node) (node, *syntaxError) {
	if err := p.enter(); err != nil {
		return n, err
	}
	defer func() { p.depth-- }()
	n.kind = kArray
	p.pos++ // '['
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return n, nil
	}
	base := len(p.nstack)
	defer func() { p.nstack = p.nstack[:base] }()
	for {
		el, err := p.val()
		if err != nil {
			return n, err
		}
		p.nstack = append(p.nstack, el)
		p.ws()
		if p.pos >= len(p.data) {
			return n, p.errf("unexpected end of file in array", "',' or ']'")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			n.arr = p.nodes(p.nstack[base:])
			return n, nil
		default:
			return n, p.errf("unexpected %s in array", "',' or ']'", p.describe())
		}
	}
}

// key parses an object key and interns it.
func (p *parser) key() (string, *syntaxError) {
	start := p.pos + 1
	raw, esc, err := p.scanString()
	if err != nil {
		return "", err
	}
	if esc {
		return unescape(p.data[start:raw]), nil
	}
	b := p.data[start:raw]
	if s, ok := p.keys[string(b)]; ok {
		return s, nil
	}
	s := string(b)
	if len(p.keys) < 4096 {
		p.keys[s] = s
	}
	return s, nil
}

// string parses a string value.
func (p *parser) string() (string, *syntaxError) {
	start := p.pos + 1
	end, esc, err := p.scanString()
	if err != nil {
		return "", err
	}
	if esc {
		return unescape(p.data[start:end]), nil
	}
	b := p.data[start:end]
	if p.src != "" {
		return p.sub(start, end), nil
	}
	// Short values (pin names, footprints, types) repeat a lot.
	if len(b) <= 8 {
		if s, ok := p.keys[string(b)]; ok {
			return s, nil
		}
		s := string(b)
		if len(p.keys) < 4096 {
			p.keys[s] = s
		}
		return s, nil
	}
	return string(b), nil
}

// scanString moves past a string starting at pos ('"'), checking escapes
// and control characters. It returns the offset of the closing quote and
// whether any escape occurred.
func (p *parser) scanString() (end int, esc bool, err *syntaxError) {
	p.pos++ // opening quote
	d := p.data
	for p.pos < len(d) {
		c := d[p.pos]
		switch {
		case c == '"':
			end = p.pos
			p.pos++
			return end, esc, nil
		case c == '\\':
			esc = true
			if p.pos+1 >= len(d) {
				p.pos++
				return 0, false, p.errf("unexpected end of file in string", "closing '\"'")
			}
			switch d[p.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.pos += 2
			case 'u':
				for i := 2; i < 6; i++ {
					if p.pos+i >= len(d) || !isHex(d[p.pos+i]) {
						p.pos += i
						return 0, false, p.errf("invalid \\u escape in string", "4 hexadecimal digits")
					}
				}
				p.pos += 6
			default:
				p.pos++
				return 0, false, p.errf("invalid escape %s in string", `one of \" \\ \/ \b \f \n \r \t \uXXXX`, p.describe())
			}
		case c < 0x20:
			return 0, false, p.errf("control character %s in string", "an escaped control character", p.describe())
		default:
			p.pos++
		}
	}
	return 0, false, p.errf("unexpected end of file in string", "closing '\"'")
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func hexVal(b []byte) rune {
	var r rune
	for _, c := range b {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		default:
			r |= rune(c - 'A' + 10)
		}
	}
	return r
}

// unescape decodes the body of a string already checked by scanString.
func unescape(b []byte) string {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		switch b[i] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := hexVal(b[i+1 : i+5])
			i += 4
			if utf16.IsSurrogate(r) {
				if i+6 < len(b) && b[i+1] == '\\' && b[i+2] == 'u' && isHex4(b[i+3:i+7]) {
					r2 := hexVal(b[i+3 : i+7])
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						r = dec
						i += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default: // '"', '\\', '/'
			out = append(out, b[i])
		}
	}
	return string(out)
}

func isHex4(b []byte) bool {
	return len(b) == 4 && isHex(b[0]) && isHex(b[1]) && isHex(b[2]) && isHex(b[3])
}

// number moves past a number, checking RFC 8259 grammar.
func (p *parser) number() *syntaxError {
	d := p.data
	if d[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(d) && d[p.pos] == '0':
		p.pos++
	case p.pos < len(d) && d[p.pos] >= '1' && d[p.pos] <= '9':
		p.digits()
	default:
		return p.errf("invalid number (unexpected %s)", "a digit", p.describe())
	}
	if p.pos < len(d) && d[p.pos] == '.' {
		p.pos++
		if p.pos >= len(d) || d[p.pos] < '0' || d[p.pos] > '9' {
			return p.errf("invalid number (unexpected %s after '.')", "a digit", p.describe())
		}
		p.digits()
	}
	if p.pos < len(d) && (d[p.pos] == 'e' || d[p.pos] == 'E') {
		p.pos++
		if p.pos < len(d) && (d[p.pos] == '+' || d[p.pos] == '-') {
			p.pos++
		}
		if p.pos >= len(d) || d[p.pos] < '0' || d[p.pos] > '9' {
			return p.errf("invalid number (unexpected %s in exponent)", "a digit", p.describe())
		}
		p.digits()
	}
	return nil
}

func (p *parser) digits() {
	for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
		p.pos++
	}
}

// skip moves past one value without building nodes; it checks syntax as
// strictly as value does. Large tscircuit files are mostly PCB geometry
// that the circuit model never looks at, and skipping it is several times
// faster than decoding it.
func (p *parser) skip() *syntaxError {
	p.ws()
	if p.pos >= len(p.data) {
		return p.errf("unexpected end of file", "a JSON value")
	}
	switch c := p.data[p.pos]; c {
	case '{':
		return p.skipObject()
	case '[':
		return p.skipArray()
	case '"':
		_, _, err := p.scanString()
		return err
	case 't':
		return p.literal("true")
	case 'f':
		return p.literal("false")
	case 'n':
		return p.literal("null")
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			return p.number()
		}
		return p.errf("unexpected %s", "a JSON value", p.describe())
	}
}

func (p *parser) skipObject() *syntaxError {
	if err := p.enter(); err != nil {
		return err
	}
	defer func() { p.depth-- }()
	p.pos++
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return nil
	}
	return p.skipMembers()
}

// skipMembers skips "key": value pairs up to and including the closing
// brace; pos is at the first key.
func (p *parser) skipMembers() *syntaxError {
	for {
		p.ws()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return p.errf("unexpected %s in object", "a string key", p.describe())
		}
		if _, _, err := p.scanString(); err != nil {
			return err
		}
		if err := p.colon(); err != nil {
			return err
		}
		if err := p.skip(); err != nil {
			return err
		}
		if done, err := p.objectNext(); err != nil || done {
			return err
		}
	}
}

// colon reads the ':' after an object key.
func (p *parser) colon() *syntaxError {
	p.ws()
	if p.pos >= len(p.data) || p.data[p.pos] != ':' {
		return p.errf("unexpected %s after object key", "':'", p.describe())
	}
	p.pos++
	return nil
}

// objectNext reads what follows a member's value: ',' (another member
// follows) or '}' (done).
func (p *parser) objectNext() (done bool, err *syntaxError) {
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

func (p *parser) skipArray() *syntaxError {
	if err := p.enter(); err != nil {
		return err
	}
	defer func() { p.depth-- }()
	p.pos++
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return nil
	}
	for {
		if err := p.skip(); err != nil {
			return err
		}
		p.ws()
		if p.pos >= len(p.data) {
			return p.errf("unexpected end of file in array", "',' or ']'")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return nil
		default:
			return p.errf("unexpected %s in array", "',' or ']'", p.describe())
		}
	}
}

// appendCompact writes n as compact JSON with keys in document order.
func appendCompact(b []byte, n *node) []byte {
	switch n.kind {
	case kNull:
		return append(b, "null"...)
	case kBool, kNumber:
		return append(b, n.str...)
	case kString:
		return appendJSONString(b, n.str)
	case kArray:
		b = append(b, '[')
		for i := range n.arr {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendCompact(b, &n.arr[i])
		}
		return append(b, ']')
	default:
		b = append(b, '{')
		for i := range n.obj {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, n.obj[i].key)
			b = append(b, ':')
			b = appendCompact(b, &n.obj[i].val)
		}
		return append(b, '}')
	}
}

// appendJSONString writes s as a JSON string literal. Invalid UTF-8
// becomes U+FFFD, as encoding/json does.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, "\\ufffd"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
