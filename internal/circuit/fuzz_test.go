package circuit

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// Seeds shared by the fuzz targets; the checked-in corpora under
// testdata/fuzz add the inputs that once found bugs.
var (
	wokwiSeed = `{"version": 1, "parts": [{"id": "uno", "type": "wokwi-arduino-uno", "top": 1, "left": 2},
 {"id": "r1", "type": "wokwi-resistor", "attrs": {"value": "220"}}],
 "connections": [["uno:GND.1", "r1:1", "black", []], ["uno:5V", "r1:2", "red", ["v1"]], ["uno:TX", "$serialMonitor:RX", "", []]]}`
	tscircuitSeed = `[{"type": "source_project_metadata", "software_used_string": "x"},
 {"type": "source_component", "source_component_id": "c0", "ftype": "simple_resistor", "name": "R1", "resistance": 1000, "display_resistance": "1kΩ"},
 {"type": "source_component", "source_component_id": "c1", "ftype": "simple_capacitor", "name": "C1", "capacitance": 1e-9},
 {"type": "source_port", "source_port_id": "p0", "name": "pin1", "pin_number": 1, "source_component_id": "c0"},
 {"type": "source_port", "source_port_id": "p1", "name": "pin1", "pin_number": 1, "source_component_id": "c1"},
 {"type": "source_port", "source_port_id": "p2", "name": "pin1", "pin_number": 2, "source_component_id": "c1"},
 {"type": "source_net", "source_net_id": "n0", "name": "GND"},
 {"type": "source_trace", "connected_source_port_ids": ["p0", "p1"], "connected_source_net_ids": ["n0"]},
 {"type": "cad_component", "source_component_id": "c0", "footprinter_string": "0402"},
 {"type": "pcb_component", "source_component_id": "c0", "center": {"x": 1, "y": 2}, "rotation": 90},
 {"type": "pcb_trace", "route": [{"x": 1}]}]`
)

func addSeeds(f *testing.F, extra ...string) {
	for _, name := range []string{"amp.circuit.json", "amp-invalid.circuit.json", "amp-changed.circuit.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range append(extra, wokwiSeed, tscircuitSeed, `{}`, `[]`, `{"components": [{"id": "R1"}]}`, "\xef\xbb\xbf[1]") {
		f.Add([]byte(s))
	}
	if dir := os.Getenv("CIRCUITVC_CORPUS"); dir != "" {
		for _, rel := range []string{"wokwi/wokwi-lcd1602/lcd-uno/diagram.json", "tscircuit/simple-circuit.json"} {
			if data, err := os.ReadFile(filepath.Join(dir, rel)); err == nil {
				f.Add(data)
			}
		}
	}
}

// checkParsed exercises everything a parsed circuit offers; a circuit
// must not differ from itself.
func checkParsed(t *testing.T, name string, data []byte) {
	c, err := Parse(name, data)
	if err != nil {
		if _, ok := err.(*Error); !ok {
			t.Fatalf("error %T is not *Error", err)
		}
		return
	}
	again, err := Parse(name, data)
	if err != nil {
		t.Fatalf("second parse failed: %v", err)
	}
	if d := Diff(c, again); !d.Empty() {
		t.Fatalf("circuit differs from itself: %s", d.Summary())
	}
	for _, f := range ExportFormats() {
		if err := Export(io.Discard, c, f); err != nil {
			t.Fatalf("export %s: %v", f, err)
		}
	}
}

func FuzzParseNative(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) { checkParsed(t, "f.circuit.json", data) })
}

func FuzzParseWokwi(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) { checkParsed(t, "diagram.json", data) })
}

func FuzzParseTscircuit(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) { checkParsed(t, "circuit.json", data) })
}

func FuzzValidate(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"f.circuit.json", "diagram.json", "x.json", "x.txt"} {
			for _, e := range Validate(name, data, ValidateOptions{}) {
				if e.Offset > len(data) || e.Line < 0 || e.Col < 0 || e.Msg == "" {
					t.Fatalf("bad error %+v", e)
				}
			}
		}
	})
}

func FuzzDiff(f *testing.F) {
	amp := readFixtureF(f, "amp.circuit.json")
	for _, name := range []string{"amp-added.circuit.json", "amp-pin-moved.circuit.json", "amp-net-renamed.circuit.json", "amp-renamed.circuit.json"} {
		f.Add(amp, readFixtureF(f, name))
	}
	f.Add([]byte(wokwiSeed), []byte(tscircuitSeed))
	f.Add([]byte(`{"a": [1, 2]}`), []byte(`{"a": [2, 1, 3]}`))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		ca, errA := Parse("a.circuit.json", a)
		cb, errB := Parse("b.circuit.json", b)
		if errA == nil && errB == nil {
			d := Diff(ca, cb)
			_ = d.Summary()
			if err := d.WriteText(io.Discard); err != nil {
				t.Fatal(err)
			}
			if _, err := d.MarshalJSON(); err != nil {
				t.Fatal(err)
			}
			if back := Diff(cb, ca); back.Empty() != d.Empty() {
				t.Fatalf("Diff(a,b).Empty()=%v but Diff(b,a).Empty()=%v", d.Empty(), back.Empty())
			}
		}
		if jd, err := DiffJSON(a, b); err == nil {
			_ = jd.Summary()
			if err := jd.WriteText(io.Discard); err != nil {
				t.Fatal(err)
			}
			if _, err := jd.MarshalJSON(); err != nil {
				t.Fatal(err)
			}
			if self, _ := DiffJSON(a, a); !self.Empty() {
				t.Fatalf("JSON differs from itself: %v", self.Changes)
			}
		}
		_ = Summarize("x.json", a, b)
	})
}

func readFixtureF(f *testing.F, name string) []byte {
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		f.Fatal(err)
	}
	return bytes.Clone(data)
}

// FuzzParseNativeStream: the streaming reader of native circuits agrees
// with the tree reader on any input: same circuit, or both fail.
func FuzzParseNativeStream(f *testing.F) {
	f.Add([]byte(`{"components": [{"id": "R1", "value": "4k7", "pins": ["1", "2"], "position": {"x": 1, "y": -2.5e3}}], "nets": [{"name": "N", "connections": ["R1.1"]}]}`))
	f.Add([]byte(`{"components": [{"id": "R1", "position": {"x": `))
	f.Add([]byte(`{"nets": [], "components": [{"id": 5}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		viaStream, errStream := Parse("a.circuit.json", data)
		s := &errorSink{file: "a.circuit.json", data: data, validate: true}
		tree, _, _ := decodeRaw("a.circuit.json", data, s) // validate: the tree path
		if errStream != nil || tree == nil {
			return
		}
		tree.Name = "a.circuit.json"
		tree.normalise()
		if d := Diff(tree, viaStream); !d.Empty() {
			t.Errorf("stream and tree readers differ: %s", d.Summary())
		}
	})
}
