package circuit

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/circuitvc/circuitvc/internal/kicad"
)

// This file maps KiCad schematics and netlists (read by internal/kicad)
// to the model.

func (f Format) isKiCad() bool { return f == FormatKiCad || f == FormatKiCadNetlist }

// kicadFormat recognises a KiCad file by its first list: (kicad_sch …) or
// (export …); a name ending in .kicad_sch is a schematic whatever it
// holds, so that its syntax errors are reported as such.
func kicadFormat(name string, data []byte) Format {
	s := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	head := func(word string) bool {
		rest, ok := bytes.CutPrefix(s, []byte("("+word))
		return ok && (len(rest) == 0 || strings.IndexByte(" \t\r\n()", rest[0]) >= 0)
	}
	switch {
	case head("kicad_sch"):
		return FormatKiCad
	case head("export"):
		return FormatKiCadNetlist
	case strings.HasSuffix(strings.ToLower(name), ".kicad_sch"):
		return FormatKiCad
	}
	return FormatUnknown
}

// readKiCad reads a KiCad file into the model. The findings are the
// reader's errors (the circuit is then nil) and, when validate is set,
// the rule checks: duplicate references (errors), unannotated symbols,
// pins on no net and the reader's warnings (warnings).
func readKiCad(src Source, f Format, validate bool) (*Circuit, []*Error) {
	r := &kicadRead{src: src, own: src.path(), c: &Circuit{Name: src.Name, Format: f}}
	read := r.readNetlist
	if f == FormatKiCad {
		read = r.readSchematic
	}
	design, err := read()
	if err != nil {
		return nil, []*Error{r.fatal(err)}
	}
	r.model(design)
	r.c.normalise()
	if !validate {
		return r.c, nil
	}
	return r.c, r.check(design)
}

// kicadRead is one read of a KiCad file.
type kicadRead struct {
	src Source
	own string // the file's path in src.Files
	c   *Circuit
	// root is the schematic read: own, or the root that uses own as a
	// sub-sheet. note is a problem met on the way there.
	root string
	note string
	// keep tells the components of the view: all of a root's, a
	// sub-sheet's own; mine tells the files whose findings are this
	// file's to report.
	keep func(*kicad.Component) bool
	mine func(file string) bool
}

// always is a predicate that holds for everything.
func always[T any](T) bool { return true }

// readNetlist reads a netlist: the whole design, its sheets, and its
// root sheet's title block, source and tool as metadata.
func (r *kicadRead) readNetlist() (*kicad.Design, error) {
	nl, err := kicad.ParseNetlist(r.own, validUTF8(r.src.Data))
	if err != nil {
		return nil, err
	}
	r.c.Version, r.c.Metadata = nl.Version, map[string]string{}
	for i, s := range nl.Sheets {
		if i == 0 {
			r.c.Metadata = titleMetadata(s.TitleBlock)
			continue
		}
		// KiCad's netlist names a sheet's file without its folder.
		r.c.Sheets = append(r.c.Sheets, Sheet{Path: s.Path, File: s.File})
	}
	for k, v := range map[string]string{"source": nl.Source, "tool": nl.Tool} {
		if v != "" {
			r.c.Metadata[k] = v
		}
	}
	r.keep, r.mine = always[*kicad.Component], always[string]
	return &nl.Design, nil
}

// readSchematic reads a schematic and sets the view of it.
func (r *kicadRead) readSchematic() (*kicad.Design, error) {
	sch, err := r.schematic()
	if err != nil {
		return nil, err
	}
	r.c.Version = strconv.Itoa(sch.Version)
	r.view(sch)
	return &sch.Design, nil
}

