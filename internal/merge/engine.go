package merge

import (
	"bytes"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
)

// side names one of the three versions.
type side int

const (
	base side = iota
	ours
	theirs
)

// merger merges three parsed documents, recording what changes in ours
// as plans on ours' nodes and every conflict found.
type merger struct {
	docs      [3]*doc // base is nil when the file has no common version
	favor     Favor
	conflicts []*Conflict
}

func (m *merger) val(s side, n *node) Value {
	if n == nil {
		return Value{}
	}
	return Value{m.docs[s], n}
}

// equal compares two values by meaning: objects regardless of key order,
// sets regardless of item order, scalars by value.
func equal(a, b Value, s *Shape) bool {
	if a.n == nil || b.n == nil {
		return a.n == nil && b.n == nil
	}
	if bytes.Equal(a.Raw(), b.Raw()) {
		return true
	}
	if a.n.kind != b.n.kind {
		return false
	}
	switch a.n.kind {
	case kObject:
		a.d.expand(a.n)
		b.d.expand(b.n)
		if len(a.n.members) != len(b.n.members) {
			return false
		}
		for i := range a.n.members {
			am := &a.n.members[i]
			bm := b.d.get(b.n, am.key)
			if bm == nil || !equal(Value{a.d, &am.val}, Value{b.d, bm}, s.member(am.key)) {
				return false
			}
		}
		return true
	case kArray:
		a.d.expand(a.n)
		b.d.expand(b.n)
		if len(a.n.items) != len(b.n.items) {
			return false
		}
		if s.isSet() {
			return equalSets(a, b, s)
		}
		for i := range a.n.items {
			ai := Value{a.d, &a.n.items[i]}
			if !equal(ai, Value{b.d, &b.n.items[i]}, s.item(ai)) {
				return false
			}
		}
		return true
	}
	return equalScalars(a.n.kind, a.Raw(), b.Raw())
}

func equalSets(a, b Value, s *Shape) bool {
	bi := indexKeys(keys(b, s))
	for i, k := range keys(a, s) {
		j, ok := bi[k]
		ai := Value{a.d, &a.n.items[i]}
		if !ok || !equal(ai, Value{b.d, &b.n.items[j]}, s.item(ai)) {
			return false
		}
	}
	return true
}

// keys returns the identities of a set's items, in order. Items without
// one are known by their content; a repeated identity gets "#2", "#3".
func keys(v Value, s *Shape) []string {
	if v.n.ids != nil {
		return v.n.ids
	}
	v.d.expand(v.n)
	out := make([]string, len(v.n.items))
	v.n.ids = out
	var seen map[string]int
	for i := range v.n.items {
		it := Value{v.d, &v.n.items[i]}
		k, ok := s.Key(it)
		if !ok {
			k = "\x00" + string(compact(it.Raw()))
		}
		if seen == nil {
			seen = make(map[string]int, len(v.n.items))
		}
		seen[k]++
		if c := seen[k]; c > 1 {
			k += "#" + strconv.Itoa(c)
		}
		out[i] = k
	}
	return out
}

func indexKeys(ks []string) map[string]int {
	m := make(map[string]int, len(ks))
	for i, k := range ks {
		m[k] = i
	}
	return m
}

// merge merges one value present in ours and theirs (b may be nil: no
// base, or a base of another kind). It reports whether ours changes.
func (m *merger) merge(p []Step, s *Shape, b, o, t *node) bool {
	bv, ov, tv := m.val(base, b), m.val(ours, o), m.val(theirs, t)
	if bytes.Equal(ov.Raw(), tv.Raw()) || (b != nil && bytes.Equal(bv.Raw(), tv.Raw())) {
		return false
	}
	if o.kind == t.kind && (o.kind == kObject || o.kind == kArray) && !s.isAtomic() {
		// Containers merge child by child, which also finds them equal
		// when they are, without a separate comparison first.
		if b != nil && b.kind != o.kind {
			b = nil
		}
		var changed bool
		switch {
		case o.kind == kObject:
			changed = m.object(p, s, b, o, t)
		case s.isSet():
			changed = m.set(p, s, b, o, t)
		case s != nil && s.Tuple:
			changed = m.tuple(p, s, b, o, t)
		default:
			changed = m.list(p, s, b, o, t)
		}
		o.touched = o.touched || changed
		return changed
	}
	if equal(ov, tv, s) || (b != nil && equal(bv, tv, s)) {
		return false
	}
	if (b != nil && equal(bv, ov, s)) || m.conflict(p, s, bv, ov, tv, nil) {
		o.plan = &plan{with: tv}
		return true
	}
	return false
}

