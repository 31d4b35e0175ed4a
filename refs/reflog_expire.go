package refs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/circuitvc/circuitvc/fsx"
)

// ExpireReflog rewrites the reflog of ref name keeping only the entries
// keep accepts, as `git reflog expire` does, and returns how many it
// dropped (lines that cannot be parsed are dropped too). It holds the
// ref's lock meanwhile, so that no update appends to the reflog being
// rewritten, and replaces the reflog atomically (temp file, fsync,
// rename, directory fsync): a crash leaves the old reflog or the new one.
// A ref without a reflog has nothing to drop.
func (s *Store) ExpireReflog(ctx context.Context, name string, keep func(ReflogEntry) bool) (int, error) {
	return s.EditReflog(ctx, name, func(e ReflogEntry) (ReflogEntry, bool) { return e, keep(e) })
}

// EditReflog is ExpireReflog whose edit, called oldest entry first, may
// also change the entries it keeps, as `git reflog expire --rewrite`
// sets an entry's old value to the new value of the entry now before it.
func (s *Store) EditReflog(ctx context.Context, name string, edit func(ReflogEntry) (ReflogEntry, bool)) (int, error) {
	if err := ValidRefName(name); err != nil {
		return 0, err
	}
	l, err := s.lock(ctx, name, s.path(name))
	if err != nil {
		return 0, err
	}
	defer l.release()
	p := s.logPath(name)
	data, err := s.readFile(ctx, p)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, l.unlock(ctx)
	}
	if err != nil {
		return 0, fmt.Errorf("refs: read reflog of %s: %w", name, err)
	}
	entries, bad := parseReflog(data)
	dropped := len(bad)
	changed := false
	var out []byte
	for _, e := range entries {
		if e2, ok := edit(e); ok {
			changed = changed || e2 != e
			out = append(out, formatReflogLine(e2)...)
		} else {
			dropped++
		}
	}
	if dropped == 0 && !changed {
		return 0, l.unlock(ctx)
	}
	err = fsx.Retry(ctx, s.retry, func() error {
		return fsx.WriteFileAtomic(s.fsys, p, 0o644, func(w io.Writer) error {
			_, err := w.Write(out)
			return err
		})
	})
	if err != nil {
		return 0, fmt.Errorf("refs: rewrite reflog of %s: %w", name, err)
	}
	return dropped, l.unlock(ctx)
}
