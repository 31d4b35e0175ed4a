package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/circuitvc/circuitvc/internal/corpus"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/circuitvc/circuitvc/cli"
	"github.com/circuitvc/circuitvc/internal/browsertest"
)

// store is a circuitvc store in a temporary folder, run through the
// command line in this process.
type store struct {
	t   testing.TB
	dir string
}

func newStore(t testing.TB) *store {
	s := &store{t: t, dir: t.TempDir()}
	s.run("init")
	return s
}

// run runs one command line in the store and returns its standard
// output, failing the test on a non-zero exit.
func (s *store) run(args ...string) string {
	s.t.Helper()
	var out, errs bytes.Buffer
	env, err := cli.OSEnv()
	if err != nil {
		s.t.Fatal(err)
	}
	env.Dir, env.Stdout, env.Stderr = s.dir, &out, &errs
	env.Getenv = func(k string) string {
		if k == "CIRCUITVC_AUTHOR" {
			return "Test User <test@example.com>"
		}
		return os.Getenv(k)
	}
	if code := cli.Run(context.Background(), append([]string{"circuitvc"}, args...), env); code != 0 {
		s.t.Fatalf("circuitvc %s: exit %d: %s", strings.Join(args, " "), code, errs.String())
	}
	return out.String()
}

func (s *store) write(name string, data []byte) {
	s.t.Helper()
	if err := os.WriteFile(filepath.Join(s.dir, name), data, 0o644); err != nil {
		s.t.Fatal(err)
	}
}

func (s *store) read(name string) []byte {
	s.t.Helper()
	data, err := os.ReadFile(filepath.Join(s.dir, name))
	if err != nil {
		s.t.Fatal(err)
	}
	return data
}

// editBoard makes the edits of a designer to a tscircuit board, as
// tscircuit writes them: the first resistor's value (and the value its
// schematic shows), the first capacitor moved on the PCB (with its pads
// and silkscreen), the longest PCB trace deleted and the first schematic
// trace re-routed.
func editBoard(t testing.TB, data []byte) []byte {
	t.Helper()
	var elems []map[string]any
	if err := json.Unmarshal(data, &elems); err != nil {
		t.Fatal(err)
	}
	var resistor, capacitor, longest string
	var most float64
	for _, e := range elems {
		switch {
		case e["type"] == "source_component" && e["ftype"] == "simple_resistor" && resistor == "":
			resistor = str(e["source_component_id"])
		case e["type"] == "source_component" && e["ftype"] == "simple_capacitor" && capacitor == "":
			capacitor = str(e["source_component_id"])
		case e["type"] == "pcb_trace":
			if l := routeLength(e["route"]); l > most {
				longest, most = str(e["pcb_trace_id"]), l
			}
		}
	}
	moved, rerouted := "", false
	var out []map[string]any
	for _, e := range elems {
		switch {
		case e["type"] == "source_component" && e["source_component_id"] == resistor:
			e["resistance"] = 4700.0
			e["display_resistance"] = "4.7kΩ"
		case e["type"] == "schematic_component" && e["source_component_id"] == resistor:
			e["symbol_display_value"] = "4.7kΩ"
		case e["type"] == "pcb_component" && e["source_component_id"] == capacitor:
			moved = str(e["pcb_component_id"])
		case e["type"] == "pcb_trace" && e["pcb_trace_id"] == longest:
			continue
		case e["type"] == "schematic_trace" && !rerouted:
			rerouted = true
			to := e["edges"].([]any)[0].(map[string]any)["to"].(map[string]any)
			to["y"] = to["y"].(float64) + 0.4
		}
		if moved != "" && e["pcb_component_id"] == moved {
			corpus.ShiftX(e, 1.5)
		}
		out = append(out, e)
	}
	edited, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return edited
}

// routeLength is the length of a PCB trace's route.
func routeLength(route any) float64 {
	pts, _ := route.([]any)
	var l float64
	for i := 1; i < len(pts); i++ {
		a, _ := pts[i-1].(map[string]any)
		b, _ := pts[i].(map[string]any)
		ax, _ := a["x"].(float64)
		ay, _ := a["y"].(float64)
		bx, _ := b["x"].(float64)
		by, _ := b["y"].(float64)
		l += math.Hypot(bx-ax, by-ay)
	}
	return l
}