// children collects the result of merging a container: which of ours'
// children go, and what theirs adds (by identity, in theirs' order).
type children struct {
	changed bool
	drop    map[int]bool
	added   map[string]entry
}

func (c *children) remove(i int) {
	if c.drop == nil {
		c.drop = map[int]bool{}
	}
	c.drop[i], c.changed = true, true
}

func (c *children) add(id string, e entry) {
	if c.added == nil {
		c.added = map[string]entry{}
	}
	c.added[id], c.changed = e, true
}

// pair decides one child present in ours or theirs or both (b may be
// absent too), recording the outcome in c: i is ours' index, id the
// child's identity, e the entry that adds theirs' version.
func (m *merger) pair(p []Step, s *Shape, b, o, t *node, i int, id string, e entry, c *children) {
	bv, ov, tv := m.val(base, b), m.val(ours, o), m.val(theirs, t)
	switch {
	case o != nil && t != nil:
		if m.merge(p, s, b, o, t) {
			c.changed = true
		}
	case o != nil: // theirs has no such child
		switch {
		case b == nil: // ours added it
		case equal(bv, ov, s): // theirs deleted it, ours left it
			c.remove(i)
		case m.conflict(p, s, bv, ov, tv, nil):
			c.remove(i)
		}
	case t != nil: // ours has no such child
		switch {
		case b == nil: // theirs added it
			c.add(id, e)
		case equal(bv, tv, s): // ours deleted it, theirs left it
		case m.conflict(p, s, bv, ov, tv, nil):
			c.add(id, e)
		}
	}
}

// object merges two objects member by member (groups as one).
func (m *merger) object(p []Step, s *Shape, b, o, t *node) bool {
	bd, od, td := m.docs[base], m.docs[ours], m.docs[theirs]
	od.expand(o)
	td.expand(t)
	if b != nil {
		bd.expand(b)
	}
	var c children
	inGroup := map[string]bool{}
	for gi := range s.groups() {
		g := &s.Groups[gi]
		for _, k := range g.Members {
			inGroup[k] = true
		}
		m.group(p, g, b, o, t, &c)
	}
	for i := range o.members {
		om := &o.members[i]
		if inGroup[om.key] {
			continue
		}
		tm := td.get(t, om.key)
		m.pair(append(p, keyStep(om.key)), s.member(om.key), m.getBase(b, om.key), &om.val, tm, i, om.key, entry{}, &c)
	}
	var order []string
	for i := range t.members {
		tm := &t.members[i]
		order = append(order, tm.key)
		if inGroup[tm.key] || od.get(o, tm.key) != nil {
			continue
		}
		e := entry{orig: -1, key: tm.key, keyRaw: td.data[tm.keyStart:tm.keyEnd], val: Value{td, &tm.val}}
		m.pair(append(p, keyStep(tm.key)), s.member(tm.key), m.getBase(b, tm.key), nil, &tm.val, -1, tm.key, e, &c)
	}
	if c.drop != nil || c.added != nil {
		key := func(i int) string { return o.members[i].key }
		oursOnly := func(i int) bool { return m.getBase(b, key(i)) == nil && td.get(t, key(i)) == nil }
		o.plan = &plan{entries: weave(len(o.members), key, oursOnly, order, c)}
	}
	return c.changed
}

func (m *merger) getBase(b *node, key string) *node {
	if b == nil {
		return nil
	}
	return m.docs[base].get(b, key)
}

