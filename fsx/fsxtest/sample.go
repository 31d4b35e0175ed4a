package fsxtest

import "testing"

// Sampled reports whether a test that enumerates fault or crash points
// (FaultFS.FailAt(n), CrashFS.CrashAfter(n)) runs point n: every point,
// except under go test -short, where the first two (0 and 1, for loops
// counting from either) and about one in sixteen of the rest do. The sample
// is spread without a period, so it does not keep hitting the same step
// of an operation that repeats every few calls. The enumerations stay
// whole in an ordinary run; -short keeps them cheap where every call is
// slower, as under the race detector.
func Sampled(n int) bool {
	if !testing.Short() || n <= 1 {
		return true
	}
	// The top bits of a Weyl sequence are evenly spread and aperiodic.
	return uint64(n)*0x9e3779b97f4a7c15>>60 == 0
}
