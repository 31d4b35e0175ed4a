package draw

import (
	"bytes"
	_ "embed"
	"io"
	"math"
	"strconv"
	"strings"
)

//go:embed assets/drawing.css
var drawingCSS string

// SVGOptions choose what WriteSVG draws.
type SVGOptions struct {
	// View names the view to draw (schematic, pcb, breadboard, graph);
	// empty means the drawing's first.
	View string
	// Changes, when set, marks the items it names as on the new side
	// of a diff (removed items cannot be shown on one picture).
	Changes *ChangeSet
}

// WriteSVG writes one view of d as a standalone SVG document with its
// own style sheet: what `show REV:FILE --format svg` prints.
func WriteSVG(w io.Writer, d *Drawing, opt SVGOptions) error {
	v := d.View(opt.View)
	if opt.View == "" && len(d.Views) > 0 {
		v = d.Views[0]
	}
	if v == nil {
		return &ViewError{File: d.Name, View: opt.View, Have: d.viewNames()}
	}
	var buf bytes.Buffer
	buf.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	(&svgWriter{buf: &buf, v: v, m: newMarker(opt.Changes, newSide, v), standalone: true,
		diff: opt.Changes != nil}).write(v.Bounds().Grow(margin(v.Bounds())))
	_, err := w.Write(buf.Bytes())
	return err
}

func (d *Drawing) viewNames() []string {
	var names []string
	for _, v := range d.Views {
		names = append(names, v.Name)
	}
	return names
}

// margin is the space left around a drawing when it is fitted.
func margin(b Box) float64 {
	return math.Max(b.W(), b.H())*0.05 + 1e-3
}

// svgWriter writes one view on one side of a diff.
type svgWriter struct {
	buf        *bytes.Buffer
	v          *View
	m          *marker
	side       string // "old", "new" or "" for a lone picture
	standalone bool   // a document of its own: namespace and style sheet
	diff       bool   // unmarked items are dimmed
	// boxes collects, per change, the bounds of the items it marks;
	// solid notes the changes that mark something other than a net.
	boxes map[int]*Box
	solid map[int]bool
}

func (s *svgWriter) write(vb Box) map[int]*Box {
	s.boxes, s.solid = map[int]*Box{}, map[int]bool{}
	if vb.W() <= 0 || vb.H() <= 0 {
		vb = Box{vb.MinX - 0.5, vb.MinY - 0.5, vb.MinX + 0.5, vb.MinY + 0.5, true} // an empty drawing
	}
	b := s.buf
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="cvc`)
	if s.diff {
		b.WriteString(" diff")
	}
	b.WriteString(`" data-view="` + s.v.Name + `"`)
	if s.side != "" {
		b.WriteString(` data-side="` + s.side + `"`)
	}
	b.WriteString(` viewBox="`)
	s.nums(vb.MinX, vb.MinY, vb.W(), vb.H())
	b.WriteString(`" preserveAspectRatio="xMidYMid meet">`)
	if s.standalone {
		b.WriteString("<style>")
		b.WriteString(drawingCSS)
		b.WriteString("</style>")
	}
	b.WriteByte('\n')
	for _, l := range s.v.Layers {
		s.layer(l)
	}
	s.changeBoxes()
	b.WriteString("</svg>\n")
	return s.boxes
}

// maxMarkedBulk is how many marked bulk items of a layer are drawn one
// by one, each with its identity. Beyond it (a whole 50,000-part file
// added) they merge into one path per status, as unchanged ones do, and
// optional ones (the lines of nets, which would be a tangle that takes a
// browser minutes to paint) are left out; the change list still zooms
// to them.
const maxMarkedBulk = 2000

func (s *svgWriter) layer(l *Layer) {
	b := s.buf
	b.WriteString(`<g class="L" data-layer="` + l.Name + `"`)
	if l.Off {
		b.WriteString(` display="none"`)
	}
	b.WriteString(">\n")
	marks := make([]mark, len(l.Items))
	marked := 0
	for i, it := range l.Items {
		marks[i] = s.m.of(it)
		if it.Bulk && marks[i].st != Unchanged {
			marked++
		}
	}
	merge := marked > maxMarkedBulk
	paths := map[Status][]byte{}
	bulkKind := ""
	for i, it := range l.Items {
		mk := marks[i]
		switch {
		case it.Bulk && mk.st == Unchanged:
			if !it.Optional {
				paths[Unchanged] = s.appendBulk(paths[Unchanged], it)
				bulkKind = it.Kind
			}
		case it.Bulk && merge:
			s.note(it, mk)
			if !it.Optional {
				paths[mk.st] = s.appendBulk(paths[mk.st], it)
				bulkKind = it.Kind
			}
		default:
			s.item(it, mk)
		}
	}
	for _, st := range []Status{Unchanged, Removed, Added, Changed} {
		if p := paths[st]; len(p) > 0 {
			b.WriteString(`<path class="bulk k-` + bulkKind)
			if st != Unchanged {
				b.WriteString(" chg-" + string(st))
			}
			b.WriteString(`" d="`)
			b.Write(p)
			b.WriteString("\"/>\n")
		}
	}
	b.WriteString("</g>\n")
}

