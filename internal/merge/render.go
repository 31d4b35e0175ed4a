package merge

import (
	"bytes"
	"strings"
)

// plan is what happens to one node of ours.
type plan struct {
	// with replaces the node by another document's value, or by text
	// when text is set.
	with Value
	text []byte
	// entries are the container's children afterwards, when neither
	// with nor text is set.
	entries []entry
}

// entry is one child of a rebuilt container: ours' child orig, or (orig
// -1) a new one, from another document (val) or as text.
type entry struct {
	orig int
	// key is a new member's name; keyRaw its spelling in the document it
	// comes from (nil: written as JSON).
	key    string
	keyRaw []byte
	val    Value
	text   []byte
}

// render writes ours with every plan carried out. Everything that no
// plan touches is copied byte for byte, so the result keeps ours'
// layout: indentation, key order, line ends, spacing.
func render(d *doc) []byte {
	var out bytes.Buffer
	out.Grow(len(d.data) + len(d.data)/16)
	out.Write(d.data[:d.root.start])
	renderNode(&out, d, &d.root)
	out.Write(d.data[d.root.end:])
	return out.Bytes()
}

func renderNode(out *bytes.Buffer, d *doc, n *node) {
	switch {
	case n.plan != nil && !n.plan.with.OK() && n.plan.text == nil:
		renderContainer(out, d, n)
	case n.plan != nil:
		out.Write(newText(d, lineIndent(d.data, n.start), n.plan.with, n.plan.text, !bytes.Contains(d.raw(n), []byte("\n"))))
	case n.touched:
		pos := n.start
		for i := range childCount(n) {
			c := child(n, i)
			if c.plan == nil && !c.touched {
				continue
			}
			out.Write(d.data[pos:c.start])
			renderNode(out, d, c)
			pos = c.end
		}
		out.Write(d.data[pos:n.end])
	default:
		out.Write(d.data[n.start:n.end])
	}
}

func childCount(n *node) int {
	if n.kind == kObject {
		return len(n.members)
	}
	return len(n.items)
}

// child is the value of child i.
func child(n *node, i int) *node {
	if n.kind == kObject {
		return &n.members[i].val
	}
	return &n.items[i]
}

// span is where child i starts (its key, for a member) and ends.
func span(n *node, i int) (int, int) {
	if n.kind == kObject {
		return n.members[i].keyStart, n.members[i].val.end
	}
	return n.items[i].start, n.items[i].end
}

// renderContainer writes a container whose children changed: kept
// children with the separators that stood between them, new ones with
// the container's own separator and indentation.
func renderContainer(out *bytes.Buffer, d *doc, n *node) {
	entries, data, count := n.plan.entries, d.data, childCount(n)
	var lead, trail, sep string
	if count > 0 {
		s0, e0 := span(n, 0)
		_, eLast := span(n, count-1)
		lead, trail = string(data[n.start+1:s0]), string(data[eLast:n.end-1])
		switch {
		case count > 1:
			s1, _ := span(n, 1)
			sep = string(data[e0:s1])
		case strings.Contains(lead, "\n"):
			sep = "," + lead
		default:
			sep = ", "
		}
	} else {
		ind := lineIndent(data, n.start)
		if bytes.Contains(data[n.start+1:n.end-1], []byte("\n")) || (d.indent != "" && multiLine(entries)) {
			lead, trail = d.newline+ind+d.indent, d.newline+ind
			sep = "," + lead
		} else {
			sep = ", "
		}
	}
	childIndent := lineIndent(data, n.start) + d.indent
	// New text (from a report) is written on one line when ours writes
	// this container's children so.
	inline := count > 0 && !bytes.Contains(data[n.start:n.end], []byte("\n"))
	if count > 0 {
		s0, e0 := span(n, 0)
		inline = inline || !bytes.Contains(data[s0:e0], []byte("\n"))
	}
	if i := strings.LastIndexByte(sep, '\n'); i >= 0 {
		childIndent = sep[i+1:]
	}
	out.WriteByte(data[n.start])
	if len(entries) > 0 {
		out.WriteString(lead)
	}
	for k, e := range entries {
		if k > 0 {
			prev := entries[k-1].orig
			if prev >= 0 && prev+1 < count && (e.orig == prev+1 || e.orig < 0) {
				_, pe := span(n, prev)
				ns, _ := span(n, prev+1)
				out.Write(data[pe:ns])
			} else {
				out.WriteString(sep)
			}
		}
		if e.orig >= 0 {
			c := child(n, e.orig)
			s, _ := span(n, e.orig)
			out.Write(data[s:c.start])
			renderNode(out, d, c)
			continue
		}
		if n.kind == kObject {
			out.Write(keyText(e))
			out.WriteString(colon(d, n))
		}
		out.Write(newText(d, childIndent, e.val, e.text, inline))
	}
	if len(entries) > 0 {
		out.WriteString(trail)
	}
	out.WriteByte(data[n.end-1])
}

