package circuit

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseQuantity(t *testing.T) {
	tests := []struct {
		in    string
		value float64
		unit  string
		ok    bool
	}{
		{"4k7", 4700, "", true}, {"4.7k", 4700, "", true}, {"4.7kΩ", 4700, "Ω", true}, {"4.7 kohm", 4700, "Ω", true},
		{"4K7", 4700, "", true}, {"4R7", 4.7, "Ω", true}, {"10R", 10, "Ω", true}, {"220", 220, "", true},
		{"100nF", 1e-7, "F", true}, {"0.1uF", 1e-7, "F", true}, {"1µF", 1e-6, "F", true}, {"1μF", 1e-6, "F", true},
		{"2u2", 2.2e-6, "", true}, {"10uH", 1e-5, "H", true}, {"3.3V", 3.3, "V", true}, {"20mA", 0.02, "A", true},
		{"16MHz", 16e6, "Hz", true}, {"5%", 5, "%", true}, {"1mm", 0.001, "m", true}, {"1kΩ", 1000, "Ω", true},
		{"1e-3", 0.001, "", true}, {"-5V", -5, "V", true}, {"1 MΩ", 1e6, "Ω", true},
		{"red", 0, "", false}, {"LM358", 0, "", false}, {"NaNpΩ", 0, "", false}, {"", 0, "", false},
		{"4k7F", 4700, "F", true}, {"1.5k7", 0, "", false}, {"10 apples", 0, "", false}, {"4R7F", 0, "", false},
	}
	for _, tt := range tests {
		q, ok := ParseQuantity(tt.in)
		if ok != tt.ok || (ok && (!closeTo(q.Value, tt.value, 1e-12) || q.Unit != tt.unit)) {
			t.Errorf("ParseQuantity(%q) = %v %q %v, want %v %q %v", tt.in, q.Value, q.Unit, ok, tt.value, tt.unit, tt.ok)
		}
	}
	a, _ := ParseQuantity("4k7")
	b, _ := ParseQuantity("4.7kΩ")
	c, _ := ParseQuantity("4.7kF")
	if !a.Equal(b) || b.Equal(c) {
		t.Errorf("4k7 = 4.7kΩ: %v; 4.7kΩ = 4.7kF: %v", a.Equal(b), b.Equal(c))
	}
}

func TestRefRanges(t *testing.T) {
	tests := map[string]string{
		"R1 R2 R3":                  "R1–R3",
		"R1 R2 R5":                  "R1 R2 R5",
		"C1 C2 C3 C4 R1 R2 R3 R10":  "C1–C4 R1–R3 R10",
		"LED1 LED2 LED3 LED_3V3 U1": "LED1–LED3 LED_3V3 U1",
		"R01 R02 R03":               "R01 R02 R03",
		"":                          "",
	}
	for in, want := range tests {
		if got := RefRanges(strings.Fields(in)); got != want {
			t.Errorf("RefRanges(%q) = %q, want %q", in, got, want)
		}
	}
}

