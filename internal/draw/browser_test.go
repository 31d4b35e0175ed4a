package draw

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// chromium finds a Chromium to drive: $CIRCUITVC_CHROMIUM, else one on
// the PATH. The test is skipped, saying so, only when there is none.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CIRCUITVC_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("Chromium not found: the browser test of the HTML report is skipped (scripts/install-chromium.sh installs Debian's chromium; CIRCUITVC_CHROMIUM names another)")
	return ""
}

// browser is a headless Chromium started with the flags this machine
// needs (no sandbox as root, no background networking on a closed
// network, a new empty profile). It records console errors and
// warnings, uncaught exceptions, browser log errors and any request for
// something other than the page's own file.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
	done     chan struct{} // closed when the console shows the end marker
}

// endMarker is written to the console by checkNoProblems, so that it
// knows every earlier message has been read.
const endMarker = "circuitvc-browser-test-end"

func newBrowser(t *testing.T) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1500, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	b := &browser{ctx: ctx, done: make(chan struct{})}
	console := chromedp.Console(ctx)
	requests := chromedp.Events(ctx, network.RequestWillBeSent)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if m.Text == endMarker {
				close(b.done)
				continue
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning || m.IsException() {
				b.problem(fmt.Sprintf("console %s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line+1))
			}
		}
	}()
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			if u := ev.Request.URL; !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") {
				b.problem("request: " + u)
			}
		}
	}()
	return b
}

func (b *browser) problem(p string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = append(b.problems, p)
}

func (b *browser) do(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// open loads a page from disk and waits for its change list.
func (b *browser) open(t *testing.T, path string) {
	t.Helper()
	b.do(t, "open "+path, chromedp.Navigate("file://"+path), chromedp.WaitVisible(chromedp.CSS(`#list h2`)))
}

// eval runs a script (awaiting a promise it returns) and decodes its
// value into T.
func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

func (b *browser) click(t *testing.T, css string) {
	t.Helper()
	b.do(t, "click "+css, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
}

func (b *browser) checkNoProblems(t *testing.T) {
	t.Helper()
	eval[chromedp.Void](t, b, `console.info("`+endMarker+`")`)
	<-b.done
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		t.Error(p)
	}
}

// viewBox reads the drawings' current view box.
func (b *browser) viewBox(t *testing.T) [4]float64 {
	t.Helper()
	s := eval[string](t, b, `document.body.dataset.viewbox`)
	var vb [4]float64
	f := strings.Fields(s)
	if len(f) != 4 {
		t.Fatalf("view box %q", s)
	}
	for i := range vb {
		vb[i], _ = strconv.ParseFloat(f[i], 64)
	}
	return vb
}

func writeReportFile(t *testing.T, dir, name string, files ...FileDiff) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, report(t, files...), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func wheel(dy float64) chromedp.MouseOption {
	// Chromium wants both deltas; a zero would be left out of the message.
	return func(p *input.DispatchMouseEventParams) { p.DeltaX, p.DeltaY = 0.001, dy }
}

// TestBrowserReport opens the report of a real changed board in
// headless Chromium and uses it as a person would: no console errors
// or requests, the first change zooms to its items and flashes them,
// wheel and drag move both drawings together, layers hide, overlay
// blends by the slider, hovering a changed item shows its change.
func TestBrowserReport(t *testing.T) {
	p := tscircuitPair(t, "tscircuit/led-water-accelerometer.json")
	b := newBrowser(t)
	path := writeReportFile(t, t.TempDir(), "report.html", FileDiff{Path: "led-water-accelerometer.json",
		Old: p.old, New: p.new, OldLabel: "current~1", NewLabel: "working tree", Changes: Compare(p.old, p.new)})
	b.open(t, path)
	shown := eval[float64](t, b, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))`)
	t.Logf("the 1.4 MB board's report is drawn %.0f ms after navigation started (%s)", shown,
		eval[string](t, b, `(() => { const n = performance.getEntriesByType('navigation')[0]; return ['responseEnd', 'domInteractive', 'domContentLoadedEventEnd', 'loadEventEnd'].map(k => k + ' ' + Math.round(n[k])).join(', '); })()`))
	b.do(t, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#list h2`)))
	shown = eval[float64](t, b, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))`)
	t.Logf("reloaded: drawn %.0f ms after navigation started", shown)

	fit := b.viewBox(t)
	b.click(t, `#list ol.changes li`)
	zoomed := eval[string](t, b, `document.body.dataset.zoomed || ""`)
	flashing := eval[int](t, b, `document.querySelectorAll('.view.on .flash').length`)
	box := eval[[]float64](t, b, `(() => { const c = JSON.parse(document.getElementById('cvc-data').textContent).files[0].changes[0];
		const v = document.querySelector('#tabs button.on').dataset.view; const p = c.boxes[v]; return p[1] || p[0]; })()`)
	vb := b.viewBox(t)
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
	centre := eval[[]float64](t, b, `(() => { const r = document.querySelector('.view.on .pane.new [data-c~="0"]').getBoundingClientRect(); return [r.x + r.width/2, r.y + r.height/2]; })()`)
	b.do(t, "hover", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, centre[0], centre[1]))
	tip := eval[string](t, b, `document.getElementById('tip').hidden ? "" : document.getElementById('tip').textContent`)
	if !strings.Contains(tip, "changed") && !strings.Contains(tip, "added") && !strings.Contains(tip, "removed") {
		t.Errorf("hovering a changed item shows %q", tip)
	}

	// Wheel zoom and drag pan move both drawings alike.
	before := b.viewBox(t)
	b.do(t, "wheel", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseWheel, centre[0], centre[1], wheel(-400)))
	after := b.viewBox(t)
	if after[2] >= before[2] {
		t.Errorf("wheel up did not zoom in: %v → %v", before, after)
	}
	b.do(t, "drag", chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, 300, 400, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 360, 420, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 420, 440, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, 420, 440, chromedp.ButtonLeft))
	dragged := b.viewBox(t)
	if dragged[0] >= after[0] || dragged[2] != after[2] {
		t.Errorf("dragging right did not pan left: %v → %v", after, dragged)
	}
	if !eval[bool](t, b, `(() => { const s = [...document.querySelectorAll('.view.on svg')].map(e => e.getAttribute('viewBox')); return s.length === 2 && s[0] === s[1]; })()`) {
		t.Error("the old and new drawings show different areas")
	}

	// A layer toggle hides that layer on both sides.
	b.click(t, `#layers input`)
	hidden := eval[int](t, b, `(() => { const l = document.querySelector('#layers input').dataset.layer;
		return [...document.querySelectorAll('.view.on g[data-layer]')].filter(g => g.dataset.layer === l && g.getAttribute('display') === 'none').length; })()`)
	if hidden != 2 {
		t.Errorf("the layer is hidden in %d drawings, want 2", hidden)
	}

	// Overlay: the new drawing over the old, blended by the slider.
	b.click(t, `[data-mode=overlay]`)
	overlay := eval[bool](t, b, `document.body.classList.contains('overlay')`)
	op1 := eval[string](t, b, `getComputedStyle(document.querySelector('.view.on .pane.new')).opacity`)
	op2 := eval[string](t, b, `(() => { const o = document.getElementById('opacity'); o.value = 80; o.dispatchEvent(new Event('input')); return getComputedStyle(document.querySelector('.view.on .pane.new')).opacity; })()`)
	stacked := eval[bool](t, b, `(() => { const [a, b] = [...document.querySelectorAll('.view.on .pane')].map(p => p.getBoundingClientRect()); return a.x === b.x && a.y === b.y && a.width === b.width; })()`)
	if !overlay || op1 != "0.5" || op2 != "0.8" || !stacked {
		t.Errorf("overlay: class %v, opacity %s then %s, panes stacked %v", overlay, op1, op2, stacked)
	}

	b.click(t, `#fit`)
	if got := b.viewBox(t); got != fit {
		t.Errorf("fit shows %v, want %v", got, fit)
	}
	b.checkNoProblems(t)
}

