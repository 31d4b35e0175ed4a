package refs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/circuitvc/circuitvc/fsx"
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
	p, err := s.prepare(ctx, name, old, new, who, msg, false)
	if err != nil {
		return err
	}
	defer p.Abort()
	return p.Commit(ctx)
}

// Pending is a ref update under way, in two steps so that a command can
// check everything that can fail before it changes anything: Prepare
// takes the ref's lock and compares its value; Commit writes the new
// value and the reflog entries and renames the lock over the ref; Abort
// gives the update up; Undo, after Commit moved the ref, puts the ref
// file and its reflogs back exactly as they were.
type Pending struct {
	s      *Store
	target string // the direct ref updated (HEAD followed)
	new    objects.Hash
	line   []byte // the reflog line
	lock   *lockFile
	prior  []byte // the loose ref file before the update; nil when none
	logs   []reflogMark
	moved  bool
}

// reflogMark is a reflog as it was before an update appended to it.
type reflogMark struct {
	path    string
	existed bool
	size    int64
}

// Prepare starts updating ref name (following HEAD) from old to new:
// it takes the ref's lock, waiting as Update does (a *LockedError after
// the lock timeout), and checks that the ref holds old (a *ConflictError
// otherwise). Nothing is changed until Commit. The caller must call Abort
// (safe to defer) once done.
func (s *Store) Prepare(ctx context.Context, name string, old, new objects.Hash, who objects.Signature, msg string) (*Pending, error) {
	return s.prepare(ctx, name, &old, new, who, msg, true)
}

// prepare is Prepare, and Set's first step when old is nil; undoable
// keeps the loose ref file's bytes for Undo.
func (s *Store) prepare(ctx context.Context, name string, old *objects.Hash, new objects.Hash, who objects.Signature, msg string, undoable bool) (*Pending, error) {
	if new.IsZero() {
		return nil, fmt.Errorf("refs: %s: cannot set a ref to the zero hash (use Delete)", name)
	}
	target, err := s.followSymrefs(ctx, name)
	if err != nil && (old != nil || target == "" || !errors.Is(err, ErrCorrupt)) {
		return nil, err
	}
	lock, err := s.lock(ctx, target, s.path(target))
	if err != nil {
		return nil, err
	}
	p := &Pending{s: s, target: target, new: new, lock: lock}
	cur, _, err := s.readDirect(ctx, target)
	if err != nil && (old != nil || !errors.Is(err, ErrCorrupt)) {
		lock.release()
		return nil, err
	}
	if old != nil && cur != *old {
		lock.release()
		return nil, &ConflictError{Ref: target, Expected: *old, Actual: cur}
	}
	p.line = formatReflogLine(ReflogEntry{Old: cur, New: new, Who: who, Message: msg})
	if undoable {
		if p.prior, err = s.looseBytes(ctx, target); err != nil {
			lock.release()
			return nil, err
		}
	}
	return p, nil
}

// looseBytes returns the loose file of ref name as it is, nil when there
// is none.
func (s *Store) looseBytes(ctx context.Context, name string) ([]byte, error) {
	data, err := s.readFile(ctx, s.path(name))
	switch {
	case err == nil:
		return data, nil
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.EISDIR), errors.Is(err, syscall.ENOTDIR):
		return nil, nil
	}
	return nil, fmt.Errorf("refs: read %s: %w", name, err)
}

// Moved reports whether Commit renamed the lock over the ref, so that
// the ref holds the new value (even if Commit then failed to sync).
func (p *Pending) Moved() bool { return p.moved }

