package circuit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// summaryLimit is the longest Summary, in characters: a save message's
// first line should fit a terminal.
const summaryLimit = 100

// Summary returns the delta as one line for a save message, like
// "R5 10k→4.7k; +C12; net VCC +U3.8". Changed components come first (the
// edit the user made), then added, removed and renamed components, net
// changes, pin moves and metadata; the BOM is left out because it follows
// from the rest. A long summary ends with "… (+N more)". It is "" for an
// empty delta.
func (d *Delta) Summary() string {
	return joinLimited(d.summaryItems(), summaryLimit)
}

func (d *Delta) summaryItems() []string {
	var items []string
	for _, c := range d.Changed {
		parts := make([]string, 0, len(c.Changes))
		for _, ch := range c.Changes {
			arrow := short(ch.Old) + "→" + short(ch.New)
			if ch.Attr == "value" {
				parts = append(parts, arrow)
			} else {
				parts = append(parts, ch.Attr+" "+arrow)
			}
		}
		items = append(items, c.Ref+" "+strings.Join(parts, ", "))
	}
	for _, c := range d.Added {
		items = append(items, "+"+c.Ref)
	}
	for _, c := range d.Removed {
		items = append(items, "-"+c.Ref)
	}
	for _, r := range d.Renamed {
		items = append(items, r.Old+"→"+r.New)
	}
	// Pins of parts that came or went are implied by "+C12"/"-R3".
	gone := map[string]bool{}
	for _, c := range d.Added {
		gone[c.Ref] = true
	}
	for _, c := range d.Removed {
		gone[c.Ref] = true
	}
	implied := func(p string) bool { ref, _, _ := SplitPin(p); return gone[ref] }
	for _, n := range d.NetsAdded {
		items = append(items, "+net "+n.Name)
	}
	for _, n := range d.NetsRemoved {
		items = append(items, "-net "+n.Name)
	}
	for _, r := range d.NetsRenamed {
		items = append(items, "net "+r.Old+"→"+r.New)
	}
	for _, n := range d.NetsChanged {
		var b strings.Builder
		for _, p := range n.Added {
			if !implied(p) {
				b.WriteString(" +" + p)
			}
		}
		for _, p := range n.Removed {
			if !implied(p) {
				b.WriteString(" -" + p)
			}
		}
		if b.Len() > 0 {
			items = append(items, "net "+n.Name+b.String())
		}
	}
	for _, m := range d.PinsMoved {
		items = append(items, m.Pin+" "+m.From+"→"+m.To)
	}
	for _, s := range d.SheetsAdded {
		items = append(items, "+sheet "+s.Path)
	}
	for _, s := range d.SheetsRemoved {
		items = append(items, "-sheet "+s.Path)
	}
	for _, s := range d.SheetsChanged {
		items = append(items, "sheet "+s.Path+" "+s.OldFile+"→"+s.NewFile)
	}
	for _, m := range d.Metadata {
		items = append(items, m.Attr+" "+short(m.Old)+"→"+short(m.New))
	}
	for _, o := range d.Other {
		items = append(items, jsonChangeItem(o))
	}
	return items
}

// short abbreviates a value for the summary; "" shows as ∅.
func short(s string) string {
	if s == "" {
		return "∅"
	}
	if utf8.RuneCountInString(s) > 24 {
		r := []rune(s)
		return string(r[:23]) + "…"
	}
	return s
}

// joinLimited joins items with "; " and, past limit characters, drops the
// rest with a count.
func joinLimited(items []string, limit int) string {
	var b strings.Builder
	n := 0
	for i, it := range items {
		sep := ""
		if i > 0 {
			sep = "; "
		}
		more := len(items) - i
		tail := fmt.Sprintf("; … (+%d more)", more)
		width := utf8.RuneCountInString(sep + it)
		// Keep room for the tail unless this is the last item.
		need := width
		if i < len(items)-1 {
			need += utf8.RuneCountInString(fmt.Sprintf("; … (+%d more)", more-1))
		}
		if n+need > limit && i > 0 {
			b.WriteString(tail)
			return b.String()
		}
		b.WriteString(sep + it)
		n += width
	}
	return b.String()
}

