package circuit

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Quantity is an electrical value read from text: 4.7kΩ, 4k7, 100nF,
// 1µF, 3.3V, 10%. Value is in base units (4700 for 4k7); Unit is the
// canonical unit (Ω, F, H, V, A, Hz, W, %, s, m, in, deg) or "" when
// the text names none (10k).
type Quantity struct {
	Value float64
	Unit  string
}

// siPrefixes maps a prefix to its power of ten. Both the micro sign
// (U+00B5), the Greek mu (U+03BC) and u mean micro; K is accepted for k.
var siPrefixes = map[string]float64{
	"p": 1e-12, "n": 1e-9, "u": 1e-6, "µ": 1e-6, "μ": 1e-6, "m": 1e-3,
	"k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
}

// unitNames maps the spellings of a unit to its canonical form.
var unitNames = map[string]string{
	"\u2126": "Ω", "\u03a9": "Ω", "ohm": "Ω", "ohms": "Ω", "Ohm": "Ω", "R": "Ω", "r": "Ω",
	"F": "F", "f": "F", "H": "H", "h": "H", "V": "V", "v": "V", "A": "A", "Hz": "Hz", "hz": "Hz", "HZ": "Hz",
	"W": "W", "%": "%", "s": "s", "m": "m", "mm": "m", "in": "in", "mil": "mil", "deg": "deg", "°": "deg",
}

// ParseQuantity reads an electrical value: a number, an optional SI
// prefix (p n u µ m k M G T), an optional unit (Ω or ohm, F, H, V, A,
// Hz, W, %, s, m, in, mil, deg), or R-notation where the prefix or R
// stands for the decimal point (4k7 = 4.7k, 4R7 = 4.7Ω, 2u2 = 2.2u).
// Spaces between number and unit are allowed. It reports false for text
// that is not a quantity ("red", "LM358", "NaNpΩ").
func ParseQuantity(s string) (Quantity, bool) {
	s = strings.TrimSpace(s)
	i := numberPrefix(s)
	if i == 0 {
		return Quantity{}, false
	}
	num, err := strconv.ParseFloat(s[:i], 64)
	if err != nil || math.IsInf(num, 0) || math.IsNaN(num) {
		return Quantity{}, false
	}
	rest := strings.TrimSpace(s[i:])
	// R-notation: a prefix or R between digits is the decimal point.
	if j := digitsAfterMarker(rest); j > 0 && !strings.ContainsAny(s[:i], ".eE") {
		r, size := utf8.DecodeRuneInString(rest)
		marker := string(r)
		frac := rest[size : size+j]
		v, err := strconv.ParseFloat(s[:i]+"."+frac, 64)
		if err != nil {
			return Quantity{}, false
		}
		rest = rest[size+j:]
		if marker == "R" || marker == "r" {
			return withUnit(v, "Ω", rest)
		}
		return withUnit(v*siPrefixes[marker], "", rest)
	}
	if rest == "" {
		return Quantity{Value: num}, true
	}
	if u, ok := unitNames[rest]; ok && !(rest == "m" || rest == "M") {
		if rest == "mm" {
			return Quantity{Value: num * 1e-3, Unit: "m"}, true
		}
		return Quantity{Value: num, Unit: u}, true
	}
	r, size := utf8.DecodeRuneInString(rest)
	if mult, ok := siPrefixes[string(r)]; ok {
		return withUnit(num*mult, "", rest[size:])
	}
	return Quantity{}, false
}

// withUnit finishes a quantity whose number is read: rest must be empty
// or a unit (which must agree with unit when that is set).
func withUnit(v float64, unit, rest string) (Quantity, bool) {
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return Quantity{Value: v, Unit: unit}, true
	}
	u, ok := unitNames[rest]
	if !ok || (unit != "" && u != unit) || rest == "R" || rest == "r" {
		return Quantity{}, false
	}
	return Quantity{Value: v, Unit: u}, true
}

// numberPrefix returns the length of the decimal number at the start of
// s (sign, digits, fraction, exponent).
func numberPrefix(s string) int {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	start := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i == start || (i == start+1 && s[start] == '.') {
		return 0
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '-' || s[j] == '+') {
			j++
		}
		k := j
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if k > j {
			i = k
		}
	}
	return i
}

// digitsAfterMarker returns how many digits follow a leading prefix
// letter or R in rest ("k7" → 1), or 0 when rest is not R-notation.
func digitsAfterMarker(rest string) int {
	r, size := utf8.DecodeRuneInString(rest)
	if _, ok := siPrefixes[string(r)]; !ok && r != 'R' && r != 'r' {
		return 0
	}
	j := 0
	for size+j < len(rest) && isDigit(rest[size+j]) {
		j++
	}
	return j
}

// Equal reports whether two quantities are the same amount: values
// equal to 9 significant digits, and units equal unless one is unstated
// (10k equals 10kΩ).
func (q Quantity) Equal(o Quantity) bool {
	if q.Unit != "" && o.Unit != "" && q.Unit != o.Unit {
		return false
	}
	return closeTo(q.Value, o.Value, 1e-9)
}

func closeTo(a, b, rel float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))
}

// String writes the quantity with an SI prefix: 4.7kΩ, 100nF.
func (q Quantity) String() string {
	return siFormat(q.Value) + q.Unit
}

// key is the quantity in a canonical spelling for grouping, with unit
// standing in for an unstated one.
func (q Quantity) key(unit string) string {
	if q.Unit != "" {
		unit = q.Unit
	}
	return strconv.FormatFloat(roundSig(q.Value), 'g', -1, 64) + unit
}
