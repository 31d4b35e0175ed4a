package jsonschema

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// compiledAtInit records whether package init compiled the metaschemas
// (this file's init runs after draft.go's: files initialise in name order).
var compiledAtInit bool

func init() { compiledAtInit = Draft2020.sch != nil }

// TestMetaschemasOnFirstUse checks the one change of this copy: the
// metaschemas are compiled on first use, not in package init, and first
// use from many goroutines at once still validates every draft's schemas
// against their metaschema (run under -race by scripts/test.sh).
func TestMetaschemasOnFirstUse(t *testing.T) {
	if compiledAtInit {
		t.Error("the metaschemas were compiled in package init; every program linking this package pays for them at start-up")
	}
	drafts := []string{
		"http://json-schema.org/draft-04/schema#",
		"http://json-schema.org/draft-06/schema#",
		"http://json-schema.org/draft-07/schema#",
		"https://json-schema.org/draft/2019-09/schema",
		"https://json-schema.org/draft/2020-12/schema",
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(drafts))
	for i, d := range drafts {
		for _, bad := range []bool{false, true} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- compileOne(fmt.Sprintf("mem://s%d-%v.json", i, bad), d, bad)
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// compileOne compiles a schema of the given draft: with bad, one whose
// "type" is a number, which only its metaschema rejects.
func compileOne(url, draft string, bad bool) error {
	typ := `"integer"`
	if bad {
		typ = `7`
	}
	doc, err := UnmarshalJSON(strings.NewReader(`{"$schema": "` + draft + `", "type": ` + typ + `}`))
	if err != nil {
		return err
	}
	c := NewCompiler()
	if err := c.AddResource(url, doc); err != nil {
		return err
	}
	sch, err := c.Compile(url)
	if bad {
		if _, ok := err.(*SchemaValidationError); !ok {
			return fmt.Errorf("%s: schema with a numeric type: got %v, want a SchemaValidationError", draft, err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %v", draft, err)
	}
	if err := sch.Validate(1); err != nil {
		return fmt.Errorf("%s: 1 against type integer: %v", draft, err)
	}
	if err := sch.Validate("x"); err == nil {
		return fmt.Errorf("%s: \"x\" against type integer: valid, want an error", draft)
	}
	return nil
}