// editDiagram recolours the second wire of a Wokwi diagram, moves its
// second part, and adds an LED wired to GND.
func editDiagram(t testing.TB, data []byte) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	conns := doc["connections"].([]any)
	conns[1].([]any)[2] = "blue"
	parts := doc["parts"].([]any)
	p := parts[1].(map[string]any)
	p["top"] = p["top"].(float64) - 40
	doc["parts"] = append(parts, map[string]any{"type": "wokwi-led", "id": "led1", "left": 260.0, "top": 20.0, "attrs": map[string]any{"color": "red"}})
	doc["connections"] = append(conns, []any{"led1:C", "uno:GND.1", "black", []any{"v40", "*", "h0"}})
	edited, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return edited
}

func str(v any) string { s, _ := v.(string); return s }

// TestBrowserReport writes, with the command line, the report of a real
// 1.4 MB board changed as a designer changes it (with a Wokwi diagram
// and a text file changed beside it), opens it in headless Chromium and
// uses it as a person would: no console errors or requests; the first
// change zooms to its items and flashes them; hover shows the change;
// wheel and drag move both drawings together; a layer hides; overlay
// blends by the slider; fit; the other files show.
func TestBrowserReport(t *testing.T) {
	board := corpus.Read(t, "tscircuit/led-water-accelerometer.json")
	diagram := corpus.Read(t, "wokwi/wokwi-dht22/dht22-uno/diagram.json")
	b := browsertest.New(t)
	s := newStore(t)
	s.write("board.json", board)
	s.write("diagram.json", diagram)
	s.write("notes.txt", []byte("rev A\n"))
	s.run("save", "-m", "v1", "board.json", "diagram.json", "notes.txt")
	s.write("board.json", editBoard(t, board))
	s.write("diagram.json", editDiagram(t, diagram))
	s.write("notes.txt", []byte("rev B\n"))
	s.run("diff", "--format", "html", "-o", "report.html")
	path := filepath.Join(s.dir, "report.html")

	b.Open(t, path)
	t.Logf("the 1.4 MB board's report is drawn %.0f ms after navigation started", b.DrawnAfter(t))
	b.Reload(t)
	t.Logf("reloaded: drawn %.0f ms after navigation started", b.DrawnAfter(t))
	if got := browsertest.Eval[string](t, b, `document.querySelector('#list .files li.on').textContent`); !strings.HasPrefix(got, "board.json (") {
		t.Fatalf("the report opens on %q, want board.json", got)
	}

	fit := b.ViewBox(t)
	b.Click(t, `#list ol.changes li`)
	zoomed := browsertest.Eval[string](t, b, `document.body.dataset.zoomed || ""`)
	flashing := browsertest.Eval[int](t, b, `document.querySelectorAll('.view.on .flash').length`)
	box := browsertest.Eval[[]float64](t, b, `(() => { const c = JSON.parse(document.getElementById('cvc-data').textContent).files[0].changes[0];
		const v = document.querySelector('#tabs button.on').dataset.view; const p = c.boxes[v]; return p[1] || p[0]; })()`)
	vb := b.ViewBox(t)
	if zoomed != "0" {
		t.Fatalf("after clicking the first change, zoomed = %q", zoomed)
	}
	if vb[2]*vb[3] >= fit[2]*fit[3]/4 {
		t.Errorf("view box %v is not zoomed in from %v", vb, fit)
	}
	if len(box) != 4 || box[0] < vb[0] || box[1] < vb[1] || box[0]+box[2] > vb[0]+vb[2] || box[1]+box[3] > vb[1]+vb[3] {
		t.Errorf("the change's box %v is not inside the view %v", box, vb)
	}
	if flashing == 0 {
		t.Error("no item flashes after clicking its change")
	}

	// Hover the flashing item: the tip shows the change.
	// (a point of an item of the change that no other item covers)
	centre := browsertest.Eval[[]float64](t, b, `(() => { for (const e of document.querySelectorAll('.view.on .pane.new .it[data-c~="0"]')) {
		const r = e.getBoundingClientRect();
		for (let i = 1; i < 8; i++) for (let j = 1; j < 8; j++) {
			const x = r.x + r.width*i/8, y = r.y + r.height*j/8, hit = document.elementFromPoint(x, y);
			if (hit && (hit === e || e.contains(hit))) return [x, y]; } } return [0, 0]; })()`)
	b.Do(t, "hover", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, centre[0], centre[1]))
	tip := browsertest.Eval[string](t, b, `document.getElementById('tip').hidden ? "" : document.getElementById('tip').textContent`)
	summary := browsertest.Eval[string](t, b, `JSON.parse(document.getElementById('cvc-data').textContent).files[0].changes[0].summary`)
	if !strings.Contains(tip, summary) {
		t.Errorf("hovering the first change's item shows %q, want its summary %q", tip, summary)
	}

	// Wheel zoom and drag pan move both drawings alike.
	before := b.ViewBox(t)
	b.Do(t, "wheel", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseWheel, centre[0], centre[1], browsertest.Wheel(-400)))
	after := b.ViewBox(t)
	if after[2] >= before[2] {
		t.Errorf("wheel up did not zoom in: %v → %v", before, after)
	}
	b.Do(t, "drag", chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, 300, 400, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 360, 420, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 420, 440, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, 420, 440, chromedp.ButtonLeft))
	dragged := b.ViewBox(t)
	if dragged[0] >= after[0] || dragged[2] != after[2] {
		t.Errorf("dragging right did not pan left: %v → %v", after, dragged)
	}
	if !browsertest.Eval[bool](t, b, `(() => { const s = [...document.querySelectorAll('.view.on svg')].map(e => e.getAttribute('viewBox')); return s.length === 2 && s[0] === s[1]; })()`) {
		t.Error("the old and new drawings show different areas")
	}

	// A layer toggle hides that layer on both sides.
	b.Click(t, `#layers input`)
	hidden := browsertest.Eval[int](t, b, `(() => { const l = document.querySelector('#layers input').dataset.layer;
		return [...document.querySelectorAll('.view.on g[data-layer]')].filter(g => g.dataset.layer === l && g.getAttribute('display') === 'none').length; })()`)
	if hidden != 2 {
		t.Errorf("the layer is hidden in %d drawings, want 2", hidden)
	}

	// Overlay: the new drawing over the old, blended by the slider.
	b.Click(t, `[data-mode=overlay]`)
	overlay := browsertest.Eval[bool](t, b, `document.body.classList.contains('overlay')`)
	op1 := browsertest.Eval[string](t, b, `getComputedStyle(document.querySelector('.view.on .pane.new')).opacity`)
	op2 := browsertest.Eval[string](t, b, `(() => { const o = document.getElementById('opacity'); o.value = 80; o.dispatchEvent(new Event('input')); return getComputedStyle(document.querySelector('.view.on .pane.new')).opacity; })()`)
	stacked := browsertest.Eval[bool](t, b, `(() => { const [a, b] = [...document.querySelectorAll('.view.on .pane')].map(p => p.getBoundingClientRect()); return a.x === b.x && a.y === b.y && a.width === b.width; })()`)
	if !overlay || op1 != "0.5" || op2 != "0.8" || !stacked {
		t.Errorf("overlay: class %v, opacity %s then %s, panes stacked %v", overlay, op1, op2, stacked)
	}
	b.Click(t, `[data-mode=side]`)

	b.Click(t, `#fit`)
	if got := b.ViewBox(t); got != fit {
		t.Errorf("fit shows %v, want %v", got, fit)
	}

	// The other files: the diagram drawn, the text file as its diff.
	b.Click(t, `#list .files li:nth-child(2)`)
	if v := browsertest.Eval[string](t, b, `document.querySelector('#tabs button.on').dataset.view`); v != "breadboard" {
		t.Errorf("the diagram shows the %q view", v)
	}
	b.Click(t, `#list .files li:nth-child(3)`)
	text := browsertest.Eval[string](t, b, `(() => { const p = document.querySelector('.file.on .text pre'); return p && p.offsetHeight > 0 ? p.textContent : ""; })()`)
	if !strings.Contains(text, "+rev B") {
		t.Errorf("the text file shows %q", text)
	}
	b.CheckNoProblems(t)
}

