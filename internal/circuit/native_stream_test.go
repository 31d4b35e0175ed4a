package circuit

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// TestNativeStreamMatchesTree: reading a native file straight from the
// bytes (Parse) gives the model the document tree gives (Validate's
// way), on the spellings the fast paths must not get wrong: escapes,
// whitespace inside lists, values of the wrong type, repeated keys,
// connections that are not "REF.PIN", and empty and absent lists.
func TestNativeStreamMatchesTree(t *testing.T) {
	for name, doc := range map[string]string{
		"escapes": `{"components": [{"id": "R\u0031", "type": "res\"istor", "value": "1\u00b5F", "pins": ["\u0031", 2]},
			{"id": "C1", "pins": [ "1" , "2" ]}],
			"nets": [{"name": "N\u0031", "connections": ["R\u0031.1", "C1.\u0032"]}]}`,
		"whitespace": "{ \"components\" : [ { \"id\" : \"U1\" , \"pins\" : [ \"1\" ,\n\t\"2\" ] , \"position\" : { \"x\" : 1.5 , \"y\" : -2 } } ] ,\n" +
			" \"nets\" : [ { \"name\" : \"GND\" , \"connections\" : [ \"U1.1\" ,\r\n \"U1.2\" ] } ] }",
		"wrong types": `{"components": [{"id": "R1", "type": 7, "value": true, "footprint": null, "pins": "1 2", "position": [1, 2]},
			{"id": "R2", "mpn": ["x"], "pins": [null, "", 3, {"a": 1}], "position": {"x": "1", "y": 2}}],
			"nets": [{"name": "A", "connections": [1, "R1", "R1.", ".1", "R1.1", null, "R2.3"]}, {"name": "B", "connections": "R1.2"}]}`,
		"repeated keys": `{"components": [{"id": "R1", "id": "R9", "value": "1k", "value": "2k", "pins": ["1"], "pins": ["2"]}],
			"nets": [{"name": "A", "name": "B", "connections": ["R1.1"]}]}`,
		// The last "connections" counts, as in encoding/json, also
		// when it is no list.
		"repeated connections": `{"components": [{"id": "R1", "pins": ["1", "2"]}],
			"nets": [{"name": "A", "connections": ["R9.1"], "connections": ["R1.1", "R1.2"]},
			{"name": "B", "connections": ["R1.2"], "connections": "R1.1"}]}`,
		"empty lists": `{"components": [{"id": "R1", "pins": []}, {"id": "R2"}], "nets": []}`,
		"no nets":     `{"components": [{"id": "R1", "pins": ["1", "2"], "properties": {"a": {"b": 1}}}]}`,
		"duplicates": `{"components": [{"id": "R1", "value": "1k"}, {"id": "R1", "value": "2k"}],
			"nets": [{"name": "A", "connections": ["R1.2"]}, {"name": "A", "connections": ["R1.1", "R1.2"]}]}`,
	} {
		data := []byte(doc)
		stream, _, ok := decodeNativeStream(data, &errorSink{file: name, data: data})
		if !ok || stream == nil {
			t.Errorf("%s: not read from the bytes", name)
			continue
		}
		root, err := parseJSON(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		tree, _ := decodeNative(&root, &errorSink{file: name, data: data})
		stream.normalise()
		tree.normalise()
		if !reflect.DeepEqual(stream.Components, tree.Components) {
			t.Errorf("%s: components\n from the bytes %+v\n from the tree  %+v", name, stream.Components, tree.Components)
		}
		if got, want := netsText(stream.Nets), netsText(tree.Nets); got != want {
			t.Errorf("%s: nets\n from the bytes %s\n from the tree  %s", name, got, want)
		}
	}
}

func netsText(nets []*Net) string {
	s := ""
	for _, n := range nets {
		s += fmt.Sprintf("%+v ", *n)
	}
	return s
}

// TestRepeatedConnectionsLastWins: a net whose "connections" key appears
// twice has the pins of the last one, whether it is read for a diff
// (Parse) or checked (Check), and validation looks at those pins only:
// the first list's pin on a missing part is no finding.
func TestRepeatedConnectionsLastWins(t *testing.T) {
	data := []byte(`{"version": "1", "components": [{"id": "R1", "type": "resistor", "pins": ["1", "2"]}],
		"nets": [{"name": "A", "connections": ["R9.1"], "connections": ["R1.1", "R1.2"]}]}`)
	parsed, err := Parse("a.circuit.json", data)
	if err != nil {
		t.Fatal(err)
	}
	checked, findings := Check("a.circuit.json", data, ValidateOptions{})
	if checked == nil {
		t.Fatalf("not checked: %v", findings)
	}
	for _, c := range []*Circuit{parsed, checked} {
		if got := netsText(c.Nets); got != netsText([]*Net{{Name: "A", Pins: []string{"R1.1", "R1.2"}}}) {
			t.Errorf("nets %s, want A with the last list", got)
		}
	}
	for _, f := range findings {
		if strings.Contains(f.Error(), "R9") {
			t.Errorf("finding about the first list: %v", f)
		}
	}
}
