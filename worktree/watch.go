package worktree

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/objects"
)

// watchLockName is the lock file a running watcher holds: the OS
// releases it when the watcher dies, so it is never stale. watchPIDName
// holds the watcher's process id, for messages only (an atomic replace
// of the lock file itself would break the lock).
const (
	watchLockName = "circuitvc-watch.lock"
	watchPIDName  = "circuitvc-watch.pid"
)

// DefaultDebounce is how long a file must stay quiet after its last
// event before it is snapshotted: long enough for an editor's burst of
// writes, short enough to lose nothing a user would miss.
const DefaultDebounce = time.Second

// pruneEvery is how often a running watcher prunes the local history:
// at its start, then with the first snapshot after this much time.
const pruneEvery = 10 * time.Minute

// maxRetryWait bounds the wait before a failed check is tried again.
const maxRetryWait = time.Minute

// watchLockWait is how long a starting watcher waits for the watch lock:
// status holds it for an instant to see whether a watcher runs.
const watchLockWait = time.Second

// ErrWatching: another watcher already runs on this working tree. It is
// also an fsx.ErrLocked, so its kind is Busy.
var ErrWatching error = kindError{msg: "another 'circuitvc watch' is running here", kind: fsx.ErrLocked}

// WatchingError says that another watcher runs on the working tree. It
// wraps ErrWatching.
type WatchingError struct {
	Root string
	PID  int // the other watcher's process id; 0 when unknown
}

func (e *WatchingError) Error() string {
	pid := ""
	if e.PID > 0 {
		pid = fmt.Sprintf(" (pid %d)", e.PID)
	}
	return fmt.Sprintf("another 'circuitvc watch' is running in %s%s: one watcher per working tree", e.Root, pid)
}

// Unwrap makes errors.Is(err, ErrWatching) hold.
func (e *WatchingError) Unwrap() error { return ErrWatching }

// WatchOptions tune Watch.
type WatchOptions struct {
	// Debounce is how long a file must be quiet before it is
	// snapshotted; zero means DefaultDebounce.
	Debounce time.Duration
	// Interval, when positive, rescans every tracked file that often, for
	// changes the file system did not report (network file systems).
	Interval time.Duration
	// Author signs a snapshot taken at now.
	Author func(now time.Time) objects.Signature
	// Report is told the outcome of each check of the working files.
	Report func(WatchEvent)
	// Ready, when set, is called once the watches are in place and the
	// first scan is done: every change after it will be seen.
	Ready func()
}

// WatchEvent is the outcome of one check: a snapshot, nothing changed,
// or an error (the watcher goes on).
type WatchEvent struct {
	// Paths are the files checked; nil for a scan of every tracked file.
	Paths []string
	// Snapshot is the snapshot recorded, nil when nothing changed.
	Snapshot *AutosaveResult
	// Pruned says what pruning did when it ran after the check (see
	// PruneAutosave); nil when it did not run.
	Pruned *PruneResult
	// Err is why the check failed; the files are checked again at the
	// next event or rescan.
	Err error
	// When is when the check ended.
	When time.Time
}

// Watch snapshots the working files to the autosave chain (Autosave) as
// they change, until ctx ends; it then checks the files with changes
// still pending and returns nil. It watches the directories of the
// working tree (an editor's save by rename replaces a file a watch on the
// file itself would lose), waits for each file to be quiet for Debounce,
// and lets Autosave's stat cache and blob ids decide whether anything
// changed. Directories created while it runs are watched and scanned; an
// overflow of the event queue makes it rescan everything. A check that
// fails is reported and tried again; Watch itself fails only when it
// cannot watch. It takes the watch lock first and fails with a
// *WatchingError (ErrWatching) when another watcher has it.
func (r *Repo) Watch(ctx context.Context, opts WatchOptions) error {
	release, err := r.lockWatch(ctx)
	if err != nil {
		return err
	}
	defer release()
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", r.root, err)
	}
	defer w.Close()
	l := &watchLoop{r: r, opts: opts, fsw: w, events: w.Events, errs: w.Errors, dirs: map[string]bool{}, due: map[string]time.Time{}}
	if l.opts.Debounce <= 0 {
		l.opts.Debounce = DefaultDebounce
	}
	if err := l.addTree(r.root); err != nil {
		return err
	}
	return l.run(ctx)
}