// WriteText writes the delta for people: one section per kind of change,
// each line marked + (added), - (removed), ~ (changed or renamed) or >
// (moved), columns aligned. An empty delta writes "no circuit changes".
func (d *Delta) WriteText(w io.Writer) error {
	if d.Empty() {
		_, err := io.WriteString(w, "no circuit changes\n")
		return err
	}
	limit := d.Limit
	if limit == 0 {
		limit = DefaultListLimit
	}
	pins := func(list []string) string { return clipList(list, limit) }
	refs := func(list []string) string {
		if len(list) == 0 {
			return "∅"
		}
		return clipList(strings.Fields(RefRanges(list)), limit)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	section := func(title string, n int) {
		if n > 0 {
			fmt.Fprintf(tw, "%s\n", title)
		}
	}
	section("components:", len(d.Added)+len(d.Removed)+len(d.Renamed)+len(d.Changed))
	for _, c := range d.Added {
		fmt.Fprintf(tw, "  +\t%s\t%s\n", c.Ref, describe(c))
	}
	for _, c := range d.Removed {
		fmt.Fprintf(tw, "  -\t%s\t%s\n", c.Ref, describe(c))
	}
	for _, r := range d.Renamed {
		fmt.Fprintf(tw, "  ~\t%s\trenamed to %s\n", r.Old, r.New)
	}
	for _, c := range d.Changed {
		for i, ch := range c.Changes {
			ref := c.Ref
			if i > 0 {
				ref = ""
			}
			fmt.Fprintf(tw, "  ~\t%s\t%s: %s → %s\n", ref, ch.Attr, shown(ch.Old), shown(ch.New))
		}
	}
	section("nets:", len(d.NetsAdded)+len(d.NetsRemoved)+len(d.NetsRenamed)+len(d.NetsChanged))
	for _, n := range d.NetsAdded {
		fmt.Fprintf(tw, "  +\t%s\t%s\n", n.Name, pins(n.Pins))
	}
	for _, n := range d.NetsRemoved {
		fmt.Fprintf(tw, "  -\t%s\t%s\n", n.Name, pins(n.Pins))
	}
	for _, r := range d.NetsRenamed {
		fmt.Fprintf(tw, "  ~\t%s\trenamed to %s\n", r.Old, r.New)
	}
	for _, n := range d.NetsChanged {
		var parts []string
		for _, p := range n.Added {
			parts = append(parts, "+"+p)
		}
		for _, p := range n.Removed {
			parts = append(parts, "-"+p)
		}
		fmt.Fprintf(tw, "  ~\t%s\t%s\n", n.Name, pins(parts))
	}
	section("pins moved:", len(d.PinsMoved))
	for _, m := range d.PinsMoved {
		fmt.Fprintf(tw, "  >\t%s\tmoved from %s to %s\n", m.Pin, m.From, m.To)
	}
	section("sheets:", len(d.SheetsAdded)+len(d.SheetsRemoved)+len(d.SheetsChanged))
	for _, s := range d.SheetsAdded {
		fmt.Fprintf(tw, "  +\t%s\t%s\n", s.Path, s.File)
	}
	for _, s := range d.SheetsRemoved {
		fmt.Fprintf(tw, "  -\t%s\t%s\n", s.Path, s.File)
	}
	for _, s := range d.SheetsChanged {
		fmt.Fprintf(tw, "  ~\t%s\t%s → %s\n", s.Path, s.OldFile, s.NewFile)
	}
	section("metadata:", len(d.Metadata))
	for _, m := range d.Metadata {
		fmt.Fprintf(tw, "  ~\t%s\t%s → %s\n", m.Attr, shown(m.Old), shown(m.New))
	}
	section("bom:", len(d.BOM))
	for _, b := range d.BOM {
		// A group on both sides shows the references it gained and
		// lost; a new or gone group, its references.
		var list string
		switch {
		case b.OldQty == 0:
			list = refs(b.NewRefs)
		case b.NewQty == 0:
			list = refs(b.OldRefs)
		default:
			gained, lost := sortedDiff(b.OldRefs, b.NewRefs)
			var parts []string
			for _, r := range strings.Fields(RefRanges(gained)) {
				parts = append(parts, "+"+r)
			}
			for _, r := range strings.Fields(RefRanges(lost)) {
				parts = append(parts, "-"+r)
			}
			list = clipList(parts, limit)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d → %d\t%s\n", bomMark(b), bomLabel(b.Value, b.Footprint, b.MPN, b.Type, b.Variant),
			b.OldQty, b.NewQty, list)
	}
	section("other:", len(d.Other))
	for _, o := range d.Other {
		switch o.Op {
		case "add":
			fmt.Fprintf(tw, "  +\t%s\t%s\n", o.Path, clip(o.New, 72))
		case "remove":
			fmt.Fprintf(tw, "  -\t%s\t%s\n", o.Path, clip(o.Old, 72))
		default:
			fmt.Fprintf(tw, "  ~\t%s\t%s → %s\n", o.Path, clip(o.Old, 36), clip(o.New, 36))
		}
	}
	return tw.Flush()
}

func bomMark(b BOMChange) string {
	switch {
	case b.OldQty == 0:
		return "+"
	case b.NewQty == 0:
		return "-"
	}
	return "~"
}

// bomLabel names a BOM group: "10k 0603 RC0603FR-0710KL".
func bomLabel(value, footprint, mpn, typ, variant string) string {
	var parts []string
	for _, s := range []string{value, footprint, mpn} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if (value == "" && mpn == "" || variant != "") && typ != "" {
		parts = append([]string{typ}, parts...)
	}
	if variant != "" {
		parts = append(parts, "("+variant+")")
	}
	if len(parts) == 0 {
		return "(no value)"
	}
	return strings.Join(parts, " ")
}

func shown(s string) string {
	if s == "" {
		return "∅"
	}
	return strconv.Quote(s)[1 : len(strconv.Quote(s))-1]
}

// describe is a component's attributes on one line.
func describe(c *Component) string {
	var parts []string
	for _, s := range []string{c.Type, c.Value, c.Footprint, c.MPN, c.Manufacturer} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if c.DNP {
		parts = append(parts, "DNP")
	}
	return strings.Join(parts, " ")
}

// MarshalJSON encodes the delta in its stable schema, documented in the
// package comment. Every list is present (possibly empty) and sorted.
func (d *Delta) MarshalJSON() ([]byte, error) {
	out := deltaJSON{
		Components: compSectionJSON{
			Added:   componentsJSON(d.Added),
			Removed: componentsJSON(d.Removed),
			Renamed: renamesJSON(d.Renamed),
			Changed: make([]compChangeJSON, 0, len(d.Changed)),
		},
		Nets: netSectionJSON{
			Added:   netsJSON(d.NetsAdded),
			Removed: netsJSON(d.NetsRemoved),
			Renamed: renamesJSON(d.NetsRenamed),
			Changed: make([]netChangeJSON, 0, len(d.NetsChanged)),
		},
		PinsMoved: make([]pinMoveJSON, 0, len(d.PinsMoved)),
		Sheets:    sheetsJSON(d),
		Metadata:  make([]metaJSON, 0, len(d.Metadata)),
		BOM:       make([]bomChangeJSON, 0, len(d.BOM)),
		Other:     make([]jsonChangeJSON, 0, len(d.Other)),
	}
	for _, o := range d.Other {
		out.Other = append(out.Other, o.toJSON())
	}
	for _, c := range d.Changed {
		cj := compChangeJSON{Ref: c.Ref, Changes: make([]changeJSON, 0, len(c.Changes))}
		for _, ch := range c.Changes {
			cj.Changes = append(cj.Changes, changeJSON(ch))
		}
		out.Components.Changed = append(out.Components.Changed, cj)
	}
	for _, n := range d.NetsChanged {
		out.Nets.Changed = append(out.Nets.Changed, netChangeJSON{Name: n.Name, Added: nonNil(n.Added), Removed: nonNil(n.Removed)})
	}
	for _, m := range d.PinsMoved {
		out.PinsMoved = append(out.PinsMoved, pinMoveJSON(m))
	}
	for _, m := range d.Metadata {
		out.Metadata = append(out.Metadata, metaJSON{Key: m.Attr, Old: m.Old, New: m.New})
	}
	for _, b := range d.BOM {
		out.BOM = append(out.BOM, bomChangeJSON{Value: b.Value, Footprint: b.Footprint, MPN: b.MPN, Type: b.Type, Variant: b.Variant,
			OldQty: b.OldQty, NewQty: b.NewQty, OldRefs: nonNil(b.OldRefs), NewRefs: nonNil(b.NewRefs)})
	}
	return marshalNoEscape(out)
}

// marshalNoEscape encodes without HTML escaping, so "<" and "&" in values
// stay readable.
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

type deltaJSON struct {
	Components compSectionJSON  `json:"components"`
	Nets       netSectionJSON   `json:"nets"`
	PinsMoved  []pinMoveJSON    `json:"pins_moved"`
	Sheets     sheetSectionJSON `json:"sheets"`
	Metadata   []metaJSON       `json:"metadata"`
	BOM        []bomChangeJSON  `json:"bom"`
	Other      []jsonChangeJSON `json:"other"`
}

type compSectionJSON struct {
	Added   []componentJSON  `json:"added"`
	Removed []componentJSON  `json:"removed"`
	Renamed []renameJSON     `json:"renamed"`
	Changed []compChangeJSON `json:"changed"`
}

type netSectionJSON struct {
	Added   []netJSON       `json:"added"`
	Removed []netJSON       `json:"removed"`
	Renamed []renameJSON    `json:"renamed"`
	Changed []netChangeJSON `json:"changed"`
}

type renameJSON struct {
	Old string `json:"old"`
	New string `json:"new"`
}

type changeJSON struct {
	Attr string `json:"attr"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

type compChangeJSON struct {
	Ref     string       `json:"ref"`
	Changes []changeJSON `json:"changes"`
}

type netChangeJSON struct {
	Name    string   `json:"name"`
	Added   []string `json:"added"`
	Removed []string `json:"removed"`
}

type pinMoveJSON struct {
	Pin  string `json:"pin"`
	From string `json:"from"`
	To   string `json:"to"`
}

type metaJSON struct {
	Key string `json:"key"`
	Old string `json:"old"`
	New string `json:"new"`
}

type bomChangeJSON struct {
	Value     string   `json:"value"`
	Footprint string   `json:"footprint"`
	MPN       string   `json:"mpn"`
	Type      string   `json:"type"`
	Variant   string   `json:"variant"`
	OldQty    int      `json:"old_qty"`
	NewQty    int      `json:"new_qty"`
	OldRefs   []string `json:"old_refs"`
	NewRefs   []string `json:"new_refs"`
}

// componentJSON is a component in the native file's shape.
type componentJSON struct {
	ID           string            `json:"id"`
	Type         string            `json:"type,omitempty"`
	Value        string            `json:"value,omitempty"`
	Footprint    string            `json:"footprint,omitempty"`
	MPN          string            `json:"mpn,omitempty"`
	Manufacturer string            `json:"manufacturer,omitempty"`
	DNP          bool              `json:"dnp,omitempty"`
	Pins         []string          `json:"pins,omitempty"`
	Position     *positionJSON     `json:"position,omitempty"`
	Properties   map[string]string `json:"properties,omitempty"`
}

type positionJSON struct {
	X        float64 `json:"x"`
	Y        float64 `json:"y"`
	Rotation float64 `json:"rotation,omitempty"`
}

type netJSON struct {
	Name string   `json:"name"`
	Pins []string `json:"connections"`
}

func componentJSONOf(c *Component) componentJSON {
	cj := componentJSON{ID: c.Ref, Type: c.Type, Value: c.Value, Footprint: c.Footprint, MPN: c.MPN,
		Manufacturer: c.Manufacturer, DNP: c.DNP, Pins: c.Pins}
	if c.Position != nil {
		cj.Position = &positionJSON{X: c.Position.X, Y: c.Position.Y, Rotation: c.Position.Rotation}
	}
	if len(c.Properties) > 0 {
		cj.Properties = c.Properties
	}
	return cj
}

func componentsJSON(cs []*Component) []componentJSON {
	out := make([]componentJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, componentJSONOf(c))
	}
	return out
}

func netsJSON(ns []*Net) []netJSON {
	out := make([]netJSON, 0, len(ns))
	for _, n := range ns {
		out = append(out, netJSON{Name: n.Name, Pins: nonNil(n.Pins)})
	}
	return out
}

func renamesJSON(rs []Rename) []renameJSON {
	out := make([]renameJSON, 0, len(rs))
	for _, r := range rs {
		out = append(out, renameJSON(r))
	}
	return out
}
