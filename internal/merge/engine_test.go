package merge

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/internal/circuit"
)

// TestMergeJSON covers the engine on plain JSON and small circuits:
// what merges, what conflicts, and the bytes written.
func TestMergeJSON(t *testing.T) {
	cases := []struct {
		name, file, base, ours, theirs string
		want                           string // the merged bytes
		conflicts                      []string
	}{
		{name: "both change different members", file: "x.json",
			base: `{"a": 1, "b": 2}`, ours: `{"a": 3, "b": 2}`, theirs: `{"a": 1, "b": 4}`,
			want: `{"a": 3, "b": 4}`},
		{name: "same change on both sides", file: "x.json",
			base: `{"a": 1}`, ours: `{"a": 2}`, theirs: `{"a": 2.0}`, want: `{"a": 2}`},
		{name: "different changes conflict and keep ours", file: "x.json",
			base: `{"a": 1}`, ours: `{"a": 2}`, theirs: `{"a": 3}`,
			want: `{"a": 2}`, conflicts: []string{"$.a: base 1, ours 2, theirs 3"}},
		{name: "member added on theirs goes after its predecessor", file: "x.json",
			base: "{\n  \"a\": 1,\n  \"c\": 3\n}", ours: "{\n  \"a\": 1,\n  \"c\": 30\n}", theirs: "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3\n}",
			want: "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 30\n}"},
		{name: "member deleted on theirs, untouched on ours", file: "x.json",
			base: `{"a": 1, "b": 2, "c": 3}`, ours: `{"a": 1, "b": 2, "c": 4}`, theirs: `{"a": 1, "c": 3}`,
			want: `{"a": 1, "c": 4}`},
		{name: "deleted on one side, changed on the other", file: "x.json",
			base: `{"a": 1, "b": 2}`, ours: `{"a": 1, "b": 5}`, theirs: `{"a": 1}`,
			want: `{"a": 1, "b": 5}`, conflicts: []string{"$.b: changed in ours (2 → 5), deleted in theirs"}},
		{name: "list: insertions at one place keep ours then theirs", file: "x.json",
			base: `[1, 2, 3]`, ours: `[1, 2, 10, 3]`, theirs: `[1, 2, 20, 3]`, want: `[1, 2, 10, 20, 3]`},
		{name: "list: changes in different places", file: "x.json",
			base: `[1, 2, 3, 4, 5]`, ours: `[0, 2, 3, 4, 5]`, theirs: `[1, 2, 3, 4]`, want: `[0, 2, 3, 4]`},
		{name: "list: overlapping changes conflict", file: "x.json",
			base: `{"l": [1, 2, 3]}`, ours: `{"l": [1, 9]}`, theirs: `{"l": [1, 8, 7, 3]}`,
			want: `{"l": [1, 9]}`, conflicts: []string{"$.l: base [1,2,3], ours [1,9], theirs [1,8,7,3]"}},
		{name: "list: same-length changes merge element by element", file: "x.json",
			base: `[{"x": 1, "y": 1}]`, ours: `[{"x": 2, "y": 1}]`, theirs: `[{"x": 1, "y": 2}]`, want: `[{"x": 2, "y": 2}]`},
		{name: "no base: both added, differently", file: "x.json",
			base: ``, ours: `{"a": 1, "b": 2}`, theirs: `{"a": 1, "c": 3}`, want: `{"a": 1, "b": 2, "c": 3}`},
		{name: "native: components are a set", file: "a.circuit.json",
			base:   `{"components": [{"id": "R1"}, {"id": "R2"}], "nets": []}`,
			ours:   `{"components": [{"id": "R1"}, {"id": "R2"}, {"id": "R3"}], "nets": []}`,
			theirs: `{"components": [{"id": "C1"}, {"id": "R1"}, {"id": "R2", "value": "1k"}], "nets": []}`,
			want:   `{"components": [{"id": "C1"}, {"id": "R1"}, {"id": "R2", "value": "1k"}, {"id": "R3"}], "nets": []}`},
		{name: "native: a renamed net takes the other side's pins", file: "a.circuit.json",
			base:   `{"components": [{"id": "R1", "pins": ["1", "2"]}, {"id": "R2", "pins": ["1"]}], "nets": [{"name": "A", "connections": ["R1.1"]}]}`,
			ours:   `{"components": [{"id": "R1", "pins": ["1", "2"]}, {"id": "R2", "pins": ["1"]}], "nets": [{"name": "B", "connections": ["R1.1"]}]}`,
			theirs: `{"components": [{"id": "R1", "pins": ["1", "2"]}, {"id": "R2", "pins": ["1"]}], "nets": [{"name": "A", "connections": ["R1.1", "R2.1"]}]}`,
			want:   `{"components": [{"id": "R1", "pins": ["1", "2"]}, {"id": "R2", "pins": ["1"]}], "nets": [{"name": "B", "connections": ["R1.1", "R2.1"]}]}`},
		{name: "native: same reference added twice, differently", file: "a.circuit.json",
			base:   `{"components": []}`,
			ours:   `{"components": [{"id": "R1", "value": "1k"}]}`,
			theirs: `{"components": [{"id": "R1", "value": "2k"}]}`,
			want:   `{"components": [{"id": "R1", "value": "1k"}]}`, conflicts: []string{"R1 value: added on both sides, differently: ours 1k, theirs 2k"}},
		{name: "native: a pin on two nets is a conflict", file: "a.circuit.json",
			base:      `{"components": [{"id": "R1", "pins": ["1", "2"]}], "nets": [{"name": "A", "connections": []}, {"name": "B", "connections": []}]}`,
			ours:      `{"components": [{"id": "R1", "pins": ["1", "2"]}], "nets": [{"name": "A", "connections": ["R1.1"]}, {"name": "B", "connections": []}]}`,
			theirs:    `{"components": [{"id": "R1", "pins": ["1", "2"]}], "nets": [{"name": "A", "connections": []}, {"name": "B", "connections": ["R1.1"]}]}`,
			want:      `{"components": [{"id": "R1", "pins": ["1", "2"]}], "nets": [{"name": "A", "connections": ["R1.1"]}, {"name": "B", "connections": ["R1.1"]}]}`,
			conflicts: []string{`net B: the merged circuit is invalid: pin R1.1 is on two nets: "A" and "B"`}},
		{name: "wokwi: a wire drawn the other way is the same wire", file: "diagram.json",
			base:   `{"parts": [{"id": "a"}, {"id": "b"}], "connections": [["a:1", "b:1", "red", []]]}`,
			ours:   `{"parts": [{"id": "a"}, {"id": "b"}], "connections": [["b:1", "a:1", "red", []]]}`,
			theirs: `{"parts": [{"id": "a"}, {"id": "b"}], "connections": [["a:1", "b:1", "blue", []]]}`,
			want:   `{"parts": [{"id": "a"}, {"id": "b"}], "connections": [["b:1", "a:1", "blue", []]]}`},
		{name: "wokwi: top and left are one position", file: "diagram.json",
			base:      `{"parts": [{"id": "a", "top": 0, "left": 0}], "connections": []}`,
			ours:      `{"parts": [{"id": "a", "top": 5, "left": 0}], "connections": []}`,
			theirs:    `{"parts": [{"id": "a", "top": 0, "left": 5}], "connections": []}`,
			want:      `{"parts": [{"id": "a", "top": 5, "left": 0}], "connections": []}`,
			conflicts: []string{`a position: base {"top":0,"left":0}, ours {"top":5,"left":0}, theirs {"top":0,"left":5}`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mustMerge(t, c.file, []byte(c.base), []byte(c.ours), []byte(c.theirs))
			if string(r.Data) != c.want {
				t.Errorf("merged:\n%s\nwant:\n%s", r.Data, c.want)
			}
			var got []string
			for _, con := range r.Conflicts {
				got = append(got, con.String())
			}
			if strings.Join(got, "\n") != strings.Join(c.conflicts, "\n") {
				t.Errorf("conflicts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.conflicts, "\n"))
			}
		})
	}
}

// TestLayout: what the merge writes follows ours' layout: its line ends,
// indentation unit, spacing and order, whatever theirs' are.
func TestLayout(t *testing.T) {
	cases := []struct {
		name, base, ours, theirs, want string
	}{
		{"CRLF kept, theirs' LF lines converted",
			"{\r\n  \"a\": 1\r\n}\r\n", "{\r\n  \"a\": 2\r\n}\r\n", "{\n  \"a\": 1,\n  \"b\": {\n    \"c\": 1\n  }\n}\n",
			"{\r\n  \"a\": 2,\r\n  \"b\": {\r\n    \"c\": 1\r\n  }\r\n}\r\n"},
		{"tabs in ours, two spaces in theirs",
			"{\n\t\"a\": 1\n}", "{\n\t\"a\": 2\n}", "{\n  \"a\": 1,\n  \"b\": {\n    \"c\": 1\n  }\n}",
			"{\n\t\"a\": 2,\n\t\"b\": {\n\t\t\"c\": 1\n\t}\n}"},
		{"ours on one line",
			`{"a":1,"b":[1,2]}`, `{"a":2,"b":[1,2]}`, "{\n  \"a\": 1,\n  \"b\": [1, 2, 3]\n}",
			`{"a":2,"b":[1,2,3]}`},
		{"byte order mark and trailing newline kept",
			"\xef\xbb\xbf{\"a\": 1}\n", "\xef\xbb\xbf{\"a\": 2}\n", "{\"a\": 1, \"b\": 2}",
			"\xef\xbb\xbf{\"a\": 2, \"b\": 2}\n"},
		{"first and last elements removed",
			"[\n  1,\n  2,\n  3,\n  4\n]", "[\n  1,\n  2,\n  2.5,\n  3,\n  4\n]", "[\n  2,\n  3\n]",
			"[\n  2,\n  2.5,\n  3\n]"},
		{"into an empty array of an indented file",
			"{\n  \"l\": []\n}", "{\n  \"l\": [],\n  \"m\": 1\n}", "{\n  \"l\": [{\n    \"x\": 1\n  }]\n}",
			"{\n  \"l\": [\n    {\n      \"x\": 1\n    }\n  ],\n  \"m\": 1\n}"},
		{"into an empty array, short values inline",
			`{"l": []}`, `{"l": [], "m": 1}`, `{"l": ["a", "b"]}`, `{"l": ["a", "b"], "m": 1}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mustMerge(t, "x.json", []byte(c.base), []byte(c.ours), []byte(c.theirs))
			if len(r.Conflicts) > 0 {
				t.Fatalf("conflicts:%s", openConflicts(r))
			}
			if string(r.Data) != c.want {
				t.Errorf("merged:\n%q\nwant:\n%q", r.Data, c.want)
			}
		})
	}
}

func TestMergeErrors(t *testing.T) {
	_, err := Merge([]byte(`{}`), []byte(`{"a": `), []byte(`{}`), Options{Name: "x.json"})
	if !errors.Is(err, ErrNotJSON) || !strings.Contains(err.Error(), "ours") || !strings.Contains(err.Error(), "x.json") {
		t.Errorf("ours not JSON: %v", err)
	}
	_, err = Merge([]byte(`{`), []byte(`{}`), []byte(`{}`), Options{Name: "x.json"})
	if !errors.Is(err, ErrNotJSON) || !strings.Contains(err.Error(), "base") {
		t.Errorf("base not JSON: %v", err)
	}
}

// TestFormats: each side's format is found from its content; sides of
// different formats merge as plain JSON.
func TestFormats(t *testing.T) {
	native := `{"components": [{"id": "R1"}]}`
	wokwi := `{"parts": [], "connections": []}`
	ts := `[{"type": "source_component", "source_component_id": "s0", "name": "R1"}]`
	cases := []struct {
		name, ours, theirs string
		want               circuit.Format
	}{
		{"x.circuit.json", native, native, circuit.FormatNative},
		{"diagram.json", wokwi, wokwi, circuit.FormatWokwi},
		{"board.json", ts, ts, circuit.FormatTscircuit},
		{"x.json", `{"a": 1}`, `{"a": 2}`, circuit.FormatJSON},
		{"x.json", native, wokwi, circuit.FormatJSON},
	}
	for _, c := range cases {
		r := mustMerge(t, c.name, []byte(c.ours), []byte(c.ours), []byte(c.theirs))
		if r.Format != c.want {
			t.Errorf("%s: format %s, want %s", c.name, r.Format, c.want)
		}
	}
	// The same answers as circuit.Detect on real files.
	for _, rel := range []string{"tscircuit/usb.json", "wokwi/wokwi-dht22/dht22-uno/diagram.json"} {
		data := readCorpus(t, rel)
		if got, want := detectBytes(t, rel, data), circuit.Detect(rel, data); got != want {
			t.Errorf("%s: detect %s, circuit.Detect %s", rel, got, want)
		}
	}
}

// TestFavor: --ours, --theirs and --base settle every conflict, the
// validation ones included, and say so.
func TestFavor(t *testing.T) {
	base := readFixture(t, "amp.circuit.json")
	const f = "amp.circuit.json"
	ours := set(t, f, base, P("components", id("R5"), "value"), `"4.7k"`)
	theirs := set(t, f, base, P("components", id("R5"), "value"), `"22k"`)
	for _, c := range []struct {
		favor Favor
		value string
	}{{FavorOurs, "4.7k"}, {FavorTheirs, "22k"}, {FavorBase, "10k"}} {
		r := mustMerge(t, f, base, ours, theirs, Options{Favor: c.favor})
		if len(r.Open()) != 0 || len(r.Conflicts) != 1 || r.Conflicts[0].Resolved == "" {
			t.Fatalf("favor %d: conflicts %v", c.favor, r.Conflicts)
		}
		if got := valueAt(t, r.Data, nativeShape, P("components", id("R5"), "value")).String(); got != c.value {
			t.Errorf("favor %d: R5 = %s, want %s", c.favor, got, c.value)
		}
	}
	// A pin on two nets: theirs' version of the net wins.
	ours = set(t, f, base, P("nets", id("FB"), "connections", id("R10.1")), "")
	ours = set(t, f, ours, P("nets", id("OUT"), "connections", id("R10.1")), `"R10.1"`)
	theirs = set(t, f, base, P("nets", id("FB"), "connections", id("R10.1")), "")
	theirs = set(t, f, theirs, P("nets", id("VMID"), "connections", id("R10.1")), `"R10.1"`)
	r := mustMerge(t, f, base, ours, theirs, Options{Favor: FavorTheirs})
	if len(r.Open()) != 0 || len(r.Conflicts) != 1 || r.Conflicts[0].Kind != Invalid {
		t.Fatalf("conflicts: %v", r.Conflicts)
	}
	if got := valueAt(t, r.Data, nativeShape, P("nets", id("OUT"))).Raw(); strings.Contains(string(got), "R10.1") {
		t.Errorf("net OUT still holds R10.1: %s", got)
	}
}

// TestResolve: every side of a conflict can be chosen, for a whole item,
// a property and a group of members, and the file's layout is kept.
func TestResolve(t *testing.T) {
	base := readFixture(t, "divider.json")
	const f = "divider.json"
	value := func(ohms, shown string) []byte {
		out := set(t, f, base, P(id("source_component_1"), "resistance"), ohms)
		return set(t, f, out, P(id("source_component_1"), "display_resistance"), `"`+shown+`"`)
	}
	ours, theirs := value("2200", "2.2kΩ"), value("1000", "1kΩ")
	r := mustMerge(t, f, base, ours, theirs)
	if len(r.Conflicts) != 1 || r.Conflicts[0].String() != "R2 resistance: base 4.7kΩ, ours 2.2kΩ, theirs 1kΩ" {
		t.Fatalf("conflicts:%s", openConflicts(r))
	}
	c := r.Conflicts[0]
	for side, want := range map[string][]byte{"base": base, "ours": ours, "theirs": theirs} {
		got, err := Resolve(f, r.Data, c, side)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("resolved with %s:\n%s\nwant:\n%s", side, got, want)
		}
	}
	if _, err := Resolve(f, r.Data, c, "mine"); err == nil {
		t.Error("unknown side accepted")
	}
	gone := &Conflict{Path: P(id("source_component_9"), "name"), Ours: json.RawMessage(`"R9"`)}
	if _, err := Resolve(f, r.Data, gone, "ours"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a place no longer in the file: %v", err)
	}
}

// TestReportRoundTrip: a conflict written to a report and read back
// resolves the same way.
func TestReportRoundTrip(t *testing.T) {
	c := &Conflict{Kind: Changed, Item: "R5", Property: "value",
		Path: Path{keyStep("components"), {Key: "R5", ID: true, Label: "id"}, keyStep("value")}, Base: json.RawMessage(`"10k"`), Ours: json.RawMessage(`"4.7k"`), Theirs: json.RawMessage(`"22k"`)}
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"text":"$.components[id=R5].value"`) {
		t.Errorf("report entry has no readable path: %s", data)
	}
	var back Conflict
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Path.String() != "$.components[id=R5].value" || string(back.Theirs) != `"22k"` || back.String() != c.String() {
		t.Errorf("read back %+v", back)
	}
}
