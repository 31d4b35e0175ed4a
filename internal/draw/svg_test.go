package draw

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// svgEl is one element of a parsed SVG, with the layer it sits in.
type svgEl struct {
	name  string
	attr  map[string]string
	layer string
}

func (e svgEl) class(c string) bool { return slices.Contains(strings.Fields(e.attr["class"]), c) }

func (e svgEl) num(k string) float64 {
	f, _ := strconv.ParseFloat(e.attr[k], 64)
	return f
}

// parseSVG reads every element of an SVG document, failing the test
// when it is not well-formed XML.
func parseSVG(t testing.TB, data []byte) []svgEl {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	var out []svgEl
	var layers []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			e := svgEl{name: tk.Name.Local, attr: map[string]string{}}
			for _, a := range tk.Attr {
				e.attr[a.Name.Local] = a.Value
			}
			layer := ""
			if len(layers) > 0 {
				layer = layers[len(layers)-1]
			}
			if l := e.attr["data-layer"]; l != "" {
				layer = l
			}
			e.layer = layer
			layers = append(layers, layer)
			out = append(out, e)
		case xml.EndElement:
			layers = layers[:len(layers)-1]
		}
	}
	return out
}

// attrSet collects the values of attribute k over elements in a view.
func attrSet(els []svgEl, k string) map[string]bool {
	s := map[string]bool{}
	for _, e := range els {
		if v := e.attr[k]; v != "" {
			s[v] = true
		}
	}
	return s
}

func svgOf(t testing.TB, d *Drawing, view string, cs *ChangeSet) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSVG(&buf, d, SVGOptions{View: view, Changes: cs}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCorpusDrawsEverything draws every real file and finds in the SVG
// every component by its reference and every trace or wire by its
// identity, in the views the file has geometry for.
func TestCorpusDrawsEverything(t *testing.T) {
	for _, path := range corpusFiles(t) {
		rel, _ := filepath.Rel(corpus(t, ""), path)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			data := mustRead(t, path)
			d := mustParse(t, rel, data)
			switch d.Format {
			case Tscircuit:
				checkTscircuit(t, d, data)
			case Wokwi:
				checkWokwi(t, d, data)
			default:
				t.Fatalf("format %s for a corpus file", d.Format)
			}
		})
	}
}

func checkTscircuit(t *testing.T, d *Drawing, data []byte) {
	var elems []map[string]any
	if err := json.Unmarshal(data, &elems); err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	want := map[string]map[string][]string{"schematic": {}, "pcb": {}} // view → attr → values
	for _, e := range elems {
		if e["type"] == "source_component" {
			names[e["source_component_id"].(string)] = e["name"].(string)
		}
	}
	for _, e := range elems {
		typ, _ := e["type"].(string)
		id, _ := e[typ+"_id"].(string)
		switch typ {
		case "schematic_component":
			want["schematic"]["data-ref"] = append(want["schematic"]["data-ref"], names[e["source_component_id"].(string)])
		case "pcb_component":
			want["pcb"]["data-ref"] = append(want["pcb"]["data-ref"], names[e["source_component_id"].(string)])
		case "schematic_trace", "schematic_port", "schematic_net_label":
			want["schematic"]["data-id"] = append(want["schematic"]["data-id"], id)
		case "pcb_trace", "pcb_via", "pcb_smtpad", "pcb_plated_hole", "pcb_hole":
			want["pcb"]["data-id"] = append(want["pcb"]["data-id"], id)
		}
	}
	for view, attrs := range want {
		if len(attrs) == 0 {
			if d.View(view) != nil {
				t.Errorf("a %s view for a file without %s elements", view, view)
			}
			continue
		}
		els := parseSVG(t, svgOf(t, d, view, nil))
		for attr, values := range attrs {
			have := attrSet(els, attr)
			for _, v := range values {
				if !have[v] {
					t.Errorf("%s view: no item with %s=%q", view, attr, v)
				}
			}
		}
		if view == "pcb" {
			checkPadsInOutlines(t, els)
		}
	}
}

