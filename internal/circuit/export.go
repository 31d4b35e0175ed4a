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
func ExportFormats() []string { return []string{"bom", "csv", "json", "netlist", "native"} }

// ErrUnknownExportFormat is wrapped by Export's error for a format it
// does not know.
var ErrUnknownExportFormat = errors.New("circuit: unknown export format")

// Export writes the circuit in one of ExportFormats():
//
//   - "bom": the bill of materials as an aligned text table
//     (Qty, References, Value, Footprint, MPN, Manufacturer).
//   - "csv": the same BOM as RFC 4180 CSV with a header row
//     (References, Qty, Value, Footprint, MPN, Manufacturer, Type, DNP),
//     references space-separated in one cell, CRLF line ends so that
//     spreadsheets open it as is.
//   - "json": the BOM as a JSON array of
//     {"refs", "qty", "value", "footprint", "mpn", "manufacturer", "type", "dnp"}.
//   - "netlist": each net on one line, name then its pins.
//   - "native": the whole circuit as a native *.circuit.json document,
//     which also converts Wokwi and tscircuit files.
//
// Virtual parts (Wokwi's $serialMonitor) are left out of the BOM.
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
	case "native":
		return exportNative(w, c)
	}
	return fmt.Errorf("%w %q (valid: %s)", ErrUnknownExportFormat, format, strings.Join(ExportFormats(), ", "))
}

func exportBOMText(w io.Writer, c *Circuit) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "Qty\tReferences\tValue\tFootprint\tMPN\tManufacturer")
	total := 0
	for _, l := range c.BOM() {
		value := l.Value
		if value == "" && l.MPN == "" {
			value = l.Type
		}
		if l.DNP {
			value += " (DNP)"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", l.Qty, strings.Join(l.Refs, " "), dash(value), dash(l.Footprint), dash(l.MPN), dash(l.Manufacturer))
		total += l.Qty
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d parts in %d lines\n", total, len(c.BOM()))
	return err
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
	if err := cw.Write([]string{"References", "Qty", "Value", "Footprint", "MPN", "Manufacturer", "Type", "DNP"}); err != nil {
		return err
	}
	for _, l := range c.BOM() {
		dnp := ""
		if l.DNP {
			dnp = "DNP"
		}
		rec := []string{strings.Join(l.Refs, " "), strconv.Itoa(l.Qty), l.Value, l.Footprint, l.MPN, l.Manufacturer, l.Type, dnp}
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
	DNP          bool     `json:"dnp"`
}

func exportBOMJSON(w io.Writer, c *Circuit) error {
	lines := c.BOM()
	out := make([]bomLineJSON, 0, len(lines))
	for _, l := range lines {
		out = append(out, bomLineJSON{Refs: l.Refs, Qty: l.Qty, Value: l.Value, Footprint: l.Footprint,
			MPN: l.MPN, Manufacturer: l.Manufacturer, Type: l.Type, DNP: l.DNP})
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
