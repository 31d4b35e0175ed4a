package refs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/objects"
)

// Names of the refs circuitvc itself uses.
const (
	// HEAD is the symbolic ref naming the current branch.
	HEAD = "HEAD"
	// Main is the branch holding "current", the latest saved version.
	Main = "refs/heads/main"
	// Backup holds the working files as they were before the last
	// command that overwrote them; its reflog keeps the earlier backups.
	Backup = "refs/circuitvc/backup"
	// TagPrefix starts the full name of every tag.
	TagPrefix = "refs/tags/"
)

// DefaultLockTimeout is how long an update waits for a held lock file
// when Options.LockTimeout is zero.
const DefaultLockTimeout = 5 * time.Second

// maxSymrefDepth bounds symbolic ref chains, as Git's SYMREF_MAXDEPTH does,
// so that a cycle is an error rather than a hang.
const maxSymrefDepth = 5

// Options tune a Store.
type Options struct {
	// LockTimeout is how long Update and Delete wait for another
	// writer's lock file to go away: zero means DefaultLockTimeout,
	// negative means not at all.
	LockTimeout time.Duration
	// Retry says how transient errors (EINTR, EBUSY, Windows sharing
	// violations…) of single file operations are retried; nil means
	// fsx.DefaultRetry.
	Retry *fsx.RetryPolicy
}

// Store reads and updates the refs of one store directory (the
// .circuitvc directory, a bare Git repository).
type Store struct {
	fsys        fsx.FS
	dir         string
	lockTimeout time.Duration
	retry       fsx.RetryPolicy
}

// Init makes the ref layout in dir: HEAD pointing at refs/heads/main
// (which does not exist until the first save) and the directories refs/heads,
// refs/tags, refs/circuitvc and logs. An existing HEAD is left alone, so
// Init may be repeated.
func Init(fsys fsx.FS, dir string) error {
	if err := InitDirs(fsys, dir); err != nil {
		return err
	}
	head := filepath.Join(dir, HEAD)
	if _, err := fsys.Lstat(head); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("refs: init %s: %w", dir, err)
	}
	if err := fsx.WriteFile(fsys, head, []byte("ref: "+Main+"\n"), 0o644); err != nil {
		return fmt.Errorf("refs: init %s: %w", dir, err)
	}
	return nil
}

// InitDirs makes the directories of the ref layout in dir (refs/heads,
// refs/tags, refs/circuitvc, logs) where they are missing; HEAD is left
// alone.
func InitDirs(fsys fsx.FS, dir string) error {
	for _, d := range []string{"refs/heads", "refs/tags", "refs/circuitvc", "logs"} {
		if err := fsx.MkdirAll(fsys, filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil {
			return fmt.Errorf("refs: init %s: %w", dir, err)
		}
	}
	return nil
}

// Open returns a Store for the refs in dir. It touches no file: a
// missing or damaged ref is reported by the call that needs it.
func Open(fsys fsx.FS, dir string, opts Options) *Store {
	t := opts.LockTimeout
	if t == 0 {
		t = DefaultLockTimeout
	}
	retry := fsx.DefaultRetry
	if opts.Retry != nil {
		retry = *opts.Retry
	}
	return &Store{fsys: fsys, dir: dir, lockTimeout: max(t, 0), retry: retry}
}

// readFile reads a whole file, retrying transient errors.
func (s *Store) readFile(ctx context.Context, p string) ([]byte, error) {
	var data []byte
	err := fsx.Retry(ctx, s.retry, func() (err error) {
		data, err = fsx.ReadFile(s.fsys, p)
		return err
	})
	return data, err
}

// lock takes the lock of file target on behalf of ref.
func (s *Store) lock(ctx context.Context, ref, target string) (*lockFile, error) {
	return acquireLock(ctx, s.fsys, s.retry, ref, target, s.lockTimeout)
}

// Dir returns the store directory the refs live in.
func (s *Store) Dir() string { return s.dir }

// path is the file of a ref (or of its lock, its reflog: see callers).
func (s *Store) path(name string) string {
	return filepath.Join(s.dir, filepath.FromSlash(name))
}

func (s *Store) logPath(name string) string {
	return filepath.Join(s.dir, "logs", filepath.FromSlash(name))
}

func (s *Store) packedPath() string { return filepath.Join(s.dir, "packed-refs") }

// Ref is a ref name and the object it points at.
type Ref struct {
	Name string
	Hash objects.Hash
}
