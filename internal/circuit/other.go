package circuit

import "strconv"

// otherElem is an element of a type the format's definition does not
// know, kept whole so that the diff can show changes inside it.
type otherElem struct {
	// key identifies the element across versions: its type and id, or
	// its type and its position among elements of that type.
	key  string
	path string // $[12], in its own file
	n    node
}

// otherElements keys unknown elements by their own id field (the first
// field named TYPE_id, else the first string *_id field) or by their
// order among elements of their type.
func otherElements(elems []*tsElem) []otherElem {
	if len(elems) == 0 {
		return nil
	}
	out := make([]otherElem, 0, len(elems))
	ordinal := map[string]int{}
	for _, e := range elems {
		typ := stringField(&e.n, "type")
		key := ""
		if id := stringField(&e.n, typ+"_id"); id != "" {
			key = typ + "\x00" + id
		} else {
			ordinal[typ]++
			key = typ + "#" + strconv.Itoa(ordinal[typ])
		}
		out = append(out, otherElem{key: key, path: pathIdx("$", e.idx), n: e.n})
	}
	return out
}

// diffOthers compares the unknown elements of two circuits: an element
// added or removed is one change at its path, a changed one lists the
// changes inside it (paths of the new file).
func diffOthers(old, new []otherElem) []JSONChange {
	if len(old) == 0 && len(new) == 0 {
		return nil
	}
	byKey := make(map[string]*otherElem, len(old))
	for i := range old {
		byKey[old[i].key] = &old[i]
	}
	d := &JSONDelta{}
	seen := map[string]bool{}
	for i := range new {
		n := &new[i]
		seen[n.key] = true
		if o := byKey[n.key]; o != nil {
			d.diff(n.path, &o.n, &n.n)
			continue
		}
		d.add("add", n.path, nil, &n.n)
	}
	for i := range old {
		if !seen[old[i].key] {
			d.add("remove", old[i].path, &old[i].n, nil)
		}
	}
	return d.Changes
}
