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

// TestScanTsSchemaMatchesDecode: the loader that keeps each type's
// variants undecoded until first use reads the same definitions.
func TestScanTsSchemaMatchesDecode(t *testing.T) {
	want, err := decodeTsSchema(tscircuitSchemaJSON)
	if err != nil {
		t.Fatal(err)
	}
	got, err := scanTsSchema(tscircuitSchemaJSON)
	if err != nil {
		t.Fatal(err)
	}
	if got.Package != want.Package || got.Version != want.Version || len(got.Elements) != len(want.Elements) {
		t.Fatalf("got %s@%s with %d types, want %s@%s with %d", got.Package, got.Version, len(got.Elements),
			want.Package, want.Version, len(want.Elements))
	}
	for typ, w := range want.Elements {
		g := got.Elements[typ]
		if g == nil {
			t.Errorf("type %s missing", typ)
			continue
		}
		vs, err := decodeVariants(g.raw)
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		if g.ID != w.ID || !reflect.DeepEqual(g.Refs, w.Refs) || !reflect.DeepEqual(vs, w.Variants) {
			t.Errorf("type %s differs", typ)
		}
	}
	if _, err := scanTsSchema([]byte(`{"elements": {"x": {"variants": [], "other": 1}}}`)); err == nil {
		t.Error("unknown key in an element type accepted")
	}
}
