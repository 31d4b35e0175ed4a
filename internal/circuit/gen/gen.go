// Package gen makes synthetic native circuits of any size, and scattered
// edits to them, for benchmarks and scale tests of package circuit.
//
// Everything is deterministic in the seed. Generated circuits are valid:
// unique references, declared pins, every net pin on exactly one net.
package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
)

// Design is a generated circuit that can be edited and written out.
type Design struct {
	Version    string
	Metadata   map[string]string
	Components []*Component
	Nets       []*Net

	next map[string]int // next free number per reference prefix
	net  int            // next free signal net number
}

// Component is one generated part.
type Component struct {
	ID, Type, Value, Footprint, MPN, Manufacturer string
	Pins                                          []string
	X, Y                                          float64
}

// Net is one generated net.
type Net struct {
	Name        string
	Connections []string
}

type part struct {
	prefix, typ, footprint, manufacturer string
	values                               []string
	pins                                 int
}

var parts = []part{
	{"R", "resistor", "0603", "Yageo", []string{"10", "100", "1k", "4.7k", "10k", "47k", "100k"}, 2},
	{"R", "resistor", "0402", "Yageo", []string{"22", "330", "2.2k", "22k"}, 2},
	{"C", "capacitor", "0402", "Murata", []string{"10pF", "100pF", "1nF", "10nF", "100nF"}, 2},
	{"C", "capacitor", "0805", "Samsung", []string{"1uF", "4.7uF", "10uF", "22uF"}, 2},
	{"D", "led", "0603", "Kingbright", []string{"red", "green", "blue"}, 2},
	{"U", "ic", "SOIC-8", "Texas Instruments", []string{"LM358", "NE555", "TL072"}, 8},
	{"J", "connector", "PinHeader_1x04", "Amphenol", []string{""}, 4},
}

// New makes a design with n components.
func New(n int, seed int64) *Design {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	d := &Design{Version: "1", next: map[string]int{},
		Metadata: map[string]string{"title": fmt.Sprintf("synthetic %d", n), "generator": "circuitvc/internal/circuit/gen", "seed": strconv.FormatInt(seed, 10)}}
	var free []string
	gnd := &Net{Name: "GND"}
	vcc := &Net{Name: "VCC"}
	for i := 0; i < n; i++ {
		c := d.newComponent(rng)
		d.Components = append(d.Components, c)
		for k, p := range c.Pins {
			pin := c.ID + "." + p
			switch {
			case c.Type == "ic" && k == 7:
				vcc.Connections = append(vcc.Connections, pin)
			case c.Type == "ic" && k == 3:
				gnd.Connections = append(gnd.Connections, pin)
			case c.Type == "capacitor" && k == 1 && rng.IntN(2) == 0:
				gnd.Connections = append(gnd.Connections, pin)
			default:
				free = append(free, pin)
			}
		}
	}
	rng.Shuffle(len(free), func(i, j int) { free[i], free[j] = free[j], free[i] })
	d.Nets = append(d.Nets, gnd, vcc)
	for len(free) > 0 {
		k := min(2+rng.IntN(3), len(free))
		d.net++
		d.Nets = append(d.Nets, &Net{Name: "N" + strconv.Itoa(d.net), Connections: append([]string(nil), free[:k]...)})
		free = free[k:]
	}
	return d
}

func (d *Design) newComponent(rng *rand.Rand) *Component {
	p := parts[rng.IntN(len(parts))]
	d.next[p.prefix]++
	c := &Component{ID: p.prefix + strconv.Itoa(d.next[p.prefix]), Type: p.typ, Footprint: p.footprint,
		Manufacturer: p.manufacturer, Value: p.values[rng.IntN(len(p.values))],
		X: float64(rng.IntN(100000)) / 100, Y: float64(rng.IntN(100000)) / 100}
	if c.Value != "" {
		c.MPN = p.prefix + "-" + p.footprint + "-" + c.Value
	}
	for k := 1; k <= p.pins; k++ {
		c.Pins = append(c.Pins, strconv.Itoa(k))
	}
	return c
}

// Native returns a native circuit with n components as JSON.
func Native(n int, seed int64) []byte {
	return New(n, seed).JSON()
}

// Pair returns a native circuit with n components and a copy with k
// scattered edits.
func Pair(n, k int, seed int64) (old, new []byte) {
	d := New(n, seed)
	old = d.JSON()
	d.Edit(k, seed+1)
	return old, d.JSON()
}

// Edit applies k edits at random places, cycling through the kinds a
// user makes: change a value, add a capacitor, remove a part, rename a
// net, move a pin to another net, change a footprint, rename a part. It
// returns a description of each edit.
func (d *Design) Edit(k int, seed int64) []string {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x2545f4914f6cdd1d))
	var done []string
	for i := 0; i < k; i++ {
		if s := d.edit(i%7, rng); s != "" {
			done = append(done, s)
		}
	}
	return done
}

