package merge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/circuitvc/circuitvc/internal/circuit"
)

func jsonValid(data []byte) bool { return json.Valid(data) }

// TestProperties: merging a change with itself, or with no change, gives
// that change, on every edit of the real-file suites.
func TestProperties(t *testing.T) {
	for _, s := range suites() {
		base := s.base(t)
		for _, e := range s.edits {
			x := e.apply(t, base)
			checkProperties(t, s.name, base, x)
		}
	}
}

// checkProperties: merge(base, x, x) = x and merge(base, x, base) = x
// byte for byte; merge(base, base, x) = x in content; none conflicts.
func checkProperties(t testing.TB, name string, base, x []byte) {
	t.Helper()
	for _, c := range []struct {
		what         string
		ours, theirs []byte
		exact        bool
	}{{"merge(base, x, x)", x, x, true}, {"merge(base, x, base)", x, base, true}, {"merge(base, base, x)", base, x, false}} {
		r := mustMerge(t, name, base, c.ours, c.theirs)
		if len(r.Conflicts) > 0 {
			t.Fatalf("%s: conflicts:%s", c.what, openConflicts(r))
		}
		if c.exact && !bytes.Equal(r.Data, x) {
			t.Fatalf("%s is not x:\n%s\nx:\n%s", c.what, r.Data, x)
		}
		if !c.exact && !sameDoc(t, r.Format, r.Data, x) {
			t.Fatalf("%s has not x's content:\n%s\nx:\n%s", c.what, r.Data, x)
		}
	}
}

// sameDoc compares two documents as the format's merge does: sets in any
// order, numbers by value.
func sameDoc(t testing.TB, f circuit.Format, a, b []byte) bool {
	da, err1 := parseDoc(a)
	db, err2 := parseDoc(b)
	if err1 != nil || err2 != nil {
		t.Fatalf("not JSON: %v %v", err1, err2)
	}
	return equal(Value{da, &da.root}, Value{db, &db.root}, adapterFor(f).shape())
}

// fuzzBases are the documents FuzzMerge edits: one per format.
var fuzzBases = []struct{ name, file string }{
	{"amp.circuit.json", "amp.circuit.json"},
	{"diagram.json", "diagram.json"},
	{"divider.json", "divider.json"},
	{"x.json", "amp.circuit.json"}, // the same bytes merged as plain JSON
}

// FuzzMerge edits a small file of each format two ways, as ops say, and
// checks that the merge never fails on JSON, always writes JSON, keeps
// the properties of checkProperties, leaves the circuit valid unless it
// reports a conflict, and that every conflict resolves to any side.
func FuzzMerge(f *testing.F) {
	f.Add(uint8(0), []byte{0, 5, 1}, []byte{0, 9, 2})
	f.Add(uint8(0), []byte{1, 3, 0}, []byte{0, 3, 4})
	f.Add(uint8(1), []byte{2, 7, 0, 0, 2, 1}, []byte{1, 12, 0})
	f.Add(uint8(2), []byte{0, 40, 3}, []byte{0, 40, 5})
	f.Add(uint8(2), []byte{3, 1, 1, 1, 30, 0}, []byte{2, 0, 0})
	f.Add(uint8(3), []byte{1, 20, 0}, []byte{3, 20, 2})
	f.Fuzz(func(t *testing.T, which uint8, opsA, opsB []byte) {
		if len(opsA) > 30 || len(opsB) > 30 {
			return
		}
		b := fuzzBases[int(which)%len(fuzzBases)]
		base := readFixture(t, b.file)
		x, y := mutate(t, b.name, base, opsA), mutate(t, b.name, base, opsB)
		checkProperties(t, b.name, base, x)
		r := mustMerge(t, b.name, base, x, y)
		ad := adapterFor(r.Format)
		if len(r.Open()) == 0 {
			if fresh := newFindings(ad.check(b.name, r.Data), ad.check(b.name, x), ad.check(b.name, y)); len(fresh) > 0 {
				t.Fatalf("clean merge made the circuit invalid: %v\n%s", fresh, r.Data)
			}
		}
		for _, c := range r.Open() {
			for _, side := range []string{"base", "ours", "theirs"} {
				out, err := Resolve(b.name, r.Data, c, side)
				if err != nil {
					t.Fatalf("resolve %s with %s: %v", c, side, err)
				}
				if !validJSON(out) {
					t.Fatalf("resolve %s with %s wrote invalid JSON:\n%s", c, side, out)
				}
			}
		}
	})
}

// scalars are the values mutate writes.
var scalars = []string{`"10k"`, `"R1"`, `1`, `2.5`, `true`, `null`, `"GND"`, `"R1.1"`, `{"x": 1}`, `[]`}

// mutate applies ops to a document, three bytes an edit: what to do, to
// which of its values (in document order), with which value.
func mutate(t testing.TB, name string, data []byte, ops []byte) []byte {
	for ; len(ops) >= 3; ops = ops[3:] {
		d, err := parseDoc(data)
		if err != nil {
			t.Fatal(err)
		}
		var places []place
		walk(d, &d.root, nil, &places)
		p := places[int(ops[1])%len(places)]
		value := scalars[int(ops[2])%len(scalars)]
		switch ops[0] % 4 {
		case 0: // change a value
			data = set(t, name, data, p.path, value)
		case 1: // delete a value
			if len(p.path) > 0 {
				data = set(t, name, data, p.path, "")
			}
		case 2: // add an element, a copy of another
			if p.parentArray {
				last := len(p.path) - 1
				at := append(append(Path(nil), p.path[:last]...), indexStep(1<<20))
				data = set(t, name, data, at, string(d.raw(p.n)))
			}
		case 3: // add a member
			if p.n.kind == kObject {
				data = set(t, name, data, append(append(Path(nil), p.path...), keyStep(fmt.Sprintf("k%d", ops[2]))), value)
			}
		}
	}
	return data
}

// place is one value of a document and how to reach it by index.
type place struct {
	path        Path
	n           *node
	parentArray bool
}

func walk(d *doc, n *node, p Path, out *[]place) {
	d.expand(n)
	for i := range n.items {
		q := append(append(Path(nil), p...), indexStep(i))
		*out = append(*out, place{q, &n.items[i], true})
		walk(d, &n.items[i], q, out)
	}
	for i := range n.members {
		q := append(append(Path(nil), p...), keyStep(n.members[i].key))
		*out = append(*out, place{q, &n.members[i].val, false})
		walk(d, &n.members[i].val, q, out)
	}
	if p == nil {
		*out = append(*out, place{nil, n, false})
	}
}

// FuzzValidJSON: validJSON agrees with encoding/json, and a document it
// accepts is read back whole.
func FuzzValidJSON(f *testing.F) {
	for _, s := range []string{`{}`, `[1, "a", {"b": null}]`, `"\u00e9"`, `-0.5e+10`, `{"a":}`, `[1,]`, `01`, "\"\x01\"", `{"a" 1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := validJSON(data), jsonValid(data); got != want {
			t.Fatalf("validJSON(%q) = %v, encoding/json says %v", data, got, want)
		}
		if !validJSON(data) {
			return
		}
		d, err := parseDoc(data)
		if err != nil {
			t.Fatal(err)
		}
		var places []place
		walk(d, &d.root, nil, &places)
		if !bytes.Equal(render(d), data) {
			t.Fatalf("render changed %q", data)
		}
	})
}