// group merges the members of g as one value.
func (m *merger) group(p []Step, g *Group, b, o, t *node, c *children) {
	bv, ov, tv := m.val(base, b), m.val(ours, o), m.val(theirs, t)
	if equalGroup(g, ov, tv) || (b != nil && equalGroup(g, bv, tv)) {
		return
	}
	if !(b != nil && equalGroup(g, bv, ov)) && !m.conflict(p, nil, bv, ov, tv, g) {
		return
	}
	// Take theirs' members.
	td := m.docs[theirs]
	for _, k := range g.Members {
		om, tm := m.docs[ours].get(o, k), td.get(t, k)
		switch {
		case om != nil && tm != nil:
			if !equal(m.val(ours, om), m.val(theirs, tm), nil) {
				om.plan, c.changed = &plan{with: m.val(theirs, tm)}, true
			}
		case om != nil:
			c.remove(memberIndex(o, k))
		case tm != nil:
			mm := &t.members[memberIndex(t, k)]
			c.add(k, entry{orig: -1, key: k, keyRaw: td.data[mm.keyStart:mm.keyEnd], val: Value{td, &mm.val}})
		}
	}
}

func memberIndex(n *node, key string) int {
	for i := range n.members {
		if n.members[i].key == key {
			return i
		}
	}
	return -1
}

// equalGroup compares the members of g in two objects.
func equalGroup(g *Group, a, b Value) bool {
	for _, k := range g.Members {
		if !equal(a.Get(k), b.Get(k), nil) {
			return false
		}
	}
	return true
}

// set merges two arrays whose items are matched by identity.
func (m *merger) set(p []Step, s *Shape, b, o, t *node) bool {
	ov, tv := m.val(ours, o), m.val(theirs, t)
	ok, tk := keys(ov, s), keys(tv, s) // identities as written
	var bk []string
	if b != nil {
		bk = keys(m.val(base, b), s)
	}
	// Identities: an item renamed on one side answers to its base name.
	oid, tid := ok, tk
	if s.Renames && b != nil {
		oid = renamed(m.val(base, b), bk, ov, ok, s)
		tid = renamed(m.val(base, b), bk, tv, tk, s)
	}
	bi, ti, oi := indexKeys(bk), indexKeys(tid), indexKeys(oid)
	var c children
	for i := range o.items {
		var bn, tn *node
		if j, ok := bi[oid[i]]; ok {
			bn = &b.items[j]
		}
		if j, ok := ti[oid[i]]; ok {
			tn = &t.items[j]
		}
		m.pair(append(p, idStep(ok[i], s)), s.item(m.val(ours, &o.items[i])), bn, &o.items[i], tn, i, oid[i], entry{}, &c)
	}
	for j := range t.items {
		if _, in := oi[tid[j]]; in {
			continue
		}
		var bn *node
		step := idStep(tk[j], s)
		if k, ok := bi[tid[j]]; ok {
			bn, step = &b.items[k], idStep(bk[k], s)
		}
		tn := &t.items[j]
		e := entry{orig: -1, val: m.val(theirs, tn)}
		m.pair(append(p, step), s.item(m.val(theirs, tn)), bn, nil, tn, -1, tid[j], e, &c)
	}
	if c.drop != nil || c.added != nil {
		oursOnly := func(i int) bool {
			_, inBase := bi[oid[i]]
			_, inTheirs := ti[oid[i]]
			return !inBase && !inTheirs
		}
		o.plan = &plan{entries: weave(len(o.items), func(i int) string { return oid[i] }, oursOnly, tid, c)}
	}
	return c.changed
}

