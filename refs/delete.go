package refs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/circuitvc/circuitvc/fsx"

	"github.com/circuitvc/circuitvc/objects"
)

// Delete removes ref name (a tag, typically) if it holds old; old ==
// ZeroHash deletes whatever it holds, as `git update-ref -d` does. The
// ref's lock is taken as for Update; if the ref is also in packed-refs,
// packed-refs is rewritten without it under packed-refs.lock first, so a
// stale packed value can never reappear. Its reflog is removed, as Git
// removes it. A missing ref gives an error wrapping ErrNotFound. HEAD
// itself cannot be deleted.
func (s *Store) Delete(ctx context.Context, name string, old objects.Hash) error {
	if name == HEAD {
		return fmt.Errorf("refs: %s: %w: HEAD cannot be deleted", name, ErrInvalidName)
	}
	target, err := s.followSymrefs(ctx, name)
	if err != nil {
		return err
	}
	lock, err := s.lock(ctx, target, s.path(target))
	if err != nil {
		return err
	}
	defer lock.release()
	cur, exists, err := s.readDirect(ctx, target)
	if err != nil {
		return err
	}
	if !exists {
		return notFound(target)
	}
	if !old.IsZero() && cur != old {
		return &ConflictError{Ref: target, Expected: old, Actual: cur}
	}
	if err := s.deletePacked(ctx, target); err != nil {
		return err
	}
	if err := s.removeIfExists(ctx, s.path(target)); err != nil {
		return fmt.Errorf("refs: delete %s: %w", target, err)
	}
	if err := s.removeIfExists(ctx, s.logPath(target)); err != nil {
		return fmt.Errorf("refs: delete reflog of %s: %w", target, err)
	}
	if err := lock.unlock(ctx); err != nil {
		return fmt.Errorf("refs: %s was deleted, but %w", target, err)
	}
	return nil
}

// deletePacked rewrites packed-refs without name, atomically under
// packed-refs.lock; it does nothing when name is not packed.
func (s *Store) deletePacked(ctx context.Context, name string) error {
	refs, _, err := s.loadPacked(ctx)
	if err != nil || !containsPacked(refs, name) {
		return err
	}
	lock, err := s.lock(ctx, name, s.packedPath())
	if err != nil {
		return err
	}
	defer lock.release()
	// Re-read under the lock: git pack-refs may have rewritten it since.
	refs, data, err := s.loadPacked(ctx)
	if err != nil {
		return err
	}
	for _, r := range refs {
		if r.Name == name {
			if err := lock.write(withoutPacked(data, r)); err != nil {
				return fmt.Errorf("refs: delete %s: write %s: %w; nothing was changed", name, lock.path, err)
			}
			if err := lock.commit(ctx); err != nil {
				return fmt.Errorf("refs: delete %s: commit %s: %w", name, lock.target, err)
			}
			return nil
		}
	}
	return nil
}

func containsPacked(refs []packedRef, name string) bool {
	for _, r := range refs {
		if r.Name == name {
			return true
		}
	}
	return false
}

// removeIfExists removes a file and fsyncs its directory; a file already
// gone is fine.
func (s *Store) removeIfExists(ctx context.Context, p string) error {
	err := fsx.Retry(ctx, s.retry, func() error { return s.fsys.Remove(p) })
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.fsys.SyncDir(filepath.Dir(p))
}