// appendBulk appends the item's rects and lines to a merged path.
func (s *svgWriter) appendBulk(dst []byte, it *Item) []byte {
	for i := range it.Shapes {
		sh := &it.Shapes[i]
		switch sh.Op {
		case OpRect:
			dst = append(dst, 'M')
			dst = s.num(dst, sh.X)
			dst = append(dst, ' ')
			dst = s.num(dst, sh.Y)
			dst = append(dst, 'h')
			dst = s.num(dst, sh.W)
			dst = append(dst, 'v')
			dst = s.num(dst, sh.H)
			dst = append(dst, 'h')
			dst = s.num(dst, -sh.W)
			dst = append(dst, 'z')
		case OpLine:
			for k, p := range sh.Pts {
				if k == 0 {
					dst = append(dst, 'M')
				} else {
					dst = append(dst, 'L')
				}
				dst = s.num(dst, p.X)
				dst = append(dst, ' ')
				dst = s.num(dst, p.Y)
			}
		}
	}
	return dst
}

// note records where a marked item is, for its changes' boxes.
func (s *svgWriter) note(it *Item, mk mark) {
	for _, i := range mk.idx {
		if s.boxes[i] == nil {
			s.boxes[i] = &Box{}
		}
		s.boxes[i].Union(it.Bounds())
		s.solid[i] = s.solid[i] || !it.OnNet
	}
}

func (s *svgWriter) item(it *Item, mk mark) {
	if len(it.Shapes) == 0 {
		return
	}
	s.note(it, mk)
	b := s.buf
	one := len(it.Shapes) == 1
	if !one {
		b.WriteString("<g")
		s.itemAttrs(it, mk, "")
		b.WriteByte('>')
	}
	for i := range it.Shapes {
		sh := &it.Shapes[i]
		if one {
			s.shape(sh, func() { s.itemAttrs(it, mk, sh.Class) })
		} else {
			s.shape(sh, func() {
				if sh.Class != "" {
					b.WriteString(` class="` + sh.Class + `"`)
				}
			})
		}
	}
	if !one {
		b.WriteString("</g>")
	}
	b.WriteByte('\n')
}

func (s *svgWriter) itemAttrs(it *Item, mk mark, extra string) {
	b := s.buf
	b.WriteString(` class="it k-` + it.Kind)
	if extra != "" {
		b.WriteString(" " + extra)
	}
	if mk.st != Unchanged {
		b.WriteString(" chg-" + string(mk.st))
	}
	b.WriteByte('"')
	attr := func(name, val string) {
		if val != "" {
			b.WriteString(" " + name + `="`)
			escape(b, val)
			b.WriteByte('"')
		}
	}
	attr("data-id", it.ID)
	attr("data-ref", it.Ref)
	attr("data-pin", it.Pin)
	attr("data-conn", it.Conn)
	attr("data-net", it.Net)
	if len(mk.idx) > 0 {
		b.WriteString(` data-c="`)
		for k, i := range mk.idx {
			if k > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(strconv.Itoa(i))
		}
		b.WriteByte('"')
	}
	if it.Color != "" {
		b.WriteString(` style="--w:`)
		escape(b, it.Color)
		b.WriteByte('"')
	}
}