// Commit makes the update: the new value goes to the lock file, the
// reflog entries are appended and fsynced with it, the lock is renamed
// over the ref and the directory fsynced. When it fails before the
// rename, the reflogs are put back and the lock removed: nothing was
// changed, and the error says so. When only the directory fsync fails,
// the ref has moved (Moved reports it) but may not survive a power cut.
func (p *Pending) Commit(ctx context.Context) error {
	s, target := p.s, p.target
	if err := p.lock.put([]byte(p.new.String() + "\n")); err != nil {
		return fmt.Errorf("refs: %s: write %s: %w; nothing was changed", target, p.lock.path, err)
	}
	logs, err := s.logsFor(ctx, target)
	if err != nil {
		return fmt.Errorf("refs: %s: %w; nothing was changed", target, err)
	}
	if err := s.appendReflogs(ctx, p, logs); err != nil {
		return p.unlog(ctx, fmt.Errorf("refs: %s: %w", target, err))
	}
	if err := p.lock.commit(ctx); err != nil {
		if !p.lock.committed() {
			return p.unlog(ctx, fmt.Errorf("refs: %s: rename %s: %w", target, p.lock.path, err))
		}
		p.moved = true
		return fmt.Errorf("refs: %s: updated, but %w: the update may not survive a power cut", target, err)
	}
	p.moved = true
	return nil
}

// unlog puts the reflogs back as they were before Commit appended to
// them, after a failure (err) that left the ref unchanged.
func (p *Pending) unlog(ctx context.Context, err error) error {
	p.lock.release()
	if uerr := p.s.restoreReflogs(ctx, p.logs); uerr != nil {
		return fmt.Errorf("%w; the ref was not changed, but its reflog lists the update (%v)", err, uerr)
	}
	p.logs = nil
	return fmt.Errorf("%w; nothing was changed", err)
}

// Abort gives up an update that was not committed, removing its lock;
// after Commit it does nothing. It is safe to defer.
func (p *Pending) Abort() { p.lock.release() }

// Undo puts a ref that Commit moved back as it was: the loose ref file
// with its old bytes (or none, if the value came from packed-refs or the
// ref did not exist) and its reflogs cut back to their old length. It
// takes the ref's lock again and fails with a *ConflictError if the ref
// no longer holds the new value. Without a Commit that moved the ref it
// does nothing.
func (p *Pending) Undo(ctx context.Context) error {
	if !p.moved {
		return nil
	}
	s, target := p.s, p.target
	lock, err := s.lock(ctx, target, s.path(target))
	if err != nil {
		return err
	}
	defer lock.release()
	cur, _, err := s.readDirect(ctx, target)
	if err != nil {
		return err
	}
	if cur != p.new {
		return &ConflictError{Ref: target, Expected: p.new, Actual: cur}
	}
	if p.prior == nil {
		if err := s.removeIfExists(ctx, s.path(target)); err != nil {
			return fmt.Errorf("refs: %s: put back: %w", target, err)
		}
	} else {
		if err := lock.write(p.prior); err != nil {
			return fmt.Errorf("refs: %s: put back: write %s: %w", target, lock.path, err)
		}
		if err := lock.commit(ctx); err != nil {
			return fmt.Errorf("refs: %s: put back: %w", target, err)
		}
	}
	p.moved = false
	if err := s.restoreReflogs(ctx, p.logs); err != nil {
		return fmt.Errorf("refs: %s was put back, but its reflog still lists the update: %w", target, err)
	}
	p.logs = nil
	return nil
}

// restoreReflogs cuts each reflog back to its length before an update
// appended to it, or removes it if the update made it.
func (s *Store) restoreReflogs(ctx context.Context, marks []reflogMark) error {
	var errs []error
	for _, m := range marks {
		if !m.existed {
			if err := s.removeIfExists(ctx, m.path); err != nil {
				errs = append(errs, fmt.Errorf("reflog: %w", err))
			}
			continue
		}
		data, err := s.readFile(ctx, m.path)
		if err == nil && int64(len(data)) < m.size {
			err = fmt.Errorf("%s is shorter than before the update", m.path)
		}
		if err == nil && int64(len(data)) > m.size {
			err = fsx.WriteFile(s.fsys, m.path, data[:m.size], 0o644)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("reflog: %w", err))
		}
	}
	return errors.Join(errs...)
}

