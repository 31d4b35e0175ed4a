package kicad

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// ErrSyntax is wrapped by every *Error that reports a file that is not a
// well-formed S-expression.
var ErrSyntax = errors.New("kicad: malformed S-expression")

// ErrFormat is wrapped by every *Error that reports a well-formed file
// whose content is not what its KiCad format requires.
var ErrFormat = errors.New("kicad: unexpected content")

// Error is one problem in one file. Line and Col are 1-based; Col counts
// Unicode characters, as an editor does. They are 0 when the problem has no
// place in the file.
type Error struct {
	File string
	Line int
	Col  int
	Msg  string
	// Err is ErrSyntax, ErrFormat or the error of a failed read.
	Err error
}

// Error formats the problem as "file:line:col: msg".
func (e *Error) Error() string {
	s := e.File
	if e.Line > 0 {
		s += fmt.Sprintf(":%d:%d", e.Line, e.Col)
	}
	if s != "" {
		s += ": "
	}
	return s + e.Msg
}

// Unwrap returns the sentinel or the underlying read error.
func (e *Error) Unwrap() error { return e.Err }

// Expr is one S-expression: a list, or an atom (a bare token such as a
// keyword or number, or a quoted string). The tree keeps every token the
// file holds, in order, whether or not a reader understands it, and the
// byte span each came from, so that nothing is lost or rewritten.
type Expr struct {
	// List holds the elements of a list; it is nil for an atom.
	List []*Expr
	// Atom is the text of an atom, with a quoted string's escapes
	// resolved.
	Atom string
	// Quoted marks an atom that was written as a quoted string.
	Quoted bool
	// IsList tells a list (possibly empty) from an atom.
	IsList bool
	// Line and Col locate the node's first character (1-based; Col in
	// characters).
	Line, Col int
	// Start and End are the byte offsets of the node in its source:
	// source[Start:End] is the node exactly as written.
	Start, End int
}

// Head returns the keyword of a list, such as "symbol" for
// (symbol (lib_id …) …), or "" for an atom or a list that does not start
// with a bare atom.
func (n *Expr) Head() string {
	if n == nil || len(n.List) == 0 || n.List[0].IsList || n.List[0].Quoted {
		return ""
	}
	return n.List[0].Atom
}

// Arg returns the text of the i-th element after the head (0-based) when
// it is an atom, or "".
func (n *Expr) Arg(i int) string {
	if n == nil || i+1 >= len(n.List) || n.List[i+1].IsList {
		return ""
	}
	return n.List[i+1].Atom
}

// Child returns the first sub-list with the given head, or nil.
func (n *Expr) Child(head string) *Expr {
	if n == nil {
		return nil
	}
	for _, c := range n.List {
		if c.IsList && c.Head() == head {
			return c
		}
	}
	return nil
}

// Children returns every sub-list with the given head, in file order.
func (n *Expr) Children(head string) []*Expr {
	if n == nil {
		return nil
	}
	var out []*Expr
	for _, c := range n.List {
		if c.IsList && c.Head() == head {
			out = append(out, c)
		}
	}
	return out
}

// listItems returns the sub-lists after the head, or none for nil.
func (n *Expr) listItems() []*Expr {
	if n == nil {
		return nil
	}
	var out []*Expr
	for _, c := range n.List[min(1, len(n.List)):] {
		if c.IsList {
			out = append(out, c)
		}
	}
	return out
}

// HasAtom reports whether the list holds the bare atom a after its head,
// as in (pin … hide) written by KiCad 6 to 8.
func (n *Expr) HasAtom(a string) bool {
	if n == nil {
		return false
	}
	for _, c := range n.List[min(1, len(n.List)):] {
		if !c.IsList && !c.Quoted && c.Atom == a {
			return true
		}
	}
	return false
}

// Flag reads a yes/no setting that KiCad writes as (name yes|no), as a
// bare atom name (older files), or as (name) alone; def is returned when
// it is absent.
func (n *Expr) Flag(name string, def bool) bool {
	if c := n.Child(name); c != nil {
		switch c.Arg(0) {
		case "", "yes", "true":
			return true
		default:
			return false
		}
	}
	if n.HasAtom(name) {
		return true
	}
	return def
}

// Parse reads one S-expression (the whole file is one list) from src. name
// is the file name used in errors.
func Parse(name string, src []byte) (*Expr, error) {
	p := &parser{name: name, src: src, line: 1, col: 1}
	return p.parse()
}

type parser struct {
	name      string
	src       []byte
	off       int
	line, col int
}

func (p *parser) errAt(line, col int, format string, args ...any) error {
	return &Error{File: p.name, Line: line, Col: col, Msg: fmt.Sprintf(format, args...), Err: ErrSyntax}
}