// schematic reads the file through its root when another schematic
// uses it as a sub-sheet, else as a root itself.
func (r *kicadRead) schematic() (*kicad.Schematic, error) {
	files := overlay{fsys: r.src.Files, name: r.own, data: r.src.Data}
	read := kicad.ReadSchematic
	if r.src.Reads != nil && r.src.Files != nil {
		// A hierarchy read for another file of the version serves this
		// one when this file's content is the version's.
		if same, err := fs.ReadFile(r.src.Files, r.own); err == nil && bytes.Equal(same, r.src.Data) {
			read = func(_ fs.FS, root string) (*kicad.Schematic, error) { return r.src.Reads.schematic(files, root) }
		}
	}
	r.root = r.own
	if r.src.Files != nil {
		if root, ok := kicad.FindRoot(files, r.own); ok {
			sch, err := read(files, root)
			if err == nil && sheetOf(sch, r.own) {
				r.root = root
				return sch, nil
			}
			if err != nil {
				r.note = fmt.Sprintf("read alone: the root schematic %s that uses it cannot be read (%v)", r.src.displayName(root), err)
			}
		}
	}
	return read(files, r.own)
}

func sheetOf(sch *kicad.Schematic, file string) bool {
	for _, s := range sch.Sheets {
		if s.File == file {
			return true
		}
	}
	return false
}

// view sets what the file shows of the design (all of it, or a
// sub-sheet's part), the sheets below it and its title block.
func (r *kicadRead) view(sch *kicad.Schematic) {
	var paths []string // the hierarchy paths of own's instances
	for _, s := range sch.Sheets {
		if s.File == r.own {
			paths = append(paths, s.Path)
			if r.c.Metadata == nil {
				r.c.Metadata = titleMetadata(s.TitleBlock)
			}
		}
	}
	below := func(p string) bool {
		for _, q := range paths {
			if strings.HasPrefix(p, q) && p != q {
				return true
			}
		}
		return false
	}
	for _, s := range sch.Sheets {
		if below(s.Path) {
			r.c.Sheets = append(r.c.Sheets, Sheet{Path: s.Path, File: relPath(path.Dir(r.own), s.File)})
		}
	}
	on := map[string]bool{}
	for _, p := range paths {
		on[p] = true
	}
	if r.root == r.own {
		r.keep, r.mine = always[*kicad.Component], always[string]
		return
	}
	r.keep = func(c *kicad.Component) bool { return on[c.Sheet] }
	r.mine = func(file string) bool { return file == r.own }
}

// titleMetadata keeps a title block's non-empty fields.
func titleMetadata(tb []kicad.Field) map[string]string {
	m := map[string]string{}
	for _, f := range tb {
		if f.Value != "" {
			m[f.Name] = f.Value
		}
	}
	return m
}

// model fills the circuit with the view's components and nets. A pin
// alone on a net that only its own name names (Net-(R1-Pad1),
// unconnected-(…)) is connected to nothing: it is one of its component's
// pins but no net.
func (r *kicadRead) model(d *kicad.Design) {
	kept := map[string]bool{}
	pins := map[string][]string{}
	for _, kc := range d.Components {
		if r.keep(kc) && modelName(kc.Reference, false) {
			kept[kc.Reference] = true
		}
	}
	placed := map[string]bool{}
	for _, n := range d.Nets {
		auto := autoNetName(n.Name)
		net := &Net{Name: n.Name, Auto: auto}
		for _, nd := range n.Nodes {
			// Symbols that share a reference (not annotated yet, or an
			// error Validate reports) are one component: a pin of it
			// stays on the first net it is found on.
			if p := nd.String(); kept[nd.Ref] && modelName(nd.Pin, true) && !placed[p] {
				placed[p] = true
				pins[nd.Ref] = append(pins[nd.Ref], nd.Pin)
				net.Pins = append(net.Pins, p)
			}
		}
		if len(net.Pins) > 0 && !(auto && len(n.Nodes) == 1) {
			r.c.Nets = append(r.c.Nets, net)
		}
	}
	for _, kc := range d.Components {
		if kept[kc.Reference] {
			comp := kicadComponent(kc)
			comp.Pins = dedupSorted(sortedCopy(pins[kc.Reference]))
			r.c.Components = append(r.c.Components, comp)
		}
	}
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	sortNatural(out)
	return out
}

// modelName tells a reference (or, with dots, a pin number) the model
// can hold in its "REF.PIN" notation: not empty, no white space, no dot
// in a reference.
func modelName(s string, dots bool) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '.' && !dots
	})
}

