package fsx_test

import (
	"errors"
	"io/fs"
	"os"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
)

// content reads name from m: its bytes, or "<missing>".
func content(t *testing.T, m fsx.FS, name string) string {
	t.Helper()
	b, err := fsx.ReadFile(m, name)
	if errors.Is(err, fs.ErrNotExist) {
		return "<missing>"
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustDo(t *testing.T, errs ...error) {
	t.Helper()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// wantErr checks that err is target (errors.Is) and, when op is not
// empty, that it is an *fs.PathError or *os.LinkError with that Op, as
// package os returns.
func wantErr(t *testing.T, err, target error, op string) {
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
