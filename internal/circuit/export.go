package circuit

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// ExportFormats lists the formats Export accepts, in the order help
// texts should show them.
func ExportFormats() []string { return []string{"bom", "csv", "json", "netlist", "model"} }

// ErrUnknownExportFormat is wrapped by Export's error for a format it
// does not know.
var ErrUnknownExportFormat = errors.New("circuit: unknown export format")

// Export writes the circuit in one of ExportFormats():
//
//   - "bom": the bill of materials as an aligned text table
//     (Qty, References, Value, Footprint, MPN, Manufacturer), then a
//     line naming the parts left out.
//   - "csv": the same BOM as RFC 4180 CSV with a header row
//     (References, Qty, Value, Footprint, MPN, Manufacturer, Type,
//     Variant), references space-separated in one cell, CRLF line ends
//     so that spreadsheets open it as is.
//   - "json": the BOM as a JSON array of
//     {"refs", "qty", "value", "footprint", "mpn", "manufacturer", "type", "variant"}.
//   - "netlist": each net on one line, name then its pins.
//   - "model" (or "native"): the whole normalised circuit as a native
//     *.circuit.json document, which also converts Wokwi and tscircuit
//     files.
//
// The BOM holds the parts that are bought (see InBOM): simulator parts
// ($serialMonitor), types in NotBought (wokwi-text, wokwi-wifi-ap…),
// DNP parts and parts with exclude_from_bom are left out.
func Export(w io.Writer, c *Circuit, format string) error {
	switch strings.ToLower(format) {
	case "bom":
		return exportBOMText(w, c)
	case "csv":
		return exportCSV(w, c)
	case "json":
		return exportBOMJSON(w, c)
	case "netlist":
		return exportNetlist(w, c)
	case "model", "native":
		return exportNative(w, c)
	}
	return fmt.Errorf("%w %q (valid: %s)", ErrUnknownExportFormat, format, strings.Join(ExportFormats(), ", "))
}

func exportBOMText(w io.Writer, c *Circuit) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "Qty\tReferences\tValue\tFootprint\tMPN\tManufacturer")
	total := 0
	lines := c.BOM()
	for _, l := range lines {
		value := l.Value
		if value == "" && l.MPN == "" || l.Variant != "" && value == "" {
			value = l.Type
		}
		if l.Variant != "" {
			value += " (" + l.Variant + ")"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", l.Qty, RefRanges(l.Refs), dash(value), dash(l.Footprint), dash(l.MPN), dash(l.Manufacturer))
		total += l.Qty
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "%d parts in %d lines\n", total, len(lines)); err != nil {
		return err
	}
	if out := c.NotInBOM(); len(out) > 0 {
		var parts []string
		for _, comp := range out {
			parts = append(parts, comp.Ref+" ("+notBoughtReason(comp)+")")
		}
		_, err := fmt.Fprintf(w, "not in the BOM: %s\n", strings.Join(parts, ", "))
		return err
	}
	return nil
}

// notBoughtReason says why InBOM left a component out.
func notBoughtReason(c *Component) string {
	switch {
	case c.Virtual:
		return "simulator part"
	case c.DNP:
		return "DNP"
	case NotBought[c.Type]:
		return c.Type
	}
	return "excluded"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func exportCSV(w io.Writer, c *Circuit) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write([]string{"References", "Qty", "Value", "Footprint", "MPN", "Manufacturer", "Type", "Variant"}); err != nil {
		return err
	}
	for _, l := range c.BOM() {
		rec := []string{strings.Join(l.Refs, " "), strconv.Itoa(l.Qty), l.Value, l.Footprint, l.MPN, l.Manufacturer, l.Type, l.Variant}
		for i, f := range rec {
			rec[i] = csvSafe(f)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses cells a spreadsheet would run as a formula (CSV
// injection): a leading =, +, - or @ gets a leading apostrophe. Values
// like "-5V" are rare in a BOM; a formula from an untrusted file is worse.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

type bomLineJSON struct {
	Refs         []string `json:"refs"`
	Qty          int      `json:"qty"`
	Value        string   `json:"value"`
	Footprint    string   `json:"footprint"`
	MPN          string   `json:"mpn"`
	Manufacturer string   `json:"manufacturer"`
	Type         string   `json:"type"`
	Variant      string   `json:"variant"`
}

func exportBOMJSON(w io.Writer, c *Circuit) error {
	lines := c.BOM()
	out := make([]bomLineJSON, 0, len(lines))
	for _, l := range lines {
		out = append(out, bomLineJSON{Refs: l.Refs, Qty: l.Qty, Value: l.Value, Footprint: l.Footprint,
			MPN: l.MPN, Manufacturer: l.Manufacturer, Type: l.Type, Variant: l.Variant})
	}
	b, err := marshalNoEscape(out)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func exportNetlist(w io.Writer, c *Circuit) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, n := range c.Nets {
		fmt.Fprintf(tw, "%s\t%s\n", n.Name, strings.Join(n.Pins, " "))
	}
	return tw.Flush()
}

type nativeJSON struct {
	Version    string            `json:"version"`
	Metadata   map[string]string `json:"metadata"`
	Components []componentJSON   `json:"components"`
	Nets       []netJSON         `json:"nets"`
}

func exportNative(w io.Writer, c *Circuit) error {
	version := c.Version
	if c.Format != FormatNative || version == "" {
		version = "1"
	}
	meta := c.Metadata
	if meta == nil {
		meta = map[string]string{}
	}
	if c.Format != FormatNative && c.Format != FormatUnknown {
		meta = copyMap(meta)
		meta["converted_from"] = c.Format.String()
		if c.Version != "" {
			meta["source_version"] = c.Version
		}
	}
	out := nativeJSON{Version: version, Metadata: meta, Components: componentsJSON(c.Components), Nets: netsJSON(c.Nets)}
	b, err := marshalNoEscape(out)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+2)
	for k, v := range m {
		out[k] = v
	}
	return out
}
