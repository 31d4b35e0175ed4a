package circuit

import "testing"

// TestNaturalCompareAgreesWithRunByRun checks the shortcuts of
// naturalCompare against the run-by-run comparison on every pair of
// short strings over letters, dots, a dash and digits including zeros.
func TestNaturalCompareAgreesWithRunByRun(t *testing.T) {
	alphabet := []byte("R.-019")
	var all []string
	var grow func(prefix []byte)
	grow = func(prefix []byte) {
		all = append(all, string(prefix))
		if len(prefix) == 4 {
			return
		}
		for _, c := range alphabet {
			grow(append(prefix, c))
		}
	}
	grow(nil)
	all = append(all, "R10", "R9", "C57123", "C9419", "U1.10", "U1.8", "N181036", "GND", "R007", "R7", "R0", "")
	for _, a := range all {
		for _, b := range all {
			want := 0
			switch {
			case a == b:
			case naturalLessSlow(a, b):
				want = -1
			default:
				want = 1
			}
			if got := naturalCompare(a, b); got != want {
				t.Fatalf("naturalCompare(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
}
