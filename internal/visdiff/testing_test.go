package visdiff

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	corpusdata "github.com/circuitvc/circuitvc/internal/corpus"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/internal/circuit"
	"github.com/circuitvc/circuitvc/internal/draw"
)

// corpus reads a file of the real circuit corpus, or skips the test
// when CIRCUITVC_CORPUS is unset.
func corpus(t testing.TB, rel string) []byte { t.Helper(); return corpusdata.Read(t, rel) }

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// visual is one file's visual diff as the report shows it.
type visual struct {
	fd    draw.FileDiff
	delta *circuit.Delta
	items []svgItem
	// nets are the drawn net groups of each side, name → pins.
	nets [2]map[string][]string
}

// svgItem is one drawn item of the report.
type svgItem struct {
	side    int
	view    string
	attr    map[string]string
	changed bool
	changes []int
}

func (it svgItem) class(c string) bool { return slices.Contains(strings.Fields(it.attr["class"]), c) }

// diffFile runs the visual diff of two versions of a file (nil for an
// absent one) the way the CLI does: semantic diff, drawings, report.
func diffFile(t testing.TB, name string, old, new []byte) *visual {
	t.Helper()
	f := File{Path: name, Old: old, New: new}
	var delta *circuit.Delta
	if sides, ok := circuit.ParseBoth(name, old, new); ok {
		delta = circuit.Diff(sides[0], sides[1])
		f.Semantic = &Semantic{Old: sides[0], New: sides[1], Delta: delta}
	}
	fds, err := Build(context.Background(), []File{f}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	if err := draw.WriteReport(&page, fds, draw.ReportOptions{}); err != nil {
		t.Fatal(err)
	}
	v := &visual{fd: fds[0], delta: delta, items: reportItems(t, page.Bytes())}
	for s, d := range [2]*draw.Drawing{fds[0].Old, fds[0].New} {
		v.nets[s] = map[string][]string{}
		if d == nil {
			continue
		}
		for _, view := range d.Views {
			for _, n := range view.Nets {
				v.nets[s][n.Name] = append(v.nets[s][n.Name], n.Pins...)
			}
		}
	}
	return v
}

// reportItems reads every drawn item of every SVG in a report page
// (including views the page parses only when shown).
func reportItems(t testing.TB, page []byte) []svgItem {
	t.Helper()
	var out []svgItem
	for rest := page; ; {
		i := bytes.Index(rest, []byte("<svg "))
		if i < 0 {
			return out
		}
		j := bytes.Index(rest[i:], []byte("</svg>"))
		if j < 0 {
			t.Fatal("an svg element is not closed")
		}
		out = append(out, svgItems(t, rest[i:i+j+len("</svg>")])...)
		rest = rest[i+j:]
	}
}

func svgItems(t testing.TB, svg []byte) []svgItem {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var out []svgItem
	side, view := 1, ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v", err)
		}
		st, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		attr := map[string]string{}
		for _, a := range st.Attr {
			attr[a.Name.Local] = a.Value
		}
		if st.Name.Local == "svg" {
			view = attr["data-view"]
			if attr["data-side"] == "old" {
				side = 0
			}
			continue
		}
		it := svgItem{side: side, view: view, attr: attr}
		if !it.class("it") {
			continue
		}
		it.changed = it.class("chg-added") || it.class("chg-removed") || it.class("chg-changed")
		for _, f := range strings.Fields(attr["data-c"]) {
			n, err := strconv.Atoi(f)
			if err != nil {
				t.Fatalf("data-c %q", attr["data-c"])
			}
			it.changes = append(it.changes, n)
		}
		out = append(out, it)
	}
}

// netKinds are the item kinds that draw a net: a net change marks them.
var netKinds = []string{"k-wire", "k-trace", "k-via", "k-label", "k-net"}

// expect is what an edit changed, by identity, on the old side [0] and
// the new side [1]: components by reference, tscircuit elements by id,
// Wokwi connections by draw.ConnKey, pins that moved, and nets by any
// of their pins.
type expect struct {
	refs, ids, conns, pins, netPins [2][]string
}

// checkExactly fails unless exactly the items the edit changed carry a
// change class, on both sides and in every view, and unless every
// change of a kind that is drawn marks at least one item.
func checkExactly(t *testing.T, v *visual, e expect) {
	t.Helper()
	bad := 0
	for _, it := range v.items {
		s := it.side
		want := slices.Contains(e.refs[s], it.attr["data-ref"]) || slices.Contains(e.ids[s], it.attr["data-id"]) ||
			slices.Contains(e.conns[s], it.attr["data-conn"]) || slices.Contains(e.pins[s], it.attr["data-pin"])
		if n := it.attr["data-net"]; !want && n != "" && slices.ContainsFunc(netKinds, it.class) {
			want = slices.ContainsFunc(v.nets[s][n], func(p string) bool { return slices.Contains(e.netPins[s], p) })
		}
		if it.changed != want {
			if bad++; bad <= 12 {
				t.Errorf("%s side, %s view: item %v carries a change class: %v, want %v", [2]string{"old", "new"}[s], it.view, it.attr, it.changed, want)
			}
		}
	}
	if bad > 12 {
		t.Errorf("… and %d more items wrongly marked", bad-12)
	}
	marked := map[int]bool{}
	for _, it := range v.items {
		for _, c := range it.changes {
			marked[c] = true
		}
	}
	for i, c := range v.fd.Changes.Changes {
		if drawnKind(c.Kind) && !marked[i] {
			t.Errorf("change %d (%s %s %q) marks nothing on the drawings", i, c.Kind, c.Status, c.Key)
		}
	}
}

func drawnKind(k draw.Kind) bool {
	return !slices.Contains([]draw.Kind{draw.Metadata, draw.BOM, draw.Other}, k)
}

// tsEdit decodes a tscircuit file, lets edit change its elements and
// encodes it again.
func tsEdit(t testing.TB, data []byte, edit func(elems []map[string]any) []map[string]any) []byte {
	t.Helper()
	var elems []map[string]any
	if err := json.Unmarshal(data, &elems); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(edit(elems))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// jsonEdit is tsEdit for a JSON object (Wokwi, native).
func jsonEdit(t testing.TB, data []byte, edit func(doc map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func str(v any) string { s, _ := v.(string); return s }