// autoNetName tells the names KiCad makes up from a pin from the names
// labels and power symbols give.
func autoNetName(name string) bool {
	return strings.HasPrefix(name, "Net-(") || strings.HasPrefix(name, "unconnected-(")
}

// kicadComponent maps one component. Fields other than those the model
// has a place for become properties (empty ones and KiCad's "~" for none
// left out), as do the symbol's attributes: exclude_from_bom and
// exclude_from_board (KiCad's own netlist names for in_bom no and
// on_board no) and its sheet path below the root.
func kicadComponent(kc *kicad.Component) *Component {
	c := &Component{Ref: kc.Reference, Type: kc.LibID, Value: kc.Value, Footprint: kc.Footprint,
		MPN: kc.MPN(), Manufacturer: kc.Field("Manufacturer"), DNP: kc.DNP}
	if len(kc.Units) > 0 {
		u := kc.Units[0]
		c.Position = &Position{X: u.X, Y: u.Y, Rotation: u.Rotation}
	}
	props := map[string]string{}
	mpn, maker := kc.MPNField(), false
	for _, f := range kc.Fields {
		switch {
		case f.Name == "Reference" || f.Name == "Value" || f.Name == "Footprint" || f.Name == mpn:
			continue
		case !maker && strings.EqualFold(f.Name, "Manufacturer"):
			maker = true // the one Field("Manufacturer") reads
			continue
		case f.Value == "" || f.Value == "~":
			continue
		}
		props[f.Name] = f.Value
	}
	if !kc.InBOM {
		props["exclude_from_bom"] = "true"
	}
	if !kc.OnBoard {
		props["exclude_from_board"] = "true"
	}
	if kc.Sheet != "" && kc.Sheet != "/" {
		props["sheet"] = kc.Sheet
	}
	if len(props) > 0 {
		c.Properties = props
	}
	return c
}

// check turns the reader's findings into the model's, with the rule
// checks only a whole design allows: duplicate references (errors),
// unannotated symbols, pins connected to nothing and pins alone on a
// labelled net (warnings, where KiCad's ERC would flag them). A
// sub-sheet reports the findings placed in it; its root reports them
// all.
func (r *kicadRead) check(d *kicad.Design) []*Error {
	var out []*Error
	add := func(l Level, file string, line, col int, format string, args ...any) {
		if r.mine(file) {
			out = append(out, &Error{File: r.src.displayName(file), Line: line, Col: col, Msg: sprintf(format, args...),
				Offset: -1, Err: ErrInvalid, Level: l})
		}
	}
	if r.note != "" {
		add(LevelWarning, r.own, 0, 0, "%s", r.note)
	}
	for _, w := range d.Warnings {
		switch {
		case w.Kind == kicad.WarnDuplicate && !unannotated(w.Ref):
			add(LevelError, w.File, w.Line, w.Col, "%s", w.Msg)
		case w.Kind == kicad.WarnDuplicate:
			// Reported once per symbol below.
		default:
			add(LevelWarning, w.File, w.Line, w.Col, "%s", w.Msg)
		}
	}
	for _, c := range d.Components {
		if !modelName(c.Reference, false) {
			for _, u := range c.Units[:min(1, len(c.Units))] {
				add(LevelError, u.File, u.Line, u.Col, "symbol %q (%s): a reference must not be empty or hold a dot or white space; the symbol is left out", c.Reference, c.LibID)
			}
		}
		if unannotated(c.Reference) {
			for _, u := range c.Units {
				add(LevelWarning, u.File, u.Line, u.Col, "symbol %s (%s) is not annotated; KiCad's Annotate gives it a reference", c.Reference, c.LibID)
			}
		}
	}
	for _, n := range d.Nets {
		for _, nd := range n.Nodes {
			if !modelName(nd.Pin, true) && modelName(nd.Ref, false) {
				add(LevelError, nd.File, nd.Line, nd.Col, "pin %q of %s: a pin number must not be empty or hold white space; the pin is left out", nd.Pin, nd.Ref)
			}
		}
		if len(n.Nodes) == 1 && !n.Nodes[0].NoConnect {
			nd := n.Nodes[0]
			what := nd.String()
			if nd.Function != "" {
				what += " (" + nd.Function + ")"
			}
			switch {
			case autoNetName(n.Name):
				add(LevelWarning, nd.File, nd.Line, nd.Col, "pin %s is connected to nothing (a no-connect flag says it is meant to be)", what)
			case !n.Power && r.c.Format == FormatKiCad:
				// A netlist does not say whether a power symbol
				// names the net, which connects the pin.
				add(LevelWarning, nd.File, nd.Line, nd.Col, "pin %s is the only pin on net %s", what, n.Name)
			}
		}
	}
	// The file's own findings first, in file order; then other files'.
	order := func(e *Error) string {
		if e.File == r.src.Name {
			return ""
		}
		return e.File
	}
	slices.SortStableFunc(out, func(a, b *Error) int {
		return cmp.Or(strings.Compare(order(a), order(b)), a.Line-b.Line, a.Col-b.Col)
	})
	return out
}

