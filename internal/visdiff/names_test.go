package visdiff

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/circuitvc/circuitvc/internal/circuit"
	"github.com/circuitvc/circuitvc/internal/draw"
)

// TestDrawingNamesAsTheModel checks, for every file of the corpus and
// the project's fixtures, that the drawing names components, pins and
// nets' pins as the semantic model does, so that every change the
// semantic diff names finds its items: every component of the model is
// drawn under its reference, and every drawn reference and pin is the
// model's.
func TestDrawingNamesAsTheModel(t *testing.T) {
	files := []string{"testdata/two-amps.json", "../../testdata/blinker.circuit.json"}
	if dir := os.Getenv("CIRCUITVC_CORPUS"); dir != "" {
		more, err := filepath.Glob(filepath.Join(dir, "*", "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		deeper, _ := filepath.Glob(filepath.Join(dir, "wokwi", "*", "*", "diagram.json"))
		files = append(append(files, more...), deeper...)
	}
	for _, path := range files {
		data := mustRead(t, path)
		c, err := circuit.Parse(path, data)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		d, err := draw.Parse(path, data, draw.Options{})
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		pins := map[string]bool{}
		for _, comp := range c.Components {
			for _, p := range comp.Pins {
				pins[comp.Ref+"."+p] = true
			}
		}
		for _, n := range c.Nets {
			for _, p := range n.Pins {
				pins[p] = true
			}
		}
		drawn := map[string]bool{}
		for _, v := range d.Views {
			v.Items(func(_ *draw.Layer, it *draw.Item) {
				if it.Ref != "" && c.Component(it.Ref) == nil {
					t.Errorf("%s: %s view draws %s, which the model does not have", path, v.Name, it.Ref)
				}
				if it.Pin != "" && !pins[it.Pin] && c.Format != circuit.FormatWokwi {
					t.Errorf("%s: %s view draws pin %s, which the model does not have", path, v.Name, it.Pin)
				}
				drawn[it.Ref] = true
			})
			for _, n := range v.Nets {
				for _, p := range n.Pins {
					if !pins[p] {
						t.Errorf("%s: %s view has pin %s on net %s, which the model does not have", path, v.Name, p, n.Name)
					}
				}
			}
		}
		for _, comp := range c.Components {
			if !drawn[comp.Ref] {
				t.Errorf("%s: %s is not drawn", path, comp.Ref)
			}
		}
	}
}
