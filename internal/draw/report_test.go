package draw

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/internal/circuit/gen"
)

func report(t testing.TB, files ...FileDiff) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteReport(&buf, files, ReportOptions{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// reportJSON reads the data the page's script works from.
func reportJSON(t testing.TB, page []byte) reportData {
	t.Helper()
	const open = `<script type="application/json" id="cvc-data">`
	i := bytes.Index(page, []byte(open))
	j := bytes.Index(page[i:], []byte("</script>"))
	if i < 0 || j < 0 {
		t.Fatal("no report data in the page")
	}
	var d reportData
	if err := json.Unmarshal(page[i+len(open):i+j], &d); err != nil {
		t.Fatal(err)
	}
	return d
}

var (
	refAttr = regexp.MustCompile(`(?i)\b(?:src|href|xlink:href|action|poster)\s*=\s*["']([^"']*)`)
	cssURL  = regexp.MustCompile(`(?i)url\(\s*['"]?([^'")]*)`)
)

// checkSelfContained fails when the page could load anything: no
// external scripts, styles, images, fonts or links.
func checkSelfContained(t *testing.T, page []byte) {
	t.Helper()
	for _, m := range refAttr.FindAllSubmatch(page, -1) {
		if v := string(m[1]); !strings.HasPrefix(v, "data:") && !strings.HasPrefix(v, "#") {
			t.Errorf("the page refers to %q", v)
		}
	}
	for _, m := range cssURL.FindAllSubmatch(page, -1) {
		if v := string(m[1]); !strings.HasPrefix(v, "#") && !strings.HasPrefix(v, "data:") {
			t.Errorf("the style sheet loads %q", v)
		}
	}
	for _, bad := range []string{"@import", "@font-face", "fetch(", "XMLHttpRequest", "WebSocket", "<iframe", "<link rel=\"stylesheet"} {
		if bytes.Contains(page, []byte(bad)) {
			t.Errorf("the page contains %q", bad)
		}
	}
	rest := bytes.ReplaceAll(page, []byte(`"http://www.w3.org/2000/svg"`), nil)
	if i := bytes.Index(rest, []byte("http")); i >= 0 && bytes.Contains(rest[i:min(len(rest), i+8)], []byte("://")) {
		t.Errorf("the page names an address: %q", rest[i:min(len(rest), i+60)])
	}
}

// TestReportBigBoard builds the report of an edited 1.4 MB board: one
// page with nothing external, under 3 MB, whose change list holds every
// change with the bounds of its items.
func TestReportBigBoard(t *testing.T) {
	for _, rel := range []string{"tscircuit/led-water-accelerometer.json", "tscircuit/motor-controller.json"} {
		t.Run(rel, func(t *testing.T) {
			p := tscircuitPair(t, rel)
			cs := Compare(p.old, p.new)
			start := time.Now()
			page := report(t, FileDiff{Path: rel, Old: p.old, New: p.new, Changes: cs})
			t.Logf("%s: report %d bytes, written in %v", rel, len(page), time.Since(start))
			if len(page) >= 3<<20 {
				t.Errorf("report is %d bytes, over 3 MB", len(page))
			}
			checkSelfContained(t, page)
			data := reportJSON(t, page)
			if len(data.Files) != 1 || len(data.Files[0].Changes) != len(cs.Changes) {
				t.Fatalf("report lists %d files; want 1 with %d changes", len(data.Files), len(cs.Changes))
			}
			for i, c := range data.Files[0].Changes {
				if c.Summary != cs.Changes[i].Summary || c.Status != cs.Changes[i].Status {
					t.Errorf("change %d is %+v, want %+v", i, c, cs.Changes[i])
				}
				if len(c.Boxes) == 0 {
					t.Errorf("change %d (%s) has no place on any drawing", i, c.Summary)
				}
			}
			if got := bytes.Count(page, []byte("<svg ")); got != 4 {
				t.Errorf("%d drawings, want 4 (schematic and PCB, old and new)", got)
			}
		})
	}
}

// TestReportFiles builds one page for several files, one of them new.
func TestReportFiles(t *testing.T) {
	w := wokwiPair(t, "wokwi/wokwi-dht22/dht22-uno/diagram.json")
	n := nativePair(t)
	added := mustParse(t, "new.circuit.json", mustRead(t, "../../testdata/blinker.circuit.json"))
	page := report(t,
		FileDiff{Path: "diagram.json", Old: w.old, New: w.new, Changes: Compare(w.old, w.new)},
		FileDiff{Path: "blinker.circuit.json", Old: n.old, New: n.new, Changes: Compare(n.old, n.new)},
		FileDiff{Path: "new.circuit.json", New: added, Changes: Compare(nil, added)},
	)
	checkSelfContained(t, page)
	data := reportJSON(t, page)
	if len(data.Files) != 3 || bytes.Count(page, []byte(`<section class="file"`)) != 3 {
		t.Fatalf("%d files in the data, want 3", len(data.Files))
	}
	if !bytes.Contains(page, []byte("not in this version")) {
		t.Error("the new file's old side does not say it is absent")
	}
	for _, c := range data.Files[2].Changes {
		if c.Status != Added {
			t.Errorf("a change of a new file is %s: %+v", c.Status, c)
		}
	}
	if err := WriteReport(io.Discard, nil, ReportOptions{}); !errors.Is(err, ErrNoFiles) {
		t.Errorf("a report of no files: %v", err)
	}
}

// TestReportText shows a file that cannot be drawn by its text: a
// unified diff's lines coloured, everything escaped, the file marked as
// text for the page's script, and its note kept.
func TestReportText(t *testing.T) {
	n := nativePair(t)
	text := "--- a/notes.txt\n+++ b/notes.txt\n@@ -1 +1 @@\n-<old> & co\n+new\n context"
	page := report(t,
		FileDiff{Path: "blinker.circuit.json", Old: n.old, New: n.new, Changes: Compare(n.old, n.new), Note: "mode 100644 → 100755"},
		FileDiff{Path: "notes.txt", Text: text})
	for _, want := range []string{`<span class="th">--- a/notes.txt</span>`, `<span class="hunk">@@ -1 +1 @@</span>`,
		`<span class="del">-&lt;old&gt; &amp; co</span>`, `<span class="add">+new</span>`, "\n context</pre>"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the page lacks %s", want)
		}
	}
	data := reportJSON(t, page)
	if f := data.Files[1]; !f.Text || len(f.Views) != 0 || f.Changes == nil {
		t.Errorf("the text file's data: %+v", f)
	}
	if f := data.Files[0]; f.Text || f.Note != "mode 100644 → 100755" {
		t.Errorf("the circuit's data: text %v, note %q", f.Text, f.Note)
	}
	if err := WriteReport(io.Discard, []FileDiff{{Path: "empty"}}, ReportOptions{}); err == nil {
		t.Error("a file with neither drawings nor text was accepted")
	}
}

// TestManyMarked: in a simplified drawing where thousands of items are
// marked (a big file added whole), they merge into one path per status
// instead of one element each, and every change can still be zoomed to.
func TestManyMarked(t *testing.T) {
	d, err := Parse("big.circuit.json", gen.Native(3000, 1), Options{Detail: 100})
	if err != nil {
		t.Fatal(err)
	}
	cs := Compare(nil, d)
	page := report(t, FileDiff{Path: "big.circuit.json", New: d, Changes: cs})
	if n := bytes.Count(page, []byte(`class="it k-component chg-added"`)); n != 0 {
		t.Errorf("%d added components drawn one by one", n)
	}
	if !bytes.Contains(page, []byte(`<path class="bulk k-component chg-added" d="M`)) {
		t.Error("no merged path of added components")
	}
	if bytes.Contains(page, []byte(`class="bulk k-net`)) || bytes.Contains(page, []byte(`class="it k-net`)) {
		t.Error("thousands of added nets are drawn")
	}
	if bytes.Contains(page, []byte(`class="chg-box`)) {
		t.Error("thousands of changes are boxed")
	}
	for i, c := range reportJSON(t, page).Files[0].Changes {
		if c.Kind == Component && c.Boxes["graph"][1] == nil {
			t.Fatalf("change %d (%s) cannot be zoomed to", i, c.Summary)
		}
	}
}

// TestReportEscapes keeps text from the files inert in the page.
func TestReportEscapes(t *testing.T) {
	evil := `{"components": [{"id": "R1</script><script>alert(1)</script>", "type": "<b>x</b>", "value": "\"'&\u0001\uffff"}], "nets": []}`
	d := mustParse(t, "evil.circuit.json", []byte(evil))
	page := report(t, FileDiff{Path: "<evil>.json", New: d, Changes: Compare(nil, d)})
	if bytes.Contains(page, []byte("<script>alert")) || bytes.Contains(page, []byte("<b>x")) || bytes.Contains(page, []byte("<evil>")) {
		t.Error("file content reaches the page unescaped")
	}
	parseSVG(t, svgOf(t, d, "", nil))
}

// TestNativeScale draws a 50,000-component native file and a copy with
// 100 edits: the drawing is simplified, the change list complete. Its
// size and time are logged for the README.
func TestNativeScale(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the 50,000-component report takes seconds")
	}
	oldData, newData := gen.Pair(50000, 100, 1)
	start := time.Now()
	old, err := Parse("big.circuit.json", oldData, Options{})
	if err != nil {
		t.Fatal(err)
	}
	nw, err := Parse("big.circuit.json", newData, Options{})
	if err != nil {
		t.Fatal(err)
	}
	parsed := time.Since(start)
	cs := Compare(old, nw)
	compared := time.Since(start)
	page := report(t, FileDiff{Path: "big.circuit.json", Old: old, New: nw, Changes: cs})
	t.Logf("50,000 components, %d changes: report %.1f MB; parse %v, compare %v, total %v",
		len(cs.Changes), float64(len(page))/(1<<20), parsed, compared-parsed, time.Since(start))
	if old.Views[0].Simplified == "" {
		t.Error("a 50,000-component drawing is not simplified")
	}
	if len(cs.Changes) < 100 {
		t.Errorf("%d changes for 100 edits", len(cs.Changes))
	}
	data := reportJSON(t, page)
	if got := len(data.Files[0].Changes); got != len(cs.Changes) {
		t.Errorf("the change list has %d of %d changes", got, len(cs.Changes))
	}
	// Every drawn change can be found on the picture.
	for i, c := range data.Files[0].Changes {
		if c.Kind.drawn() && len(c.Boxes) == 0 {
			t.Errorf("change %d (%s) is not on the drawing", i, c.Summary)
		}
	}
}
