package circuit

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"
	"unicode/utf8"
)

// JSONDelta is a structural difference between two JSON documents that
// are not circuits. Changes are in document order of the new file.
type JSONDelta struct {
	Changes []JSONChange
}

// JSONChange is one difference at one JSON path.
type JSONChange struct {
	// Op is "add", "remove" or "change".
	Op string
	// Path is the value's JSON path, like $.a.b[2]. Removed array
	// elements carry their old index, others their new one.
	Path string
	// Old and New are the values as compact JSON; "" when absent.
	Old, New string
}

// DiffJSON compares two JSON documents structurally: objects by key
// (member order does not matter), arrays by an alignment of equal
// elements (so an insertion is one "add", not a change of every later
// element), scalars by value (1 and 1.0 are equal). The error is an
// *Error locating malformed JSON; its File is "old" or "new".
func DiffJSON(old, new []byte) (*JSONDelta, error) {
	a, se := parseJSON(old)
	if se != nil {
		return nil, syntaxError2("old", old, se)
	}
	b, se := parseJSON(new)
	if se != nil {
		return nil, syntaxError2("new", new, se)
	}
	d := &JSONDelta{}
	d.diff("$", &a, &b)
	return d, nil
}

func syntaxError2(file string, data []byte, se *syntaxError) *Error {
	s := &errorSink{file: file, data: data}
	s.syntax(se)
	return s.errs[0]
}

func (d *JSONDelta) add(op, path string, a, b *node) {
	c := JSONChange{Op: op, Path: path}
	if a != nil {
		c.Old = string(appendCompact(nil, a))
	}
	if b != nil {
		c.New = string(appendCompact(nil, b))
	}
	d.Changes = append(d.Changes, c)
}

func (d *JSONDelta) diff(path string, a, b *node) {
	if a.kind != b.kind {
		d.add("change", path, a, b)
		return
	}
	switch a.kind {
	case kObject:
		d.diffObject(path, a, b)
	case kArray:
		d.diffArray(path, a, b)
	case kNumber:
		if a.str != b.str && !sameNumber(a.str, b.str) {
			d.add("change", path, a, b)
		}
	default:
		if a.str != b.str {
			d.add("change", path, a, b)
		}
	}
}

func sameNumber(x, y string) bool {
	fx, err1 := strconv.ParseFloat(x, 64)
	fy, err2 := strconv.ParseFloat(y, 64)
	return err1 == nil && err2 == nil && fx == fy && !math.IsInf(fx, 0)
}

func (d *JSONDelta) diffObject(path string, a, b *node) {
	inA := make(map[string]*node, len(a.obj))
	for i := range a.obj {
		inA[a.obj[i].key] = &a.obj[i].val
	}
	inB := make(map[string]bool, len(b.obj))
	// Removals first, in old order, then changes and additions in new order.
	for i := range b.obj {
		inB[b.obj[i].key] = true
	}
	for i := range a.obj {
		if !inB[a.obj[i].key] {
			d.add("remove", pathKey(path, a.obj[i].key), &a.obj[i].val, nil)
		}
	}
	for i := range b.obj {
		m := &b.obj[i]
		if av, ok := inA[m.key]; ok {
			d.diff(pathKey(path, m.key), av, &m.val)
		} else {
			d.add("add", pathKey(path, m.key), nil, &m.val)
		}
	}
}

// maxAlign bounds the quadratic alignment of array middles; longer
// arrays are compared index by index.
const maxAlign = 4_000_000

func (d *JSONDelta) diffArray(path string, a, b *node) {
	x, y := a.arr, b.arr
	if len(x) == len(y) {
		for i := range x {
			d.diff(pathIdx(path, i), &x[i], &y[i])
		}
		return
	}
	hx, hy := hashAll(x), hashAll(y)
	pre := 0
	for pre < len(x) && pre < len(y) && hx[pre] == hy[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && hx[len(x)-1-suf] == hy[len(y)-1-suf] {
		suf++
	}
	mx, my := hx[pre:len(x)-suf], hy[pre:len(y)-suf]
	var ops []alignOp
	if len(mx)*len(my) <= maxAlign {
		ops = align(mx, my)
	} else {
		ops = naiveAlign(len(mx), len(my))
	}
	for _, op := range ops {
		i, j := op.i+pre, op.j+pre
		switch op.kind {
		case 'd':
			d.add("remove", pathIdx(path, i), &x[i], nil)
		case 'i':
			d.add("add", pathIdx(path, j), nil, &y[j])
		case 's':
			d.diff(pathIdx(path, j), &x[i], &y[j])
		}
	}
}

type alignOp struct {
	kind byte // 'd' delete x[i], 'i' insert y[j], 's' compare x[i] with y[j]
	i, j int
}

// align aligns two hash sequences by longest common subsequence; runs of
// deletions and insertions between matches are paired up as
// substitutions so that an edited element shows as a change inside it.
func align(x, y []uint64) []alignOp {
	n, m := len(x), len(y)
	// lcs[i][j] = LCS length of x[i:], y[j:], in one flat slice.
	lcs := make([]int32, (n+1)*(m+1))
	at := func(i, j int) int { return i*(m+1) + j }
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[at(i, j)] = lcs[at(i+1, j+1)] + 1
			} else {
				lcs[at(i, j)] = max(lcs[at(i+1, j)], lcs[at(i, j+1)])
			}
		}
	}
	var ops []alignOp
	var dels, ins []int
	flush := func() {
		k := min(len(dels), len(ins))
		for t := 0; t < k; t++ {
			ops = append(ops, alignOp{'s', dels[t], ins[t]})
		}
		for _, i := range dels[k:] {
			ops = append(ops, alignOp{'d', i, 0})
		}
		for _, j := range ins[k:] {
			ops = append(ops, alignOp{'i', 0, j})
		}
		dels, ins = dels[:0], ins[:0]
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && x[i] == y[j]:
			flush()
			i++
			j++
		case j >= m || (i < n && lcs[at(i+1, j)] >= lcs[at(i, j+1)]):
			dels = append(dels, i)
			i++
		default:
			ins = append(ins, j)
			j++
		}
	}
	flush()
	return ops
}

