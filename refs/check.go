package refs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"syscall"
)

// CheckStats counts what Check looked at.
type CheckStats struct {
	Refs           int // ref files and packed-refs entries read
	ReflogEntries  int // reflog lines that parsed
	Problems       int // defects reported
	LockFilesFound int // lock files present (also reported)
}

// Check reads HEAD, every loose ref, packed-refs and every reflog, and
// reports each defect through report: a *CorruptError (wrapping
// ErrCorrupt) for a damaged ref, packed-refs or reflog line, and an error
// wrapping ErrLocked for each lock file present — left by a crash, or
// held by an update running right now. It returns an error only when it
// could not look.
func (s *Store) Check(report func(error)) (CheckStats, error) {
	ctx := context.Background() // a read waits only to retry a transient error
	var st CheckStats
	problem := func(err error) { st.Problems++; report(err) }
	if _, _, err := s.readLoose(ctx, HEAD); err != nil {
		problem(err)
	} else if _, err := s.readRaw(ctx, HEAD); errors.Is(err, ErrNotFound) {
		problem(&CorruptError{Ref: HEAD, Path: s.path(HEAD), Err: errors.New("missing")})
	}
	st.Refs++
	err := s.walkFiles("refs", func(name string) {
		switch {
		case strings.HasSuffix(name, ".lock"):
			st.LockFilesFound++
			problem(fmt.Errorf("refs: lock file %s exists: %w (left by a crash if no update is running; then it may be removed)",
				s.path(name), ErrLocked))
		case ValidRefName(name) == nil:
			st.Refs++
			if _, _, err := s.readLoose(ctx, name); err != nil {
				problem(err)
			}
		}
	})
	if err != nil {
		return st, err
	}
	packed, _, err := s.loadPacked(ctx)
	if errors.Is(err, ErrCorrupt) {
		problem(err)
	} else if err != nil {
		return st, err
	}
	st.Refs += len(packed)
	err = s.walkFiles("logs", func(logFile string) {
		name := strings.TrimPrefix(logFile, "logs/")
		if ValidRefName(name) != nil {
			return
		}
		bad, err := s.CheckReflog(name)
		if err != nil {
			problem(err)
			return
		}
		for _, b := range bad {
			problem(b)
		}
		log, _ := s.Reflog(name)
		st.ReflogEntries += len(log)
	})
	return st, err
}

// walkFiles calls fn with the slash-separated name (relative to the
// store) of every file below dir.
func (s *Store) walkFiles(dir string, fn func(name string)) error {
	entries, err := s.fsys.ReadDir(s.path(dir))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("refs: check %s: %w", dir, err)
	}
	for _, e := range entries {
		name := path.Join(dir, e.Name())
		if e.IsDir() {
			if err := s.walkFiles(name, fn); err != nil {
				return err
			}
			continue
		}
		fn(name)
	}
	return nil
}
