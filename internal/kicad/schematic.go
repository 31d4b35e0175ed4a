package kicad

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// Schematic is a KiCad schematic read from its root .kicad_sch file with
// every sub-sheet it reaches.
type Schematic struct {
	Design
	// Version is the root file's format version (YYYYMMDD): 20211123 for
	// KiCad 6, 20230121 for 7, 20231120 for 8, 20250114 for 9.
	Version int
	// Sheets are the sheet instances in hierarchy order, the root first.
	Sheets []Sheet
}

// Sheet is one instance of a schematic file in the hierarchy; a file used
// by two sheet boxes has two instances.
type Sheet struct {
	// Path is the human-readable sheet path: "/" for the root,
	// "/amplifier/" for a sheet named amplifier.
	Path string
	// File is the file's path in the file system read from.
	File string
	// TitleBlock holds the file's title block: title, date, rev,
	// company, comment1…comment9, as written.
	TitleBlock []Field
}

// maxSheetInstances bounds the hierarchy, so that a few files whose
// sheets each use the next several times cannot multiply into millions of
// instances; real projects have tens.
const maxSheetInstances = 10000

// ReadSchematic reads the schematic whose root file is name in fsys,
// following its hierarchical sheets, and computes its components and nets
// as KiCad's netlist export names them.
//
// Syntax errors and malformed content are returned as *Error with the
// file, line and column. Problems that do not stop the read (a missing
// sub-sheet, a symbol whose library symbol is not embedded, a duplicate
// reference) are listed in Warnings.
func ReadSchematic(fsys fs.FS, name string) (*Schematic, error) {
	l := &loader{fsys: fsys, files: map[string]*sheetFile{}}
	root, err := l.load(name)
	if err != nil {
		return nil, err
	}
	sch := &Schematic{Version: root.version}
	h := &hierarchy{loader: l, rootUUID: root.uuid, legacy: root.legacyInstances}
	if err := h.walk(root, nil, "/", nil); err != nil {
		return nil, err
	}
	for _, in := range h.instances {
		sch.Sheets = append(sch.Sheets, Sheet{Path: in.path, File: in.file.name, TitleBlock: in.file.titleBlock})
	}
	sch.Components = h.components()
	sch.Nets = newNetBuilder(h).build()
	sch.Warnings = h.warnings
	sch.sort()
	return sch, nil
}

// ParseSchematic reads a single schematic file from memory; sub-sheets are
// not followed (a warning names each). name is used in messages.
func ParseSchematic(name string, src []byte) (*Schematic, error) {
	return ReadSchematic(singleFile{name: name, data: src}, name)
}

// loader reads and caches schematic files: a file used by several sheet
// boxes is parsed once.
type loader struct {
	fsys  fs.FS
	files map[string]*sheetFile
	order []*sheetFile
}

func (l *loader) load(name string) (*sheetFile, error) {
	if f, ok := l.files[name]; ok {
		return f, nil
	}
	src, err := fs.ReadFile(l.fsys, name)
	if err != nil {
		return nil, &Error{File: name, Msg: fmt.Sprintf("read: %v", err), Err: err}
	}
	root, err := Parse(name, src)
	if err != nil {
		return nil, err
	}
	f, err := parseSheetFile(name, root)
	if err != nil {
		return nil, err
	}
	l.files[name] = f
	l.order = append(l.order, f)
	return f, nil
}

// sheetInstance is one file at one place in the hierarchy.
type sheetInstance struct {
	file   *sheetFile
	path   string   // human-readable, "/" or "/a/b/"
	uuids  []string // sheet UUIDs from the root's child down to this sheet
	parent *sheetInstance
	box    *sheetRef // the sheet box in parent that instantiates this sheet
	// symbols are the placed symbols with their instance data resolved.
	symbols []*symbolUse
}

// symbolUse is a placed symbol in one sheet instance.
type symbolUse struct {
	*placedSymbol
	// fields are the symbol's fields for this instance, with the
	// instance's reference, value and footprint and ${FIELD} text
	// variables expanded.
	fields    []Field
	lib       *libSymbol
	ref       string
	unit      int
	value     string
	footprint string
	sheet     *sheetInstance
}

// isPower tells power symbols and flags, which are not components.
func (s *symbolUse) isPower() bool {
	return (s.lib != nil && s.lib.power) || strings.HasPrefix(s.ref, "#")
}

type hierarchy struct {
	*loader
	rootUUID  string
	legacy    map[string]symbolInstance
	instances []*sheetInstance
	warnings  []Warning
}

