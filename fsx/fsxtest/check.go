package fsxtest

import (
	"errors"
	"io/fs"
	"os"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
)

// Content returns the bytes of name in fsys as a string, or "<missing>"
// when it does not exist; any other error fails the test.
func Content(t testing.TB, fsys fsx.FS, name string) string {
	t.Helper()
	b, err := fsx.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return "<missing>"
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// WantErr fails the test unless err is target (errors.Is) and, when op
// is not empty, an *fs.PathError or *os.LinkError with that Op, as
// package os returns: the shape an FS implementation's errors must have.
func WantErr(t testing.TB, err, target error, op string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("err = %v, want %v", err, target)
	}
	if op == "" {
		return
	}
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		if pe.Op != op {
			t.Fatalf("err = %#v, want Op %q", pe, op)
		}
	case errors.As(err, &le):
		if le.Op != op {
			t.Fatalf("err = %#v, want Op %q", le, op)
		}
	default:
		t.Fatalf("err = %T %v, want *fs.PathError or *os.LinkError", err, err)
	}
}
