package kicad

import "slices"

// nameKey identifies a net by name: on one sheet instance for local
// names, everywhere for global ones (inst nil).
type nameKey struct {
	inst *sheetInstance
	bus  *busGraph // set for the members of a bus no label names
	name string
}

// group joins subgraphs into nets: across hierarchy levels where a sheet
// pin meets the hierarchical label of the same name in the sheet it
// instantiates (for buses, member by member), by global label and power
// names everywhere, and by bus member names on a sheet.
func (b *netBuilder) group() [][]*subgraph {
	uf := &unionFind{}
	keys := map[nameKey]int{}
	key := func(k nameKey) int {
		id, ok := keys[k]
		if !ok {
			id = uf.add()
			keys[k] = id
		}
		return id
	}
	// Bus members take part in naming like subgraphs without pins: the
	// bus label on a parent sheet names the member nets of its children.
	all := slices.Clone(b.subgraphs)
	for _, bg := range b.buses {
		for _, m := range bg.members {
			k := bg.memberKey(m)
			all = append(all, &subgraph{inst: bg.inst, prio: bg.prio, name: bg.memberName(m), member: &k})
		}
	}
	nodes := make([]int, len(all))
	for i, sg := range all {
		nodes[i] = uf.add()
		if sg.member != nil {
			uf.union(nodes[i], key(*sg.member))
		}
		for _, it := range sg.items {
			if k, ok := b.netKey(sg, it); ok {
				uf.union(nodes[i], key(k))
			}
		}
	}
	b.joinHierarchy(uf, nodes, key)
	byRoot := map[int][]*subgraph{}
	var roots []int
	for i, sg := range all {
		r := uf.find(nodes[i])
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

// netKey is the name under which an item joins other subgraphs: a label's
// name on its sheet (bus members find it so), a global label's or power
// pin's everywhere, a local power symbol's within its sheet instance.
func (b *netBuilder) netKey(sg *subgraph, it *item) (nameKey, bool) {
	switch p := b.priorityOf(it); p {
	case prioGlobal, prioGlobalPower:
		return nameKey{name: b.driverName(sg, it)}, true
	case prioLocalPower, prioLocalLabel, prioHierLabel:
		return nameKey{inst: sg.inst, name: sg.inst.path + b.driverName(sg, it)}, true
	}
	return nameKey{}, false
}

// joinHierarchy joins each sheet pin to the hierarchical labels of the
// same name in the sheet instance its box makes, and each bus sheet pin's
// members to those of the bus on the matching hierarchical label.
func (b *netBuilder) joinHierarchy(uf *unionFind, nodes []int, key func(nameKey) int) {
	children := map[*sheetRef]map[*sheetInstance]*sheetInstance{}
	for _, in := range b.h.instances {
		if in.box != nil {
			if children[in.box] == nil {
				children[in.box] = map[*sheetInstance]*sheetInstance{}
			}
			children[in.box][in.parent] = in
		}
	}
	for i, sg := range b.subgraphs {
		for _, it := range sg.items {
			// A sheet whose file is missing has no instance to reach.
			if child := children[it.box][sg.inst]; it.kind == sheetPinItem && child != nil {
				uf.union(nodes[i], key(nameKey{inst: child, name: child.path + escapeNetName(it.spin.name)}))
			}
		}
	}
	hierBuses := map[nameKey][]*busGraph{}
	for _, bg := range b.buses {
		for _, it := range bg.items {
			if it.kind == labelItem && it.lab.kind == hierLabel {
				k := nameKey{inst: bg.inst, name: it.lab.text}
				hierBuses[k] = append(hierBuses[k], bg)
			}
		}
	}
	for _, bg := range b.buses {
		for _, it := range bg.items {
			if it.kind != sheetPinItem {
				continue
			}
			for _, cb := range hierBuses[nameKey{inst: children[it.box][bg.inst], name: it.spin.name}] {
				for _, pm := range bg.members {
					for _, cm := range cb.members {
						if sameMember(pm, cm) {
							uf.union(key(bg.memberKey(pm)), key(cb.memberKey(cm)))
						}
					}
				}
			}
		}
	}
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
		power := false
		for _, sg := range g {
			power = power || sg.prio == prioLocalPower || sg.prio == prioGlobalPower
		}
		for _, sg := range g {
			for _, it := range sg.items {
				if it.kind != pinItem || !it.use.inNetlist() {
					continue
				}
				n := byName[name]
				if n == nil {
					n = &Net{Name: name, Power: power}
					byName[name] = n
					seen[n] = map[nodeKey]bool{}
					out = append(out, n)
				}
				k := nodeKey{it.use.ref, shownName(it.pin.number)}
				if seen[n][k] {
					continue
				}
				seen[n][k] = true
				n.Nodes = append(n.Nodes, Node{Ref: k.ref, Pin: k.pin, Function: shownName(it.pin.name), Type: it.pin.etype,
					NoConnect: sg.noConnect || it.pin.etype == "no_connect",
					File:      it.use.sheet.file.name, Line: it.use.at.Line, Col: it.use.at.Col})
			}
		}
	}
	return out
}
