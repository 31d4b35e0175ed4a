package circuit

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestDecodeTsSchemaMatchesEncodingJSON: the hand-written decoder of the
// embedded definitions reads exactly what encoding/json reads.
func TestDecodeTsSchemaMatchesEncodingJSON(t *testing.T) {
	var want tsSchema
	if err := json.Unmarshal(tscircuitSchemaJSON, &want); err != nil {
		t.Fatal(err)
	}
	got, err := decodeTsSchema(tscircuitSchemaJSON)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Elements) < 100 {
		t.Fatalf("only %d element types decoded", len(got.Elements))
	}
	if !reflect.DeepEqual(*got, want) {
		for typ, e := range want.Elements {
			if !reflect.DeepEqual(got.Elements[typ], e) {
				t.Errorf("element %s differs", typ)
			}
		}
		t.Fatalf("decoded definitions differ (package %q/%q, version %q/%q)", got.Package, want.Package, got.Version, want.Version)
	}
}

// TestDecodeTsSchemaStrict: what the decoder does not know is an error,
// not silently dropped.
func TestDecodeTsSchemaStrict(t *testing.T) {
	for _, bad := range []string{
		`{"elements": {"x": {"variants": [{"fields": {"a": {"kinds": ["string"], "requird": true}}}]}}}`,
		`{"elements": {"x": {"variants": [{"fields": {"a": {"kinds": "string"}}}]}}}`,
		`{"elements": {"x": {"id": 3}}}`,
		`{"elements": [], "package": "p"}`,
		`{"version": "1", "extra": 1}`,
		`{"elements": {"x": {"variants": [{"fields": {"a": {"enum": [{"o": 1}]}}}]}}}`,
	} {
		if _, err := decodeTsSchema([]byte(bad)); err == nil {
			t.Errorf("decodeTsSchema(%s) = nil error", bad)
		}
	}
}