// advance moves past one character, keeping line and column.
func (p *parser) advance() {
	r, size := utf8.DecodeRune(p.src[p.off:])
	p.off += size
	if r == '\n' {
		p.line++
		p.col = 1
	} else {
		p.col++
	}
}

func (p *parser) skipSpace() {
	for p.off < len(p.src) {
		switch p.src[p.off] {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			p.advance()
		default:
			return
		}
	}
}

// parse builds the tree without recursion, so that deep nesting in a
// hostile file cannot exhaust the stack.
func (p *parser) parse() (*Expr, error) {
	p.skipSpace()
	if p.off >= len(p.src) {
		return nil, p.errAt(p.line, p.col, "empty file: expected an S-expression")
	}
	if p.src[p.off] != '(' {
		return nil, p.errAt(p.line, p.col, "expected '(' at the start of the file, found %s", p.describe())
	}
	var stack []*Expr
	var root *Expr
	for root == nil {
		p.skipSpace()
		if p.off >= len(p.src) {
			open := stack[len(stack)-1]
			return nil, p.errAt(p.line, p.col, "unexpected end of file: list opened at %d:%d is not closed", open.Line, open.Col)
		}
		switch p.src[p.off] {
		case '(':
			n := &Expr{IsList: true, Line: p.line, Col: p.col, Start: p.off}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.List = append(top.List, n)
			}
			stack = append(stack, n)
			p.advance()
		case ')':
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			p.advance()
			n.End = p.off
			if len(stack) == 0 {
				root = n
			}
		default:
			a, err := p.atom()
			if err != nil {
				return nil, err
			}
			top := stack[len(stack)-1]
			top.List = append(top.List, a)
		}
	}
	p.skipSpace()
	if p.off < len(p.src) {
		return nil, p.errAt(p.line, p.col, "unexpected %s after the end of the top-level list", p.describe())
	}
	return root, nil
}

// describe names what is at the current offset, for an error message.
func (p *parser) describe() string {
	if p.off >= len(p.src) {
		return "end of file"
	}
	r, _ := utf8.DecodeRune(p.src[p.off:])
	return strconv.QuoteRune(r)
}

func (p *parser) atom() (*Expr, error) {
	n := &Expr{Line: p.line, Col: p.col, Start: p.off}
	if p.src[p.off] == '"' {
		s, err := p.quoted()
		if err != nil {
			return nil, err
		}
		n.Atom, n.Quoted = s, true
	} else {
		for p.off < len(p.src) && !isDelim(p.src[p.off]) {
			p.advance()
		}
		n.Atom = string(p.src[n.Start:p.off])
	}
	n.End = p.off
	return n, nil
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', ' ', '\t', '\n', '\r', '\f', '\v':
		return true
	}
	return false
}

// quoted reads a double-quoted string with the escapes KiCad's lexer
// accepts: \" \\ \' \a \b \f \n \r \t \v, octal \ooo and hex \xHH. An
// unknown escape keeps its backslash, as KiCad does.
func (p *parser) quoted() (string, error) {
	line, col := p.line, p.col
	p.advance() // opening quote
	var b []byte
	for {
		if p.off >= len(p.src) {
			return "", p.errAt(line, col, "unterminated string")
		}
		c := p.src[p.off]
		switch c {
		case '"':
			p.advance()
			return string(b), nil
		case '\\':
			p.advance()
			if p.off >= len(p.src) {
				return "", p.errAt(line, col, "unterminated string")
			}
			b = p.escape(b)
		default:
			start := p.off
			p.advance()
			b = append(b, p.src[start:p.off]...)
		}
	}
}

var simpleEscapes = map[byte]byte{'"': '"', '\\': '\\', '\'': '\'', 'a': '\a', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v'}

// escape decodes the escape sequence after a backslash.
func (p *parser) escape(b []byte) []byte {
	c := p.src[p.off]
	if r, ok := simpleEscapes[c]; ok {
		p.advance()
		return append(b, r)
	}
	if c >= '0' && c <= '7' {
		v := 0
		for i := 0; i < 3 && p.off < len(p.src) && p.src[p.off] >= '0' && p.src[p.off] <= '7'; i++ {
			v = v*8 + int(p.src[p.off]-'0')
			p.advance()
		}
		return append(b, byte(v))
	}
	if c == 'x' && p.off+2 < len(p.src) && isHex(p.src[p.off+1]) && isHex(p.src[p.off+2]) {
		v, _ := strconv.ParseUint(string(p.src[p.off+1:p.off+3]), 16, 8)
		p.off += 3
		p.col += 3
		return append(b, byte(v))
	}
	return append(b, '\\')
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