// TestBrowserLongList: a change list of 2,500 entries (a file of 2,500
// parts added) shows a thousand, then more on demand, and all the way to
// a change picked on the drawing further down.
func TestBrowserLongList(t *testing.T) {
	var comps []string
	for i := 1; i <= 2500; i++ {
		comps = append(comps, fmt.Sprintf(`{"id": "R%d", "value": "1k", "pins": ["1", "2"]}`, i))
	}
	b := browsertest.New(t)
	s := newStore(t)
	s.write("empty.circuit.json", []byte(`{"components": [], "nets": []}`))
	s.write("big.circuit.json", []byte(`{"components": [`+strings.Join(comps, ",")+`], "nets": []}`))
	s.run("diff", "empty.circuit.json", "big.circuit.json", "--format", "html", "-o", "report.html")
	b.Open(t, filepath.Join(s.dir, "report.html"))
	count := func() int {
		return browsertest.Eval[int](t, b, `document.querySelectorAll('#list ol.changes li').length`)
	}
	total := browsertest.Eval[int](t, b, `JSON.parse(document.getElementById('cvc-data').textContent).files[0].changes.length`)
	if n := count(); n != 1000 || total < 2500 {
		t.Errorf("%d of %d entries shown at first, want 1000", n, total)
	}
	if got, want := browsertest.Eval[string](t, b, `document.querySelector('#list button.more').textContent`), fmt.Sprintf("Show more (%d not shown)", total-1000); got != want {
		t.Errorf("the button says %q, want %q", got, want)
	}
	b.Click(t, `#list button.more`)
	if n := count(); n != 2000 {
		t.Errorf("after Show more: %d entries, want 2000", n)
	}
	// Clicking R2300 on the drawing shows and selects its entry.
	at := browsertest.Eval[[]float64](t, b, `(() => { const r = document.querySelector('.view.on .pane.new [data-ref="R2300"] rect').getBoundingClientRect(); return [r.x + r.width/2, r.y + r.height/2]; })()`)
	b.Do(t, "click R2300", chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, at[0], at[1], chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, at[0], at[1], chromedp.ButtonLeft))
	if got := browsertest.Eval[string](t, b, `(() => { const li = document.querySelector('#list ol.changes li.sel'); return li ? li.textContent : ""; })()`); !strings.Contains(got, "+ R2300 ") {
		t.Errorf("after clicking R2300 the selected entry is %q", got)
	}
	if n := count(); n != total || !browsertest.Eval[bool](t, b, `document.querySelector('#list button.more').hidden`) {
		t.Errorf("after picking R2300: %d of %d entries, button shown", n, total)
	}
	b.CheckNoProblems(t)
}

