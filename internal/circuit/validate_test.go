package circuit

import (
	"errors"
	"strings"
	"testing"
)

// TestValidateErrors pins each kind of problem to its exact place and
// message. Columns count characters from 1.
func TestValidateErrors(t *testing.T) {
	tests := []struct {
		name, file, data string
		schema           string
		want             []string // Error() of each error, in order
	}{
		{
			name: "malformed JSON", file: "a.circuit.json",
			data: "{\n  \"components\": [\n    {\"id\": \"R1\",}\n  ]\n}\n",
			want: []string{`a.circuit.json:3:17: malformed JSON: unexpected '}' in object (expected a string key)`},
		},
		{
			name: "truncated file", file: "a.circuit.json",
			data: "{\"components\": [",
			want: []string{`a.circuit.json:1:17: malformed JSON: unexpected end of file (expected a JSON value)`},
		},
		{
			name: "empty file", file: "a.circuit.json", data: "",
			want: []string{`a.circuit.json:1:1: malformed JSON: unexpected end of file (expected a JSON value)`},
		},
		{
			name: "schema: wrong type", file: "a.circuit.json",
			data: "{\"components\": [\n  {\"id\": 5}\n]}",
			want: []string{`a.circuit.json:2:10: $.components[0].id: got number (expected string)`},
		},
		{
			name: "schema: missing id and unknown property", file: "a.circuit.json",
			data: "{\"components\": [\n  {\"type\": \"resistor\",\n   \"foorprint\": \"0603\"}\n]}",
			want: []string{
				`a.circuit.json:2:3: $.components[0]: missing property "id" (expected property "id")`,
				`a.circuit.json:3:4: $.components[0].foorprint: unknown property "foorprint" (expected only the properties the schema defines)`,
			},
		},
		{
			name: "schema: malformed connection", file: "a.circuit.json",
			data: "{\"components\": [{\"id\": \"R1\"}],\n \"nets\": [{\"name\": \"GND\", \"connections\": [\"R1\"]}]}",
			want: []string{`a.circuit.json:2:43: $.nets[0].connections[0]: "R1" does not match the pattern (expected a string matching ^[^.\s]+\.\S+$)`},
		},
		{
			name: "duplicate reference", file: "a.circuit.json",
			data: "{\"components\": [\n  {\"id\": \"R1\"},\n  {\"id\": \"R1\"}\n]}",
			want: []string{`a.circuit.json:3:10: $.components[1].id: duplicate reference "R1" (first defined on line 2) (expected a unique reference)`},
		},
		{
			name: "pin names no component", file: "a.circuit.json",
			data: "{\"components\": [{\"id\": \"R1\"}],\n \"nets\": [{\"name\": \"GND\", \"connections\": [\"R1.1\", \"Q9.2\"]}]}",
			want: []string{`a.circuit.json:2:51: $.nets[0].connections[1]: net pin "Q9.2" names no component "Q9" (expected a component id from $.components)`},
		},
		{
			name: "no such pin", file: "a.circuit.json",
			data: "{\"components\": [{\"id\": \"U1\", \"pins\": [\"1\", \"2\", \"VCC\"]}],\n \"nets\": [{\"name\": \"P\", \"connections\": [\"U1.8\"]}]}",
			want: []string{`a.circuit.json:2:41: $.nets[0].connections[0]: component U1 has no pin "8" (expected one of its pins: 1, 2, VCC)`},
		},
		{
			name: "pin on two nets", file: "a.circuit.json",
			data: "{\"components\": [{\"id\": \"R1\", \"pins\": [\"1\", \"2\"]}],\n \"nets\": [\n  {\"name\": \"GND\", \"connections\": [\"R1.1\"]},\n  {\"name\": \"VCC\", \"connections\": [\"R1.2\", \"R1.1\"]}\n]}",
			want: []string{`a.circuit.json:4:43: $.nets[1].connections[1]: pin R1.1 is on two nets: "GND" and "VCC" (expected each pin on at most one net)`},
		},
		{
			name: "duplicate net name", file: "a.circuit.json",
			data: "{\"components\": [],\n \"nets\": [{\"name\": \"GND\", \"connections\": []},\n {\"name\": \"GND\", \"connections\": []}]}",
			want: []string{`a.circuit.json:3:11: $.nets[1].name: duplicate net name "GND" (expected a unique net name)`},
		},
		{
			name: "wokwi connection to unknown part", file: "diagram.json",
			data: "{\"parts\": [{\"id\": \"uno\", \"type\": \"wokwi-arduino-uno\"}],\n \"connections\": [[\"uno:GND.1\", \"lcd:VSS\", \"black\", []]]}",
			want: []string{`diagram.json:2:32: $.connections[0][1]: connection "lcd:VSS" names unknown part "lcd" (expected a part id from $.parts)`},
		},
		{
			name: "wokwi malformed endpoint and duplicate part", file: "diagram.json",
			data: "{\"parts\": [{\"type\": \"a\", \"id\": \"uno\"}, {\"type\": \"a\", \"id\": \"uno\"}],\n \"connections\": [[\"uno:GND.1\", \"uno\", \"black\", []]]}",
			want: []string{
				`diagram.json:1:60: $.parts[1].id: duplicate reference "uno" (first defined on line 1) (expected a unique reference)`,
				`diagram.json:2:32: $.connections[0][1]: malformed endpoint "uno" (expected "part:pin", like "uno:GND.1")`,
			},
		},
		{
			name: "wokwi part without id", file: "diagram.json",
			data: "{\"parts\": [{\"type\": \"wokwi-led\"}], \"connections\": []}",
			want: []string{`diagram.json:1:12: $.parts[0].id: part has no id (expected a non-empty string part id)`},
		},
		{
			name: "tscircuit dangling references", file: "c.json",
			data: "[\n{\"type\": \"source_component\", \"source_component_id\": \"sc0\", \"name\": \"R1\", \"ftype\": \"simple_chip\"},\n" +
				"{\"type\": \"source_port\", \"source_port_id\": \"sp0\", \"name\": \"pin1\", \"source_component_id\": \"sc9\"},\n" +
				"{\"type\": \"source_trace\", \"source_trace_id\": \"st0\", \"connected_source_port_ids\": [\"sp7\"], \"connected_source_net_ids\": []}\n]",
			want: []string{
				`c.json:3:89: $[1].source_component_id: source_port "sp0" belongs to unknown component "sc9" (expected the source_component_id of a source_component)`,
				`c.json:4:82: $[2].connected_source_port_ids[0]: source_trace connects unknown port "sp7" (expected a source_port_id)`,
			},
		},
		{
			name: "user schema", file: "a.circuit.json",
			data:   "{\"metadata\": {\"title\": 7}, \"components\": []}",
			schema: `{"properties": {"metadata": {"required": ["author"], "properties": {"title": {"type": "string"}}}}}`,
			want: []string{
				`a.circuit.json:1:14: $.metadata: missing property "author" (expected property "author")`,
				`a.circuit.json:1:24: $.metadata.title: got number (expected string)`,
			},
		},
		{
			name: "user schema on plain JSON", file: "settings.json",
			data:   "{\"port\": \"80\"}",
			schema: `{"properties": {"port": {"type": "integer"}}}`,
			want:   []string{`settings.json:1:10: $.port: got string (expected integer)`},
		},
		{
			name: "unusable user schema", file: "settings.json",
			data:   "{}",
			schema: `{"type": 12}`,
			want:   []string{`schema: unusable schema:`},
		},
		{name: "valid native", file: "a.circuit.json", data: `{"components": [{"id": "R1", "pins": ["1"]}], "nets": [{"name": "N", "connections": ["R1.1"]}]}`},
		{name: "text file", file: "notes.txt", data: "not json at all {"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts ValidateOptions
			if tt.schema != "" {
				opts.Schema = []byte(tt.schema)
			}
			errs := Validate(tt.file, []byte(tt.data), opts)
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for i := range got {
				if got[i] != tt.want[i] && !(strings.HasSuffix(tt.want[i], ":") && strings.HasPrefix(got[i], tt.want[i])) {
					t.Errorf("error %d:\n got  %s\n want %s", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, file, data string
		sentinel         error
		want             string
	}{
		{"malformed", "a.circuit.json", "{\"components\": [1,]}", ErrSyntax,
			"a.circuit.json:1:19: malformed JSON: unexpected ']' (expected a JSON value)"},
		{"not a circuit", "x.json", `{"a": 1}`, ErrNotCircuit,
			"x.json: not a circuit file (json) (expected a native, Wokwi or tscircuit circuit)"},
		{"text", "x.txt", "hello", ErrNotCircuit,
			"x.txt: not a circuit file (unknown) (expected a native, Wokwi or tscircuit circuit)"},
		{"components not an array", "a.circuit.json", "{\"components\": {}}", ErrInvalid,
			"a.circuit.json:1:16: $.components: got object (expected array)"},
		{"wokwi connection not an array", "diagram.json", "{\"parts\": [], \"connections\": [\"a:b\"]}", ErrInvalid,
			"diagram.json:1:31: $.connections[0]: connection is a string (expected an array [from, to, color, route])"},
		{"tscircuit not an array", "c.json", "{\"type\": \"source_component\"}", ErrNotCircuit, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.file, []byte(tt.data))
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error", err)
			}
			if !errors.Is(err, tt.sentinel) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.sentinel)
			}
			if tt.want != "" && err.Error() != tt.want {
				t.Errorf("got  %s\nwant %s", err, tt.want)
			}
		})
	}
}