func textOf(t *testing.T, d *Delta) string {
	t.Helper()
	var b bytes.Buffer
	if err := d.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestValueEdits: the numeric field is the truth for tscircuit; equal
// quantities are equal whatever their spelling.
func TestValueEdits(t *testing.T) {
	base := tsFixture()
	stale := strings.Replace(base, `"resistance": 1000,`, `"resistance": 2200,`, 1)
	d := Diff(mustParse(t, "a.json", []byte(base)), mustParse(t, "b.json", []byte(stale)))
	if len(d.Changed) != 1 || d.Changed[0].Changes[0] != (Change{Attr: "value", Old: "1kΩ", New: "2.2kΩ (displayed as 1kΩ)"}) {
		t.Fatalf("stale display: %+v", d.Changed)
	}
	if len(d.BOM) != 2 || d.BOM[0].Value != "1kΩ" || d.BOM[1].Value != "2.2kΩ" || d.BOM[1].NewQty != 1 {
		t.Errorf("stale display BOM: %+v", d.BOM)
	}
	respelled := strings.Replace(base, `"display_resistance": "1kΩ"`, `"display_resistance": "1000Ω"`, 1)
	if d := Diff(mustParse(t, "a.json", []byte(base)), mustParse(t, "b.json", []byte(respelled))); !d.Empty() {
		t.Errorf("respelled display: %s", d.Summary())
	}
	cap := func(disp string) []byte {
		return []byte(tsFixture(`{"type": "source_component", "source_component_id": "sc2", "ftype": "simple_capacitor", "name": "C1", "capacitance": 0.000001, "display_capacitance": "` + disp + `"}`))
	}
	a, b := mustParse(t, "a.json", cap("1uF")), mustParse(t, "b.json", cap("1µF"))
	if d := Diff(a, b); !d.Empty() {
		t.Errorf("1uF → 1µF: %s", d.Summary())
	}
	if len(b.BOM()) != 2 || b.Component("C1").Value != "1µF" {
		t.Errorf("BOM %+v, C1 value %q: want the user's spelling", b.BOM(), b.Component("C1").Value)
	}
	// Native: 4k7 and 4.7kΩ are one value and one BOM line.
	nat := func(v1, v2 string) *Circuit {
		return mustParse(t, "a.circuit.json", []byte(`{"components": [{"id": "R1", "type": "resistor", "value": "`+v1+`", "footprint": "0603"},
			{"id": "R2", "type": "resistor", "value": "`+v2+`", "footprint": "0603"}], "nets": []}`))
	}
	if got := nat("4k7", "4.7kΩ").BOM(); len(got) != 1 || got[0].Qty != 2 || got[0].Value != "4k7" {
		t.Errorf("4k7 + 4.7kΩ BOM = %+v", got)
	}
	if d := Diff(nat("4k7", "10k"), nat("4.7kΩ", "10000")); !d.Empty() {
		t.Errorf("respelled native values: %s", d.Summary())
	}
}

// TestWokwiBOM: parts that differ in what is bought are separate lines;
// parts nobody buys are left out.
func TestWokwiBOM(t *testing.T) {
	c := mustParse(t, "diagram.json", []byte(`{"version": 1, "parts": [
	 {"id": "led1", "type": "wokwi-led", "attrs": {"color": "red"}},
	 {"id": "led2", "type": "wokwi-led", "attrs": {"color": "green"}},
	 {"id": "led3", "type": "wokwi-led", "attrs": {"color": "red", "flip": "1"}},
	 {"id": "btn1", "type": "wokwi-pushbutton", "attrs": {"color": "blue"}},
	 {"id": "btn2", "type": "wokwi-pushbutton", "attrs": {"color": "yellow"}},
	 {"id": "r1", "type": "wokwi-resistor", "attrs": {"value": "220"}},
	 {"id": "r2", "type": "wokwi-resistor", "attrs": {"value": "1000"}},
	 {"id": "r3", "type": "wokwi-resistor", "attrs": {"value": "1k"}},
	 {"id": "label", "type": "wokwi-text", "attrs": {"text": "hello"}},
	 {"id": "ap", "type": "wokwi-wifi-ap"}],
	 "connections": [["led1:A", "$serialMonitor:RX", "green", []]]}`))
	var got []string
	for _, l := range c.BOM() {
		got = append(got, strings.Join(l.Refs, ",")+"="+l.Variant)
	}
	want := "btn1=color=blue btn2=color=yellow led1,led3=color=red led2=color=green r1= r2,r3="
	if strings.Join(got, " ") != want {
		t.Errorf("BOM lines = %s\nwant         %s", strings.Join(got, " "), want)
	}
	var out []string
	for _, comp := range c.NotInBOM() {
		out = append(out, comp.Ref)
	}
	if strings.Join(out, " ") != "$serialMonitor ap label" {
		t.Errorf("not in BOM = %v", out)
	}
	var b bytes.Buffer
	if err := Export(&b, c, "bom"); err != nil || !strings.Contains(b.String(), "wokwi-led (color=red)") ||
		!strings.Contains(b.String(), "not in the BOM: $serialMonitor (simulator part), ap (wokwi-wifi-ap), label (wokwi-text)") {
		t.Errorf("bom export:\n%s", b.String())
	}
}
