package circuit

import (
	"sort"
	"strings"
)

// BOMLine is one line of a bill of materials: the parts that are the
// same thing to buy.
type BOMLine struct {
	// Value is the first part's value as written; parts whose values are
	// the same quantity (4k7, 4.7kΩ) share a line.
	Value     string
	Footprint string
	MPN       string
	// Manufacturer is the first manufacturer named in the group.
	Manufacturer string
	// Type is the part type of the group's first component.
	Type string
	// Variant names the attributes that make a Wokwi part a different
	// thing to buy ("color=red"); see BOMAttributes.
	Variant string
	Qty     int
	// Refs in natural order: R1, R2, R10.
	Refs []string
}

// BOMAttributes lists, per Wokwi part type, the attributes that make a
// different physical part: an LED's colour, a resistor's value, a
// display's size. Parts of one type that differ in these are separate
// BOM lines.
var BOMAttributes = map[string][]string{
	"wokwi-led":                    {"color"},
	"wokwi-led-bar-graph":          {"color"},
	"wokwi-rgb-led":                {"common"},
	"wokwi-pushbutton":             {"color"},
	"wokwi-pushbutton-6mm":         {"color"},
	"wokwi-resistor":               {"value"},
	"wokwi-potentiometer":          {"value"},
	"wokwi-slide-potentiometer":    {"value", "travelLength"},
	"wokwi-7segment":               {"color", "digits", "common", "colon"},
	"wokwi-tm1637-7segment":        {"color"},
	"wokwi-max7219-matrix":         {"color", "chain"},
	"wokwi-lcd1602":                {"pins", "background", "color"},
	"wokwi-lcd2004":                {"pins", "background", "color"},
	"wokwi-led-ring":               {"pixels"},
	"wokwi-neopixel-matrix":        {"rows", "cols"},
	"wokwi-led-strip":              {"pixels"},
	"wokwi-membrane-keypad":        {"columns"},
	"wokwi-stepper-motor":          {"size"},
	"wokwi-hx711":                  {"type"},
	"wokwi-ntc-temperature-sensor": {"beta"},
}

// NotBought lists part types that are in a design but not bought: labels,
// simulated networks and instruments, power symbols. They stay out of the
// BOM, like simulator parts ($serialMonitor), DNP parts and parts with a
// property exclude_from_bom of true.
var NotBought = map[string]bool{
	"wokwi-text": true, "wokwi-wifi-ap": true, "wokwi-logic-analyzer": true,
	"wokwi-vcc": true, "wokwi-gnd": true, "wokwi-clock-generator": true,
	"simple_ground": true, "simple_voltage_probe": true,
}

// InBOM reports whether a component is bought: it is not virtual, not
// DNP, not excluded by a property, and not of a type in NotBought.
func InBOM(c *Component) bool {
	return !c.Virtual && !c.DNP && !NotBought[c.Type] && c.Properties["exclude_from_bom"] != "true"
}

// bomVariant is "attr=value" for the attributes of BOMAttributes[c.Type].
func bomVariant(c *Component) string {
	var parts []string
	for _, a := range BOMAttributes[c.Type] {
		v, ok := c.Properties[a]
		if a == "value" {
			continue // the value is its own column
		}
		if ok && v != "" {
			parts = append(parts, a+"="+v)
		}
	}
	return strings.Join(parts, " ")
}

// valueKey is a component's value for comparisons: its quantity in a
// canonical spelling (so 4k7 and 4.7kΩ agree), else the text.
func valueKey(c *Component) string {
	if c.Quantity == nil {
		return c.Value
	}
	return c.Quantity.key(impliedUnit(c.Type))
}

// impliedUnit is the unit a value of a part of this type is in when it
// does not say (10k on a resistor is 10kΩ).
func impliedUnit(typ string) string {
	if u := kicadImpliedUnit(typ); u != "" {
		return u
	}
	t := strings.ToLower(typ)
	switch {
	case strings.Contains(t, "resistor"), strings.Contains(t, "potentiometer"):
		return "Ω"
	case strings.Contains(t, "capacitor"):
		return "F"
	case strings.Contains(t, "inductor"):
		return "H"
	}
	return ""
}

