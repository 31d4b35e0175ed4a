package scale

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// ErrNoAnchor reports that a circuit lacks the text an edit looks for.
var ErrNoAnchor = errors.New("anchor not found")

var resistanceKey = []byte(`"resistance": `)

// SetResistance returns a copy of a tscircuit file with the first
// resistor's resistance set to ohms: a one-value edit, made on the text as
// an editor would, leaving every other byte alone.
func SetResistance(data []byte, ohms int) ([]byte, error) {
	i := bytes.Index(data, resistanceKey)
	if i < 0 {
		return nil, fmt.Errorf("tscircuit %q: %w", resistanceKey, ErrNoAnchor)
	}
	start := i + len(resistanceKey)
	end := start
	for end < len(data) && data[end] != ',' && data[end] != '\n' && data[end] != '}' {
		end++
	}
	out := make([]byte, 0, len(data)+8)
	out = append(out, data[:start]...)
	out = strconv.AppendInt(out, int64(ohms), 10)
	return append(out, data[end:]...), nil
}

// part is one two-pin component inserted into a tscircuit file.
type part struct {
	id, name, ftype, key, display string
	value                         string
}

func (p part) text() string {
	port := func(n int, net string) string {
		return fmt.Sprintf(`  {
    "type": "source_port",
    "source_port_id": "source_port_%s_%d",
    "name": "pin%d",
    "pin_number": %d,
    "port_hints": [
      "pin%d",
      "%d"
    ],
    "source_component_id": "source_component_%s",
    "subcircuit_id": "subcircuit_source_group_1",
    "subcircuit_connectivity_map_key": "unnamedsubcircuit510_connectivity_%s"
  },
`, p.id, n, n, n, n, n, p.id, net)
	}
	return port(1, "net0") + port(2, "net1") + fmt.Sprintf(`  {
    "type": "source_component",
    "source_component_id": "source_component_%s",
    "ftype": "%s",
    "name": "%s",
    "%s": %s,
    "display_%s": "%s",
    "are_pins_interchangeable": true,
    "source_group_id": "source_group_1"
  },
`, p.id, p.ftype, p.name, p.key, p.value, p.key, p.display)
}

func resistor(id, name string, ohms int, display string) part {
	return part{id: id, name: name, ftype: "simple_resistor", key: "resistance", value: strconv.Itoa(ohms), display: display}
}

// insertAfterR1 puts extra elements right after the source_component
// named R1, as a tool regenerating the file would.
func insertAfterR1(data []byte, parts ...part) ([]byte, error) {
	i := bytes.Index(data, []byte(`"name": "R1",`))
	if i < 0 {
		return nil, fmt.Errorf("tscircuit R1: %w", ErrNoAnchor)
	}
	j := bytes.Index(data[i:], []byte("\n  },\n"))
	if j < 0 {
		return nil, fmt.Errorf("tscircuit end of R1: %w", ErrNoAnchor)
	}
	at := i + j + len("\n  },\n")
	var extra bytes.Buffer
	for _, p := range parts {
		extra.WriteString(p.text())
	}
	out := make([]byte, 0, len(data)+extra.Len())
	out = append(out, data[:at]...)
	out = append(out, extra.Bytes()...)
	return append(out, data[at:]...), nil
}

// DiffPair makes the two revisions of the diff benchmark from a tscircuit
// file with a resistor R1 (led-water-accelerometer.json): the old one has
// R1 and two added resistors R2 and R3; the new one changes all three
// resistances and adds a capacitor C90.
func DiffPair(data []byte) (old, new []byte, err error) {
	old, err = insertAfterR1(data,
		resistor("b2", "R2", 1000, "1kΩ"),
		resistor("b3", "R3", 2200, "2.2kΩ"))
	if err != nil {
		return nil, nil, err
	}
	old, err = SetResistance(old, 330)
	if err != nil {
		return nil, nil, err
	}
	new, err = insertAfterR1(data,
		resistor("b2", "R2", 1500, "1.5kΩ"),
		resistor("b3", "R3", 3300, "3.3kΩ"),
		part{id: "b4", name: "C90", ftype: "simple_capacitor", key: "capacitance", value: "1e-7", display: "100nF"})
	if err != nil {
		return nil, nil, err
	}
	if new, err = SetResistance(new, 470); err != nil {
		return nil, nil, err
	}
	// The adapter reads a resistor's value from display_resistance, so an
	// edit in a tscircuit tool changes both.
	const display = `"display_resistance": "330Ω"`
	if !bytes.Contains(new, []byte(display)) {
		return nil, nil, fmt.Errorf("tscircuit %s: %w", display, ErrNoAnchor)
	}
	new = bytes.Replace(new, []byte(display), []byte(`"display_resistance": "470Ω"`), 1)
	return old, new, nil
}
