package kicad

import (
	"strconv"
	"strings"
)

// KiCad buses carry no connectivity of their own: a bus names a set of
// member nets (D[0..7] names D0 … D7; NAME{A B} names NAME.A and NAME.B;
// a bus alias names its members), and a member joins the net of the same
// name on the same sheet. What buses add is the hierarchy: the bus on a
// sheet pin and the bus on the hierarchical label it meets join their
// members pairwise, by vector index or by member name.

// busMember is one net a bus carries.
type busMember struct {
	// full is the member's net name on its sheet: D3, NAME.A.
	full string
	// local matches members across a sheet pin: the member name without
	// the group's prefix (A, B3). Vector members match by index instead.
	local string
	index int // position in a vector bus (0 for the lowest index), or -1
}

// isBusName tells a bus label from a net label.
func isBusName(s string, aliases map[string][]string) bool {
	s = unescapeNetName(s)
	if _, ok := aliases[s]; ok {
		return true
	}
	if _, ok := parseVector(s); ok {
		return true
	}
	_, _, ok := parseGroup(s)
	return ok
}

// busMembers expands a bus name into the nets it carries.
func busMembers(s string, aliases map[string][]string) []busMember {
	return expandBus(unescapeNetName(s), aliases, 0)
}

// netNameEscapes are KiCad's escapes for characters that net names and
// file formats reserve; a bus is recognised in the unescaped text.
var netNameEscapes = strings.NewReplacer("{slash}", "/", "{backslash}", `\`, "{lt}", "<", "{gt}", ">",
	"{colon}", ":", "{dblquote}", `"`, "{quote}", "'", "{bar}", "|", "{space}", " ", "{dollar}", "$",
	"{tab}", "\t", "{return}", "\n", "{comma}", ",")

func unescapeNetName(s string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	return netNameEscapes.Replace(s)
}

// maxAliasDepth bounds alias expansion, so that an alias naming itself
// cannot loop.
const maxAliasDepth = 8

func expandBus(s string, aliases map[string][]string, depth int) []busMember {
	if depth > maxAliasDepth {
		return nil
	}
	if prefix, tokens, ok := parseGroup(s); ok {
		var out []busMember
		for _, tok := range tokens {
			for _, m := range expandGroupToken(tok, aliases, depth) {
				m.local, m.index = m.full, -1
				if prefix != "" {
					m.full = prefix + "." + m.full
				}
				out = append(out, m)
			}
		}
		return out
	}
	if members, ok := aliases[s]; ok {
		var out []busMember
		for _, m := range members {
			for _, bm := range expandGroupToken(m, aliases, depth+1) {
				bm.local, bm.index = bm.full, -1
				out = append(out, bm)
			}
		}
		return out
	}
	members, ok := parseVector(s)
	if !ok {
		return nil
	}
	out := make([]busMember, len(members))
	for i, m := range members {
		out[i] = busMember{full: m, local: m, index: i}
	}
	return out
}

// expandGroupToken expands one member of a group: an alias, a vector, or
// a plain net name.
func expandGroupToken(tok string, aliases map[string][]string, depth int) []busMember {
	if depth > maxAliasDepth {
		return nil
	}
	if members, ok := aliases[tok]; ok {
		var out []busMember
		for _, m := range members {
			out = append(out, expandGroupToken(m, aliases, depth+1)...)
		}
		return out
	}
	if members, ok := parseVector(tok); ok {
		out := make([]busMember, len(members))
		for i, m := range members {
			out[i] = busMember{full: m, local: m, index: i}
		}
		return out
	}
	return []busMember{{full: tok, local: tok, index: -1}}
}

// maxVectorWidth bounds a vector bus, so that a typo like D[0..99999999]
// cannot exhaust memory.
const maxVectorWidth = 4096

func isMarkup(c byte) bool { return c == '~' || c == '_' || c == '^' }