// naiveAlign compares by index and adds or removes the tail.
func naiveAlign(n, m int) []alignOp {
	var ops []alignOp
	for k := 0; k < max(n, m); k++ {
		switch {
		case k < n && k < m:
			ops = append(ops, alignOp{'s', k, k})
		case k < n:
			ops = append(ops, alignOp{'d', k, 0})
		default:
			ops = append(ops, alignOp{'i', 0, k})
		}
	}
	return ops
}

func hashAll(ns []node) []uint64 {
	h := make([]uint64, len(ns))
	for i := range ns {
		h[i] = hashNode(&ns[i])
	}
	return h
}

// hashNode hashes a value so that equal JSON values (in the sense of
// diff) hash equally: object members are combined order-independently
// and numbers by their float value.
func hashNode(n *node) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037) ^ uint64(n.kind)
	mix := func(h uint64, s string) uint64 {
		for i := 0; i < len(s); i++ {
			h ^= uint64(s[i])
			h *= prime
		}
		return h
	}
	switch n.kind {
	case kNumber:
		if f, err := strconv.ParseFloat(n.str, 64); err == nil {
			return mix(h, strconv.FormatFloat(f, 'g', -1, 64))
		}
		return mix(h, n.str)
	case kString, kBool:
		return mix(h, n.str)
	case kArray:
		for i := range n.arr {
			h = (h ^ hashNode(&n.arr[i])) * prime
		}
		return h
	case kObject:
		var sum uint64
		for i := range n.obj {
			kh := mix(14695981039346656037, n.obj[i].key)
			sum += (kh ^ hashNode(&n.obj[i].val)) * prime
		}
		return h ^ sum
	}
	return h
}

// Empty reports whether the documents are equal.
func (d *JSONDelta) Empty() bool { return len(d.Changes) == 0 }

// Summary returns one line like "~$.timeout 30→60; +$.hosts[2]".
func (d *JSONDelta) Summary() string {
	items := make([]string, 0, len(d.Changes))
	for _, c := range d.Changes {
		items = append(items, jsonChangeItem(c))
	}
	return joinLimited(items, summaryLimit)
}

// jsonChangeItem is one change in a one-line summary.
func jsonChangeItem(c JSONChange) string {
	switch c.Op {
	case "add":
		return "+" + c.Path
	case "remove":
		return "-" + c.Path
	}
	return c.Path + " " + short(c.Old) + "→" + short(c.New)
}

// WriteText writes one aligned line per change: "+", "-" or "~", the
// path, and the values (long ones shortened).
func (d *JSONDelta) WriteText(w io.Writer) error {
	if d.Empty() {
		_, err := io.WriteString(w, "no changes\n")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range d.Changes {
		switch c.Op {
		case "add":
			fmt.Fprintf(tw, "+\t%s\t%s\n", c.Path, clip(c.New, 72))
		case "remove":
			fmt.Fprintf(tw, "-\t%s\t%s\n", c.Path, clip(c.Old, 72))
		default:
			fmt.Fprintf(tw, "~\t%s\t%s → %s\n", c.Path, clip(c.Old, 36), clip(c.New, 36))
		}
	}
	return tw.Flush()
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

type jsonChangeJSON struct {
	Op   string          `json:"op"`
	Path string          `json:"path"`
	Old  json.RawMessage `json:"old,omitempty"`
	New  json.RawMessage `json:"new,omitempty"`
}

// MarshalJSON encodes {"changes": [{"op", "path", "old", "new"}]} where
// old and new are the JSON values themselves, absent for add and remove.
func (d *JSONDelta) MarshalJSON() ([]byte, error) {
	out := struct {
		Changes []jsonChangeJSON `json:"changes"`
	}{Changes: make([]jsonChangeJSON, 0, len(d.Changes))}
	for _, c := range d.Changes {
		out.Changes = append(out.Changes, c.toJSON())
	}
	return marshalNoEscape(out)
}

func (c JSONChange) toJSON() jsonChangeJSON {
	cj := jsonChangeJSON{Op: c.Op, Path: c.Path}
	if c.Old != "" {
		cj.Old = json.RawMessage(c.Old)
	}
	if c.New != "" {
		cj.New = json.RawMessage(c.New)
	}
	return cj
}
