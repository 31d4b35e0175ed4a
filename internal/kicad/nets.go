package kicad

// group joins subgraphs into nets: across hierarchy levels where a sheet
// pin meets the hierarchical label of the same name in the sheet it
// instantiates, and everywhere by global label and power names.
func (b *netBuilder) group() [][]*subgraph {
	index := map[*subgraph]int{}
	for i, sg := range b.subgraphs {
		index[sg] = i
	}
	uf := &pointSet{index: map[pt]int{}}
	for i := range b.subgraphs {
		uf.id(pt{int64(i), 0})
	}
	join := func(a, c *subgraph) { uf.union(index[a], index[c]) }

	type hierKey struct {
		inst *sheetInstance
		name string
	}
	hierPorts := map[hierKey][]*subgraph{}
	globals := map[string]*subgraph{}
	for _, sg := range b.subgraphs {
		for _, it := range sg.items {
			if it.kind == labelItem && it.lab.kind == hierLabel {
				k := hierKey{sg.inst, it.lab.text}
				hierPorts[k] = append(hierPorts[k], sg)
			}
			if key, ok := b.globalKey(sg, it); ok {
				if other, seen := globals[key]; seen {
					join(other, sg)
				} else {
					globals[key] = sg
				}
			}
		}
	}
	children := map[*sheetRef]map[*sheetInstance]*sheetInstance{}
	for _, in := range b.h.instances {
		if in.box != nil {
			if children[in.box] == nil {
				children[in.box] = map[*sheetInstance]*sheetInstance{}
			}
			children[in.box][in.parent] = in
		}
	}
	for _, sg := range b.subgraphs {
		for _, it := range sg.items {
			if it.kind != sheetPinItem {
				continue
			}
			child := children[it.box][sg.inst]
			for _, port := range hierPorts[hierKey{child, it.spin.name}] {
				join(sg, port)
			}
		}
	}
	byRoot := map[int][]*subgraph{}
	var roots []int
	for i, sg := range b.subgraphs {
		r := uf.find(i)
		if byRoot[r] == nil {
			roots = append(roots, r)
		}
		byRoot[r] = append(byRoot[r], sg)
	}
	groups := make([][]*subgraph, len(roots))
	for i, r := range roots {
		groups[i] = byRoot[r]
	}
	return groups
}

// globalKey is the name under which an item joins nets beyond its sheet:
// a global label or a power pin; a local power symbol only within its
// sheet instance.
func (b *netBuilder) globalKey(sg *subgraph, it *item) (string, bool) {
	switch p := b.priorityOf(it); p {
	case prioGlobal, prioGlobalPower:
		return b.driverName(sg, it), true
	case prioLocalPower:
		return sg.inst.path + b.driverName(sg, it), true
	}
	return "", false
}

// netName chooses the name of a net made of several subgraphs. A global
// name (label or power) wins, the highest priority then the smallest
// name. Otherwise KiCad walks the hierarchy from the topmost subgraph and
// lets another subgraph take over when it is a strong driver and the
// current one is weak, a stronger driver, as strong but higher in the
// hierarchy, or as strong, as high and smaller by name.
func netName(group []*subgraph) string {
	var best *subgraph
	for _, sg := range group {
		if sg.prio >= prioGlobalPower && (best == nil || sg.prio > best.prio || sg.prio == best.prio && sg.name < best.name) {
			best = sg
		}
	}
	if best != nil {
		return best.name
	}
	for _, sg := range group {
		if sg.prio == prioNone {
			continue
		}
		if best == nil || len(sg.inst.uuids) < len(best.inst.uuids) {
			best = sg
		}
	}
	if best == nil {
		return ""
	}
	start := best
	for _, sg := range group {
		if sg == start || sg.prio == prioNone {
			continue
		}
		strong, bestStrong := sg.prio.strong(), best.prio.strong()
		depth, bestDepth := len(sg.inst.uuids), len(best.inst.uuids)
		if (!bestStrong && strong) ||
			(sg.prio > best.prio && strong) ||
			(sg.prio == best.prio && strong && depth < bestDepth) ||
			(strong == bestStrong && depth <= bestDepth && sg.prio == best.prio && sg.name < best.name) {
			best = sg
		}
	}
	return best.name
}

// nets turns groups into named nets of component pins. Groups that end up
// with the same name are one net, as in KiCad, whose netlist is keyed by
// name.
func (b *netBuilder) nets(groups [][]*subgraph) []*Net {
	byName := map[string]*Net{}
	var out []*Net
	type nodeKey struct{ ref, pin string }
	seen := map[*Net]map[nodeKey]bool{}
	for _, g := range groups {
		name := netName(g)
		for _, sg := range g {
			for _, it := range sg.items {
				if it.kind != pinItem || !it.use.inNetlist() {
					continue
				}
				n := byName[name]
				if n == nil {
					n = &Net{Name: name}
					byName[name] = n
					seen[n] = map[nodeKey]bool{}
					out = append(out, n)
				}
				k := nodeKey{it.use.ref, it.pin.number}
				if seen[n][k] {
					continue
				}
				seen[n][k] = true
				n.Nodes = append(n.Nodes, Node{Ref: it.use.ref, Pin: it.pin.number, Function: shownName(it.pin.name), Type: it.pin.etype})
			}
		}
	}
	return out
}
