package draw

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Format is a circuit file format that can be drawn.
type Format string

// Formats.
const (
	Native    Format = "native"
	Wokwi     Format = "wokwi"
	Tscircuit Format = "tscircuit"
)

// ErrNotCircuit is wrapped by Parse's error for input that is not a
// drawable circuit file (not JSON, or JSON of another shape).
var ErrNotCircuit = errors.New("not a circuit file that can be drawn")

// ViewError reports a view that a drawing does not have.
type ViewError struct {
	File, View string
	Have       []string
}

func (e *ViewError) Error() string {
	if len(e.Have) == 0 {
		return fmt.Sprintf("draw %s: nothing to draw", e.File)
	}
	return fmt.Sprintf("draw %s: no %s view (it has %s)", e.File, e.View, strings.Join(e.Have, ", "))
}

// Options tune Parse.
type Options struct {
	// Detail is the number of components above which a native drawing
	// is simplified: components become plain boxes merged into one
	// path when unchanged, and unchanged nets are not drawn. Zero means
	// DefaultDetail.
	Detail int
}

// DefaultDetail is the component count above which native drawings are
// simplified.
const DefaultDetail = 3000

// Parse draws a circuit file. The format is told from the content:
// a JSON array is tscircuit Circuit JSON, an object with "parts" a
// Wokwi diagram, an object with "components" the native format. Errors
// name the file and wrap ErrNotCircuit or the JSON error.
func Parse(name string, data []byte, opt Options) (*Drawing, error) {
	if opt.Detail <= 0 {
		opt.Detail = DefaultDetail
	}
	trim := bytes.TrimLeft(data, " \t\r\n\ufeff")
	var (
		d   *Drawing
		err error
	)
	switch {
	case len(trim) > 0 && trim[0] == '[':
		var elems []obj
		if err = json.Unmarshal(data, &elems); err == nil {
			d, err = drawTscircuit(elems)
		}
	case len(trim) > 0 && trim[0] == '{':
		// One decoding for both object formats: a Wokwi diagram has
		// "parts", a native circuit "components".
		var doc objectFile
		if err = json.Unmarshal(data, &doc); err != nil {
			break
		}
		switch {
		case doc.Parts != nil:
			d = drawWokwi(doc.Parts, doc.Connections)
		case doc.Components != nil:
			d = drawNative(&doc.nativeFile, opt)
		default:
			err = fmt.Errorf("%w: a JSON object with neither \"parts\" nor \"components\"", ErrNotCircuit)
		}
	case len(trim) > 0 && trim[0] == '(':
		err = fmt.Errorf("%w: a KiCad file (only tscircuit, Wokwi and native circuits are drawn)", ErrNotCircuit)
	default:
		err = fmt.Errorf("%w: not JSON", ErrNotCircuit)
	}
	if err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		if errors.As(err, &syn) || errors.As(err, &typ) {
			err = fmt.Errorf("%w: %w", ErrNotCircuit, err)
		}
		return nil, fmt.Errorf("draw %s: %w", name, err)
	}
	d.Name = name
	return d, nil
}

// objectFile is a circuit file that is a JSON object.
type objectFile struct {
	Parts       []obj   `json:"parts"`
	Connections [][]any `json:"connections"`
	nativeFile
}

// obj is one decoded JSON object, read leniently: a missing or
// mistyped field reads as its zero value, so odd files still draw.
type obj map[string]any

func (o obj) str(k string) string {
	switch v := o[k].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return ""
}

func (o obj) num(k string) float64 {
	f, _ := o[k].(float64)
	return f
}

func (o obj) has(k string) bool {
	_, ok := o[k].(float64)
	return ok
}

func (o obj) obj(k string) obj {
	m, _ := o[k].(map[string]any)
	return m
}

func (o obj) list(k string) []any {
	l, _ := o[k].([]any)
	return l
}

// pt reads {"x": …, "y": …} at key k.
func (o obj) pt(k string) (Point, bool) {
	m := o.obj(k)
	if m == nil || !m.has("x") || !m.has("y") {
		return Point{}, false
	}
	return Point{m.num("x"), m.num("y")}, true
}

func asObj(v any) obj {
	m, _ := v.(map[string]any)
	return m
}

// naturalLess orders strings so that runs of digits compare by value
// (R2 < R10), falling back to byte order.
func naturalLess(a, b string) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			na := strings.TrimLeft(a[si:i], "0")
			nb := strings.TrimLeft(b[sj:j], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			continue
		}
		if ca != cb {
			return ca < cb
		}
		i++
		j++
	}
	if len(a)-i != len(b)-j {
		return len(a)-i < len(b)-j
	}
	return a < b
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func naturalCompare(a, b string) int {
	switch {
	case a == b:
		return 0
	case naturalLess(a, b):
		return -1
	}
	return 1
}

// unionFind joins string tokens into groups.
type unionFind struct {
	parent map[string]string
}

func newUnionFind() *unionFind { return &unionFind{parent: map[string]string{}} }

func (u *unionFind) add(t string) {
	if _, ok := u.parent[t]; !ok {
		u.parent[t] = t
	}
}

func (u *unionFind) find(t string) (string, bool) {
	p, ok := u.parent[t]
	if !ok {
		return "", false
	}
	for p != t {
		gp := u.parent[p]
		u.parent[t] = gp
		t, p = p, gp
	}
	return t, true
}

func (u *unionFind) union(a, b string) {
	u.add(a)
	u.add(b)
	ra, _ := u.find(a)
	rb, _ := u.find(b)
	if ra != rb {
		if rb < ra {
			ra, rb = rb, ra
		}
		u.parent[rb] = ra
	}
}