func (d *Design) edit(kind int, rng *rand.Rand) string {
	if len(d.Components) == 0 {
		return ""
	}
	c := d.Components[rng.IntN(len(d.Components))]
	switch kind {
	case 0:
		old := c.Value
		c.Value += "1"
		return fmt.Sprintf("%s value %s→%s", c.ID, old, c.Value)
	case 1:
		d.next["C"]++
		nc := &Component{ID: "C" + strconv.Itoa(d.next["C"]), Type: "capacitor", Value: "100nF", Footprint: "0402",
			MPN: "C-0402-100nF", Manufacturer: "Murata", Pins: []string{"1", "2"}, X: 1, Y: 1}
		d.Components = append(d.Components, nc)
		d.Nets[0].Connections = append(d.Nets[0].Connections, nc.ID+".2")
		if len(d.Nets) > 1 {
			n := d.Nets[1+rng.IntN(len(d.Nets)-1)]
			n.Connections = append(n.Connections, nc.ID+".1")
		}
		return "+" + nc.ID
	case 2:
		d.remove(c)
		return "-" + c.ID
	case 3:
		n := d.Nets[rng.IntN(len(d.Nets))]
		old := n.Name
		d.net++
		n.Name = "RN" + strconv.Itoa(d.net)
		return "net " + old + "→" + n.Name
	case 4:
		if len(d.Nets) < 2 {
			return ""
		}
		from := d.Nets[rng.IntN(len(d.Nets))]
		to := d.Nets[rng.IntN(len(d.Nets))]
		if from == to || len(from.Connections) < 2 {
			return ""
		}
		pin := from.Connections[len(from.Connections)-1]
		from.Connections = from.Connections[:len(from.Connections)-1]
		to.Connections = append(to.Connections, pin)
		return pin + " " + from.Name + "→" + to.Name
	case 5:
		old := c.Footprint
		c.Footprint += "-HD"
		return fmt.Sprintf("%s footprint %s→%s", c.ID, old, c.Footprint)
	default:
		old := c.ID
		d.next["X"]++
		c.ID = "X" + strconv.Itoa(d.next["X"])
		for _, n := range d.Nets {
			for i, p := range n.Connections {
				if len(p) > len(old) && p[:len(old)] == old && p[len(old)] == '.' {
					n.Connections[i] = c.ID + p[len(old):]
				}
			}
		}
		return old + "→" + c.ID
	}
}

func (d *Design) remove(c *Component) {
	for i, x := range d.Components {
		if x == c {
			d.Components = append(d.Components[:i], d.Components[i+1:]...)
			break
		}
	}
	prefix := c.ID + "."
	for _, n := range d.Nets {
		out := n.Connections[:0]
		for _, p := range n.Connections {
			if len(p) <= len(prefix) || p[:len(prefix)] != prefix {
				out = append(out, p)
			}
		}
		n.Connections = out
	}
}

type position struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

type componentJSON struct {
	ID           string   `json:"id"`
	Type         string   `json:"type"`
	Value        string   `json:"value,omitempty"`
	Footprint    string   `json:"footprint"`
	MPN          string   `json:"mpn,omitempty"`
	Manufacturer string   `json:"manufacturer"`
	Pins         []string `json:"pins"`
	Position     position `json:"position"`
}

// JSON writes the design in the native format, one component or net per
// line.
func (d *Design) JSON() []byte {
	var b bytes.Buffer
	b.WriteString("{\n  \"version\": \"" + d.Version + "\",\n  \"metadata\": ")
	meta, _ := json.Marshal(d.Metadata) // map keys are sorted
	b.Write(meta)
	b.WriteString(",\n  \"components\": [\n")
	for i, c := range d.Components {
		line, _ := json.Marshal(componentJSON{ID: c.ID, Type: c.Type, Value: c.Value, Footprint: c.Footprint,
			MPN: c.MPN, Manufacturer: c.Manufacturer, Pins: c.Pins, Position: position{c.X, c.Y}})
		b.WriteString("    ")
		b.Write(line)
		if i < len(d.Components)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("  ],\n  \"nets\": [\n")
	nets := d.Nets
	for i, n := range nets {
		line, _ := json.Marshal(struct {
			Name        string   `json:"name"`
			Connections []string `json:"connections"`
		}{n.Name, nonNil(n.Connections)})
		b.WriteString("    ")
		b.Write(line)
		if i < len(nets)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("  ]\n}\n")
	return b.Bytes()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