// checkPadsInOutlines checks that the coordinates of pads and of their
// component's outline map alike: every pad's centre lies in the drawn
// outline of its component (as it does in every corpus file).
func checkPadsInOutlines(t *testing.T, els []svgEl) {
	outline := map[string]Box{}
	for _, e := range els {
		if e.class("k-component") && e.name == "rect" {
			var b Box
			b.Add(Point{e.num("x"), e.num("y")})
			b.Add(Point{e.num("x") + e.num("width"), e.num("y") + e.num("height")})
			outline[e.attr["data-ref"]] = b
		}
	}
	pads := 0
	for i, e := range els {
		if !e.class("k-pad") || e.attr["data-ref"] == "" {
			continue
		}
		shape := e
		if e.name == "g" && i+1 < len(els) {
			shape = els[i+1] // a plated hole: its first shape is the copper ring
		}
		var c Point
		switch e := shape; e.name {
		case "rect":
			c = Point{e.num("x") + e.num("width")/2, e.num("y") + e.num("height")/2}
		case "circle":
			c = Point{e.num("cx"), e.num("cy")}
		case "polygon":
			var b Box
			nums := strings.FieldsFunc(e.attr["points"], func(r rune) bool { return r == ' ' || r == ',' })
			for k := 0; k+1 < len(nums); k += 2 {
				fx, _ := strconv.ParseFloat(nums[k], 64)
				fy, _ := strconv.ParseFloat(nums[k+1], 64)
				b.Add(Point{fx, fy})
			}
			c = Point{(b.MinX + b.MaxX) / 2, (b.MinY + b.MaxY) / 2}
		}
		pads++
		o, ok := outline[e.attr["data-ref"]]
		if !ok {
			t.Errorf("pad %s of %s: the component has no outline", e.attr["data-id"], e.attr["data-ref"])
			continue
		}
		if !o.Grow(1e-3).Contains(c) {
			t.Errorf("pad %s centre %v lies outside the outline %+v of %s", e.attr["data-id"], c, o, e.attr["data-ref"])
		}
	}
	if pads == 0 && len(outline) > 0 {
		t.Log("no single-shape pads to check")
	}
}

func checkWokwi(t *testing.T, d *Drawing, data []byte) {
	var doc struct {
		Parts []struct {
			ID string `json:"id"`
		} `json:"parts"`
		Connections [][]any `json:"connections"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	els := parseSVG(t, svgOf(t, d, "breadboard", nil))
	refs, conns := attrSet(els, "data-ref"), attrSet(els, "data-conn")
	for _, p := range doc.Parts {
		if !refs[p.ID] {
			t.Errorf("no part %q", p.ID)
		}
	}
	for _, c := range doc.Connections {
		a, _ := c[0].(string)
		b, _ := c[1].(string)
		if k := ConnKey(a, b); !conns[k] {
			t.Errorf("no wire %q", k)
		}
	}
}

// TestNativeDraws draws the bundled demo circuit: every component and
// net, laid out without positions, the same way every time.
func TestNativeDraws(t *testing.T) {
	data := mustRead(t, "../../testdata/blinker.circuit.json")
	d := mustParse(t, "blinker.circuit.json", data)
	svg := svgOf(t, d, "", nil)
	els := parseSVG(t, svg)
	refs, nets := attrSet(els, "data-ref"), attrSet(els, "data-net")
	for _, r := range []string{"U1", "R1", "R2", "R3", "C1", "C2", "D1", "J1"} {
		if !refs[r] {
			t.Errorf("no component %s", r)
		}
	}
	for _, n := range []string{"VCC", "GND", "DISCH", "THRESH", "CTRL", "OUT", "LED_A"} {
		if !nets[n] {
			t.Errorf("no net %s", n)
		}
	}
	again := svgOf(t, mustParse(t, "blinker.circuit.json", data), "", nil)
	if !bytes.Equal(svg, again) {
		t.Error("two drawings of the same file differ")
	}
	// No two boxes overlap in the automatic layout.
	var boxes []Box
	for _, e := range els {
		if e.class("k-component") && e.name == "g" {
			continue
		}
		if e.name == "rect" && e.layer == "components" {
			var b Box
			b.Add(Point{e.num("x"), e.num("y")})
			b.Add(Point{e.num("x") + e.num("width"), e.num("y") + e.num("height")})
			for _, o := range boxes {
				if b.MinX < o.MaxX && o.MinX < b.MaxX && b.MinY < o.MaxY && o.MinY < b.MaxY {
					t.Errorf("boxes %+v and %+v overlap", b, o)
				}
			}
			boxes = append(boxes, b)
		}
	}
	if len(boxes) != 8 {
		t.Errorf("%d component boxes, want 8", len(boxes))
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{"", "not json", "[1, 2]", `{"a": 1}`, `{"components": 3}`, `{"parts": [3]}`} {
		if _, err := Parse("x.json", []byte(in), Options{}); err == nil {
			t.Errorf("Parse(%q) succeeded", in)
		} else if !strings.HasPrefix(err.Error(), "draw x.json: ") {
			t.Errorf("Parse(%q): error %q does not name the file", in, err)
		}
	}
	// Empty circuits draw as empty pictures: a diff may start from one.
	for _, in := range []string{`{"parts": [], "connections": []}`, `{"components": []}`} {
		parseSVG(t, svgOf(t, mustParse(t, "empty.json", []byte(in)), "", nil))
	}
	d := mustParse(t, "w.json", []byte(`{"parts": [{"id": "a", "type": "x"}]}`))
	if err := WriteSVG(io.Discard, d, SVGOptions{View: "pcb"}); err == nil || !strings.Contains(err.Error(), "no pcb view (it has breadboard)") {
		t.Errorf("WriteSVG of a missing view: %v", err)
	}
}