// lockWatch takes the watch lock and writes this process's id beside it.
func (r *Repo) lockWatch(ctx context.Context) (func() error, error) {
	name := filepath.Join(r.dir, watchLockName)
	release, err := fsx.Lock(ctx, r.fs, name, watchLockWait)
	if errors.Is(err, fsx.ErrLocked) {
		return nil, &WatchingError{Root: r.root, PID: readWatchPID(r.fs, filepath.Join(r.dir, watchPIDName))}
	}
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	// Best effort: the lock, not this file, says whether a watcher runs.
	pidFile := filepath.Join(r.dir, watchPIDName)
	_ = fsx.WriteFile(r.fs, pidFile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
	return func() error {
		_ = r.fs.Remove(pidFile)
		return release()
	}, nil
}

func readWatchPID(fsys fsx.FS, name string) int {
	data, err := fsx.ReadFile(fsys, name)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	return pid
}

// WatchState says whether a watcher runs on this working tree and what
// the newest snapshot is.
type WatchState struct {
	Running bool
	PID     int // of the watcher, when known
	// Last is the newest snapshot (ZeroHash: none) and LastTime when it
	// was taken.
	Last     objects.Hash
	LastTime time.Time
}

// WatchState reports whether a watcher holds the watch lock (probing it
// for an instant, only when a watcher ever ran here) and the newest
// snapshot.
func (r *Repo) WatchState() (WatchState, error) {
	var st WatchState
	name := filepath.Join(r.dir, watchLockName)
	if _, err := r.fs.Stat(name); err == nil {
		release, err := r.fs.TryLock(name)
		switch {
		case errors.Is(err, fsx.ErrLocked):
			st.Running, st.PID = true, readWatchPID(r.fs, filepath.Join(r.dir, watchPIDName))
		case err == nil:
			_ = release()
		}
	}
	var err error
	st.Last, st.LastTime, _, err = r.LastSnapshot()
	return st, err
}

// watchLoop is one run of Watch: the events of the file system, the
// directories watched, and the files waiting to be quiet.
type watchLoop struct {
	r      *Repo
	opts   WatchOptions
	fsw    interface{ Add(string) error }
	events <-chan fsnotify.Event
	errs   <-chan error
	dirs   map[string]bool      // absolute paths of the directories watched
	due    map[string]time.Time // tree path → when it will have been quiet long enough
	// rescan is when every file is to be checked (zero: not asked for).
	rescan time.Time
	// pruned is when the local history was last pruned.
	pruned time.Time
	// retry is how long after a failed check everything is checked
	// again: it doubles while checks keep failing.
	retry time.Duration
}

func (l *watchLoop) run(ctx context.Context) error {
	l.check(nil)
	if l.opts.Ready != nil {
		l.opts.Ready()
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var tick <-chan time.Time
	if l.opts.Interval > 0 {
		t := time.NewTicker(l.opts.Interval)
		defer t.Stop()
		tick = t.C
	}
	for {
		l.arm(timer)
		select {
		case <-ctx.Done():
			// Changes still waiting for quiet are recorded now: an
			// interrupted watcher loses no edit it saw.
			l.fire(time.Time{})
			return nil
		case ev, ok := <-l.events:
			if !ok {
				return fmt.Errorf("watch %s: the file system stopped reporting changes", l.r.root)
			}
			l.event(ev)
		case err, ok := <-l.errs:
			if !ok {
				return fmt.Errorf("watch %s: the file system stopped reporting changes", l.r.root)
			}
			l.fsError(err)
		case <-tick:
			l.rescan = time.Now()
		case <-timer.C:
			l.fire(time.Now())
		}
	}
}

// arm sets the timer to the earliest time something is due.
func (l *watchLoop) arm(timer *time.Timer) {
	next := l.rescan
	for _, t := range l.due {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	if next.IsZero() {
		next = time.Now().Add(time.Hour)
	}
	timer.Reset(time.Until(next))
}

// event notes a change: the file waits for quiet again; a directory
// created (or moved in) is watched with everything under it; a watched
// directory removed or moved away makes every file be checked.
func (l *watchLoop) event(ev fsnotify.Event) {
	rel, ok := l.treePath(ev.Name)
	if !ok {
		return
	}
	now := time.Now()
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
			if err := l.addTree(ev.Name); err != nil {
				l.report(WatchEvent{Err: err, When: now})
			}
			// Files made in it before its watch was in place sent no event.
			l.rescan = now.Add(l.opts.Debounce)
			return
		}
	}
	if l.dirs[ev.Name] {
		// A watched directory: its own events say what changed in it.
		// Removed or moved away, it may have taken tracked files along.
		if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
			delete(l.dirs, ev.Name)
			l.rescan = now.Add(l.opts.Debounce)
		}
		return
	}
	l.due[rel] = now.Add(l.opts.Debounce)
}

