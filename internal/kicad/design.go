package kicad

import (
	"fmt"
	"slices"
	"strings"
)

// Design is what a schematic and a netlist have in common: components and
// the nets that join their pins.
type Design struct {
	// Components in natural reference order (R2 before R10).
	Components []*Component
	// Nets in name order (byte-wise, as KiCad sorts them).
	Nets []*Net
	// Warnings are problems that did not stop the read: unsupported
	// constructs (buses), missing sub-sheets, unknown library symbols.
	Warnings []Warning
}

// Component is one reference designator: every placed unit of a
// multi-unit symbol is part of the same component.
type Component struct {
	Reference string
	Value     string
	Footprint string
	Datasheet string
	// LibID is the library symbol, "Library:Name".
	LibID string
	// Fields holds every field in file order, Reference, Value,
	// Footprint and Datasheet included, so that nothing the user typed
	// is lost. For a netlist these are the (fields …) of the component.
	Fields []Field
	// InBOM, OnBoard and DNP are the symbol's attributes.
	InBOM, OnBoard, DNP bool
	// Sheet is the human-readable sheet path, "/" for the root sheet,
	// "/power/" for a sub-sheet named power.
	Sheet string
	// Units are the placed units, by unit number; a netlist has none.
	Units []Unit
}

// Field is one name/value property of a component.
type Field struct {
	Name, Value string
}

// Unit is one placed unit of a component on a sheet.
type Unit struct {
	Unit int
	// X, Y (mm, Y down) and Rotation (degrees) place the unit's anchor.
	X, Y, Rotation float64
	// Mirror is "", "x" or "y".
	Mirror string
	// File, Line and Col place the unit's (symbol …) in its file.
	File      string
	Line, Col int
}

// Field returns the value of the field with the given name, compared
// without regard to case, or "".
func (c *Component) Field(name string) string {
	for _, f := range c.Fields {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// mpnFields are the names KiCad users and its library give the
// manufacturer part number, most common first.
var mpnFields = []string{"MPN", "Manufacturer Part Number", "Manufacturer_Part_Number", "MFR Part Number", "Mfr. No", "PartNumber", "Part Number"}

// MPN returns the manufacturer part number from the first field that
// holds one under a common name, or "".
func (c *Component) MPN() string {
	_, v := c.mpnField()
	return v
}

// MPNField returns the name of the field MPN reads, as the file spells
// it, or "".
func (c *Component) MPNField() string {
	n, _ := c.mpnField()
	return n
}

func (c *Component) mpnField() (name, value string) {
	for _, n := range mpnFields {
		for _, f := range c.Fields {
			if strings.EqualFold(f.Name, n) && f.Value != "" {
				return f.Name, f.Value
			}
		}
	}
	return "", ""
}

// Net is a set of connected pins under the name KiCad gives it.
type Net struct {
	Name  string
	Nodes []Node
	// Power marks a net of a schematic that a power symbol is on (GND,
	// +5V): a pin alone on it is connected, as KiCad's ERC sees it.
	Power bool
}

// Node is one pin on a net.
type Node struct {
	Ref string
	Pin string
	// Function is the pin's name when it differs from its number; Type
	// is its electrical type (passive, input, power_in…).
	Function, Type string
	// NoConnect marks a pin meant to stay unconnected: a no-connect flag
	// on it (or on the wires it sits on), or a pin of type no_connect. A
	// pin alone on its net without it is what KiCad's ERC reports as
	// unconnected. Read from a netlist, it is KiCad's "+no_connect" mark,
	// which also follows a flag on a sheet pin down the hierarchy.
	NoConnect bool
	// File, Line and Col place the symbol unit the pin belongs to (for a
	// netlist, the (node …)), for messages about the pin.
	File      string
	Line, Col int
}

// String returns "REF.PIN".
func (n Node) String() string { return n.Ref + "." + n.Pin }

// Pins returns the net's nodes as sorted "REF.PIN" strings.
func (n *Net) Pins() []string {
	out := make([]string, len(n.Nodes))
	for i, nd := range n.Nodes {
		out[i] = nd.String()
	}
	slices.SortFunc(out, naturalCompare)
	return out
}

// Component returns the component with the given reference, or nil.
func (d *Design) Component(ref string) *Component {
	for _, c := range d.Components {
		if c.Reference == ref {
			return c
		}
	}
	return nil
}

// Net returns the net with the given name, or nil.
func (d *Design) Net(name string) *Net {
	for _, n := range d.Nets {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// Warning is a problem that did not stop a read.
type Warning struct {
	File      string
	Line, Col int
	Msg       string
	// Kind classifies the warning for callers that treat some kinds as
	// errors; Ref is the reference it concerns, if any.
	Kind WarningKind
	Ref  string
}

// WarningKind classifies a Warning.
type WarningKind int

const (
	// WarnOther is any warning not classified below.
	WarnOther WarningKind = iota
	// WarnDuplicate: two placed symbols share a reference and unit, or a
	// netlist lists a component or a net twice.
	WarnDuplicate
)

// String formats the warning as "file:line:col: msg".
func (w Warning) String() string {
	return (&Error{File: w.File, Line: w.Line, Col: w.Col, Msg: w.Msg}).Error()
}

func (d *Design) sort() {
	slices.SortFunc(d.Components, func(a, b *Component) int { return naturalCompare(a.Reference, b.Reference) })
	slices.SortFunc(d.Nets, func(a, b *Net) int { return strings.Compare(a.Name, b.Name) })
	for _, n := range d.Nets {
		slices.SortFunc(n.Nodes, func(a, b Node) int {
			if c := naturalCompare(a.Ref, b.Ref); c != 0 {
				return c
			}
			return naturalCompare(a.Pin, b.Pin)
		})
	}
}

// naturalCompare orders strings with embedded numbers by value: R2 < R10.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := len(na) - len(nb); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func digitRun(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// unitLetter names unit n as KiCad does in references: 1 → A, 26 → Z,
// 27 → AA.
func unitLetter(n int) string {
	if n <= 0 {
		return fmt.Sprint(n)
	}
	s := ""
	for n > 0 {
		n--
		s = string(rune('A'+n%26)) + s
		n /= 26
	}
	return s
}
