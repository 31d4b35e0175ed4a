package draw

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// pair is an old and new version of one file, drawn.
type pair struct {
	name     string
	old, new *Drawing
}

func tscircuitPair(t testing.TB, rel string) pair {
	data := mustRead(t, corpus(t, rel))
	edited, _, _, _, _ := editTscircuit(t, data)
	return pair{rel, mustParse(t, rel, data), mustParse(t, rel, edited)}
}

// wokwiPair recolours the first wire, removes the second, moves the
// first part and adds an LED wired to the first part's first pin.
func wokwiPair(t testing.TB, rel string) pair {
	data := mustRead(t, corpus(t, rel))
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	conns := doc["connections"].([]any)
	first := conns[0].([]any)
	first[2] = "violet"
	doc["connections"] = append([]any{first}, conns[2:]...)
	parts := doc["parts"].([]any)
	p0 := parts[0].(map[string]any)
	p0["top"] = p0["top"].(float64) + 40
	doc["parts"] = append(parts, map[string]any{"type": "wokwi-led", "id": "led9", "left": -80.0, "top": -60.0, "attrs": map[string]any{"color": "red"}})
	doc["connections"] = append(doc["connections"].([]any), []any{"led9:A", first[0], "orange", []any{"v20", "*", "h0"}})
	edited, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return pair{rel, mustParse(t, rel, data), mustParse(t, rel, edited)}
}

// nativePair changes R2's value, removes D1, adds C3 on GND and moves
// U1.3 from OUT to CTRL.
func nativePair(t testing.TB) pair {
	data := mustRead(t, "../../testdata/blinker.circuit.json")
	s := string(data)
	for _, r := range [][2]string{
		{`"value": "10k"`, `"value": "22k"`},
		{`    {"id": "D1", "type": "led", "value": "red", "footprint": "LED_0805", "mpn": "LTST-C171KRKT", "pins": ["A", "K"]},` + "\n", ""},
		{`"C1.2", "C2.2", "D1.K"`, `"C1.2", "C2.2", "C3.2"`},
		{`{"name": "LED_A", "connections": ["R3.2", "D1.A"]}`, `{"name": "LED_A", "connections": ["R3.2", "C3.1"]}`},
		{`{"name": "CTRL", "connections": ["U1.5", "C2.1"]}`, `{"name": "CTRL", "connections": ["U1.5", "C2.1", "U1.3"]}`},
		{`{"name": "OUT", "connections": ["U1.3", "R3.1"]}`, `{"name": "OUT", "connections": ["R3.1"]}`},
	} {
		if !strings.Contains(s, r[0]) {
			t.Fatalf("fixture edit %q does not apply", r[0])
		}
		s = strings.Replace(s, r[0], r[1], 1)
	}
	s = strings.Replace(s, `  ],
  "nets"`, `,
    {"id": "C3", "type": "capacitor", "value": "1uF", "footprint": "0603", "pins": ["1", "2"]}
  ],
  "nets"`, 1)
	return pair{"blinker.circuit.json", mustParse(t, "blinker.circuit.json", data), mustParse(t, "blinker.circuit.json", []byte(s))}
}

// sideSVG renders one side of a diff as the report does.
func sideSVG(t testing.TB, v *View, cs *ChangeSet, s side) []byte {
	t.Helper()
	var buf bytes.Buffer
	(&svgWriter{buf: &buf, v: v, m: newMarker(cs, s, v), side: s.String(), diff: true, standalone: true}).write(v.Bounds())
	return buf.Bytes()
}

var netKinds = []string{"k-wire", "k-trace", "k-via", "k-label", "k-net"}

