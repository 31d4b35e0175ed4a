package worktree

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"syscall"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/internal/circuit"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

func TestKindOf(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("circuitvc: doing something: %w", err) }
	tests := []struct {
		err  error
		want Kind
	}{
		{nil, Other},
		{errors.New("something else"), Other},
		{context.Canceled, Other},
		{&TagError{Name: "v1", Err: ErrBadTagName}, Refused},
		{&TagError{Name: "v1", Err: ErrTagExists}, Refused},
		{&PartialRestoreError{Err: syscall.EIO, UndoErr: syscall.EIO}, Partial},
		{wrap(&ValidationError{}), Invalid},
		{wrap(circuit.ErrSyntax), Invalid},
		{wrap(circuit.ErrNotCircuit), Invalid},
		{&fs.PathError{Op: "lock", Path: "x", Err: fsx.ErrLocked}, Busy},
		{wrap(&refs.LockedError{Ref: refs.Main, Path: "main.lock"}), Busy},
		{wrap(&refs.ConflictError{Ref: refs.Main}), Busy},
		{wrap(ErrNotRepo), NotRepo},
		{&RevisionError{Rev: "v9", Err: ErrRevisionNotFound}, UnknownRevision},
		{&TagError{Name: "v9", Err: ErrNoSuchTag}, UnknownRevision},
		{&PathError{Path: "a.json", Rev: "v1", Err: ErrPathNotFound}, NoSuchFile},
		{&fs.PathError{Op: "open", Path: "a.json", Err: fs.ErrNotExist}, NoSuchFile},
		{&DamagedError{Path: "HEAD", What: "missing"}, Damaged},
		{wrap(&objects.CorruptError{Path: "objects/ab/cd", Err: errors.New("zlib")}), Damaged},
		{wrap(objects.ErrNotFound), Damaged},
		{wrap(&refs.CorruptError{Ref: refs.Main, Err: errors.New("garbage")}), Damaged},
		{&fs.PathError{Op: "write", Path: "a.json", Err: syscall.ENOSPC}, FileSystem},
		{wrap(syscall.EROFS), FileSystem},
		{&fs.PathError{Op: "open", Path: "a.json", Err: syscall.EACCES}, FileSystem},
	}
	for _, tt := range tests {
		if got := KindOf(tt.err); got != tt.want {
			t.Errorf("KindOf(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
