package circuit

import "sort"

// BOMLine is one line of a bill of materials: the parts that share value,
// footprint and MPN.
type BOMLine struct {
	Value     string
	Footprint string
	MPN       string
	// Manufacturer is the first manufacturer named in the group.
	Manufacturer string
	// Type is the part type of the group's first component.
	Type string
	// DNP lines list parts that are placed but not fitted; they are
	// kept apart from fitted parts of the same kind.
	DNP bool
	Qty int
	// Refs in natural order: R1, R2, R10.
	Refs []string
}

// bomKey groups components. Parts with neither value nor MPN (a Wokwi
// board, a connector) are told apart by type, so that unrelated parts do
// not merge into one anonymous line.
func bomKey(c *Component) string {
	k := c.Value + "\x00" + c.Footprint + "\x00" + c.MPN
	if c.Value == "" && c.MPN == "" {
		k += "\x00" + c.Type
	}
	if c.DNP {
		k += "\x00dnp"
	}
	return k
}

// BOM groups the circuit's real components (not virtual ones) by value,
// footprint and MPN. Lines are ordered by their first reference.
func (c *Circuit) BOM() []BOMLine {
	lines, _ := c.bomMap()
	return lines
}

func (c *Circuit) bomMap() ([]BOMLine, map[string]int) {
	idx := make(map[string]int)
	var lines []BOMLine
	for _, comp := range c.Components {
		if comp.Virtual {
			continue
		}
		k := bomKey(comp)
		i, ok := idx[k]
		if !ok {
			i = len(lines)
			idx[k] = i
			lines = append(lines, BOMLine{Value: comp.Value, Footprint: comp.Footprint, MPN: comp.MPN,
				Type: comp.Type, DNP: comp.DNP})
		}
		l := &lines[i]
		if l.Manufacturer == "" {
			l.Manufacturer = comp.Manufacturer
		}
		l.Qty++
		l.Refs = append(l.Refs, comp.Ref)
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
