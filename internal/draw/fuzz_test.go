package draw

import (
	"bytes"
	"encoding/xml"
	"io"
	"testing"
)

// FuzzParse feeds Parse arbitrary bytes: it must return an error or a
// drawing, never panic, and every drawing it returns must write as
// well-formed SVG, alone and in a report.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`[{"type":"source_component","source_component_id":"s0","name":"R1","ftype":"simple_resistor"},{"type":"schematic_component","schematic_component_id":"c0","source_component_id":"s0","center":{"x":0,"y":0},"size":{"width":1,"height":0.4},"symbol_name":"boxresistor_right"},{"type":"pcb_trace","pcb_trace_id":"t0","route":[{"route_type":"wire","x":0,"y":0,"width":0.2,"layer":"top"},{"route_type":"wire","x":1,"y":1,"width":0.2,"layer":"top"}]}]`,
		`{"parts":[{"id":"uno","type":"wokwi-arduino-uno","left":0,"top":0,"rotate":90}],"connections":[["uno:13","$serialMonitor:RX","green",["v10","*","h5"]]]}`,
		`{"components":[{"id":"R1","pins":["1",2],"position":{"x":1,"y":2}}],"nets":[{"name":"N","connections":["R1.1","R1.2"]}]}`,
		`[]`, `{}`, `{"parts":[]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse("fuzz.json", data, Options{Detail: 50})
		if err != nil {
			return
		}
		for _, v := range d.Views {
			var buf bytes.Buffer
			if err := WriteSVG(&buf, d, SVGOptions{View: v.Name, Changes: &ChangeSet{Changes: []Change{{Kind: Component, Key: "R1", Status: Changed}}}}); err != nil {
				t.Fatal(err)
			}
			dec := xml.NewDecoder(&buf)
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("SVG of %q is not well-formed: %v", data, err)
				}
			}
		}
		if err := WriteReport(io.Discard, []FileDiff{{Path: "fuzz.json", Old: d, New: d, Changes: Compare(d, d)}}, ReportOptions{}); err != nil {
			t.Fatal(err)
		}
	})
}