func multiLine(entries []entry) bool {
	for _, e := range entries {
		if e.orig < 0 && (bytes.Contains(e.val.Raw(), []byte("\n")) || len(e.text) > 60) {
			return true
		}
	}
	return false
}

// keyText is a new member's key as its document spells it.
func keyText(e entry) []byte {
	if e.keyRaw != nil {
		return e.keyRaw
	}
	return quote(e.key)
}

// colon is what stands between a key and its value in object n: the
// first member's spelling, else ": " in an indented document.
func colon(d *doc, n *node) string {
	if len(n.members) > 0 {
		return string(d.data[n.members[0].keyEnd:n.members[0].val.start])
	}
	if d.indent == "" {
		return ":"
	}
	return ": "
}

// newText is a value from elsewhere written into d at a place indented
// by indent: another document's value with its lines re-indented from
// where they stood there, or text (compact JSON) laid out as d is: on
// one line where its neighbours are (inline), else one member per line.
func newText(d *doc, indent string, v Value, text []byte, inline bool) []byte {
	if text != nil {
		td, err := parseDoc(text)
		if err != nil {
			return text
		}
		if d.indent == "" {
			return compact(text)
		}
		if inline {
			return compactSpaced(td, &td.root)
		}
		var b bytes.Buffer
		pretty(&b, td, &td.root, indent, d.indent, d.newline)
		return b.Bytes()
	}
	raw := v.Raw()
	if !bytes.Contains(raw, []byte("\n")) {
		return raw
	}
	return reindent(raw, lineIndent(v.d.data, v.n.start), indent, v.d.indent, d.indent, d.newline)
}

// reindent moves the lines after the first of raw from indentation from
// to indentation to, converting levels of unit fromUnit to toUnit, with
// line ends nl.
func reindent(raw []byte, from, to, fromUnit, toUnit, nl string) []byte {
	lines := bytes.Split(raw, []byte("\n"))
	var b bytes.Buffer
	for i, l := range lines {
		l = bytes.TrimSuffix(l, []byte("\r"))
		if i == 0 {
			b.Write(l)
			continue
		}
		b.WriteString(nl)
		ws := 0
		for ws < len(l) && (l[ws] == ' ' || l[ws] == '\t') {
			ws++
		}
		lead := string(l[:ws])
		if !strings.HasPrefix(lead, from) {
			b.Write(l)
			continue
		}
		rest := lead[len(from):]
		if fromUnit != "" && toUnit != "" && fromUnit != toUnit && strings.Count(rest, fromUnit)*len(fromUnit) == len(rest) {
			rest = strings.Repeat(toUnit, len(rest)/len(fromUnit))
		}
		b.WriteString(to)
		b.WriteString(rest)
		b.Write(l[ws:])
	}
	return b.Bytes()
}

// pretty writes a value one member or element per line, indented by
// unit from indent; arrays of scalars, and anything short, on one line.
func pretty(b *bytes.Buffer, d *doc, n *node, indent, unit, nl string) {
	raw := d.raw(n)
	if (n.kind != kObject && n.kind != kArray) || len(raw) <= 60 || scalarArray(d, n) {
		b.Write(compactSpaced(d, n))
		return
	}
	d.expand(n)
	open, close := byte('['), byte(']')
	if n.kind == kObject {
		open, close = '{', '}'
	}
	b.WriteByte(open)
	for i := range childCount(n) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(nl + indent + unit)
		if n.kind == kObject {
			b.Write(d.data[n.members[i].keyStart:n.members[i].keyEnd])
			b.WriteString(": ")
		}
		pretty(b, d, child(n, i), indent+unit, unit, nl)
	}
	if childCount(n) > 0 {
		b.WriteString(nl + indent)
	}
	b.WriteByte(close)
}

func scalarArray(d *doc, n *node) bool {
	if n.kind != kArray {
		return false
	}
	d.expand(n)
	for i := range n.items {
		if k := n.items[i].kind; k == kArray || k == kObject {
			return false
		}
	}
	return true
}

// compactSpaced is a value on one line with a space after each comma and
// colon, as indented JSON writes short values.
func compactSpaced(d *doc, n *node) []byte {
	c := compact(d.raw(n))
	var b bytes.Buffer
	for i := 0; i < len(c); i++ {
		switch ch := c[i]; ch {
		case '"':
			e := skipString(c, i)
			b.Write(c[i:e])
			i = e - 1
		case ',', ':':
			b.WriteByte(ch)
			b.WriteByte(' ')
		default:
			b.WriteByte(ch)
		}
	}
	return b.Bytes()
}

// quote writes s as a JSON string.
func quote(s string) []byte {
	var b bytes.Buffer
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&0xf])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.Bytes()
}