// parseVector reads PREFIX[M..N] as KiCad does: the members PREFIXi for i
// from the smaller bound to the larger (M = N is no bus); the prefix may
// hold markup such as ~{…}, after the brackets only markup may close.
func parseVector(s string) (members []string, ok bool) {
	open := strings.IndexByte(s, '[')
	if open < 0 {
		return nil, false
	}
	prefix := s[:open]
	nesting := 0
	for i := 0; i < len(prefix); i++ {
		switch c := prefix[i]; {
		case c == '{' && (i == 0 || !isMarkup(prefix[i-1])):
			return nil, false
		case c == '{':
			nesting++
		case c == '}':
			nesting--
		case c == ' ' || c == ']':
			return nil, false
		}
	}
	closing := strings.IndexByte(s[open:], ']')
	if closing < 0 {
		return nil, false
	}
	lo, hi, found := strings.Cut(s[open+1:open+closing], "..")
	if !found || !allDigits(lo) || !allDigits(hi) {
		return nil, false
	}
	suffix := s[open+closing+1:]
	for i := 0; i < len(suffix); i++ {
		switch {
		case suffix[i] == '}':
			nesting--
		case suffix[i] == '~' && i+1 < len(suffix) && suffix[i+1] == '{':
			nesting++
			i++
		case suffix[i] == '~':
		default:
			return nil, false
		}
	}
	begin, err1 := strconv.Atoi(lo)
	end, err2 := strconv.Atoi(hi)
	if nesting != 0 || err1 != nil || err2 != nil || begin == end {
		return nil, false
	}
	if begin > end {
		begin, end = end, begin
	}
	if end-begin >= maxVectorWidth {
		return nil, false
	}
	for i := begin; i <= end; i++ {
		members = append(members, prefix+strconv.Itoa(i)+suffix)
	}
	return members, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseGroup reads PREFIX{A B, C} as KiCad does: members are separated by
// spaces or commas, and markup braces (~{…}, _{…}, ^{…}) are dropped from
// the prefix and the members, so that a member written ~{RESET} is named
// RESET.
func parseGroup(s string) (prefix string, members []string, ok bool) {
	nesting := 0
	i := 0
	var b strings.Builder
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case isMarkup(c) && i+1 < len(s) && s[i+1] == '{':
			nesting++
			i++
			continue
		case c == '}':
			nesting--
			continue
		case c == ' ' || c == '[' || c == ']':
			return "", nil, false
		case c == '{':
		default:
			b.WriteByte(c)
			continue
		}
		break
	}
	if i >= len(s) {
		return "", nil, false
	}
	prefix = b.String()
	b.Reset()
	for i++; i < len(s); i++ {
		c := s[i]
		switch {
		case isMarkup(c) && i+1 < len(s) && s[i+1] == '{':
			nesting++
			i++
		case c == '}' && nesting > 0:
			nesting--
		case c == '}':
			if b.Len() > 0 {
				members = append(members, b.String())
			}
			return prefix, members, true
		case c == ' ' || c == ',':
			if b.Len() > 0 {
				members = append(members, b.String())
			}
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	return "", nil, false
}

// sameMember pairs members across a sheet pin: vectors by position, so
// that IO[0..7] on a sub-sheet meets IO[8..15] on its parent member by
// member; group members by name.
func sameMember(a, b busMember) bool {
	if a.index >= 0 && b.index >= 0 {
		return a.index == b.index
	}
	return a.local == b.local
}

// busGraphs joins the bus items of a sheet instance by bus wires and gives
// each bus the members its strongest label names.
func (b *netBuilder) busGraphs(in *sheetInstance, items []*item) {
	if len(items) == 0 {
		return
	}
	f := in.file
	pts := &pointSet{index: map[pt]int{}}
	for _, w := range f.buses {
		pts.union(pts.id(w.a), pts.id(w.b))
	}
	for _, j := range f.junctions {
		pts.attach(j, f.buses)
	}
	byRoot := map[int]*busGraph{}
	for _, it := range items {
		pts.attach(it.pos, f.buses)
		root := pts.find(pts.id(it.pos))
		bg := byRoot[root]
		if bg == nil {
			bg = &busGraph{inst: in}
			byRoot[root] = bg
			b.buses = append(b.buses, bg)
		}
		bg.items = append(bg.items, it)
	}
	for _, bg := range byRoot {
		var best *item
		bestName := ""
		for _, it := range bg.items {
			name := it.text()
			if best == nil || b.priorityOf(it) > b.priorityOf(best) ||
				b.priorityOf(it) == b.priorityOf(best) && b.betterDriver(it, name, best, bestName) {
				best, bestName = it, name
			}
		}
		bg.members = busMembers(bestName, b.aliases)
		bg.prio = b.priorityOf(best)
		bg.global = best.kind == labelItem && best.lab.kind == globalLabel
	}
}

// memberName is the net name a bus member has on the bus's sheet.
func (bg *busGraph) memberName(m busMember) string {
	if bg.global {
		return escapeNetName(m.full)
	}
	return bg.inst.path + escapeNetName(m.full)
}

// memberKey is the net identity of a bus member. A bus that a label names
// shares its members with the same-named nets of its sheet (or, global,
// of all sheets); a bus that only a sheet pin names does not, as a net
// that only a sheet pin names joins nothing by name.
func (bg *busGraph) memberKey(m busMember) nameKey {
	switch {
	case bg.global:
		return nameKey{name: bg.memberName(m)}
	case bg.prio <= prioSheetPin:
		return nameKey{inst: bg.inst, bus: bg, name: bg.memberName(m)}
	}
	return nameKey{inst: bg.inst, name: bg.memberName(m)}
}