// fsError handles an error of the file system's notifications: an
// overflow lost events, so everything is checked; others are reported.
func (l *watchLoop) fsError(err error) {
	if errors.Is(err, fsnotify.ErrEventOverflow) {
		l.rescan = time.Now()
		return
	}
	l.report(WatchEvent{Err: fmt.Errorf("watch %s: %w", l.r.root, err), When: time.Now()})
}

// fire checks the files whose quiet time has come by now (all of them
// when now is zero), or every file when a rescan is due.
func (l *watchLoop) fire(now time.Time) {
	if !l.rescan.IsZero() && (now.IsZero() || !l.rescan.After(now)) {
		l.rescan = time.Time{}
		clear(l.due)
		l.check(nil)
		return
	}
	var paths []string
	for p, t := range l.due {
		if now.IsZero() || !t.After(now) {
			paths = append(paths, p)
			delete(l.due, p)
		}
	}
	if len(paths) > 0 {
		slices.Sort(paths)
		l.check(paths)
	}
}

// check snapshots paths (nil: every tracked file). The snapshot in
// progress is finished even when the watch is being stopped.
func (l *watchLoop) check(paths []string) {
	ctx := context.Background()
	var who objects.Signature
	if l.opts.Author != nil {
		who = l.opts.Author(time.Now())
	}
	res, err := l.r.Autosave(ctx, AutosaveOptions{Paths: paths, Author: who})
	if errors.Is(err, ErrNothingToSave) {
		err = nil
	}
	if err != nil {
		// Checked again at the next event; a rescan makes sure of it,
		// later each time the error persists.
		l.retry = min(max(l.opts.Debounce, 2*l.retry), maxRetryWait)
		l.rescan = time.Now().Add(l.retry)
	} else {
		l.retry = 0
	}
	ev := WatchEvent{Paths: paths, Snapshot: res, Err: err}
	if err == nil && time.Since(l.pruned) >= pruneEvery {
		l.pruned = time.Now()
		ev.Pruned, ev.Err = l.r.PruneAutosave(ctx, l.pruned, who)
	}
	ev.When = time.Now()
	l.report(ev)
}

func (l *watchLoop) report(ev WatchEvent) {
	if l.opts.Report != nil {
		l.opts.Report(ev)
	}
}

// treePath turns an event's OS path into a tree path, leaving out the
// store and the directories save never searches.
func (l *watchLoop) treePath(name string) (string, bool) {
	rel, err := filepath.Rel(l.r.root, name)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	for _, part := range strings.Split(rel, "/") {
		if skipDirs[part] {
			return "", false
		}
	}
	return rel, true
}

// addTree watches dir and every directory under it that save searches.
// Symbolic links are not followed: save does not follow them either.
func (l *watchLoop) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != dir && errors.Is(err, fs.ErrNotExist) {
				return nil // removed while we walked: its parent's event says so
			}
			return fmt.Errorf("watch %s: %w", p, err)
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && skipDirs[d.Name()] {
			return filepath.SkipDir
		}
		if l.dirs[p] {
			return nil
		}
		if err := l.fsw.Add(p); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipDir
			}
			return fmt.Errorf("watch %s: %w", p, err)
		}
		l.dirs[p] = true
		return nil
	})
}
