package kicad

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// This file turns one .kicad_sch file into plain data: the symbols placed on
// it, the library symbols it embeds, and its connectable drawing. Nothing
// here knows about hierarchy or nets.

// pt is a point in schematic internal units (100 nm), the resolution KiCad
// itself compares connection points at.
type pt struct{ X, Y int64 }

// iuPerMM is KiCad's schematic internal units per millimetre.
const iuPerMM = 10000

// sheetFile is one parsed schematic file.
type sheetFile struct {
	name    string // path in the fs.FS
	version int
	uuid    string
	libs    map[string]*libSymbol
	symbols []*placedSymbol
	sheets  []*sheetRef

	wires      []segment
	buses      []segment
	junctions  []pt
	noConnects []pt
	labels     []*label
	aliases    map[string][]string // (bus_alias NAME (members …))
	titleBlock []Field

	// legacyInstances holds KiCad 6's (symbol_instances …) of a root file:
	// symbol path (sheet UUIDs then symbol UUID) → instance.
	legacyInstances map[string]symbolInstance
}

type segment struct{ a, b pt }

type labelKind int

const (
	localLabel labelKind = iota
	globalLabel
	hierLabel
)

type label struct {
	kind labelKind
	text string
	pos  pt
}

// placedSymbol is one (symbol …) on a sheet: one unit of a component, a
// power symbol or a flag.
type placedSymbol struct {
	libID     string
	libName   string // (lib_name …): the key into lib_symbols when it differs from lib_id
	pos       pt
	x, y, rot float64
	mirror    string // "", "x" or "y"
	unit      int
	bodyStyle int
	inBOM     bool
	onBoard   bool
	dnp       bool
	uuid      string
	fields    []Field
	instances []symbolInstance
	at        *Expr
}

// symbolInstance is what one sheet path says about a symbol.
type symbolInstance struct {
	path      string // "/root-uuid/sheet-uuid…" (KiCad 7+) or "/sheet-uuids…/symbol-uuid" (KiCad 6)
	reference string
	unit      int
	value     string
	footprint string
}

// sheetRef is a (sheet …) box: a reference to a sub-schematic.
type sheetRef struct {
	uuid string
	name string
	file string
	pins []*sheetPin
	at   *Expr
}

type sheetPin struct {
	name  string
	shape string
	pos   pt
}

// libSymbol is one embedded library symbol.
type libSymbol struct {
	name      string
	power     bool
	localPwr  bool
	unitCount int
	pins      []*libPin
	extends   string
}

// libPin is one pin of a library symbol, in library coordinates (Y up).
type libPin struct {
	number    string
	name      string
	etype     string
	x, y      int64
	unit      int // 0: every unit
	bodyStyle int // 0: every body style
	hidden    bool
}

// formatErr reports content that is well-formed but not a schematic.
func formatErr(file string, n *Expr, format string, args ...any) error {
	e := &Error{File: file, Msg: fmt.Sprintf(format, args...), Err: ErrFormat}
	if n != nil {
		e.Line, e.Col = n.Line, n.Col
	}
	return e
}

// parseSheetFile reads one .kicad_sch file's tree.
func parseSheetFile(name string, root *Expr) (*sheetFile, error) {
	if root.Head() != "kicad_sch" {
		return nil, formatErr(name, root, "not a KiCad schematic: the file starts with (%s …), expected (kicad_sch …)", root.Head())
	}
	f := &sheetFile{name: name, libs: map[string]*libSymbol{}}
	if v := root.Child("version"); v != nil {
		n, err := strconv.Atoi(v.Arg(0))
		if err != nil {
			return nil, formatErr(name, v, "version %q is not a number", v.Arg(0))
		}
		f.version = n
	}
	f.uuid = root.Child("uuid").Arg(0)
	for _, c := range root.List[1:] {
		if err := f.item(c); err != nil {
			return nil, err
		}
	}
	f.resolveDerived()
	return f, nil
}