// unannotated tells a reference KiCad has not numbered yet: R?.
func unannotated(ref string) bool { return strings.HasSuffix(ref, "?") }

// fatal turns an error of the reader into the model's.
func (r *kicadRead) fatal(err error) *Error {
	e := &Error{File: r.src.Name, Msg: err.Error(), Offset: -1, Err: ErrInvalid}
	var ke *kicad.Error
	if errors.As(err, &ke) {
		e.File, e.Line, e.Col, e.Msg = r.src.displayName(ke.File), ke.Line, ke.Col, ke.Msg
		if errors.Is(ke.Err, kicad.ErrSyntax) {
			e.Err = ErrSyntax
		}
	}
	return e
}

// kicadImpliedUnit is the unit of a value on a symbol of KiCad's Device
// library that does not say: 10k on Device:R is 10kΩ.
func kicadImpliedUnit(libID string) string {
	lib, name, ok := strings.Cut(libID, ":")
	if !ok || lib != "Device" {
		return ""
	}
	base, _, _ := strings.Cut(name, "_")
	switch base {
	case "R", "RPot", "Thermistor":
		return "Ω"
	case "C", "CP":
		return "F"
	case "L":
		return "H"
	}
	return ""
}

// overlay is the file system a schematic is read from: the file itself
// from memory, and the others from the source's Files.
type overlay struct {
	fsys fs.FS
	name string
	data []byte
}

// Open serves Files only: the reader reads with ReadFile, which serves
// the file itself from memory.
func (o overlay) Open(name string) (fs.File, error) {
	if o.fsys == nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return o.fsys.Open(name)
}

func (o overlay) ReadFile(name string) ([]byte, error) {
	if name == o.name {
		return validUTF8(o.data), nil
	}
	if o.fsys == nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	data, err := fs.ReadFile(o.fsys, name)
	return validUTF8(data), err
}

// validUTF8 replaces each run of bytes that are not UTF-8 (KiCad writes
// UTF-8) with U+FFFD, as JSON decoding does, so that every text of the
// model can be written as JSON and shown as it reads.
func validUTF8(data []byte) []byte {
	if utf8.Valid(data) {
		return data
	}
	return bytes.ToValidUTF8(data, []byte("\uFFFD"))
}

func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	if o.fsys == nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return fs.ReadDir(o.fsys, name)
}

// SameSyntax reports whether two versions of a file of format f say the
// same thing in the format's syntax, layout aside: for KiCad files, the
// same S-expression whatever the white space and line ends. It is false
// for other formats (DiffJSON compares JSON) and for malformed input.
func SameSyntax(f Format, old, new []byte) bool {
	if !f.isKiCad() {
		return false
	}
	a, err := kicad.Parse("old", old)
	if err != nil {
		return false
	}
	b, err := kicad.Parse("new", new)
	return err == nil && sameExpr(a, b)
}

func sameExpr(a, b *kicad.Expr) bool {
	if a.IsList != b.IsList || a.Atom != b.Atom || a.Quoted != b.Quoted || len(a.List) != len(b.List) {
		return false
	}
	for i := range a.List {
		if !sameExpr(a.List[i], b.List[i]) {
			return false
		}
	}
	return true
}