func (h *hierarchy) warn(file string, n *Expr, format string, args ...any) {
	w := Warning{File: file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		w.Line, w.Col = n.Line, n.Col
	}
	h.warnings = append(h.warnings, w)
}

// walk records the instance of f at the given place and descends into its
// sheets depth-first, in file order.
func (h *hierarchy) walk(f *sheetFile, parent *sheetInstance, hpath string, box *sheetRef) error {
	in := &sheetInstance{file: f, path: hpath, parent: parent, box: box}
	if parent != nil {
		in.uuids = append(slices.Clone(parent.uuids), box.uuid)
	}
	h.instances = append(h.instances, in)
	h.resolveSymbols(in)
	for _, s := range f.sheets {
		child, err := h.loadSheet(f, s)
		if err != nil {
			return err
		}
		if child == nil {
			continue
		}
		if len(h.instances) >= maxSheetInstances {
			return formatErr(f.name, s.at, "sheet %q: more than %d sheet instances in the hierarchy", s.name, maxSheetInstances)
		}
		for a := in; a != nil; a = a.parent {
			if a.file == child {
				return formatErr(f.name, s.at, "sheet %q: %s includes itself through this sheet", s.name, child.name)
			}
		}
		if err := h.walk(child, in, hpath+escapeNetName(s.name)+"/", s); err != nil {
			return err
		}
	}
	return nil
}