// resolveDerived gives a library symbol that extends another (KiCad
// normally flattens them when it embeds them) its parent's pins.
func (f *sheetFile) resolveDerived() {
	for _, ls := range f.libs {
		parent := f.libs[ls.extends]
		for depth := 0; parent != nil && parent.extends != "" && len(parent.pins) == 0 && depth < len(f.libs); depth++ {
			parent = f.libs[parent.extends]
		}
		if parent != nil && len(ls.pins) == 0 {
			ls.pins, ls.unitCount = parent.pins, parent.unitCount
			ls.power, ls.localPwr = ls.power || parent.power, ls.localPwr || parent.localPwr
		}
	}
}

// item reads one top-level element; elements that carry no connectivity or
// component data (text, graphics, images, title block) are left alone.
func (f *sheetFile) item(c *Expr) error {
	var err error
	switch c.Head() {
	case "lib_symbols":
		for _, s := range c.Children("symbol") {
			ls, e := f.libSymbol(s)
			if e != nil {
				return e
			}
			f.libs[ls.name] = ls
		}
	case "symbol":
		var s *placedSymbol
		if s, err = f.placedSymbol(c); err == nil {
			f.symbols = append(f.symbols, s)
		}
	case "sheet":
		var s *sheetRef
		if s, err = f.sheet(c); err == nil {
			f.sheets = append(f.sheets, s)
		}
	case "wire", "bus":
		err = f.line(c)
	case "junction":
		var p pt
		if p, err = f.at(c); err == nil {
			f.junctions = append(f.junctions, p)
		}
	case "no_connect":
		var p pt
		if p, err = f.at(c); err == nil {
			f.noConnects = append(f.noConnects, p)
		}
	case "label", "global_label", "hierarchical_label":
		err = f.label(c)
	case "bus_alias":
		if f.aliases == nil {
			f.aliases = map[string][]string{}
		}
		var members []string
		if mem := c.Child("members"); mem != nil {
			for _, m := range mem.List[1:] {
				if !m.IsList {
					members = append(members, m.Atom)
				}
			}
		}
		f.aliases[c.Arg(0)] = members
	case "symbol_instances":
		err = f.legacySymbolInstances(c)
	case "title_block":
		f.titleBlock = titleBlock(c)
	}
	return err
}

// titleBlock reads (title_block (title "…") (rev "…") (comment 1 "…") …)
// as fields named title, rev, comment1 and so on, in file order.
func titleBlock(c *Expr) []Field {
	var out []Field
	for _, e := range c.listItems() {
		if e.Head() == "comment" {
			out = append(out, Field{Name: "comment" + e.Arg(0), Value: e.Arg(1)})
			continue
		}
		out = append(out, Field{Name: e.Head(), Value: e.Arg(0)})
	}
	return out
}

func (f *sheetFile) line(c *Expr) error {
	pts := c.Child("pts").Children("xy")
	if len(pts) < 2 {
		return formatErr(f.name, c, "(%s …) needs two (xy …) points", c.Head())
	}
	var ps []pt
	for _, xy := range pts {
		p, err := f.xy(xy)
		if err != nil {
			return err
		}
		ps = append(ps, p)
	}
	for i := 1; i < len(ps); i++ {
		s := segment{a: ps[i-1], b: ps[i]}
		if c.Head() == "bus" {
			f.buses = append(f.buses, s)
		} else {
			f.wires = append(f.wires, s)
		}
	}
	return nil
}

func (f *sheetFile) label(c *Expr) error {
	p, err := f.at(c)
	if err != nil {
		return err
	}
	kind := map[string]labelKind{"label": localLabel, "global_label": globalLabel, "hierarchical_label": hierLabel}[c.Head()]
	f.labels = append(f.labels, &label{kind: kind, text: c.Arg(0), pos: p})
	return nil
}

// at reads the (at x y …) of an element as a point.
func (f *sheetFile) at(c *Expr) (pt, error) {
	a := c.Child("at")
	if a == nil {
		return pt{}, formatErr(f.name, c, "(%s …) has no (at …) position", c.Head())
	}
	return f.xy(a)
}