// TestChangeClassesExactly checks, for a real edited file of each
// format, that exactly the items a change set names carry a change
// class: by element id, reference, connection, pin, and net (by name or
// by pins), on each side.
func TestChangeClassesExactly(t *testing.T) {
	pairs := []func(testing.TB) pair{
		func(t testing.TB) pair { return tscircuitPair(t, "tscircuit/555-timer-circuit.json") },
		func(t testing.TB) pair { return tscircuitPair(t, "tscircuit/motor-controller.json") },
		func(t testing.TB) pair { return wokwiPair(t, "wokwi/wokwi-dht22/dht22-uno/diagram.json") },
		nativePair,
	}
	for _, mk := range pairs {
		p := mk(t)
		t.Run(p.name, func(t *testing.T) {
			cs := Compare(p.old, p.new)
			if len(cs.Changes) < 3 {
				t.Fatalf("Compare found %d changes in an edited file: %+v", len(cs.Changes), cs.Changes)
			}
			addPinChanges(&cs, p.old)
			marked := map[int]bool{}
			for s, d := range [2]*Drawing{p.old, p.new} {
				for _, v := range d.Views {
					checkMarks(t, v, &cs, side(s), marked)
				}
			}
			for i, c := range cs.Changes {
				if c.Kind.drawn() && !marked[i] {
					t.Errorf("change %d (%s %s %s) marks nothing on either side", i, c.Kind, c.Status, c.Key)
				}
			}
		})
	}
}

// addPinChanges adds a pin change and a net change known only by its
// pins (under a name the drawing does not use), both on items that no
// other change marks.
func addPinChanges(cs *ChangeSet, d *Drawing) {
	named := map[string]bool{}
	for _, c := range cs.Changes {
		named[c.Key] = true
	}
	var pin string
	for _, v := range d.Views {
		v.Items(func(_ *Layer, it *Item) {
			if pin == "" && it.Pin != "" && !named[it.Ref] && !named[it.ID] {
				pin = it.Pin
			}
		})
	}
	if pin != "" {
		cs.Changes = append(cs.Changes, Change{Kind: Pin, Key: pin, Status: Changed, Summary: pin + " moved"})
	}
	var net *NetGroup
	for _, v := range d.Views {
		v.Items(func(_ *Layer, it *Item) {
			if g := it.group - 1; net == nil && it.OnNet && g >= 0 && !named[it.Net] && !named[it.ID] &&
				len(v.Nets[g].Pins) > 0 && !slices.Contains(v.Nets[g].Pins, pin) {
				net = v.Nets[g]
			}
		})
	}
	if net != nil {
		cs.Changes = append(cs.Changes, Change{Kind: Net, Key: "renamed-by-semantic-diff", Status: Changed,
			OldPins: net.Pins, NewPins: net.Pins, Summary: "net by pins"})
	}
}

func checkMarks(t *testing.T, v *View, cs *ChangeSet, s side, marked map[int]bool) {
	ids, refs, conns, pins, nets := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	pinsOn := map[string]bool{}
	for _, c := range cs.Changes {
		k := c.key(s)
		switch c.Kind {
		case Element:
			ids[k] = true
		case Component:
			refs[k] = true
		case Connection:
			conns[k] = true
		case Pin:
			pins[k] = true
			pinsOn[k] = true
		case Net:
			nets[k] = true
			for _, p := range c.pins(s) {
				pinsOn[p] = true
			}
		}
	}
	for _, g := range v.Nets {
		for _, p := range g.Pins {
			if pinsOn[p] {
				nets[g.Name] = true
			}
		}
	}
	els := parseSVG(t, sideSVG(t, v, cs, s))
	for _, e := range els {
		if !e.class("it") {
			continue
		}
		netItem := slices.ContainsFunc(netKinds, e.class)
		want := ids[e.attr["data-id"]] || refs[e.attr["data-ref"]] || conns[e.attr["data-conn"]] ||
			pins[e.attr["data-pin"]] || netItem && nets[e.attr["data-net"]]
		got := e.class("chg-added") || e.class("chg-removed") || e.class("chg-changed")
		if got != want {
			t.Errorf("%s side, %s view: %s %v carries a change class: %v, want %v", s, v.Name, e.name, e.attr, got, want)
		}
		if got {
			for _, f := range strings.Fields(e.attr["data-c"]) {
				i := 0
				for _, ch := range f {
					i = i*10 + int(ch-'0')
				}
				marked[i] = true
			}
		}
	}
}