// shape writes one primitive; attrs writes its identity and class.
func (s *svgWriter) shape(sh *Shape, attrs func()) {
	b := s.buf
	switch sh.Op {
	case OpRect:
		b.WriteString("<rect")
		attrs()
		s.attrNums(" x", sh.X, " y", sh.Y, " width", sh.W, " height", sh.H)
		if sh.R > 0 {
			s.attrNums(" rx", sh.R)
		}
		s.rotation(sh.Rot, sh.X+sh.W/2, sh.Y+sh.H/2)
		b.WriteString("/>")
	case OpCircle:
		b.WriteString("<circle")
		attrs()
		s.attrNums(" cx", sh.X, " cy", sh.Y, " r", sh.W)
		b.WriteString("/>")
	case OpLine, OpPolygon:
		if sh.Op == OpLine {
			b.WriteString("<polyline")
		} else {
			b.WriteString("<polygon")
		}
		attrs()
		b.WriteString(` points="`)
		for k, p := range sh.Pts {
			if k > 0 {
				b.WriteByte(' ')
			}
			s.nums(p.X, p.Y)
		}
		b.WriteByte('"')
		if sh.Stroke > 0 {
			s.attrNums(" stroke-width", sh.Stroke)
		}
		b.WriteString("/>")
	case OpText:
		b.WriteString("<text")
		attrs()
		s.attrNums(" x", sh.X, " y", sh.Y, " font-size", sh.H)
		if sh.Anchor != "" && sh.Anchor != "start" {
			b.WriteString(` text-anchor="` + sh.Anchor + `"`)
		}
		s.rotation(sh.Rot, sh.X, sh.Y)
		b.WriteByte('>')
		escape(b, sh.Text)
		b.WriteString("</text>")
	}
}

func (s *svgWriter) rotation(deg, cx, cy float64) {
	if deg == 0 {
		return
	}
	b := s.buf
	b.WriteString(` transform="rotate(`)
	s.nums(deg, cx, cy)
	b.WriteString(`)"`)
}

// changeBoxes draws a box around what each drawn change marks on this
// side, so that a small change is found at any zoom. A change that
// marks only traces or wires gets one only while it is small: the box
// of a long wire or a whole net would cover most of the picture. Past
// maxMarkedBulk changes there are none: thousands of boxes find nothing.
func (s *svgWriter) changeBoxes() {
	if len(s.boxes) == 0 || len(s.boxes) > maxMarkedBulk || s.m.cs == nil {
		return
	}
	b := s.buf
	vb := s.v.Bounds()
	big := math.Max(vb.W(), vb.H()) * 0.15
	b.WriteString(`<g class="L" data-layer="changes">` + "\n")
	for i := range s.m.cs.Changes {
		c := &s.m.cs.Changes[i]
		bx := s.boxes[i]
		if bx == nil || c.Kind == Net || !s.solid[i] && math.Max(bx.W(), bx.H()) > big {
			continue
		}
		g := bx.Grow(math.Max(math.Max(bx.W(), bx.H())*0.08, s.pad()))
		b.WriteString(`<rect class="chg-box chg-` + string(c.Status) + `" data-c="` + strconv.Itoa(i) + `"`)
		s.attrNums(" x", g.MinX, " y", g.MinY, " width", g.W(), " height", g.H())
		b.WriteString("/>\n")
	}
	b.WriteString("</g>\n")
}

// pad is the least margin of a change box: a hundredth of the view.
func (s *svgWriter) pad() float64 {
	vb := s.v.Bounds()
	return math.Max(vb.W(), vb.H()) / 200
}

func (s *svgWriter) attrNums(kv ...any) {
	for i := 0; i < len(kv); i += 2 {
		s.buf.WriteString(kv[i].(string) + `="`)
		s.buf.Write(s.num(nil, kv[i+1].(float64)))
		s.buf.WriteByte('"')
	}
}

func (s *svgWriter) nums(fs ...float64) {
	var tmp [32]byte
	for i, f := range fs {
		if i > 0 {
			s.buf.WriteByte(' ')
		}
		s.buf.Write(s.num(tmp[:0], f))
	}
}

// num appends f with the view's precision, without trailing zeros.
func (s *svgWriter) num(dst []byte, f float64) []byte {
	return appendNum(dst, f, s.v.prec)
}

func appendNum(dst []byte, f float64, prec int) []byte {
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'f', prec, 64)
	if prec > 0 {
		for dst[len(dst)-1] == '0' {
			dst = dst[:len(dst)-1]
		}
		if dst[len(dst)-1] == '.' {
			dst = dst[:len(dst)-1]
		}
	}
	if string(dst[start:]) == "-0" {
		dst = append(dst[:start], '0')
	}
	return dst
}

// escape writes s with XML's special characters escaped, and without
// the characters XML cannot hold (controls, U+FFFE, U+FFFF).
func escape(b *bytes.Buffer, s string) {
	if !strings.ContainsFunc(s, needsEscape) {
		b.WriteString(s)
		return
	}
	for _, r := range s {
		switch {
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xFFFE, r == 0xFFFF:
			continue
		}
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteRune(r)
		}
	}
}

func needsEscape(r rune) bool {
	return r < 0x20 || r == '&' || r == '<' || r == '>' || r == '"' || r == '\'' || r >= 0xFFFE
}
