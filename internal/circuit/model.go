package circuit

import (
	"cmp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Circuit is the normalised model every format maps to: components keyed
// by reference designator, nets keyed by name, and free-form metadata.
//
// Components are sorted by reference in natural order (R2 before R10),
// nets by name in natural order, and the pins of each net likewise, so
// that two circuits with the same content compare equal field by field.
type Circuit struct {
	// Name is the file name given to Parse.
	Name string
	// Format is the format the circuit was read from.
	Format Format
	// Version is the file's format version, as written ("1", "0.0.986").
	Version string
	// Metadata holds top-level descriptive fields (title, author, editor,
	// tool version). Non-string values are kept as compact JSON.
	Metadata map[string]string
	// Components in natural reference order.
	Components []*Component
	// Nets in natural name order.
	Nets []*Net
	// Sheets are the hierarchical sheets below the file (KiCad), in
	// hierarchy order; nil for formats without sheets.
	Sheets []Sheet

	// others are elements of types the format's definition does not
	// know (tscircuit), kept so that a change inside them shows in the
	// diff.
	others []otherElem

	byRef map[string]*Component
	byNet map[string]*Net
}

// Component is one placed part.
type Component struct {
	// Ref is the unique reference designator: R5, U3, uno.
	Ref string
	// Type is the part's kind as the source format names it: resistor,
	// wokwi-arduino-uno, simple_capacitor.
	Type string
	// Value is the electrical value as written: 10k, 100nF, 1kΩ.
	Value string
	// Quantity is Value read as a quantity (4k7 → 4700), or nil when it
	// is not one (red, LM358). Diffs and BOM groups compare quantities,
	// so 1uF and 1µF are the same value. For tscircuit it comes from the
	// numeric field (resistance, capacitance…), which is the truth.
	Quantity *Quantity
	// ShownAs is a tscircuit display string that disagrees with the
	// numeric value (a stale display_resistance after an edit of
	// resistance); Value then spells the number.
	ShownAs      string
	Footprint    string
	MPN          string
	Manufacturer string
	// DNP marks a part that is placed in the design but not fitted.
	DNP bool
	// Virtual marks a simulator-provided part (Wokwi's $serialMonitor)
	// that has connections but no place in a BOM.
	Virtual bool
	// Pins are the component's pin names in natural order. Formats that
	// do not declare pins (Wokwi) list the pins their connections use.
	Pins []string
	// Position is where the part sits (PCB or canvas units), or nil.
	Position *Position
	// Properties holds every other attribute; nested values are
	// flattened to dotted keys and non-strings kept as compact JSON. It
	// may be nil when there are none.
	Properties map[string]string
}

// Sheet is one instance of a hierarchical sheet.
type Sheet struct {
	// Path names the instance in the hierarchy: "/power/", "/amp/filter/".
	Path string
	// File is the schematic it shows, relative to the file's directory.
	File string
}

// Position places a component.
type Position struct {
	X, Y     float64
	Rotation float64
}

// Net is a set of connected pins.
type Net struct {
	Name string
	// Auto marks a name the file does not give (made from a pin, like
	// Net-(R1.1) or GND): such a net is known by its pins, not its name.
	Auto bool
	// Pins are "REF.PIN" strings in natural order.
	Pins []string
}

// Component returns the component with reference ref, or nil.
func (c *Circuit) Component(ref string) *Component {
	if c.byRef == nil {
		c.index()
	}
	return c.byRef[ref]
}

// Net returns the net called name, or nil.
func (c *Circuit) Net(name string) *Net {
	if c.byNet == nil {
		c.byNet = make(map[string]*Net, len(c.Nets))
		for _, n := range c.Nets {
			if _, dup := c.byNet[n.Name]; !dup {
				c.byNet[n.Name] = n
			}
		}
	}
	return c.byNet[name]
}

// NetOf returns the name of the first net (in name order) that holds pin
// "REF.PIN", or "" when the pin is unconnected.
func (c *Circuit) NetOf(pin string) string {
	for _, n := range c.Nets {
		if containsSorted(n.Pins, pin) {
			return n.Name
		}
	}
	return ""
}

func containsSorted(pins []string, pin string) bool {
	i := sort.Search(len(pins), func(i int) bool { return !naturalLess(pins[i], pin) })
	return i < len(pins) && pins[i] == pin
}

// index builds the reference index, which Component uses.
func (c *Circuit) index() {
	c.byRef = make(map[string]*Component, len(c.Components))
	for _, comp := range c.Components {
		if _, dup := c.byRef[comp.Ref]; !dup {
			c.byRef[comp.Ref] = comp
		}
	}
}

// normalise sorts everything into its canonical order and builds the
// indexes. Adapters call it last.
func (c *Circuit) normalise() {
	if c.Metadata == nil {
		c.Metadata = map[string]string{}
	}
	slices.SortStableFunc(c.Components, func(a, b *Component) int { return naturalCompare(a.Ref, b.Ref) })
	// A reference is one component: the first of several (which
	// Validate reports) is kept.
	kept := c.Components[:0]
	for _, comp := range c.Components {
		if k := len(kept); k > 0 && kept[k-1].Ref == comp.Ref {
			continue
		}
		kept = append(kept, comp)
	}
	clear(c.Components[len(kept):])
	c.Components = kept
	quantities := map[string]*Quantity{} // values repeat: share their quantities
	for _, comp := range c.Components {
		sortNatural(comp.Pins)
		if comp.Quantity != nil || comp.Value == "" {
			continue
		}
		q, seen := quantities[comp.Value]
		if !seen {
			if v, ok := ParseQuantity(comp.Value); ok {
				q = &v
			}
			quantities[comp.Value] = q
		}
		comp.Quantity = q
	}
	slices.SortStableFunc(c.Nets, func(a, b *Net) int { return naturalCompare(a.Name, b.Name) })
	// A name is one net: nets listed twice under one name (which
	// Validate reports) are merged.
	merged := c.Nets[:0]
	for _, n := range c.Nets {
		if k := len(merged); k > 0 && merged[k-1].Name == n.Name {
			merged[k-1].Pins = append(merged[k-1].Pins, n.Pins...)
			continue
		}
		merged = append(merged, n)
	}
	c.Nets = merged
	for _, n := range c.Nets {
		sortNatural(n.Pins)
		n.Pins = dedupSorted(n.Pins)
	}
	c.byRef, c.byNet = nil, nil // built by Component and Net when asked
}

func dedupSorted(s []string) []string {
	if len(s) < 2 {
		return s
	}
	out := s[:1]
	for _, v := range s[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}

// SplitPin splits "REF.PIN" at its first dot. Pin names may contain dots
// (Wokwi's GND.1); references may not.
func SplitPin(pin string) (ref, name string, ok bool) {
	i := strings.IndexByte(pin, '.')
	if i <= 0 || i == len(pin)-1 {
		return "", "", false
	}
	return pin[:i], pin[i+1:], true
}

func sortNatural(s []string) {
	slices.SortFunc(s, naturalCompare)
}

// naturalCompare is naturalLess as a three-way comparison.
//
// It decides most pairs from where they first differ: outside a run of
// digits, or inside runs without leading zeros (where the longer run is
// the greater number, and runs of one length compare as bytes). Leading
// zeros take the general way.
func naturalCompare(a, b string) int {
	k, n := 0, min(len(a), len(b))
	for k < n && a[k] == b[k] {
		k++
	}
	if k == len(a) && k == len(b) {
		return 0
	}
	s := k // start of the run of digits the difference is in
	for s > 0 && isDigit(a[s-1]) {
		s--
	}
	da, db := k < len(a) && isDigit(a[k]), k < len(b) && isDigit(b[k])
	if s < k || (da && db) {
		if a[s] == '0' || b[s] == '0' {
			if naturalLessSlow(a, b) {
				return -1
			}
			return 1
		}
		ea, eb := k, k
		for ea < len(a) && isDigit(a[ea]) {
			ea++
		}
		for eb < len(b) && isDigit(b[eb]) {
			eb++
		}
		if ea != eb {
			return cmp.Compare(ea, eb)
		}
	}
	switch {
	case k == len(a):
		return -1
	case k == len(b):
		return 1
	}
	return cmp.Compare(a[k], b[k])
}

// naturalLess orders strings so that runs of digits compare by value:
// R2 < R10, U1.8 < U1.10. Ties fall back to byte order so the order is
// total.
func naturalLess(a, b string) bool { return naturalCompare(a, b) < 0 }

// naturalLessSlow is naturalLess, comparing run by run.
func naturalLessSlow(a, b string) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si := i
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			sj := j
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			da := strings.TrimLeft(a[si:i], "0")
			db := strings.TrimLeft(b[sj:j], "0")
			if len(da) != len(db) {
				return len(da) < len(db)
			}
			if da != db {
				return da < db
			}
			continue
		}
		if ca != cb {
			return ca < cb
		}
		i++
		j++
	}
	if len(a)-i != len(b)-j {
		return len(a)-i < len(b)-j
	}
	return a < b
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// formatFloat writes a coordinate or quantity the shortest way.
func formatFloat(f float64) string {
	return strconv.FormatFloat(f, 'g', -1, 64)
}
