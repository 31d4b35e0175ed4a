package circuit

import (
	"reflect"
	"testing"
)

// TestCheckReturnsParsedModel: the circuit Check returns is the one Parse
// reads, so that save can validate and summarise from one read.
func TestCheckReturnsParsedModel(t *testing.T) {
	files := map[string][]byte{
		"amp.circuit.json":                         readFixture(t, "amp.circuit.json"),
		"amp-renamed.circuit.json":                 readFixture(t, "amp-renamed.circuit.json"),
		"tscircuit/555-timer-circuit.json":         nil,
		"wokwi/wokwi-dht22/dht22-uno/diagram.json": nil,
	}
	for name, data := range files {
		if data == nil {
			if testing.Short() {
				continue
			}
			data = readCorpusOrNil(name)
			if data == nil {
				continue
			}
		}
		want, err := Parse(name, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, errs := Check(name, data, ValidateOptions{})
		if len(errs) != 0 || got == nil {
			t.Fatalf("%s: Check = %v, %v", name, got, errs)
		}
		if d := Diff(want, got); !d.Empty() || !reflect.DeepEqual(want.Components, got.Components) {
			t.Errorf("%s: Check's model differs from Parse's: %s", name, d.Summary())
		}
	}
	if c, errs := Check("bad.circuit.json", []byte(`{"components": [`), ValidateOptions{}); c != nil || len(errs) == 0 {
		t.Errorf("Check of broken JSON = %v, %v; want no circuit and an error", c, errs)
	}
}
