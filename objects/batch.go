package objects

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/circuitvc/circuitvc/fsx"
)

// Object is one object for WriteMany.
type Object struct {
	Type Type
	Data []byte
	// Hash, when not zero, must be HashObject(Type, Data): a caller that
	// already hashed the bytes saves hashing them again.
	Hash Hash
	// Staged, when set, is this object's temp file already being
	// written (Store.Stage): WriteMany uses it instead of writing one,
	// and removes it when the object turns out to be stored already.
	Staged *Staged
}

// maxParallelWrites bounds the temp files written at once by WriteMany.
const maxParallelWrites = 16

// WriteMany stores several objects, waiting on the disk once per phase
// instead of once per object: every new object's temp file is written and
// fsynced concurrently, then each is linked into place, then the
// directories that received them are fsynced concurrently. It returns the
// hashes in order. The guarantee is Write's: when it returns nil, every
// object is on stable storage; on error some may be, which is harmless
// because nothing refers to them yet.
func (s *Store) WriteMany(objs []Object) ([]Hash, error) {
	// Staged temp files not used below (the object is stored already)
	// are removed; Discard after a take is a no-op.
	defer func() {
		for _, o := range objs {
			_ = o.Staged.Discard()
		}
	}()
	hashes := make([]Hash, len(objs))
	var todo []int
	seen := map[Hash]bool{}
	for i, o := range objs {
		h, err := s.hashFor(o)
		if err != nil {
			return nil, err
		}
		hashes[i] = h
		if seen[h] {
			continue
		}
		seen[h] = true
		if ok, err := s.hasNoRescan(h); err != nil {
			return nil, err
		} else if !ok || s.looseDamaged(h) {
			todo = append(todo, i) // a damaged loose copy is replaced, as by Write
		}
	}
	pfs := make([]*fsx.PendingFile, len(objs))
	err := parallel(len(todo), func(k int) error {
		i := todo[k]
		if pf, err := staged(objs[i], hashes[i]); pf != nil || err != nil {
			if err != nil {
				return fmt.Errorf("objects: write %s: %w", hashes[i], err)
			}
			pfs[i] = pf
			return nil
		}
		pf, err := s.writeTemp(func(zw io.Writer) error {
			if _, err := zw.Write(header(objs[i].Type, int64(len(objs[i].Data)))); err != nil {
				return err
			}
			_, err := zw.Write(objs[i].Data)
			return err
		})
		if err != nil {
			return fmt.Errorf("objects: write %s: %w", hashes[i], err)
		}
		pfs[i] = pf
		return nil
	})
	if err != nil {
		for _, i := range todo {
			if pfs[i] != nil {
				_ = pfs[i].Cleanup()
			}
		}
		return nil, err
	}
	return hashes, s.placeAll(todo, pfs, hashes)
}

// hashFor hashes o unless the caller did, refusing bad types and
// collision attacks as Write does.
func (s *Store) hashFor(o Object) (Hash, error) {
	if !validType(o.Type) {
		return ZeroHash, fmt.Errorf("objects: write: invalid object type %v", o.Type)
	}
	if !o.Hash.IsZero() {
		return o.Hash, nil
	}
	h, collision := hashObject(o.Type, o.Data)
	if collision {
		return ZeroHash, fmt.Errorf("objects: write %s: %w", h, errCollision)
	}
	return h, nil
}

// placeAll links each fsynced temp file to its final name, then fsyncs
// every directory that changed, concurrently.
func (s *Store) placeAll(todo []int, pfs []*fsx.PendingFile, hashes []Hash) error {
	dirs := map[string]Hash{} // each changed directory → an object stored there, for errors
	var err error
	for _, i := range todo {
		if err != nil {
			_ = pfs[i].Cleanup()
			continue
		}
		dir, created, lerr := s.link(pfs[i], hashes[i])
		if lerr != nil {
			err = lerr
			continue
		}
		dirs[dir] = hashes[i]
		if created {
			dirs[s.objDir] = hashes[i]
		}
	}
	list := make([]string, 0, len(dirs))
	for d := range dirs {
		list = append(list, d)
	}
	return errors.Join(err, parallel(len(list), func(k int) error {
		if err := s.fsys.SyncDir(list[k]); err != nil {
			return fmt.Errorf("objects: write %s: %w", dirs[list[k]], err)
		}
		return nil
	}))
}

// parallel runs fn(0..n-1) on up to maxParallelWrites goroutines and
// returns the first error by index (one disk-full is enough to read).
func parallel(n int, fn func(int) error) error {
	if n == 1 {
		return fn(0)
	}
	errs := make([]error, n)
	sem := make(chan struct{}, maxParallelWrites)
	var wg sync.WaitGroup
	for k := 0; k < n; k++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[k] = fn(k)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
