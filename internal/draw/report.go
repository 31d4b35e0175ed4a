package draw

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

//go:embed assets/report.css
var reportCSS string

//go:embed assets/report.js
var reportJS string

// FileDiff is one changed file of a diff report: its drawings on both
// sides (nil where the file does not exist) and what changed.
type FileDiff struct {
	// Path names the file in the report.
	Path string
	// Old and New are the two versions, drawn by Parse.
	Old, New *Drawing
	// OldLabel and NewLabel say where each side comes from ("current~1",
	// "working tree"); empty means "old" and "new".
	OldLabel, NewLabel string
	// Changes are the items to highlight and the change list.
	Changes ChangeSet
	// Note is a line shown above the change list ("renamed from
	// a.json", "mode 644 → 755").
	Note string
	// Text is shown instead of drawings for a file that is drawn on
	// neither side (not a circuit, or a KiCad one): its line diff, or what
	// changed in words. Lines starting with + and - are coloured as in a
	// unified diff.
	Text string
}

// ReportOptions tune WriteReport.
type ReportOptions struct {
	// Title heads the page; empty means "circuitvc diff".
	Title string
}

// ErrNoFiles is returned by WriteReport when it is given nothing to show.
var ErrNoFiles = errors.New("draw: a report needs at least one file")

// WriteReport writes one self-contained HTML page that shows the
// changes of files: per file and view, the old and new drawings side by
// side (or overlaid, with an opacity slider) under synchronised pan and
// zoom, changed items coloured, and the change list beside them, whose
// entries zoom to and flash their items. The page makes no network
// requests and uses no external fonts.
func WriteReport(w io.Writer, files []FileDiff, opt ReportOptions) error {
	if len(files) == 0 {
		return ErrNoFiles
	}
	title := opt.Title
	if title == "" {
		title = "circuitvc diff"
	}
	var page bytes.Buffer
	page.Grow(1 << 20)
	page.WriteString("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
	page.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
	escape(&page, title)
	page.WriteString("</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>\n")
	page.WriteString(drawingCSS)
	page.WriteString(reportCSS)
	page.WriteString("</style></head>\n<body>\n")
	page.WriteString(`<header id="bar"><strong class="brand">`)
	escape(&page, title)
	page.WriteString(`</strong><select id="file" title="File"></select><span id="tabs"></span>` +
		`<span class="group"><button type="button" data-mode="side" class="on">Side by side</button><button type="button" data-mode="overlay">Overlay</button></span>` +
		`<label id="opacity-box" title="Opacity of the new version over the old">old <input id="opacity" type="range" min="0" max="100" value="50"> new</label>` +
		`<button type="button" id="fit" title="Fit the drawing (F)">Fit</button>` +
		`<span id="layers"></span></header>` + "\n")
	page.WriteString(`<main><div id="stage">` + "\n")
	data := reportData{}
	for i := range files {
		fd, err := writeFile(&page, i, &files[i])
		if err != nil {
			return err
		}
		data.Files = append(data.Files, fd)
	}
	page.WriteString("</div>\n<aside id=\"list\"></aside></main>\n<div id=\"tip\" hidden></div>\n")
	js, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("draw: report data: %w", err)
	}
	page.WriteString(`<script type="application/json" id="cvc-data">`)
	page.Write(js) // json.Marshal escapes <, > and &: safe inside a script element
	page.WriteString("</script>\n<script>\n")
	page.WriteString(reportJS)
	page.WriteString("</script>\n</body></html>\n")
	_, err = w.Write(page.Bytes())
	return err
}

// reportData is what the page's script knows about each file.
type reportData struct {
	Files []fileData `json:"files"`
}

type fileData struct {
	Path    string       `json:"path"`
	Old     string       `json:"old"`
	New     string       `json:"new"`
	Views   []viewData   `json:"views"`
	Changes []changeData `json:"changes"`
	// Info describes components by reference, per side, for hovering
	// unchanged items (left out of simplified drawings).
	Info [2]map[string]string `json:"info"`
	Note string               `json:"note,omitempty"`
	// Text: the file is shown as text, not drawn.
	Text bool `json:"text,omitempty"`
}

type viewData struct {
	Name       string      `json:"name"`
	Title      string      `json:"title"`
	Fit        [4]float64  `json:"fit"`
	Layers     []layerData `json:"layers"`
	Simplified string      `json:"simplified,omitempty"`
}

type layerData struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Off   bool   `json:"off,omitempty"`
}

type changeData struct {
	Kind    Kind   `json:"kind"`
	Status  Status `json:"status"`
	Key     string `json:"key"`
	NewKey  string `json:"newKey,omitempty"`
	Summary string `json:"summary"`
	Old     string `json:"old,omitempty"`
	New     string `json:"new,omitempty"`
	// Boxes maps a view name to the bounds of the change's items on the
	// old and the new side (null where it marks nothing).
	Boxes map[string][2]*[4]float64 `json:"boxes,omitempty"`
}

var viewTitles = map[string]string{"schematic": "Schematic", "pcb": "PCB", "breadboard": "Breadboard", "graph": "Graph"}

