package merge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/internal/textdiff"
)

// corpus returns the shared real-data folder or skips the test.
func corpus(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("CIRCUITVC_CORPUS")
	if dir == "" {
		t.Skip("CIRCUITVC_CORPUS is not set; skipping tests on real circuit files")
	}
	return dir
}

// readCorpus reads one file of the corpus.
func readCorpus(t testing.TB, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpus(t), filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// readFixture reads a file of this package's testdata.
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// id is an identity step of P; ix an index step.
type (
	id string
	ix int
)

// P builds a path: a string is a member, an id an element by identity,
// an ix an element by index.
func P(steps ...any) Path {
	var p Path
	for _, s := range steps {
		switch s := s.(type) {
		case string:
			p = append(p, keyStep(s))
		case id:
			p = append(p, Step{Key: string(s), ID: true})
		case ix:
			p = append(p, indexStep(int(s)))
		default:
			panic(fmt.Sprintf("P: step %T", s))
		}
	}
	return p
}

// wire is the identity of a Wokwi connection between a and b.
func wire(a, b string) id {
	if b < a {
		a, b = b, a
	}
	return id(a + "\x00" + b)
}

// set returns data with the value at p made value (JSON), or deleted when
// value is "", as an engineer's edit would: the rest keeps its bytes.
func set(t testing.TB, name string, data []byte, p Path, value string) []byte {
	t.Helper()
	c := &Conflict{Path: p}
	if value != "" {
		c.Ours = json.RawMessage(value)
	}
	out, err := resolveIn(name, data, c, "ours")
	if err != nil {
		t.Fatalf("edit %s: %v", p, err)
	}
	if !validJSON(out) {
		t.Fatalf("edit %s made invalid JSON:\n%s", p, out)
	}
	return out
}

// edit is one change an engineer makes to a file.
type edit struct {
	name string
	// item is what the change is to, as a conflict about it names it.
	item  string
	apply func(t testing.TB, data []byte) []byte
}

// sets makes an edit of several values at once.
func sets(name, item, file string, changes ...any) edit {
	return edit{name: name, item: item, apply: func(t testing.TB, data []byte) []byte {
		for i := 0; i < len(changes); i += 2 {
			data = set(t, file, data, changes[i].(Path), changes[i+1].(string))
		}
		return data
	}}
}

// mustMerge merges or fails the test.
func mustMerge(t testing.TB, name string, b, o, th []byte, opts ...Options) *Result {
	t.Helper()
	opt := Options{Name: name}
	if len(opts) > 0 {
		opt = opts[0]
		opt.Name = name
	}
	r, err := Merge(b, o, th, opt)
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	if !validJSON(bytes.TrimPrefix(r.Data, []byte("\xef\xbb\xbf"))) {
		t.Fatalf("Merge wrote invalid JSON:\n%s", r.Data)
	}
	return r
}

// normalised decodes a document and puts its sets in one order, so that
// two documents with the same content in another order compare equal:
// what a merge promises about sets.
func normalised(t testing.TB, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	byKey := func(list any, key func(map[string]any) string) {
		items, _ := list.([]any)
		slices.SortStableFunc(items, func(a, b any) int {
			am, _ := a.(map[string]any)
			bm, _ := b.(map[string]any)
			return strings.Compare(key(am), key(bm))
		})
	}
	field := func(f string) func(map[string]any) string {
		return func(m map[string]any) string { s, _ := m[f].(string); return s }
	}
	sortStrings := func(list any) {
		items, _ := list.([]any)
		slices.SortFunc(items, func(a, b any) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	}
	switch root := v.(type) {
	case []any: // tscircuit
		byKey(root, func(m map[string]any) string { s, _ := m["type"].(string); return s + "/" + field(s+"_id")(m) })
	case map[string]any:
		if parts, ok := root["parts"].([]any); ok { // Wokwi
			byKey(parts, field("id"))
			conns, _ := root["connections"].([]any)
			slices.SortStableFunc(conns, func(a, b any) int { return strings.Compare(wireOf(a), wireOf(b)) })
		}
		if comps, ok := root["components"].([]any); ok { // native
			byKey(comps, field("id"))
			for _, c := range comps {
				sortStrings(c.(map[string]any)["pins"])
			}
			nets, _ := root["nets"].([]any)
			byKey(nets, field("name"))
			for _, n := range nets {
				sortStrings(n.(map[string]any)["connections"])
			}
		}
	}
	return v
}

func wireOf(c any) string {
	l, _ := c.([]any)
	if len(l) < 2 {
		return fmt.Sprint(c)
	}
	a, b := fmt.Sprint(l[0]), fmt.Sprint(l[1])
	if b < a {
		a, b = b, a
	}
	return a + " " + b
}

// sameContent fails the test when two documents differ in content.
func sameContent(t testing.TB, got, want []byte) {
	t.Helper()
	if !reflect.DeepEqual(normalised(t, got), normalised(t, want)) {
		var b strings.Builder
		textdiff.Unified(&b, "want", "got", want, got, 2)
		t.Fatalf("content differs:\n%s", b.String())
	}
}

// changedLines counts the lines added and removed from a to b.
func changedLines(a, b []byte) (int, int) { return textdiff.Stat(a, b) }

// openConflicts lists a result's open conflicts for a failure message.
func openConflicts(r *Result) string {
	var b strings.Builder
	for _, c := range r.Open() {
		fmt.Fprintf(&b, "\n  %s (%s)", c, c.Path)
	}
	return b.String()
}
