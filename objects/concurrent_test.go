package objects

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/go-git/go-git/v5/plumbing"
)

// TestConcurrentUse runs writers and readers on one Store, and a second
// Store (another process) that packs everything meanwhile; run with -race.
func TestConcurrentUse(t *testing.T) {
	s, dir := newStore(t)
	base := writeHistory(t, s, 20, circuitVersion)
	other, err := Open(fsx.OS(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				data := []byte(fmt.Sprintf("goroutine %d object %d", g, i))
				h, err := s.Write(plumbing.BlobObject, data)
				if err != nil {
					errs <- err
					return
				}
				if _, got, err := s.Read(h); err != nil || string(got) != string(data) {
					errs <- fmt.Errorf("read back %s: %v", h, err)
					return
				}
				if _, err := s.ReadCommit(base[i%len(base)]); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 2 {
			if _, err := other.Pack(context.Background(), PackOptions{All: true}); err != nil {
				errs <- fmt.Errorf("pack: %w", err)
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st, err := s.Verify(context.Background(), func(p Problem) { t.Errorf("problem: %v", p) })
	if err != nil || st.Objects() < 160 {
		t.Fatalf("Verify = %+v, %v", st, err)
	}
}
