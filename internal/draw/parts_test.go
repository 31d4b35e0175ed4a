package draw

import (
	"fmt"
	"slices"
	"testing"
)

// TestRoute follows Wokwi's wire placement mini-language, with the
// example of its documentation among the cases.
func TestRoute(t *testing.T) {
	a, b := Point{0, 0}, Point{100, 50}
	for _, tc := range []struct {
		hints []string
		want  []Point
	}{
		{nil, []Point{a, b}},
		// From the source: down 10, right 5; from the target, in
		// reverse: right 10, then up 15; then joined.
		{[]string{"v10", "h5", "*", "v-15", "h10"}, []Point{{0, 0}, {0, 10}, {5, 10}, {5, 35}, {110, 35}, {110, 50}, {100, 50}}},
		{[]string{"v-20", "*", "v5"}, []Point{{0, 0}, {0, -20}, {100, -20}, {100, 55}, {100, 50}}},
		{[]string{"h30"}, []Point{{0, 0}, {30, 0}, {30, 50}, {100, 50}}},
		// The last move was horizontal, so the join goes down first.
		{[]string{"v0", "h0"}, []Point{{0, 0}, {0, 50}, {100, 50}}},
		{[]string{"x5", "v", "h1e3x", "*"}, []Point{{0, 0}, {100, 0}, {100, 50}}},
	} {
		if got := route(a, b, tc.hints); !slices.Equal(got, tc.want) {
			t.Errorf("route(%q) = %v, want %v", tc.hints, got, tc.want)
		}
	}
}

// TestBreadboardPins places breadboard holes by their names.
func TestBreadboardPins(t *testing.T) {
	s := wokwiParts["wokwi-breadboard"]
	p1, _ := breadboardPin("1t.a", s.w, s.h)
	p2, _ := breadboardPin("2t.a", s.w, s.h)
	pe, _ := breadboardPin("1t.e", s.w, s.h)
	pf, _ := breadboardPin("1b.f", s.w, s.h)
	if p2.X-p1.X != pitch || p1.Y != p2.Y {
		t.Errorf("columns 1 and 2 at %v and %v, want one pitch apart", p1, p2)
	}
	if pf.Y-pe.Y != 3*pitch {
		t.Errorf("rows e and f at %v and %v, want the channel between", pe, pf)
	}
	for _, bad := range []string{"", "1t", "0t.a", "1x.a", "1t.z", "tp.0", "999t.a"} {
		if _, ok := breadboardPin(bad, s.w, s.h); ok {
			t.Errorf("breadboardPin(%q) placed a pin", bad)
		}
	}
}

// TestWokwiPartPins places a known part's pins from its table, turns
// them with the part, and puts unknown pins on the bottom edge.
func TestWokwiPartPins(t *testing.T) {
	d := mustParse(t, "diagram.json", []byte(`{"parts": [
		{"id": "r", "type": "wokwi-resistor", "left": 10, "top": 20, "rotate": 90},
		{"id": "x", "type": "no-such-part", "left": 0, "top": 0}],
	  "connections": [["r:1", "x:B", "red", []], ["r:2", "x:A", "", []]]}`))
	var wires [][]Point
	d.Views[0].Items(func(_ *Layer, it *Item) {
		if it.Kind == "wire" {
			wires = append(wires, it.Shapes[0].Pts)
		}
	})
	r := wokwiParts["wokwi-resistor"]
	c := Point{10 + r.w/2, 20 + r.h/2}
	// Turned by 90° about its centre, pin 1 (left end) is at the top.
	if got, want := wires[0][0], (Point{c.X, c.Y - r.w/2}); dist(got, want) > 0.1 {
		t.Errorf("r:1 at %v, want %v", got, want)
	}
	// x's pins A and B go on its bottom edge in that order.
	a, bPin := wires[1][1], wires[0][1]
	if a.Y != defaultPart.h || bPin.Y != defaultPart.h || a.X >= bPin.X {
		t.Errorf("x:A at %v and x:B at %v, want on the bottom edge, A first", a, bPin)
	}
}

