// Package browsertest drives a headless Chromium for tests of the HTML
// diff report, through the DevTools protocol (chromedp: plain Go, no
// Node, and the protocol's own events for console messages and network
// requests, which the tests check). Tests that use it skip, saying why,
// only when no Chromium is installed (scripts/install-chromium.sh
// installs Debian's).
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Chromium finds a Chromium to drive: $CIRCUITVC_CHROMIUM, else one on
// the PATH. The test is skipped, saying so, only when there is none.
func Chromium(t testing.TB) string {
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

// Browser is a headless Chromium started with the flags this machine
// needs (no sandbox as root, no background networking on a closed
// network, a new empty profile). It records console errors and
// warnings, uncaught exceptions and any request for something other
// than the page's own file.
type Browser struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
	done     chan struct{} // closed when the console shows the end marker
}

// endMarker is written to the console by CheckNoProblems, so that it
// knows every earlier message has been read.
const endMarker = "circuitvc-browser-test-end"

// New starts a browser with a window of 1500×900 pixels; it is closed
// when the test ends.
func New(t testing.TB) *Browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Chromium(t)),
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
	b := &Browser{ctx: ctx, done: make(chan struct{})}
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

func (b *Browser) problem(p string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = append(b.problems, p)
}

// Do runs actions, failing the test with what on an error.
func (b *Browser) Do(t testing.TB, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Open loads a report from disk and waits for its change list.
func (b *Browser) Open(t testing.TB, path string) {
	t.Helper()
	b.Do(t, "open "+path, chromedp.Navigate("file://"+path), chromedp.WaitVisible(chromedp.CSS(`#list h2`)))
}

// Reload loads the page again and waits for its change list.
func (b *Browser) Reload(t testing.TB) {
	t.Helper()
	b.Do(t, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#list h2`)))
}

// Eval runs a script (awaiting a promise it returns) and decodes its
// value into T.
func Eval[T any](t testing.TB, b *Browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// Click clicks the first element css selects, once it is visible.
func (b *Browser) Click(t testing.TB, css string) {
	t.Helper()
	b.Do(t, "click "+css, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
}

// Screenshot captures the window as PNG.
func (b *Browser) Screenshot(t testing.TB) []byte {
	t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	return png
}

// CheckNoProblems fails the test for every console error, warning,
// exception or outside request seen since the browser started.
func (b *Browser) CheckNoProblems(t testing.TB) {
	t.Helper()
	Eval[chromedp.Void](t, b, `console.info("`+endMarker+`")`)
	<-b.done
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		t.Error(p)
	}
}

// ViewBox reads the drawings' current view box.
func (b *Browser) ViewBox(t testing.TB) [4]float64 {
	t.Helper()
	s := Eval[string](t, b, `document.body.dataset.viewbox`)
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

// DrawnAfter waits for two animation frames, so that the page has been
// laid out and painted, and returns the milliseconds since navigation
// started.
func (b *Browser) DrawnAfter(t testing.TB) float64 {
	t.Helper()
	return Eval[float64](t, b, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))`)
}

// Wheel is a mouse option for a wheel event of dy pixels.
func Wheel(dy float64) chromedp.MouseOption {
	// Chromium wants both deltas; a zero would be left out of the message.
	return func(p *input.DispatchMouseEventParams) { p.DeltaX, p.DeltaY = 0.001, dy }
}
