package circuit

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestCorpusParsesAndValidates checks every real file: it is detected as
// its format, validates with no error (warnings are logged), and parses
// into a consistent model.
func TestCorpusParsesAndValidates(t *testing.T) {
	dir := corpus(t)
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		n++
		rel, _ := filepath.Rel(dir, path)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			data := readCorpus(t, filepath.ToSlash(rel))
			want := FormatTscircuit
			if strings.HasPrefix(filepath.ToSlash(rel), "wokwi/") {
				want = FormatWokwi
			}
			if got := Detect(rel, data); got != want {
				t.Fatalf("Detect = %s, want %s", got, want)
			}
			findings := Validate(rel, data, ValidateOptions{})
			if errs := Errors(findings); len(errs) > 0 {
				t.Fatalf("Validate: %v", errs)
			}
			for _, f := range findings {
				t.Logf("%s", f)
			}
			c := mustParse(t, rel, data)
			checkConsistent(t, c)
			if d := Diff(c, mustParse(t, rel, data)); !d.Empty() {
				t.Errorf("a file differs from itself: %s", d.Summary())
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 30 {
		t.Errorf("found %d corpus files, want at least 30", n)
	}
}

// checkConsistent asserts the model's invariants: unique references,
// every net pin on an existing component and one of its pins (when it
// declares pins; Wokwi parts do not), no pin on two nets.
func checkConsistent(t *testing.T, c *Circuit) {
	t.Helper()
	refs := map[string]*Component{}
	for _, comp := range c.Components {
		if refs[comp.Ref] != nil {
			t.Errorf("duplicate reference %s", comp.Ref)
		}
		refs[comp.Ref] = comp
	}
	seen := map[string]string{}
	for _, n := range c.Nets {
		for _, p := range n.Pins {
			ref, pin, ok := SplitPin(p)
			if !ok || refs[ref] == nil {
				t.Errorf("net %s: pin %s names no component", n.Name, p)
				continue
			}
			if len(refs[ref].Pins) > 0 && !contains(refs[ref].Pins, pin) {
				t.Errorf("net %s: %s has no pin %q (pins %v)", n.Name, ref, pin, refs[ref].Pins)
			}
			if prev, ok := seen[p]; ok {
				t.Errorf("pin %s on nets %s and %s", p, prev, n.Name)
			}
			seen[p] = n.Name
		}
	}
}

// The expectations below were worked out from the files themselves with
// jq and a short Python union-find, not from this package's output.
// Wokwi: components are the parts plus the simulator's $serialMonitor
// when a connection uses it; nets are the connected groups of endpoints.
// tscircuit: components are source_component elements; nets are the
// groups of source_ports joined by source_traces (through source_nets).
func TestCorpusCounts(t *testing.T) {
	type bom struct {
		ref   string // any reference of the line
		qty   int
		refs  string
		value string
		fp    string
		mpn   string
	}
	tests := []struct {
		file        string
		comps, nets int
		boms        []bom
		netPins     map[string]string // net name → pins, space-separated
		notBought   string            // references left out of the BOM
	}{
		{file: "wokwi/wokwi-lcd1602/lcd-uno/diagram.json", comps: 3, nets: 9,
			boms: []bom{{"r1", 1, "r1", "220", "", ""}, {"lcd", 1, "lcd", "", "", ""}},
			netPins: map[string]string{
				"GND": "lcd.K lcd.RW lcd.VSS uno.GND.1",
				"5V":  "lcd.VDD r1.2 uno.5V",
			}},
		{file: "wokwi/wokwi-wifi-ap/esp32-scan/diagram.json", comps: 5, nets: 2,
			boms: []bom{{"esp", 1, "esp", "", "", ""}}, notBought: "ap1 ap2 ap3"},
		{file: "wokwi/board-ili9341-cap-touch/touch-esp32/diagram.json", comps: 3, nets: 11,
			boms:    []bom{{"touch-screen1", 1, "touch-screen1", "", "", ""}},
			netPins: map[string]string{"GND": "esp.GND.1 touch-screen1.GND"}},
		{file: "wokwi/wokwi-hx711/hx711-uno/diagram.json", comps: 2, nets: 4,
			netPins: map[string]string{"5V": "hx711.VCC uno.5V"}},
		{file: "wokwi/wokwi-slide-potentiometer/pot-uno/diagram.json", comps: 2, nets: 3,
			boms: []bom{{"pot1", 1, "pot1", "512", "", ""}}},
		{file: "tscircuit/simple-circuit.json", comps: 2, nets: 1,
			boms:    []bom{{"R1", 1, "R1", "1kΩ", "0402", ""}, {"C1", 1, "C1", "1000pF", "0402", ""}},
			netPins: map[string]string{"Net-(C1.pin1)": "C1.pin1 R1.pin1"}},
		{file: "tscircuit/555-timer-circuit.json", comps: 9, nets: 8,
			boms: []bom{{"R2", 3, "R1 R2 R3", "1kΩ", "0402", ""}, {"C1", 2, "C1 C2", "1uF", "0402", ""},
				{"P2", 2, "P1 P2", "", "", "KF301_5_0_2P"}, {"U1", 1, "U1", "", "", "NE555P"}},
			netPins: map[string]string{"VCC": "P1.pin1 R1.pin1 U1.VDD"}},
		{file: "tscircuit/led-water-accelerometer.json", comps: 53, nets: 56,
			boms: []bom{{"LED17", 48, "", "", "", "WS2812B_2020"}, {"R1", 1, "R1", "330Ω", "0603", ""},
				{"C2", 1, "C2", "100uF", "1206", ""}, {"U2", 1, "U2", "", "", "LIS3DHTR"}}},
		{file: "tscircuit/motor-controller.json", comps: 69, nets: 66,
			boms: []bom{{"R23", 10, "R2 R3 R4 R5 R15 R19 R23 R24 R25 R27", "10kΩ", "0402", ""},
				// 0.1uF and 100nF are one quantity: one line.
				{"C9", 10, "C1 C3 C6 C7 C9 C10 C11 C15 C17 C_HALL_3V3", "0.1uF", "0402", ""},
				{"LED_3V3", 2, "LED3 LED_3V3", "green", "0603_color(green)", ""},
				{"R_HALL_SDA", 3, "R1 R_HALL_SCL R_HALL_SDA", "4.7kΩ", "0402", ""}}},
		{file: "tscircuit/usb.json", comps: 1, nets: 0,
			boms: []bom{{"USBC", 1, "USBC", "", "", "TYPE-C-31-M-12"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c := mustParse(t, tt.file, readCorpus(t, tt.file))
			if len(c.Components) != tt.comps || len(c.Nets) != tt.nets {
				t.Errorf("got %d components, %d nets; want %d, %d", len(c.Components), len(c.Nets), tt.comps, tt.nets)
			}
			for _, want := range tt.boms {
				l := bomLine(c, want.ref)
				if l == nil {
					t.Errorf("no BOM line holds %s", want.ref)
					continue
				}
				if l.Qty != want.qty || l.Value != want.value || l.Footprint != want.fp || l.MPN != want.mpn {
					t.Errorf("BOM line of %s = %d × %q %q %q, want %d × %q %q %q", want.ref, l.Qty, l.Value, l.Footprint, l.MPN,
						want.qty, want.value, want.fp, want.mpn)
				}
				if want.refs != "" && strings.Join(l.Refs, " ") != want.refs {
					t.Errorf("BOM refs of %s = %q, want %q", want.ref, strings.Join(l.Refs, " "), want.refs)
				}
			}
			for _, ref := range strings.Fields(tt.notBought) {
				if bomLine(c, ref) != nil {
					t.Errorf("%s is in the BOM", ref)
				}
			}
			for name, pins := range tt.netPins {
				n := c.Net(name)
				if n == nil {
					t.Errorf("no net %s; nets: %v", name, netNames(c))
					continue
				}
				if got := strings.Join(n.Pins, " "); got != pins {
					t.Errorf("net %s = %q, want %q", name, got, pins)
				}
			}
		})
	}
}

func netNames(c *Circuit) []string {
	var out []string
	for _, n := range c.Nets {
		out = append(out, n.Name)
	}
	return out
}

// TestTscircuitDetails checks the attributes that come from elements
// other than source_component, and duplicate port names.
func TestTscircuitDetails(t *testing.T) {
	c := mustParse(t, "motor-controller.json", readCorpus(t, "tscircuit/motor-controller.json"))
	if got := c.Metadata["software_used_string"]; got != "@tscircuit/core@0.0.1173" {
		t.Errorf("metadata software_used_string = %q", got)
	}
	u := mustParse(t, "usb.json", readCorpus(t, "tscircuit/usb.json")).Component("USBC")
	// usb.json has two ports named GND1 (pins 1 and 15): both are
	// renamed after their pin numbers rather than merged.
	if !contains(u.Pins, "pin1") || !contains(u.Pins, "pin15") || contains(u.Pins, "GND1") || len(u.Pins) != 16 {
		t.Errorf("USBC pins = %v", u.Pins)
	}
	s := mustParse(t, "555.json", readCorpus(t, "tscircuit/555-timer-circuit.json")).Component("R1")
	if s.Type != "simple_resistor" || s.Properties["are_pins_interchangeable"] != "true" || s.Value != "1kΩ" || s.Position == nil {
		t.Errorf("R1 = %+v", s)
	}
}
