package refs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/circuitvc/circuitvc/internal/fsx"
	"github.com/circuitvc/circuitvc/objects"
)

// Update sets ref name to new if it currently holds old (compare-and-
// swap; old == ZeroHash means the ref must not exist yet), and appends
// msg to its reflog as done by who. A symbolic ref (HEAD) is followed and
// its target updated; the update is logged in the target's reflog and, as
// Git does, in logs/HEAD when HEAD points at the target.
//
// The protocol is Git's: <ref>.lock is created exclusively (a held lock is
// waited on up to the lock timeout, then a *LockedError is returned), the
// current value is compared (a mismatch is a *ConflictError), the new
// value is written to the lock and fsynced, the reflog entries are
// appended and fsynced, the lock is renamed over the ref and the directory
// fsynced. On any failure before the rename the lock is removed and the
// ref is untouched. A ref found only in packed-refs is shadowed by the new
// loose ref.
func (s *Store) Update(ctx context.Context, name string, old, new objects.Hash, who objects.Signature, msg string) error {
	return s.update(ctx, name, &old, new, who, msg)
}

// Set is Update without the comparison: it sets ref name to new whatever
// it held, and may so repair a damaged ref file.
func (s *Store) Set(ctx context.Context, name string, new objects.Hash, who objects.Signature, msg string) error {
	return s.update(ctx, name, nil, new, who, msg)
}

func (s *Store) update(ctx context.Context, name string, old *objects.Hash, new objects.Hash, who objects.Signature, msg string) error {
	if new.IsZero() {
		return fmt.Errorf("refs: %s: cannot set a ref to the zero hash (use Delete)", name)
	}
	target, err := s.followSymrefs(name)
	if err != nil && (old != nil || target == "" || !errors.Is(err, ErrCorrupt)) {
		return err
	}
	lock, err := s.lock(ctx, target, s.path(target))
	if err != nil {
		return err
	}
	defer lock.release()
	cur, _, err := s.readDirect(target)
	if err != nil && (old != nil || !errors.Is(err, ErrCorrupt)) {
		return err
	}
	if old != nil && cur != *old {
		return &ConflictError{Ref: target, Expected: *old, Actual: cur}
	}
	if err := lock.put([]byte(new.String() + "\n")); err != nil {
		return fmt.Errorf("refs: %s: write %s: %w; nothing was changed", target, lock.path, err)
	}
	logs, err := s.logsFor(target)
	if err != nil {
		return fmt.Errorf("refs: %s: %w; nothing was changed", target, err)
	}
	line := formatReflogLine(ReflogEntry{Old: cur, New: new, Who: who, Message: msg})
	if err := s.appendReflogs(lock, logs, line); err != nil {
		return fmt.Errorf("refs: %s: %w; the ref was not changed", target, err)
	}
	if err := lock.commit(ctx); err != nil {
		if lock.path != "" { // the rename failed
			return fmt.Errorf("refs: %s: rename %s: %w; the ref was not changed (its reflog already lists the update)", target, lock.path, err)
		}
		return fmt.Errorf("refs: %s: updated, but %w: the update may not survive a power cut", target, err)
	}
	return nil
}

// followSymrefs returns the direct ref that name designates: name itself
// unless it is a symbolic ref. The final ref need not exist. When a ref
// on the way cannot be read, that ref is returned with the error.
func (s *Store) followSymrefs(name string) (string, error) {
	orig := name
	for range maxSymrefDepth + 1 {
		v, err := s.readRaw(name)
		if errors.Is(err, ErrNotFound) {
			return name, nil
		}
		if err != nil {
			return name, err // the damaged ref, which Set may repair
		}
		if v.Target == "" {
			return name, nil
		}
		name = v.Target
	}
	return "", &CorruptError{Ref: orig, Path: s.path(orig),
		Err: fmt.Errorf("symbolic refs nested more than %d deep (a cycle?)", maxSymrefDepth)}
}

// readDirect reads a ref that must not be symbolic: its loose file, else
// packed-refs. A ref that does not exist is ZeroHash without error.
func (s *Store) readDirect(name string) (objects.Hash, bool, error) {
	v, err := s.readRaw(name)
	if errors.Is(err, ErrNotFound) {
		return objects.ZeroHash, false, nil
	}
	if err != nil {
		return objects.ZeroHash, false, err
	}
	if v.Target != "" {
		return objects.ZeroHash, false, fmt.Errorf("refs: %s became a symbolic ref (-> %s) during the update", name, v.Target)
	}
	return v.Hash, true, nil
}

// logsFor lists the reflogs an update of target is written to: its own
// and, when HEAD points at it, HEAD's.
func (s *Store) logsFor(target string) ([]string, error) {
	logs := []string{target}
	if target == HEAD {
		return logs, nil
	}
	v, err := s.readRaw(HEAD)
	switch {
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrCorrupt):
		// No (usable) HEAD: it points at nothing, so its log is not ours to write.
	case err != nil:
		return nil, err
	case v.Target == target:
		logs = append(logs, HEAD)
	}
	return logs, nil
}

// appendReflogs appends line to each reflog, then makes those appends
// and the lock's new value durable together: git's order (all of it on
// disk before the lock is renamed over the ref) with one wait on the disk
// instead of one per file. It closes the lock's file.
func (s *Store) appendReflogs(lock *lockFile, logs []string, line []byte) error {
	files := []fsx.File{lock.f}
	lock.f = nil
	defer func() {
		for _, f := range files {
			_ = f.Close()
		}
	}()
	var newDirs []string
	for _, name := range logs {
		f, dir, err := s.openReflog(name, line)
		if err != nil {
			return err
		}
		files = append(files, f)
		if dir != "" {
			newDirs = append(newDirs, dir)
		}
	}
	if err := syncAll(files); err != nil {
		return err
	}
	for _, d := range newDirs {
		if err := s.fsys.SyncDir(d); err != nil {
			return fmt.Errorf("reflog: %w", err)
		}
	}
	return nil
}

// openReflog appends line to a ref's reflog, without syncing, and
// returns the open file; dir is the directory to sync when the reflog
// was created.
func (s *Store) openReflog(name string, line []byte) (f fsx.File, dir string, err error) {
	p := s.logPath(name)
	if err := fsx.MkdirAll(s.fsys, filepath.Dir(p), 0o755); err != nil {
		return nil, "", fmt.Errorf("reflog: %w", err)
	}
	if _, statErr := s.fsys.Stat(p); errors.Is(statErr, fs.ErrNotExist) {
		dir = filepath.Dir(p)
	}
	err = fsx.Retry(context.Background(), s.retry, func() (err error) {
		f, err = s.fsys.OpenFile(p, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("reflog: %w", err)
	}
	if err := writeTerminated(f, line); err != nil {
		_ = f.Close()
		return nil, "", fmt.Errorf("reflog %s: %w", p, err)
	}
	return f, dir, nil
}

// syncAll fsyncs files concurrently and reports the first failure.
func syncAll(files []fsx.File) error {
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f.Sync(); err != nil {
				errs[i] = fmt.Errorf("sync %s: %w", f.Name(), err)
			}
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

func writeTerminated(f fsx.File, line []byte) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if size := fi.Size(); size > 0 {
		var last [1]byte
		if _, err := f.ReadAt(last[:], size-1); err != nil {
			return err
		}
		if last[0] != '\n' {
			line = append([]byte{'\n'}, line...)
		}
	}
	_, err = f.Write(line)
	return err
}