// renamed returns a side's identities with each item that was renamed
// there (its base item gone, an item with the same content apart from
// its identity new, one of each) answering to its base identity.
func renamed(b Value, bk []string, x Value, xk []string, s *Shape) []string {
	inBase, inX := indexKeys(bk), indexKeys(xk)
	var gone, come []int
	for i, k := range bk {
		if _, ok := inX[k]; !ok {
			gone = append(gone, i)
		}
	}
	for i, k := range xk {
		if _, ok := inBase[k]; !ok {
			come = append(come, i)
		}
	}
	if len(gone) == 0 || len(come) == 0 {
		return xk
	}
	content := func(v Value) string {
		if s.WithoutKey != nil {
			return string(s.WithoutKey(v))
		}
		return string(canonical(v))
	}
	byContent := map[string][]int{}
	for _, i := range gone {
		k := content(b.Index(i))
		byContent[k] = append(byContent[k], i)
	}
	matches := map[string][]int{}
	for _, i := range come {
		k := content(x.Index(i))
		if len(byContent[k]) == 1 {
			matches[k] = append(matches[k], i)
		}
	}
	out := append([]string(nil), xk...)
	for k, is := range matches {
		if len(is) == 1 {
			out[is[0]] = bk[byContent[k][0]]
		}
	}
	return out
}

// canonical is a value's compact JSON with object keys sorted, for
// comparing contents whatever their layout.
func canonical(v Value) []byte {
	var b bytes.Buffer
	writeCanonical(&b, v)
	return b.Bytes()
}

func writeCanonical(b *bytes.Buffer, v Value) {
	switch v.n.kind {
	case kObject:
		v.d.expand(v.n)
		idx := make([]int, len(v.n.members))
		for i := range idx {
			idx[i] = i
		}
		sortBy(idx, func(i int) string { return v.n.members[i].key })
		b.WriteByte('{')
		for k, i := range idx {
			if k > 0 {
				b.WriteByte(',')
			}
			mm := &v.n.members[i]
			b.WriteString(strconv.Quote(mm.key))
			b.WriteByte(':')
			writeCanonical(b, Value{v.d, &mm.val})
		}
		b.WriteByte('}')
	case kArray:
		v.d.expand(v.n)
		b.WriteByte('[')
		for i := range v.n.items {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCanonical(b, Value{v.d, &v.n.items[i]})
		}
		b.WriteByte(']')
	case kString:
		b.WriteString(strconv.Quote(v.String()))
	default:
		b.Write(v.Raw())
	}
}

// weave orders a merged container's children: ours' children that stay,
// in their order, with each child theirs added placed after the child
// that precedes it in theirs' order (at the front when none does) and
// after what ours added at that place: base order, then ours', then
// theirs'. oursOnly reports a child of ours that neither base nor
// theirs has.
func weave(n int, oursID func(int) string, oursOnly func(int) bool, theirsOrder []string, c children) []entry {
	present := make(map[string]bool, n)
	for i := 0; i < n; i++ {
		if !c.drop[i] {
			present[oursID(i)] = true
		}
	}
	after := map[string][]string{}
	var pending []string
	anchor, anchored := "", false
	for _, id := range theirsOrder {
		if _, ok := c.added[id]; ok {
			if anchored {
				after[anchor] = append(after[anchor], id)
			} else {
				pending = append(pending, id)
			}
			anchor, anchored = id, true
		} else if present[id] {
			anchor, anchored = id, true
		}
	}
	out := make([]entry, 0, n+len(c.added))
	var emit func(ids []string)
	emit = func(ids []string) {
		for _, id := range ids {
			out = append(out, c.added[id])
			emit(after[id])
		}
	}
	for i := 0; i < n; i++ {
		if c.drop[i] {
			continue
		}
		if len(pending) > 0 && !oursOnly(i) {
			emit(pending)
			pending = nil
		}
		out = append(out, entry{orig: i})
		pending = append(pending, after[oursID(i)]...)
	}
	emit(pending)
	return out
}

var seed = maphash.MakeSeed()

// hashOf hashes a value's compact form, for matching list elements.
func hashOf(v Value) uint64 {
	return maphash.Bytes(seed, compact(v.Raw()))
}

// sortBy sorts idx by the string each index maps to.
func sortBy(idx []int, key func(int) string) {
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(key(a), key(b)) })
}