// TestBrowserScreenshots saves pictures of a tscircuit schematic diff
// (side by side), a PCB diff (overlaid) and a Wokwi diff into the folder $CIRCUITVC_SCREENSHOTS
// (docs/ for the README); skipped when unset.
func TestBrowserScreenshots(t *testing.T) {
	dir := os.Getenv("CIRCUITVC_SCREENSHOTS")
	if dir == "" {
		t.Skip("CIRCUITVC_SCREENSHOTS is unset")
	}
	b := newBrowser(t)
	tmp := t.TempDir()
	ts := tscircuitPair(t, "tscircuit/555-timer-circuit.json")
	w := wokwiPair(t, "wokwi/wokwi-dht22/dht22-uno/diagram.json")
	shots := []struct {
		png, view, mode string
		file            FileDiff
	}{
		{"diff-schematic.png", "schematic", "side", FileDiff{Path: "555-timer-circuit.json", Old: ts.old, New: ts.new, OldLabel: "v1", NewLabel: "working tree", Changes: Compare(ts.old, ts.new)}},
		{"diff-pcb.png", "pcb", "overlay", FileDiff{Path: "555-timer-circuit.json", Old: ts.old, New: ts.new, OldLabel: "v1", NewLabel: "working tree", Changes: Compare(ts.old, ts.new)}},
		{"diff-wokwi.png", "breadboard", "side", FileDiff{Path: "diagram.json", Old: w.old, New: w.new, OldLabel: "current~1", NewLabel: "current", Changes: Compare(w.old, w.new)}},
	}
	for _, s := range shots {
		b.open(t, writeReportFile(t, tmp, s.png+".html", s.file))
		b.click(t, `#tabs button[data-view=`+s.view+`]`)
		b.click(t, `[data-mode=`+s.mode+`]`)
		b.click(t, `#fit`)
		eval[chromedp.Void](t, b, `document.querySelectorAll('.flash').forEach(e => e.classList.remove('flash'))`)
		png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, s.png), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b.checkNoProblems(t)
}
