package merge

// list merges two arrays whose order matters, as diff3 does: runs that
// only one side changed take that side's version; both sides inserting
// at the same place keep ours' items, then theirs'; runs both changed
// differently merge element by element when they line up, and are
// otherwise one conflict on the whole array.
func (m *merger) list(p []Step, s *Shape, b, o, t *node) bool {
	od, td := m.docs[ours], m.docs[theirs]
	od.expand(o)
	td.expand(t)
	if b == nil {
		// Without a base, only lists of one length can be told apart
		// element by element.
		if len(o.items) != len(t.items) {
			return m.wholeList(p, s, nil, o, t)
		}
		changed := false
		for i := range o.items {
			if m.merge(append(p, indexStep(i)), s.item(m.val(ours, &o.items[i])), nil, &o.items[i], &t.items[i]) {
				changed = true
			}
		}
		return changed
	}
	m.docs[base].expand(b)
	bh, oh, th := hashes(m.docs[base], b), hashes(od, o), hashes(td, t)
	mo, mt := match(bh, oh), match(bh, th)
	var out []entry
	changed := false
	ib, io, it := 0, 0, 0
	for {
		j := ib
		for j < len(bh) && (mo[j] < 0 || mt[j] < 0) {
			j++
		}
		jo, jt := len(oh), len(th)
		if j < len(bh) {
			jo, jt = mo[j], mt[j]
		}
		if ib < j || io < jo || it < jt {
			c := chunk{b: [2]int{ib, j}, o: [2]int{io, jo}, t: [2]int{it, jt}}
			entries, ch, ok := m.chunk(p, s, b, o, t, c, bh, oh, th)
			if !ok {
				return m.wholeList(p, s, b, o, t)
			}
			out, changed = append(out, entries...), changed || ch
		}
		if j == len(bh) {
			break
		}
		out = append(out, entry{orig: jo})
		ib, io, it = j+1, jo+1, jt+1
	}
	if !identity(out, len(o.items)) {
		o.plan = &plan{entries: out}
		changed = true
	}
	return changed
}

// wholeList merges an array as one value: the side that changed it, or
// a conflict when both did.
func (m *merger) wholeList(p []Step, s *Shape, b, o, t *node) bool {
	bv, ov, tv := m.val(base, b), m.val(ours, o), m.val(theirs, t)
	if equal(ov, tv, s) || (b != nil && equal(bv, tv, s)) {
		return false
	}
	if (b != nil && equal(bv, ov, s)) || m.conflict(p, s, bv, ov, tv, nil) {
		o.plan = &plan{with: m.val(theirs, t)}
		return true
	}
	return false
}

// chunk is a run of elements between two that all three sides share:
// half-open index ranges in base, ours and theirs.
type chunk struct{ b, o, t [2]int }

// chunk merges one run. ok is false when both sides changed it in ways
// that do not line up.
func (m *merger) chunk(p []Step, s *Shape, b, o, t *node, c chunk, bh, oh, th []uint64) (out []entry, changed, ok bool) {
	oursRun := func() []entry {
		for i := c.o[0]; i < c.o[1]; i++ {
			out = append(out, entry{orig: i})
		}
		return out
	}
	theirsRun := func() []entry {
		for i := c.t[0]; i < c.t[1]; i++ {
			out = append(out, entry{orig: -1, val: m.val(theirs, &t.items[i])})
		}
		return out
	}
	switch {
	case sameRun(bh[c.b[0]:c.b[1]], th[c.t[0]:c.t[1]]) || sameRun(oh[c.o[0]:c.o[1]], th[c.t[0]:c.t[1]]):
		return oursRun(), false, true
	case sameRun(bh[c.b[0]:c.b[1]], oh[c.o[0]:c.o[1]]):
		return theirsRun(), true, true
	case c.b[0] == c.b[1]: // both inserted here: ours first
		oursRun()
		return theirsRun(), true, true
	case c.b[1]-c.b[0] == c.o[1]-c.o[0] && c.o[1]-c.o[0] == c.t[1]-c.t[0]:
		for k := 0; k < c.o[1]-c.o[0]; k++ {
			bi, oi, ti := &b.items[c.b[0]+k], &o.items[c.o[0]+k], &t.items[c.t[0]+k]
			if m.merge(append(p, indexStep(c.o[0]+k)), s.item(m.val(ours, oi)), bi, oi, ti) {
				changed = true
			}
			out = append(out, entry{orig: c.o[0] + k})
		}
		return out, changed, true
	}
	return nil, false, false
}

func sameRun(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// identity reports whether entries keep exactly ours' n children.
func identity(entries []entry, n int) bool {
	if len(entries) != n {
		return false
	}
	for i, e := range entries {
		if e.orig != i {
			return false
		}
	}
	return true
}

func hashes(d *doc, n *node) []uint64 {
	out := make([]uint64, len(n.items))
	for i := range n.items {
		out[i] = hashOf(Value{d, &n.items[i]})
	}
	return out
}

// maxLCS bounds the table of the longest-common-subsequence match (cells)
// after the common ends are cut; past it the middle is one changed run.
const maxLCS = 4 << 20

// match pairs elements of a with equal elements of b, keeping their
// order (a longest common subsequence): for each index of a, the index
// of b it matches, or -1.
func match(a, b []uint64) []int {
	out := make([]int, len(a))
	for i := range out {
		out[i] = -1
	}
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		out[pre] = pre
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		out[len(a)-1-suf] = len(b) - 1 - suf
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(ma) == 0 || len(mb) == 0 || len(ma)*len(mb) > maxLCS {
		return out
	}
	// lcs[i][j] is the LCS length of ma[i:] and mb[j:].
	w := len(mb) + 1
	lcs := make([]int32, (len(ma)+1)*w)
	for i := len(ma) - 1; i >= 0; i-- {
		for j := len(mb) - 1; j >= 0; j-- {
			if ma[i] == mb[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	for i, j := 0, 0; i < len(ma) && j < len(mb); {
		switch {
		case ma[i] == mb[j]:
			out[pre+i] = pre + j
			i++
			j++
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			i++
		default:
			j++
		}
	}
	return out
}

// tuple merges two arrays whose elements are fields by position.
func (m *merger) tuple(p []Step, s *Shape, b, o, t *node) bool {
	m.docs[ours].expand(o)
	m.docs[theirs].expand(t)
	if b != nil {
		m.docs[base].expand(b)
	}
	if len(o.items) != len(t.items) || (b != nil && len(b.items) != len(o.items)) {
		return m.wholeList(p, s, b, o, t)
	}
	changed := false
	for i := range o.items {
		var bi *node
		if b != nil {
			bi = &b.items[i]
		}
		if m.merge(append(p, indexStep(i)), s.item(m.val(ours, &o.items[i])), bi, &o.items[i], &t.items[i]) {
			changed = true
		}
	}
	return changed
}