func TestSymbolKind(t *testing.T) {
	for _, tc := range []struct {
		symbol, ftype string
		ports         int
		want          string
	}{
		{"boxresistor_left", "simple_resistor", 2, "resistor"},
		{"capacitor_polarized_down", "simple_capacitor", 2, "pcap"},
		{"capacitor_right", "simple_capacitor", 2, "cap"},
		{"led_down", "simple_led", 2, "led"},
		{"potentiometer2_up", "simple_potentiometer", 2, "pot"},
		{"spst_switch_right", "simple_switch", 2, "switch"},
		{"dpdt_switch_right", "simple_switch", 6, ""},
		{"", "simple_diode", 2, "diode"},
		{"", "simple_transistor", 3, "transistor"},
		{"", "simple_chip", 8, ""},
		{"", "simple_resistor", 4, ""},
		{"solderjumper3_bridged12_right", "simple_chip", 3, ""},
	} {
		if got := symbolKind(tc.symbol, tc.ftype, tc.ports); got != tc.want {
			t.Errorf("symbolKind(%q, %q, %d) = %q, want %q", tc.symbol, tc.ftype, tc.ports, got, tc.want)
		}
	}
}

// TestCompare finds exactly the edits made to the demo circuit, and
// Merge adds only what a semantic change set does not name.
func TestCompare(t *testing.T) {
	p := nativePair(t)
	cs := Compare(p.old, p.new)
	var got []string
	for _, c := range cs.Changes {
		got = append(got, fmt.Sprintf("%s %s %s", c.Kind, c.Status, c.Key))
	}
	want := []string{"component added C3", "component removed D1", "component changed R2",
		"net changed CTRL", "net changed GND", "net changed LED_A", "net changed OUT"}
	if !slices.Equal(got, want) {
		t.Errorf("Compare found\n%q\nwant\n%q", got, want)
	}
	if cs := Compare(p.old, p.old); len(cs.Changes) != 0 {
		t.Errorf("a file compared with itself: %+v", cs.Changes)
	}
	sem := ChangeSet{Changes: []Change{{Kind: Component, Key: "R2", Status: Changed, Summary: "R2 value 10k → 22k"},
		{Kind: Pin, Key: "U1.3", Status: Changed, Summary: "U1.3 moved from OUT to CTRL"}}}
	sem.Merge(cs)
	if len(sem.Changes) != 2+len(cs.Changes)-1 || sem.Changes[0].Summary != "R2 value 10k → 22k" {
		t.Errorf("Merge: %+v", sem.Changes)
	}
}

// TestCompareWokwi: a part moved drags its wires along, but only the
// part changed; a recoloured wire says how.
func TestCompareWokwi(t *testing.T) {
	doc := func(top, colour string) []byte {
		return []byte(`{"parts": [{"id": "uno", "type": "wokwi-arduino-uno", "left": 0, "top": 0},
			{"id": "led", "type": "wokwi-led", "left": 100, "top": ` + top + `}],
		  "connections": [["uno:13", "led:A", "` + colour + `", ["v-10", "*", "h0"]], ["uno:GND.1", "led:C", "black", []]]}`)
	}
	cs := Compare(mustParse(t, "diagram.json", doc("-80", "green")), mustParse(t, "diagram.json", doc("-120", "blue")))
	var got []string
	for _, c := range cs.Changes {
		got = append(got, fmt.Sprintf("%s %s %s", c.Kind, c.Status, c.Summary))
	}
	want := []string{"component changed led changed in the breadboard drawing",
		"connection changed wire led:A – uno:13 colour green → blue"}
	if !slices.Equal(got, want) {
		t.Errorf("Compare found\n%q\nwant\n%q", got, want)
	}
}