// TestParseToleratesBrokenRules: a circuit that breaks rules still
// parses, so that it can be diffed; the first duplicate wins.
func TestParseToleratesBrokenRules(t *testing.T) {
	c := mustParse(t, "a.circuit.json", readFixture(t, "amp-invalid.circuit.json"))
	if len(c.Components) != 2 || c.Component("R1").Value != "10k" {
		t.Errorf("components = %d, R1 = %+v", len(c.Components), c.Component("R1"))
	}
	if errs := Validate("amp-invalid.circuit.json", readFixture(t, "amp-invalid.circuit.json"), ValidateOptions{}); len(errs) != 4 {
		t.Errorf("Validate found %d problems, want 4: %v", len(errs), errs)
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		e    Error
		want string
	}{
		{Error{File: "f", Line: 1, Col: 2, Path: "$.a", Msg: "bad", Expected: "good"}, "f:1:2: $.a: bad (expected good)"},
		{Error{File: "f", Msg: "bad"}, "f: bad"},
		{Error{Msg: "bad"}, "bad"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

// TestColumnsCountCharacters: a multi-byte character before the error
// counts as one column.
func TestColumnsCountCharacters(t *testing.T) {
	errs := Validate("a.circuit.json", []byte(`{"metadata": {"t": "Ω"}, "components": [{"id": 1}]}`), ValidateOptions{})
	if len(errs) != 1 || errs[0].Line != 1 || errs[0].Col != 48 {
		t.Fatalf("errors = %v", errs)
	}
}
