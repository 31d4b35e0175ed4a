package objects

import (
	"fmt"
	"io"
	"sync"

	"github.com/circuitvc/circuitvc/fsx"
)

// Staged is an object whose loose temp file is being written in the
// background: compressed, written and fsynced, but not yet linked into
// place, so nothing in the store refers to it or can see it. A caller
// that must do other work before it may store the object (save
// validates the file first) overlaps the compression and the fsync with
// that work, then hands the object to WriteMany with Object.Staged set,
// or calls Discard.
type Staged struct {
	hash Hash
	done chan struct{}
	mu   sync.Mutex
	pf   *fsx.PendingFile
	err  error
	// taken is set once WriteMany or Discard has the temp file.
	taken bool
}

// Stage starts writing the temp file of an object whose hash h the
// caller has computed (WriteMany checks it is o's when it uses the
// temp file: a mismatch writes o afresh).
func (s *Store) Stage(t Type, data []byte, h Hash) *Staged {
	st := &Staged{hash: h, done: make(chan struct{})}
	go func() {
		defer close(st.done)
		pf, err := s.writeTemp(func(zw io.Writer) error {
			if _, err := zw.Write(header(t, int64(len(data)))); err != nil {
				return err
			}
			_, err := zw.Write(data)
			return err
		})
		st.mu.Lock()
		st.pf, st.err = pf, err
		st.mu.Unlock()
	}()
	return st
}

// take waits for the temp file and hands it over once; ok is false when
// it was already taken.
func (st *Staged) take() (pf *fsx.PendingFile, ok bool, err error) {
	<-st.done
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.taken {
		return nil, false, nil
	}
	st.taken = true
	return st.pf, true, st.err
}

// Discard waits for the background write and removes the temp file
// unless WriteMany used it. It is safe to call more than once and after
// WriteMany.
func (st *Staged) Discard() error {
	if st == nil {
		return nil
	}
	pf, ok, _ := st.take()
	if ok && pf != nil {
		if err := pf.Cleanup(); err != nil {
			return fmt.Errorf("objects: discard staged %s: %w", st.hash, err)
		}
	}
	return nil
}

// staged returns o's staged temp file when there is one for hash h,
// nil otherwise (the caller then writes one).
func staged(o Object, h Hash) (*fsx.PendingFile, error) {
	if o.Staged == nil || o.Staged.hash != h {
		return nil, nil
	}
	pf, ok, err := o.Staged.take()
	if !ok {
		return nil, nil
	}
	return pf, err
}
