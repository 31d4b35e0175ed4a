package draw

import (
	"encoding/json"
	corpusdata "github.com/circuitvc/circuitvc/internal/corpus"
	"os"
	"path/filepath"
	"testing"
)

// corpus returns the path of a file in the real circuit corpus, or skips
// the test when CIRCUITVC_CORPUS is unset.
func corpus(t testing.TB, rel string) string { t.Helper(); return corpusdata.Path(t, rel) }

// corpusFiles lists every drawable file of the corpus.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	dir := corpus(t, "")
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".json" {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("corpus %s: %d files, %v", dir, len(files), err)
	}
	return files
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustParse(t testing.TB, name string, data []byte) *Drawing {
	t.Helper()
	d, err := Parse(name, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// editTscircuit returns a copy of a tscircuit file with edits a user
// makes: a resistor's value changed, a component moved on the PCB with
// its pads, a PCB trace deleted, a schematic trace re-routed. It
// returns what it changed, by reference and element id.
func editTscircuit(t testing.TB, data []byte) (out []byte, value, moved, deleted, rerouted string) {
	t.Helper()
	var elems []map[string]any
	if err := json.Unmarshal(data, &elems); err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, e := range elems {
		if e["type"] == "source_component" {
			names[e["source_component_id"].(string)] = e["name"].(string)
		}
	}
	var keep []map[string]any
	var movedPCB string
	for _, e := range elems {
		switch e["type"] {
		case "source_component":
			if value == "" && e["ftype"] == "simple_resistor" {
				value = e["name"].(string)
				e["resistance"] = 4700.0
				e["display_resistance"] = "4.7kΩ"
			}
		case "pcb_component":
			if moved == "" {
				if n := names[e["source_component_id"].(string)]; n != value {
					moved, movedPCB = n, e["pcb_component_id"].(string)
				}
			}
			if e["pcb_component_id"] == movedPCB {
				c := e["center"].(map[string]any)
				c["x"] = c["x"].(float64) + 1.5
			}
		case "pcb_smtpad", "pcb_plated_hole", "pcb_silkscreen_path", "pcb_silkscreen_text":
			if movedPCB != "" && e["pcb_component_id"] == movedPCB {
				corpusdata.ShiftX(e, 1.5)
			}
		case "pcb_trace":
			if deleted == "" {
				deleted = e["pcb_trace_id"].(string)
				continue
			}
		case "schematic_trace":
			if rerouted == "" {
				rerouted = e["schematic_trace_id"].(string)
				edges := e["edges"].([]any)
				to := edges[0].(map[string]any)["to"].(map[string]any)
				to["y"] = to["y"].(float64) + 0.2
			}
		}
		keep = append(keep, e)
	}
	out, err := json.Marshal(keep)
	if err != nil {
		t.Fatal(err)
	}
	return out, value, moved, deleted, rerouted
}
