package circuit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// conformanceRow is one row of testdata/conformance/table.json: a real
// file, or one mutation of one, with circuitvc's expected verdict and
// the verdict of the format's own definition (scripts/conformance.sh).
type conformanceRow struct {
	ID             string    `json:"id"`
	File           string    `json:"file"`
	Kind           string    `json:"kind"`
	Mutation       *mutation `json:"mutation"`
	Expected       string    `json:"expected"`
	Explain        string    `json:"explain"`
	Upstream       string    `json:"upstream"`
	UpstreamIssue  string    `json:"upstream_issue"`
	UpstreamSource string    `json:"upstream_source"`
}

// mutation is one edit of a JSON document; scripts/conformance.mjs
// applies the same ones.
type mutation struct {
	Op    string `json:"op"`
	At    []any  `json:"at"`
	Value any    `json:"value"`
}

// TestConformance checks every row: circuitvc's verdict is the expected
// one, and where it disagrees with the format's own definition (upstream
// rejects what circuitvc accepts, or the reverse) the row explains why:
// a relaxation of Relaxations, or a stricter or cross-element rule.
func TestConformance(t *testing.T) {
	var table struct {
		Rows []conformanceRow `json:"rows"`
	}
	if err := json.Unmarshal(readFixture(t, "conformance/table.json"), &table); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, r := range table.Rows {
		kinds[r.Kind]++
		if r.Upstream != "accept" && r.Upstream != "reject" {
			t.Errorf("%s: upstream verdict %q; run scripts/conformance.sh", r.ID, r.Upstream)
		}
	}
	mutations := len(table.Rows) - kinds["real file"] - kinds["valid shape"]
	if mutations < 60 {
		t.Errorf("%d mutations, want at least 60", mutations)
	}
	for _, k := range []string{"wrong type", "missing required", "unknown type", "dangling reference", "duplicate id", "extra field"} {
		if kinds[k] == 0 {
			t.Errorf("no mutation of kind %q", k)
		}
	}
	relaxations := map[string]bool{}
	for _, r := range Relaxations {
		relaxations[r.ID] = true
	}
	dir := corpus(t)
	var agree, explained, accepted, files int
	for _, r := range table.Rows {
		t.Run(r.ID, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(r.File)))
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Base(r.File)
			var base []*Error
			if r.Mutation != nil {
				// A mutation is judged by what it adds to the findings
				// of the file it mutates (upstream's verdict likewise).
				base = Validate(name, data, ValidateOptions{Strict: true})
				if data, err = applyMutation(data, r.Mutation); err != nil {
					t.Fatalf("mutation: %v", err)
				}
			}
			findings := newFindings(Validate(name, data, ValidateOptions{Strict: true}), base)
			got := verdict(findings)
			if got != r.Expected {
				t.Errorf("verdict %s, want %s:\n%s", got, r.Expected, findingsText(findings))
			}
			if r.Mutation == nil {
				files++
				if got != "error" {
					accepted++
				}
			}
			flags := got == "warning" || got == "error"
			if flags == (r.Upstream == "reject") {
				agree++
				return
			}
			if !explainedBy(r.Explain, flags, relaxations) {
				t.Errorf("circuitvc says %s, %s says %s (%s), and the row does not explain why", got, r.UpstreamSource, r.Upstream, r.UpstreamIssue)
				return
			}
			explained++
		})
	}
	t.Logf("real files accepted (no error): %d of %d; rows agreeing with upstream: %d of %d; explained disagreements: %d; relaxations: %d",
		accepted, files, agree, len(table.Rows), explained, len(Relaxations))
	cited := map[string]bool{}
	for _, r := range table.Rows {
		for _, id := range regexp.MustCompile(`\bR\d+\b`).FindAllString(r.Explain, -1) {
			cited[id] = true
		}
	}
	for _, r := range Relaxations {
		if !cited[r.ID] && !strings.Contains(r.Files, "checked by hand") {
			t.Errorf("relaxation %s is cited by no row of the table", r.ID)
		}
	}
}

// explainedBy accepts an explanation of a disagreement: relaxation ids
// when circuitvc accepts what upstream rejects; "stricter:" or
// "cross-element:" when circuitvc flags what upstream accepts.
func explainedBy(explain string, flags bool, relaxations map[string]bool) bool {
	if flags {
		return strings.HasPrefix(explain, "stricter: ") || strings.HasPrefix(explain, "cross-element: ")
	}
	ids := regexp.MustCompile(`\bR\d+\b`).FindAllString(explain, -1)
	for _, id := range ids {
		if !relaxations[id] {
			return false
		}
	}
	return len(ids) > 0
}

