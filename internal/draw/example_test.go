package draw_test

import (
	"bytes"
	"fmt"

	"github.com/circuitvc/circuitvc/internal/draw"
)

// A diff report: the semantic diff's changes first, then what only the
// geometry shows, on one page.
func Example() {
	oldFile := []byte(`{"components": [{"id": "R1", "value": "10k", "pins": ["1", "2"]},
		{"id": "U1", "value": "NE555", "pins": ["1", "2", "3", "4"]}],
		"nets": [{"name": "OUT", "connections": ["U1.3", "R1.1"]}]}`)
	newFile := []byte(`{"components": [{"id": "R1", "value": "4.7k", "pins": ["1", "2"]},
		{"id": "U1", "value": "NE555", "pins": ["1", "2", "3", "4"]},
		{"id": "C1", "value": "100nF", "pins": ["1", "2"]}],
		"nets": [{"name": "OUT", "connections": ["U1.3", "R1.1", "C1.1"]}]}`)
	old, err := draw.Parse("amp.circuit.json", oldFile, draw.Options{})
	if err != nil {
		panic(err)
	}
	new, err := draw.Parse("amp.circuit.json", newFile, draw.Options{})
	if err != nil {
		panic(err)
	}
	changes := draw.ChangeSet{Changes: []draw.Change{
		{Kind: draw.Component, Key: "R1", Status: draw.Changed, Summary: "R1 value 10k → 4.7k", Old: "value 10k", New: "value 4.7k"},
		{Kind: draw.Component, Key: "C1", Status: draw.Added, Summary: "+ C1 100nF", New: "value 100nF"},
		{Kind: draw.Net, Key: "OUT", Status: draw.Changed, Summary: "net OUT +C1.1",
			OldPins: []string{"R1.1", "U1.3"}, NewPins: []string{"C1.1", "R1.1", "U1.3"}},
	}}
	changes.Merge(draw.Compare(old, new))
	var page bytes.Buffer
	err = draw.WriteReport(&page, []draw.FileDiff{{Path: "amp.circuit.json", Old: old, New: new,
		OldLabel: "current", NewLabel: "working tree", Changes: changes}}, draw.ReportOptions{})
	if err != nil {
		panic(err)
	}
	for _, c := range changes.Changes {
		fmt.Println(c.Status, c.Summary)
	}
	// Output:
	// changed R1 value 10k → 4.7k
	// added + C1 100nF
	// changed net OUT +C1.1
}