// bomGroup is what puts components on one BOM line. Parts with neither
// value nor MPN (a Wokwi board, a connector) are told apart by type, so
// that unrelated parts do not merge into one anonymous line; Wokwi parts
// also by the attributes that make them different to buy.
type bomGroup struct {
	value, footprint, mpn, typ, variant string
}

// bomKeys computes bomGroups, sharing the work for repeated values
// (parsing shares the Quantity of equal values).
type bomKeys struct {
	values map[typedValue]string
}

// typedValue is a quantity on a part of a type, which may imply its unit.
type typedValue struct {
	q   *Quantity
	typ string
}

func (k *bomKeys) of(c *Component) bomGroup {
	g := bomGroup{value: c.Value, footprint: c.Footprint, mpn: c.MPN, variant: bomVariant(c)}
	if q := c.Quantity; q != nil {
		v, ok := k.values[typedValue{q, c.Type}]
		if !ok {
			v = q.key("")
			if q.Unit == "" {
				v += impliedUnit(c.Type) // 10k on a resistor is 10kΩ
			}
			if k.values == nil {
				k.values = map[typedValue]string{}
			}
			k.values[typedValue{q, c.Type}] = v
		}
		g.value = v
	}
	if c.Value == "" && c.MPN == "" || g.variant != "" {
		g.typ = c.Type
	}
	return g
}

// BOM groups the circuit's bought components (see InBOM) by value (as a
// quantity), footprint, MPN and, for Wokwi parts, the attributes of
// BOMAttributes. Lines are ordered by their first reference.
func (c *Circuit) BOM() []BOMLine {
	lines, _ := c.bomMap()
	return lines
}

// NotInBOM lists the components BOM leaves out, in reference order.
func (c *Circuit) NotInBOM() []*Component {
	var out []*Component
	for _, comp := range c.Components {
		if !InBOM(comp) {
			out = append(out, comp)
		}
	}
	return out
}

func (c *Circuit) bomMap() ([]BOMLine, map[bomGroup]int) {
	idx := make(map[bomGroup]int)
	var lines []BOMLine
	var keys bomKeys
	// The references are gathered once the lines' sizes are known, into
	// lists that need no growing.
	line := make([]int32, len(c.Components))
	for ci, comp := range c.Components {
		line[ci] = -1
		if !InBOM(comp) {
			continue
		}
		k := keys.of(comp)
		i, ok := idx[k]
		if !ok {
			i = len(lines)
			idx[k] = i
			lines = append(lines, BOMLine{Value: comp.Value, Footprint: comp.Footprint, MPN: comp.MPN,
				Type: comp.Type, Variant: bomVariant(comp)})
		}
		l := &lines[i]
		if l.Manufacturer == "" {
			l.Manufacturer = comp.Manufacturer
		}
		l.Qty++
		line[ci] = int32(i)
	}
	total := 0
	for i := range lines {
		total += lines[i].Qty
	}
	refs := make([]string, total)
	for i := range lines {
		lines[i].Refs, refs = refs[:0:lines[i].Qty], refs[lines[i].Qty:]
	}
	for ci, comp := range c.Components {
		if i := line[ci]; i >= 0 {
			lines[i].Refs = append(lines[i].Refs, comp.Ref)
		}
	}
	// Components are already in natural order, so Refs are too.
	order := make([]int, len(lines))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return naturalLess(lines[order[a]].Refs[0], lines[order[b]].Refs[0])
	})
	sorted := make([]BOMLine, len(lines))
	where := make([]int, len(lines))
	for to, from := range order {
		sorted[to] = lines[from]
		where[from] = to
	}
	for k, i := range idx {
		idx[k] = where[i]
	}
	return sorted, idx
}
