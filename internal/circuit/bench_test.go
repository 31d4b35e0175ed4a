package circuit

import (
	"io"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/internal/circuit/gen"
)

// ledWaterPair returns led-water-accelerometer.json and a second revision
// made the way a designer would: three values changed (the file has one
// resistor, R1, so the other two are the capacitors C1 and C2) and one
// capacitor added, wired between the GND and V5 nets. The edits are made
// on the text so that both files keep the original formatting.
func ledWaterPair(tb testing.TB) (old, new []byte) {
	tb.Helper()
	old = readCorpus(tb, "tscircuit/led-water-accelerometer.json")
	s := string(old)
	for _, r := range [][2]string{
		{`"resistance": 330,`, `"resistance": 470,`},
		{`"display_resistance": "330Ω"`, `"display_resistance": "470Ω"`},
		{`"capacitance": 1e-7,`, `"capacitance": 2.2e-7,`},
		{`"display_capacitance": "100nF"`, `"display_capacitance": "220nF"`},
		{`"capacitance": 0.0001,`, `"capacitance": 0.000047,`},
		{`"display_capacitance": "100uF"`, `"display_capacitance": "47uF"`},
	} {
		if strings.Count(s, r[0]) != 1 {
			tb.Fatalf("edit %q does not match exactly once", r[0])
		}
		s = strings.Replace(s, r[0], r[1], 1)
	}
	added := `,
  {"type": "source_component", "source_component_id": "source_component_900", "ftype": "simple_capacitor", "name": "C3",
   "capacitance": 1e-7, "display_capacitance": "100nF", "are_pins_interchangeable": true, "source_group_id": "source_group_1"},
  {"type": "source_port", "source_port_id": "source_port_900", "name": "pin1", "pin_number": 1, "source_component_id": "source_component_900"},
  {"type": "source_port", "source_port_id": "source_port_901", "name": "pin2", "pin_number": 2, "source_component_id": "source_component_900"},
  {"type": "source_trace", "source_trace_id": "source_trace_900", "connected_source_port_ids": ["source_port_900"], "connected_source_net_ids": ["source_net_1"]},
  {"type": "source_trace", "source_trace_id": "source_trace_901", "connected_source_port_ids": ["source_port_901"], "connected_source_net_ids": ["source_net_0"]}
]`
	i := strings.LastIndex(s, "]")
	return old, []byte(s[:i] + added + s[i+1:])
}

// TestLedWaterRevision checks the benchmark's workload is what it claims.
func TestLedWaterRevision(t *testing.T) {
	old, new := ledWaterPair(t)
	d := Diff(mustParse(t, "a.json", old), mustParse(t, "b.json", new))
	if got, want := d.Summary(), "C1 100nF→220nF; C2 100uF→47uF; R1 330Ω→470Ω; +C3"; got != want {
		t.Errorf("Summary = %q", got)
	}
	if len(d.Changed) != 3 || len(d.Added) != 1 || d.Added[0].Ref != "C3" {
		t.Errorf("changed %d, added %v", len(d.Changed), d.Added)
	}
	wantNetChanges(t, d, "GND +C3.pin2", "V5 +C3.pin1")
}

func BenchmarkParseTscircuit(b *testing.B) {
	data := readCorpus(b, "tscircuit/led-water-accelerometer.json")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("led.json", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseWokwi(b *testing.B) {
	data := readCorpus(b, "wokwi/wokwi-lcd1602/lcd-uno/diagram.json")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("diagram.json", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseNative(b *testing.B) {
	for _, n := range []int{100, 50000} {
		data := gen.Native(n, 1)
		b.Run(itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse("gen.circuit.json", data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDiffLedWater is the reference workload: parse both revisions
// and diff them.
func BenchmarkDiffLedWater(b *testing.B) {
	old, new := ledWaterPair(b)
	b.ReportAllocs()
	for b.Loop() {
		x, err := Parse("a.json", old)
		if err != nil {
			b.Fatal(err)
		}
		y, err := Parse("b.json", new)
		if err != nil {
			b.Fatal(err)
		}
		if Diff(x, y).Empty() {
			b.Fatal("no difference")
		}
	}
}

// BenchmarkDiffOnlyLedWater measures Diff alone on parsed circuits.
func BenchmarkDiffOnlyLedWater(b *testing.B) {
	old, new := ledWaterPair(b)
	x, y := mustParse(b, "a.json", old), mustParse(b, "b.json", new)
	b.ReportAllocs()
	for b.Loop() {
		Diff(x, y)
	}
}

// BenchmarkDiffNative50k: 50,000 components, 100 scattered edits, parse
// both and diff.
func BenchmarkDiffNative50k(b *testing.B) {
	old, new := gen.Pair(50000, 100, 1)
	b.ReportAllocs()
	for b.Loop() {
		x, err := Parse("a.circuit.json", old)
		if err != nil {
			b.Fatal(err)
		}
		y, err := Parse("b.circuit.json", new)
		if err != nil {
			b.Fatal(err)
		}
		if Diff(x, y).Empty() {
			b.Fatal("no difference")
		}
	}
}

// BenchmarkDiffNativeBig is bench/bigdiff.sh in process: the 200,000-part
// circuit of bench/biggen against its copy with three edits, both sides
// parsed (at once, as the CLI does), diffed and printed.
func BenchmarkDiffNativeBig(b *testing.B) {
	d := gen.New(200000, 7)
	old := d.JSON()
	d.Edit(3, 42)
	new := d.JSON()
	b.SetBytes(int64(len(old) + len(new)))
	b.ReportAllocs()
	for b.Loop() {
		sides, ok := ParsePair(Source{Name: "a.circuit.json", Data: old}, Source{Name: "b.circuit.json", Data: new})
		if !ok {
			b.Fatal("not a pair of circuits")
		}
		delta := Diff(sides[0], sides[1])
		if delta.Empty() {
			b.Fatal("no difference")
		}
		if err := delta.WriteText(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateLedWater(b *testing.B) {
	data := readCorpus(b, "tscircuit/led-water-accelerometer.json")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if errs := Validate("led.json", data, ValidateOptions{}); len(errs) > 0 {
			b.Fatal(errs[0])
		}
	}
}

func BenchmarkValidateNative50k(b *testing.B) {
	data := gen.Native(50000, 1)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if errs := Validate("gen.circuit.json", data, ValidateOptions{}); len(errs) > 0 {
			b.Fatal(errs[0])
		}
	}
}

func BenchmarkDiffJSONLedWater(b *testing.B) {
	old, new := ledWaterPair(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DiffJSON(old, new); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTscircuitSchemaLoad is the once-per-process cost of the
// circuit-json definitions every tscircuit read needs.
func BenchmarkTscircuitSchemaLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := loadTscircuitSchema(); err != nil {
			b.Fatal(err)
		}
	}
}