// xy reads the first two numbers of (at x y …) or (xy x y).
func (f *sheetFile) xy(a *Expr) (pt, error) {
	x, err1 := mm(a.Arg(0))
	y, err2 := mm(a.Arg(1))
	if err1 != nil || err2 != nil {
		return pt{}, formatErr(f.name, a, "(%s …) needs two numbers, found %q %q", a.Head(), a.Arg(0), a.Arg(1))
	}
	return pt{iu(x), iu(y)}, nil
}

func mm(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err == nil && (math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e9) {
		err = fmt.Errorf("%q is out of range", s)
	}
	return v, err
}

// iu converts millimetres to internal units, rounding as KiCad does.
func iu(v float64) int64 { return int64(math.Round(v * iuPerMM)) }

func (f *sheetFile) placedSymbol(c *Expr) (*placedSymbol, error) {
	s := &placedSymbol{
		libID:     c.Child("lib_id").Arg(0),
		libName:   c.Child("lib_name").Arg(0),
		unit:      1,
		bodyStyle: 1,
		inBOM:     c.Flag("in_bom", true),
		onBoard:   c.Flag("on_board", true),
		dnp:       c.Flag("dnp", false),
		mirror:    c.Child("mirror").Arg(0),
		uuid:      c.Child("uuid").Arg(0),
		at:        c,
	}
	if s.libID == "" {
		return nil, formatErr(f.name, c, "placed symbol has no (lib_id …)")
	}
	a := c.Child("at")
	if a == nil {
		return nil, formatErr(f.name, c, "symbol %s has no (at …) position", s.libID)
	}
	var err error
	if s.pos, err = f.xy(a); err != nil {
		return nil, err
	}
	s.x, _ = mm(a.Arg(0))
	s.y, _ = mm(a.Arg(1))
	if a.Arg(2) != "" {
		if s.rot, err = mm(a.Arg(2)); err != nil {
			return nil, formatErr(f.name, a, "symbol rotation %q is not a number", a.Arg(2))
		}
	}
	if u := c.Child("unit"); u != nil {
		if s.unit, err = strconv.Atoi(u.Arg(0)); err != nil {
			return nil, formatErr(f.name, u, "unit %q is not a number", u.Arg(0))
		}
	}
	for _, key := range []string{"body_style", "convert"} {
		if b := c.Child(key); b != nil {
			if s.bodyStyle, err = strconv.Atoi(b.Arg(0)); err != nil {
				return nil, formatErr(f.name, b, "%s %q is not a number", key, b.Arg(0))
			}
		}
	}
	for _, p := range c.Children("property") {
		s.fields = append(s.fields, Field{Name: p.Arg(0), Value: p.Arg(1)})
	}
	for _, proj := range c.Child("instances").Children("project") {
		for _, p := range proj.Children("path") {
			s.instances = append(s.instances, instanceOf(p))
		}
	}
	return s, nil
}

func instanceOf(p *Expr) symbolInstance {
	in := symbolInstance{
		path:      p.Arg(0),
		reference: p.Child("reference").Arg(0),
		value:     p.Child("value").Arg(0),
		footprint: p.Child("footprint").Arg(0),
	}
	in.unit, _ = strconv.Atoi(p.Child("unit").Arg(0))
	return in
}

func (f *sheetFile) legacySymbolInstances(c *Expr) error {
	if f.legacyInstances == nil {
		f.legacyInstances = map[string]symbolInstance{}
	}
	for _, p := range c.Children("path") {
		in := instanceOf(p)
		f.legacyInstances[in.path] = in
	}
	return nil
}

