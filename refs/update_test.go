package refs

import (
	"errors"
	"testing"

	"github.com/circuitvc/circuitvc/objects"
)

func TestUpdateCAS(t *testing.T) {
	s, _ := newStore(t, Options{})
	h := fakeHashes(3)
	steps := []struct {
		name     string
		ref      string
		old, new objects.Hash
		wantErr  error
		want     objects.Hash // value of ref afterwards
	}{
		{"create", HEAD, objects.ZeroHash, h[0], nil, h[0]},
		{"create again", Main, objects.ZeroHash, h[1], ErrConflict, h[0]},
		{"wrong old", HEAD, h[1], h[2], ErrConflict, h[0]},
		{"right old", HEAD, h[0], h[1], nil, h[1]},
		{"direct", Main, h[1], h[2], nil, h[2]},
		{"backup create", Backup, objects.ZeroHash, h[0], nil, h[0]},
	}
	for _, st := range steps {
		err := s.Update(bg, st.ref, st.old, st.new, sig(), st.name)
		if !errors.Is(err, st.wantErr) || (st.wantErr == nil) != (err == nil) {
			t.Fatalf("%s: err = %v, want %v", st.name, err, st.wantErr)
		}
		got, err := s.Read(st.ref)
		if err != nil || got != st.want {
			t.Fatalf("%s: Read = %s, %v; want %s", st.name, got, err, st.want)
		}
	}
}