// followSymrefs returns the direct ref that name designates: name itself
// unless it is a symbolic ref. The final ref need not exist. When a ref
// on the way cannot be read, that ref is returned with the error.
func (s *Store) followSymrefs(ctx context.Context, name string) (string, error) {
	orig := name
	for range maxSymrefDepth + 1 {
		v, err := s.readRaw(ctx, name)
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
func (s *Store) readDirect(ctx context.Context, name string) (objects.Hash, bool, error) {
	v, err := s.readRaw(ctx, name)
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
func (s *Store) logsFor(ctx context.Context, target string) ([]string, error) {
	logs := []string{target}
	if target == HEAD {
		return logs, nil
	}
	v, err := s.readRaw(ctx, HEAD)
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

// appendReflogs appends p's line to each reflog, then makes those
// appends and the lock's new value durable together: git's order (all of
// it on disk before the lock is renamed over the ref) with one wait on
// the disk instead of one per file. It closes the lock's file, and
// records in p each reflog it appended to, for unlog and Undo.
func (s *Store) appendReflogs(ctx context.Context, p *Pending, logs []string) error {
	var files []fsx.File
	defer func() {
		for _, f := range files {
			_ = f.Close()
		}
	}()
	var newDirs []string
	for _, name := range logs {
		f, mark, err := s.openReflog(ctx, name, p.line, &p.logs)
		if err != nil {
			return err
		}
		files = append(files, f)
		if !mark.existed {
			newDirs = append(newDirs, filepath.Dir(mark.path))
		}
	}
	syncs := []func() error{func() error { return syncErr(p.lock.path, p.lock.pf.Close()) }}
	for _, f := range files {
		syncs = append(syncs, func() error { return syncErr(f.Name(), f.Sync()) })
	}
	if err := syncAll(syncs); err != nil {
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
// returns the open file and what the reflog was before; once anything
// may have been written, that is also added to marks.
func (s *Store) openReflog(ctx context.Context, name string, line []byte, marks *[]reflogMark) (f fsx.File, mark reflogMark, err error) {
	p := s.logPath(name)
	mark.path = p
	if err := fsx.MkdirAll(s.fsys, filepath.Dir(p), 0o755); err != nil {
		return nil, mark, fmt.Errorf("reflog: %w", err)
	}
	_, statErr := s.fsys.Stat(p)
	mark.existed = !errors.Is(statErr, fs.ErrNotExist)
	err = fsx.Retry(ctx, s.retry, func() (err error) {
		f, err = s.fsys.OpenFile(p, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
		return err
	})
	if err != nil {
		if !mark.existed {
			*marks = append(*marks, mark) // the open may have made it
		}
		return nil, mark, fmt.Errorf("reflog: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		if !mark.existed {
			*marks = append(*marks, mark)
		}
		return nil, mark, fmt.Errorf("reflog %s: %w", p, err)
	}
	mark.size = fi.Size()
	*marks = append(*marks, mark)
	if err := writeTerminated(f, fi.Size(), line); err != nil {
		_ = f.Close()
		return nil, mark, fmt.Errorf("reflog %s: %w", p, err)
	}
	return f, mark, nil
}

// syncAll runs fsyncs concurrently and reports the first failure.
func syncAll(syncs []func() error) error {
	errs := make([]error, len(syncs))
	var wg sync.WaitGroup
	for i, sync := range syncs {
		wg.Go(func() { errs[i] = sync() })
	}
	wg.Wait()
	return cmp.Or(errs...)
}

// syncErr names the file whose fsync failed.
func syncErr(name string, err error) error {
	if err != nil {
		return fmt.Errorf("sync %s: %w", name, err)
	}
	return nil
}

// writeTerminated appends line to f, which holds size bytes, first
// ending an unterminated last line.
func writeTerminated(f fsx.File, size int64, line []byte) error {
	if size > 0 {
		var last [1]byte
		if _, err := f.ReadAt(last[:], size-1); err != nil {
			return err
		}
		if last[0] != '\n' {
			line = append([]byte{'\n'}, line...)
		}
	}
	_, err := f.Write(line)
	return err
}
