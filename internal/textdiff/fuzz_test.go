package textdiff

import (
	"bytes"
	"io"
	"testing"
)

// FuzzLineOps checks that the edit script rebuilds both inputs exactly
// and that rendering never fails or panics.
func FuzzLineOps(f *testing.F) {
	f.Add([]byte("a\nb\nc\n"), []byte("a\nB\nc"))
	f.Add([]byte(""), []byte("x\r\n"))
	f.Add([]byte("\xff\n\n\n"), []byte("\n\xff\n"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		ops := lineOps(a, b)
		if got := rebuild(ops, opInsert); got != string(a) {
			t.Fatalf("old side rebuilt as %q, want %q", got, a)
		}
		if got := rebuild(ops, opDelete); got != string(b) {
			t.Fatalf("new side rebuilt as %q, want %q", got, b)
		}
		changed, err := Unified(io.Discard, "a", "b", a, b, 3)
		if err != nil || changed == bytes.Equal(a, b) {
			t.Fatalf("Unified = %v, %v", changed, err)
		}
	})
}