func (f *sheetFile) sheet(c *Expr) (*sheetRef, error) {
	s := &sheetRef{uuid: c.Child("uuid").Arg(0), at: c}
	for _, p := range c.Children("property") {
		switch p.Arg(0) {
		case "Sheetname", "Sheet name":
			s.name = p.Arg(1)
		case "Sheetfile", "Sheet file":
			s.file = p.Arg(1)
		}
	}
	if s.file == "" {
		return nil, formatErr(f.name, c, "sheet %q has no Sheetfile property", s.name)
	}
	box, err := f.sheetBox(c)
	if err != nil {
		return nil, err
	}
	for _, p := range c.Children("pin") {
		pos, err := f.at(p)
		if err != nil {
			return nil, err
		}
		s.pins = append(s.pins, &sheetPin{name: p.Arg(0), shape: p.Arg(1), pos: box.onEdge(pos, p.Child("at").Arg(2))})
	}
	return s, nil
}

// rect is a sheet box: its corner and far corner.
type rect struct{ min, max pt }

func (f *sheetFile) sheetBox(c *Expr) (rect, error) {
	at, err := f.at(c)
	if err != nil {
		return rect{}, err
	}
	size := c.Child("size")
	if size == nil {
		return rect{}, formatErr(f.name, c, "sheet has no (size …)")
	}
	wh, err := f.xy(size)
	if err != nil {
		return rect{}, err
	}
	return rect{at, pt{at.X + wh.X, at.Y + wh.Y}}, nil
}

// onEdge puts a sheet pin on the edge of its box that its angle names
// (180 left, 0 right, 90 top, 270 bottom), as KiCad does when it loads a
// sheet; a pin saved off its edge connects there.
func (r rect) onEdge(p pt, angle string) pt {
	switch angle {
	case "180":
		p.X = r.min.X
	case "0", "":
		p.X = r.max.X
	case "90":
		p.Y = r.min.Y
	case "270":
		p.Y = r.max.Y
	}
	return p
}

// libSymbol reads one embedded library symbol with its unit sub-symbols,
// named NAME_UNIT_BODYSTYLE.
func (f *sheetFile) libSymbol(c *Expr) (*libSymbol, error) {
	ls := &libSymbol{name: c.Arg(0), extends: c.Child("extends").Arg(0)}
	if p := c.Child("power"); p != nil || c.HasAtom("power") {
		ls.power = true
		ls.localPwr = p.Arg(0) == "local"
	}
	if err := f.libPins(ls, c, 0, 0); err != nil {
		return nil, err
	}
	for _, sub := range c.Children("symbol") {
		unit, style := subSymbolUnit(sub.Arg(0))
		ls.unitCount = max(ls.unitCount, unit)
		if err := f.libPins(ls, sub, unit, style); err != nil {
			return nil, err
		}
	}
	ls.unitCount = max(ls.unitCount, 1)
	return ls, nil
}

// subSymbolUnit reads the unit and body style from a sub-symbol name such
// as "Device:R_1_1" (KiCad may drop the library prefix in sub-symbols).
func subSymbolUnit(name string) (unit, style int) {
	i := strings.LastIndexByte(name, '_')
	if i < 0 {
		return 0, 0
	}
	j := strings.LastIndexByte(name[:i], '_')
	if j < 0 {
		return 0, 0
	}
	unit, _ = strconv.Atoi(name[j+1 : i])
	style, _ = strconv.Atoi(name[i+1:])
	return unit, style
}

func (f *sheetFile) libPins(ls *libSymbol, c *Expr, unit, style int) error {
	for _, p := range c.Children("pin") {
		a := p.Child("at")
		if a == nil {
			return formatErr(f.name, p, "pin of library symbol %s has no (at …) position", ls.name)
		}
		pos, err := f.xy(a)
		if err != nil {
			return err
		}
		ls.pins = append(ls.pins, &libPin{
			number:    p.Child("number").Arg(0),
			name:      p.Child("name").Arg(0),
			etype:     p.Arg(0),
			x:         pos.X,
			y:         pos.Y,
			unit:      unit,
			bodyStyle: style,
			hidden:    p.Flag("hide", false),
		})
	}
	return nil
}