// newFindings drops the findings that base has too (same level, path
// and message).
func newFindings(findings, base []*Error) []*Error {
	old := map[string]bool{}
	for _, f := range base {
		old[f.Level.String()+"\x00"+f.Path+"\x00"+f.Msg] = true
	}
	var out []*Error
	for _, f := range findings {
		if !old[f.Level.String()+"\x00"+f.Path+"\x00"+f.Msg] {
			out = append(out, f)
		}
	}
	return out
}

// verdict is the highest level among findings, or "clean".
func verdict(findings []*Error) string {
	best := "clean"
	rank := map[string]int{"clean": 0, "note": 1, "warning": 2, "error": 3}
	for _, f := range findings {
		if l := f.Level.String(); rank[l] > rank[best] {
			best = l
		}
	}
	return best
}

func findingsText(findings []*Error) string {
	var b strings.Builder
	for i, f := range findings {
		if i == 8 {
			fmt.Fprintf(&b, "  … %d more\n", len(findings)-i)
			break
		}
		fmt.Fprintf(&b, "  %s\n", f)
	}
	return b.String()
}

// applyMutation edits a JSON document; numbers keep their text.
func applyMutation(data []byte, m *mutation) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	switch m.Op {
	case "root":
		doc = m.Value
	case "append":
		arr, ok := doc.([]any)
		if !ok {
			return nil, fmt.Errorf("append to a %T", doc)
		}
		doc = append(arr, m.Value)
	default:
		var err error
		if doc, err = editAt(doc, m.At, m); err != nil {
			return nil, err
		}
	}
	return json.Marshal(doc)
}

// editAt applies a set, delete or duplicate at the path, returning the
// (possibly new) container.
func editAt(cur any, at []any, m *mutation) (any, error) {
	key, err := stepKey(cur, at[0])
	if err != nil {
		return nil, err
	}
	if len(at) > 1 {
		child, err := childOf(cur, key)
		if err != nil {
			return nil, err
		}
		child, err = editAt(child, at[1:], m)
		if err != nil {
			return nil, err
		}
		return setChild(cur, key, child), nil
	}
	switch m.Op {
	case "set":
		return setChild(cur, key, m.Value), nil
	case "delete":
		switch c := cur.(type) {
		case map[string]any:
			if _, ok := c[key.(string)]; !ok {
				return nil, fmt.Errorf("nothing to delete at %v", key)
			}
			delete(c, key.(string))
			return c, nil
		case []any:
			i := key.(int)
			return append(c[:i:i], c[i+1:]...), nil
		}
	case "duplicate":
		c, ok := cur.([]any)
		if !ok {
			return nil, fmt.Errorf("duplicate in a %T", cur)
		}
		dup, _ := json.Marshal(c[key.(int)])
		var copyOf any
		if err := json.Unmarshal(dup, &copyOf); err != nil {
			return nil, err
		}
		return append(c, copyOf), nil
	}
	return nil, fmt.Errorf("unknown op %q", m.Op)
}

// stepKey turns a path element into a map key or an array index; a
// selector {"type": T, "nth": N} names the N-th element of type T.
func stepKey(cur any, k any) (any, error) {
	switch x := k.(type) {
	case string:
		return x, nil
	case float64:
		return int(x), nil
	case map[string]any:
		arr, ok := cur.([]any)
		if !ok {
			return nil, fmt.Errorf("selector on a %T", cur)
		}
		n := int(x["nth"].(float64))
		for i, el := range arr {
			if obj, ok := el.(map[string]any); ok && obj["type"] == x["type"] {
				if n == 0 {
					return i, nil
				}
				n--
			}
		}
		return nil, fmt.Errorf("no %v #%v", x["type"], x["nth"])
	}
	return nil, fmt.Errorf("bad path element %v", k)
}

func childOf(cur, key any) (any, error) {
	switch c := cur.(type) {
	case map[string]any:
		v, ok := c[key.(string)]
		if !ok {
			return nil, fmt.Errorf("no %v", key)
		}
		return v, nil
	case []any:
		i, ok := key.(int)
		if !ok || i >= len(c) {
			return nil, fmt.Errorf("no [%v]", key)
		}
		return c[i], nil
	}
	return nil, fmt.Errorf("cannot step into a %T", cur)
}

func setChild(cur, key, v any) any {
	switch c := cur.(type) {
	case map[string]any:
		c[key.(string)] = v
	case []any:
		c[key.(int)] = v
	}
	return cur
}