// loadSheet reads the file a sheet box names, relative to the directory of
// the file that holds the box, as KiCad resolves it. A missing file is a
// warning: the rest of the design can still be read.
func (h *hierarchy) loadSheet(parent *sheetFile, s *sheetRef) (*sheetFile, error) {
	file := strings.ReplaceAll(s.file, `\`, "/")
	if path.IsAbs(file) {
		h.warn(parent.name, s.at, "sheet %q: absolute file name %q is not supported; sheet skipped", s.name, s.file)
		return nil, nil
	}
	name := path.Join(path.Dir(parent.name), file)
	f, err := h.load(name)
	var e *Error
	switch {
	case errors.As(err, &e) && errors.Is(e.Err, fs.ErrNotExist):
		h.warn(parent.name, s.at, "sheet %q: file %s not found; sheet skipped", s.name, name)
		return nil, nil
	case errors.As(err, &e) && errors.Is(e.Err, fs.ErrInvalid):
		// A file outside what the caller can read (above the root of
		// a working tree): the rest of the design is still read.
		h.warn(parent.name, s.at, "sheet %q: file %s cannot be read here (%v); sheet skipped", s.name, name, e.Err)
		return nil, nil
	}
	return f, err
}

// resolveSymbols gives each placed symbol of an instance its reference and
// unit for that instance: from its (instances …) (KiCad 7+), from the root
// file's (symbol_instances …) (KiCad 6), or else from its own fields.
func (h *hierarchy) resolveSymbols(in *sheetInstance) {
	sheetPath := "/" + strings.Join(append([]string{h.rootUUID}, in.uuids...), "/")
	var orphans []string
	defer func() {
		if len(orphans) > 0 {
			h.warn(in.file.name, nil, "%d symbols (%s) have no instance data for sheet %s; their Reference fields are used (KiCad treats them as unannotated: is this a sub-sheet read as a root?)",
				len(orphans), strings.Join(orphans[:min(3, len(orphans))], ", "), in.path)
		}
	}()
	for _, ps := range in.file.symbols {
		u := &symbolUse{placedSymbol: ps, sheet: in, unit: ps.unit}
		u.ref = fieldValue(ps.fields, "Reference")
		u.value = fieldValue(ps.fields, "Value")
		u.footprint = fieldValue(ps.fields, "Footprint")
		inst, ok := h.instanceFor(ps, in, sheetPath)
		if !ok && (len(ps.instances) > 0 || h.legacy != nil) {
			orphans = append(orphans, u.ref)
		}
		if ok {
			if inst.reference != "" {
				u.ref = inst.reference
			}
			if inst.unit > 0 {
				u.unit = inst.unit
			}
			if inst.value != "" {
				u.value = inst.value
			}
			if inst.footprint != "" {
				u.footprint = inst.footprint
			}
		}
		u.fields = resolveFields(ps.fields, u.ref, u.value, u.footprint)
		u.value = fieldValue(u.fields, "Value")
		u.footprint = fieldValue(u.fields, "Footprint")
		u.lib = in.file.libs[ps.libName]
		if u.lib == nil {
			u.lib = in.file.libs[ps.libID]
		}
		if u.lib == nil {
			h.warn(in.file.name, ps.at, "symbol %s (%s): library symbol not embedded in the schematic; its pins are not connected", u.ref, ps.libID)
		}
		in.symbols = append(in.symbols, u)
	}
}

func (h *hierarchy) instanceFor(ps *placedSymbol, in *sheetInstance, sheetPath string) (symbolInstance, bool) {
	for _, inst := range ps.instances {
		if inst.path == sheetPath {
			return inst, true
		}
	}
	if h.legacy != nil {
		key := "/" + strings.Join(append(slices.Clone(in.uuids), ps.uuid), "/")
		if inst, ok := h.legacy[key]; ok {
			return inst, true
		}
	}
	return symbolInstance{}, false
}

func fieldValue(fields []Field, name string) string {
	for _, f := range fields {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// components groups the placed symbols of every instance by reference:
// the units of a multi-unit symbol become one component, whose fields come
// from its lowest-numbered unit.
func (h *hierarchy) components() []*Component {
	byRef := map[string]*Component{}
	var out []*Component
	lowest := map[string]int{}
	type placed struct {
		ref  string
		unit int
	}
	seen := map[placed]*symbolUse{}
	for _, in := range h.instances {
		for _, u := range in.symbols {
			if u.isPower() {
				continue
			}
			if first := seen[placed{u.ref, u.unit}]; first != nil {
				h.warn(in.file.name, u.at, "duplicate reference %s: unit %d is also placed on sheet %s (%s:%d:%d)",
					u.ref, u.unit, first.sheet.path, first.sheet.file.name, first.at.Line, first.at.Col)
				w := &h.warnings[len(h.warnings)-1]
				w.Kind, w.Ref = WarnDuplicate, u.ref
			} else {
				seen[placed{u.ref, u.unit}] = u
			}
			c := byRef[u.ref]
			if c == nil {
				c = &Component{Reference: u.ref}
				byRef[u.ref] = c
				out = append(out, c)
			}
			if len(c.Units) == 0 || u.unit < lowest[u.ref] {
				lowest[u.ref] = u.unit
				fillComponent(c, u)
			}
			c.Units = append(c.Units, Unit{Unit: u.unit, X: u.x, Y: u.y, Rotation: u.rot, Mirror: u.mirror,
				File: in.file.name, Line: u.at.Line, Col: u.at.Col})
		}
	}
	for _, c := range out {
		slices.SortStableFunc(c.Units, func(a, b Unit) int { return a.Unit - b.Unit })
	}
	return out
}

func fillComponent(c *Component, u *symbolUse) {
	c.Value = u.value
	c.Footprint = u.footprint
	c.Datasheet = fieldValue(u.fields, "Datasheet")
	c.LibID = u.libID
	c.InBOM, c.OnBoard, c.DNP = u.inBOM, u.onBoard, u.dnp
	c.Sheet = u.sheet.path
	c.Fields = slices.Clone(u.fields)
}

// resolveFields gives a symbol's fields their values for one instance and
// expands the ${NAME} text variables that name another field of the
// symbol (compared without regard to case), as KiCad shows them.
func resolveFields(fields []Field, ref, value, footprint string) []Field {
	out := slices.Clone(fields)
	for i := range out {
		switch out[i].Name {
		case "Reference":
			out[i].Value = ref
		case "Value":
			out[i].Value = value
		case "Footprint":
			out[i].Value = footprint
		}
	}
	raw := slices.Clone(out)
	lookup := func(name string) (string, bool) {
		for _, f := range raw {
			if strings.EqualFold(f.Name, name) {
				return f.Value, true
			}
		}
		return "", false
	}
	for i := range out {
		out[i].Value = expandVars(out[i].Value, lookup, 0)
	}
	return out
}

// maxVarDepth bounds nested text variables, so that a field naming itself
// cannot loop; KiCad stops at the same kind of limit.
const maxVarDepth = 10

// expandVars replaces each ${NAME} that lookup knows; others stay as
// written.
func expandVars(s string, lookup func(string) (string, bool), depth int) string {
	if depth >= maxVarDepth || !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		b.WriteString(s[:i])
		if v, ok := lookup(s[i+2 : i+j]); ok {
			b.WriteString(expandVars(v, lookup, depth+1))
		} else {
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return b.String()
}

// singleFile is an fs.FS holding one file, for ParseSchematic.
type singleFile struct {
	name string
	data []byte
}

// Open is never used by the reader, which only calls ReadFile.
func (s singleFile) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (s singleFile) ReadFile(name string) ([]byte, error) {
	if name != s.name {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return slices.Clone(s.data), nil
}