// writeFile writes one file's section: per view, the two panes.
func writeFile(page *bytes.Buffer, i int, f *FileDiff) (fileData, error) {
	// Empty lists, not null: the page's script walks them.
	fd := fileData{Path: f.Path, Old: orDefault(f.OldLabel, "old"), New: orDefault(f.NewLabel, "new"), Note: f.Note,
		Views: []viewData{}, Changes: []changeData{}}
	if f.Old == nil && f.New == nil {
		if f.Text == "" {
			return fileData{}, fmt.Errorf("draw: report: %s: neither side drawn, and no text", f.Path)
		}
		fd.Text = true
		page.WriteString(`<section class="file" data-file="` + strconv.Itoa(i) + `">` + "\n")
		writeText(page, f.Text)
		page.WriteString("</section>\n")
		return fd, nil
	}
	for _, c := range f.Changes.Changes {
		fd.Changes = append(fd.Changes, changeData{Kind: c.Kind, Status: c.Status, Key: c.Key, NewKey: c.NewKey,
			Summary: orDefault(c.Summary, c.Key), Old: c.Old, New: c.New})
	}
	sides := [2]*Drawing{f.Old, f.New}
	// Descriptions of every component would outweigh a simplified
	// drawing; its changed items still show their change.
	simplified := false
	for _, d := range sides {
		for _, v := range viewsOf(d) {
			simplified = simplified || v.Simplified != ""
		}
	}
	for s, d := range sides {
		if d != nil && !simplified {
			fd.Info[s] = d.Info
		}
	}
	page.WriteString(`<section class="file" data-file="` + strconv.Itoa(i) + `">` + "\n")
	for _, name := range viewOrder(f.Old, f.New) {
		// Only the first view of the first file is parsed with the page;
		// the others wait as text until shown, so a big board opens fast.
		lazy := i > 0 || len(fd.Views) > 0
		fd.Views = append(fd.Views, writeView(page, name, sides, &f.Changes, fd.Changes, lazy))
	}
	page.WriteString("</section>\n")
	return fd, nil
}

// writeText writes a file's text in place of its drawings, colouring
// the lines of a unified diff.
func writeText(page *bytes.Buffer, text string) {
	page.WriteString(`<div class="text"><pre>`)
	for line := range strings.Lines(text) {
		cls := ""
		switch {
		case strings.HasPrefix(line, "+++"), strings.HasPrefix(line, "---"):
			cls = "th"
		case strings.HasPrefix(line, "@@"):
			cls = "hunk"
		case strings.HasPrefix(line, "+"):
			cls = "add"
		case strings.HasPrefix(line, "-"):
			cls = "del"
		}
		if cls == "" {
			escape(page, line)
			continue
		}
		page.WriteString(`<span class="` + cls + `">`)
		escape(page, strings.TrimSuffix(line, "\n"))
		page.WriteString("</span>")
		if strings.HasSuffix(line, "\n") {
			page.WriteByte('\n')
		}
	}
	page.WriteString("</pre></div>\n")
}

// writeView writes the old and new panes of one view, and records in
// changes where each change's items are.
func writeView(page *bytes.Buffer, name string, sides [2]*Drawing, cs *ChangeSet, changes []changeData, lazy bool) viewData {
	vd := viewData{Name: name, Title: orDefault(viewTitles[name], name)}
	var fit Box
	var views [2]*View
	for s, d := range sides {
		if d != nil {
			views[s] = d.View(name)
		}
		if v := views[s]; v != nil {
			fit.Union(v.Bounds())
			vd.Layers = mergeLayers(vd.Layers, v.Layers)
			vd.Simplified = orDefault(vd.Simplified, v.Simplified)
		}
	}
	if fit.Empty() {
		fit.Add(Point{})
	}
	fit = fit.Grow(margin(fit))
	vd.Fit = [4]float64{fit.MinX, fit.MinY, fit.W(), fit.H()}
	page.WriteString(`<div class="view" data-view="` + name + `">` + "\n")
	if lazy {
		page.WriteString(`<script type="text/x-cvc-view">`)
	}
	for s, v := range views {
		sd := side(s)
		page.WriteString(`<div class="pane ` + sd.String() + `"><div class="cap"></div>`)
		if v == nil {
			page.WriteString(`<div class="absent">not in this version</div></div>` + "\n")
			continue
		}
		boxes := (&svgWriter{buf: page, v: v, m: newMarker(cs, sd, v), side: sd.String(), diff: true}).write(fit)
		for ci, b := range boxes {
			c := &changes[ci]
			if c.Boxes == nil {
				c.Boxes = map[string][2]*[4]float64{}
			}
			pair := c.Boxes[name]
			pair[s] = &[4]float64{round3(b.MinX), round3(b.MinY), round3(b.W()), round3(b.H())}
			c.Boxes[name] = pair
		}
		page.WriteString("</div>\n")
	}
	if lazy {
		// The drawings hold no "</script": their text is escaped.
		page.WriteString("</script>")
	}
	page.WriteString("</div>\n")
	return vd
}

// round3 rounds a box coordinate for the page's data: a thousandth is
// finer than any view's precision.
func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

func viewsOf(d *Drawing) []*View {
	if d == nil {
		return nil
	}
	return d.Views
}

// viewOrder lists the views of either drawing, old's order first.
func viewOrder(ds ...*Drawing) []string {
	var names []string
	seen := map[string]bool{}
	for _, d := range ds {
		for _, v := range viewsOf(d) {
			if !seen[v.Name] {
				seen[v.Name] = true
				names = append(names, v.Name)
			}
		}
	}
	return names
}

// mergeLayers adds the layers of ls not yet in out.
func mergeLayers(out []layerData, ls []*Layer) []layerData {
	for _, l := range ls {
		found := false
		for _, o := range out {
			found = found || o.Name == l.Name
		}
		if !found {
			out = append(out, layerData{Name: l.Name, Title: l.Title, Off: l.Off})
		}
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