// TestBrowserScreenshots saves pictures of reports the command line
// writes into $CIRCUITVC_SCREENSHOTS (docs/ for the README): a tscircuit
// schematic diff side by side, its PCB overlaid, and a Wokwi diagram
// diff. Skipped when unset.
func TestBrowserScreenshots(t *testing.T) {
	dir := os.Getenv("CIRCUITVC_SCREENSHOTS")
	if dir == "" {
		t.Skip("CIRCUITVC_SCREENSHOTS is unset")
	}
	board := corpus.Read(t, "tscircuit/555-timer-circuit.json")
	diagram := corpus.Read(t, "wokwi/wokwi-dht22/dht22-uno/diagram.json")
	b := browsertest.New(t)
	s := newStore(t)
	s.write("555-timer.json", board)
	s.write("diagram.json", diagram)
	s.run("save", "-m", "v1", "555-timer.json", "diagram.json")
	s.run("tag", "v1")
	s.write("555-timer.json", editBoard(t, board))
	s.write("diagram.json", editDiagram(t, diagram))
	s.run("diff", "v1", "--format", "html", "-o", "board.html", "--", "555-timer.json")
	s.run("diff", "v1", "--format", "html", "-o", "diagram.html", "--", "diagram.json")
	for _, shot := range []struct{ png, report, view, mode string }{
		{"diff-schematic.png", "board.html", "schematic", "side"},
		{"diff-pcb.png", "board.html", "pcb", "overlay"},
		{"diff-wokwi.png", "diagram.html", "breadboard", "side"},
	} {
		b.Open(t, filepath.Join(s.dir, shot.report))
		b.Click(t, `#tabs button[data-view=`+shot.view+`]`)
		b.Click(t, `[data-mode=`+shot.mode+`]`)
		b.Click(t, `#fit`)
		browsertest.Eval[chromedp.Void](t, b, `document.querySelectorAll('.flash').forEach(e => e.classList.remove('flash'))`)
		if err := os.WriteFile(filepath.Join(dir, shot.png), b.Screenshot(t), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b.CheckNoProblems(t)
}

// TestBrowserLoadTime opens each report named in
// $CIRCUITVC_BROWSER_REPORTS (a list like PATH) three times and logs the
// median time from navigation to the page drawn, and when its HTML was
// parsed. bench/htmlreport.sh runs it; skipped when unset.
func TestBrowserLoadTime(t *testing.T) {
	list := os.Getenv("CIRCUITVC_BROWSER_REPORTS")
	if list == "" {
		t.Skip("CIRCUITVC_BROWSER_REPORTS is unset")
	}
	b := browsertest.New(t)
	for _, path := range filepath.SplitList(list) {
		var drawn, parsed []float64
		for range 3 {
			b.Open(t, path)
			drawn = append(drawn, b.DrawnAfter(t))
			parsed = append(parsed, browsertest.Eval[float64](t, b, `performance.getEntriesByType('navigation')[0].domInteractive`))
		}
		slices.Sort(drawn)
		slices.Sort(parsed)
		t.Logf("%s: drawn %.2f s after navigation started (HTML parsed at %.2f s), median of 3", filepath.Base(path), drawn[1]/1000, parsed[1]/1000)
	}
	b.CheckNoProblems(t)
}
