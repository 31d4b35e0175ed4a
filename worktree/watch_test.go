package worktree

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/circuitvc/circuitvc/objects"
)

// watcher is a Watch running in the background for a test.
type watcher struct {
	t      *testing.T
	r      *Repo // the watcher's own; the test reads through reader
	reader *Repo
	events chan WatchEvent
	stop   context.CancelFunc
	done   chan error
}

// startWatch runs Watch on r's working tree with the given debounce
// and returns once its watches are in place.
func startWatch(t *testing.T, r *Repo, debounce time.Duration) *watcher {
	t.Helper()
	w := &watcher{t: t, r: openAgain(t, r), reader: r, events: make(chan WatchEvent, 1000), done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	w.stop = cancel
	ready := make(chan struct{})
	go func() {
		w.done <- w.r.Watch(ctx, WatchOptions{
			Debounce: debounce,
			Author:   func(now time.Time) objects.Signature { s := testSig; s.When = now; return s },
			Report:   func(ev WatchEvent) { w.events <- ev },
			Ready:    func() { close(ready) },
		})
	}()
	select {
	case <-ready:
	case err := <-w.done:
		t.Fatalf("watch ended before it was ready: %v", err)
	}
	t.Cleanup(func() { w.close() })
	return w
}

// openAgain opens a second Repo on r's store, as another process would.
func openAgain(t *testing.T, r *Repo) *Repo {
	t.Helper()
	o, err := Find(r.Root(), OpenOptions{FS: r.fs, LockTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close() })
	return o
}

// close stops the watcher and returns what Watch returned.
func (w *watcher) close() error {
	if w.stop == nil {
		return nil
	}
	w.stop()
	w.stop = nil
	return <-w.done
}

// next returns the next outcome, failing on a watch error.
func (w *watcher) next() WatchEvent {
	w.t.Helper()
	ev := <-w.events
	if ev.Err != nil {
		w.t.Fatalf("watch: %v", ev.Err)
	}
	return ev
}

// snapshotsUntil collects the snapshots recorded until one holds want at
// p, and returns them all.
func (w *watcher) snapshotsUntil(p string, want []byte) []*AutosaveResult {
	w.t.Helper()
	var out []*AutosaveResult
	for {
		ev := w.next()
		if ev.Snapshot == nil {
			continue
		}
		out = append(out, ev.Snapshot)
		if got, err := w.reader.FileAt(ev.Snapshot.Commit, "autosave", p); err == nil && string(got) == string(want) {
			return out
		}
	}
}

// untilChecked waits for a check of p that recorded nothing.
func (w *watcher) untilChecked(p string) {
	w.t.Helper()
	for {
		ev := w.next()
		if ev.Snapshot != nil {
			w.t.Fatalf("unexpected snapshot %s: %s", ev.Snapshot.Commit, ev.Snapshot.Summary)
		}
		if slices.Contains(ev.Paths, p) {
			return
		}
	}
}

func writeRaw(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWatchEditorSaves edits a file the ways editors save it; each edit
// must end with exactly one snapshot holding the final bytes, and a
// touch with none.
func TestWatchEditorSaves(t *testing.T) {
	r := newRepo(t, nil)
	const p = "amp.circuit.json"
	name := r.abs(p)
	writeWorkFile(t, r, p, circuitV("0"))
	mustSave(t, r, "v1")
	// The debounce is long beside the pauses of each edit (2–20 ms), so
	// that one edit is one snapshot even on a loaded machine.
	w := startWatch(t, r, 700*time.Millisecond)
	edits := []struct {
		name string
		edit func(final []byte)
	}{
		{"in place", func(final []byte) { writeRaw(t, name, final) }},
		{"temp and rename", func(final []byte) {
			tmp := filepath.Join(r.Root(), ".amp.circuit.json.swp")
			writeRaw(t, tmp, final)
			if err := os.Rename(tmp, name); err != nil {
				t.Fatal(err)
			}
		}},
		{"delete and create", func(final []byte) {
			if err := os.Remove(name); err != nil {
				t.Fatal(err)
			}
			writeRaw(t, name, final)
		}},
		{"burst of 50 writes in 100 ms", func(final []byte) {
			for i := range 49 {
				writeRaw(t, name, circuitV(fmt.Sprintf("burst%d", i)))
				time.Sleep(2 * time.Millisecond) // the editor's pace, not a synchronisation
			}
			writeRaw(t, name, final)
		}},
		{"slow write in chunks", func(final []byte) {
			f, err := os.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			for i := 0; i < len(final); i += len(final)/10 + 1 {
				if _, err := f.Write(final[i:min(len(final), i+len(final)/10+1)]); err != nil {
					t.Fatal(err)
				}
				if err := f.Sync(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(20 * time.Millisecond) // a slow writer, not a synchronisation
			}
		}},
	}
	for i, e := range edits {
		t.Run(e.name, func(t *testing.T) {
			w.t = t
			final := circuitV(fmt.Sprintf("%dk", i+1))
			e.edit(final)
			got := w.snapshotsUntil(p, final)
			if len(got) != 1 {
				t.Fatalf("%d snapshots, want 1", len(got))
			}
			if last, err := r.Resolve("autosave"); err != nil || last != got[0].Commit {
				t.Fatalf("autosave = %s, %v; want %s", last, err, got[0].Commit)
			}
		})
	}
	t.Run("touch", func(t *testing.T) {
		w.t = t
		now := time.Now().Add(time.Minute)
		if err := os.Chtimes(name, now, now); err != nil {
			t.Fatal(err)
		}
		w.untilChecked(p)
	})
	if err := w.close(); err != nil {
		t.Fatalf("watch returned %v", err)
	}
	n := 0
	if err := r.Log(context.Background(), LogOptions{From: mustResolve(t, r, "autosave")}, func(LogEntry) error { n++; return nil }); err != nil || n != len(edits) {
		t.Fatalf("autosave chain: %d snapshots, %v; want %d", n, err, len(edits))
	}
}

// mustResolve resolves rev or fails the test.
func mustResolve(t *testing.T, r *Repo, rev string) objects.Hash {
	t.Helper()
	h, err := r.Resolve(rev)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestWatchTree: files in directories made while watch runs, renames and
// deletions are recorded; a second watcher is refused.
func TestWatchTree(t *testing.T) {
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1k"))
	mustSave(t, r, "v1")
	w := startWatch(t, r, 100*time.Millisecond)

	other := openAgain(t, r)
	err := other.Watch(context.Background(), WatchOptions{})
	var we *WatchingError
	if !errors.As(err, &we) || !errors.Is(err, ErrWatching) || KindOf(err) != Busy || we.PID != os.Getpid() {
		t.Fatalf("second watcher: %v (kind %v)", err, KindOf(err))
	}
	if st, err := other.WatchState(); err != nil || !st.Running {
		t.Fatalf("WatchState = %+v, %v; want running", st, err)
	}

	deep := filepath.Join(r.Root(), "boards", "rev2")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	writeRaw(t, filepath.Join(deep, "b.circuit.json"), circuitV("2k"))
	w.snapshotsUntil("boards/rev2/b.circuit.json", circuitV("2k"))
	// A file written in the new directory after its watch is in place.
	writeRaw(t, filepath.Join(deep, "c.circuit.json"), circuitV("3k"))
	w.snapshotsUntil("boards/rev2/c.circuit.json", circuitV("3k"))

	// A directory's own change of mode records nothing and reports no
	// error (next() fails on one).
	if err := os.Chmod(deep, 0o700); err != nil {
		t.Fatal(err)
	}
	writeRaw(t, filepath.Join(deep, "c.circuit.json"), circuitV("4k"))
	w.snapshotsUntil("boards/rev2/c.circuit.json", circuitV("4k"))

	if err := os.Rename(r.abs("a.circuit.json"), r.abs("boards/a.circuit.json")); err != nil {
		t.Fatal(err)
	}
	got := w.snapshotsUntil("boards/a.circuit.json", circuitV("1k"))
	last := got[len(got)-1]
	if len(last.Changes) != 1 || last.Changes[0].Kind != Renamed || last.Changes[0].From != "a.circuit.json" {
		t.Fatalf("rename recorded as %+v", last.Changes)
	}
	if err := os.RemoveAll(filepath.Join(r.Root(), "boards", "rev2")); err != nil {
		t.Fatal(err)
	}
	for {
		ev := w.next()
		if ev.Snapshot == nil {
			continue
		}
		snap, err := r.Snapshot(ev.Snapshot.Commit)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := snap["boards/rev2/b.circuit.json"]; !ok {
			if _, ok := snap["boards/rev2/c.circuit.json"]; !ok {
				break
			}
		}
	}
	if err := w.close(); err != nil {
		t.Fatal(err)
	}
	if st, err := other.WatchState(); err != nil || st.Running || st.Last.IsZero() {
		t.Fatalf("after stop: WatchState = %+v, %v", st, err)
	}
}

// fakeWatcher stands for the file system's notifications, so that a test
// decides which events arrive, and when.
type fakeWatcher struct{}

func (fakeWatcher) Add(string) error { return nil }

// newFakeLoop is a watch loop fed by the test's channels.
func newFakeLoop(r *Repo, debounce time.Duration) (*watchLoop, chan fsnotify.Event, chan error, chan WatchEvent) {
	evs, errs, out := make(chan fsnotify.Event), make(chan error), make(chan WatchEvent, 100)
	l := &watchLoop{r: r, fsw: fakeWatcher{}, events: evs, errs: errs, dirs: map[string]bool{}, due: map[string]time.Time{},
		opts: WatchOptions{Debounce: debounce, Report: func(ev WatchEvent) { out <- ev },
			Author: func(now time.Time) objects.Signature { return testSig }}}
	return l, evs, errs, out
}

// TestWatchOverflowRescans: after an overflow the loop checks every
// file, so a change whose event was lost is recorded.
func TestWatchOverflowRescans(t *testing.T) {
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1k"))
	mustSave(t, r, "v1")
	l, _, errs, out := newFakeLoop(r, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- l.run(ctx) }()
	if ev := <-out; ev.Paths != nil || ev.Snapshot != nil || ev.Err != nil {
		t.Fatalf("first scan: %+v", ev)
	}
	writeWorkFile(t, r, "a.circuit.json", circuitV("lost"))
	errs <- fsnotify.ErrEventOverflow
	ev := <-out
	if ev.Err != nil || ev.Snapshot == nil || ev.Paths != nil {
		t.Fatalf("after overflow: %+v", ev)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestWatchStopRecordsPending: stopping the watch records the changes it
// saw that were still waiting for quiet.
func TestWatchStopRecordsPending(t *testing.T) {
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1k"))
	mustSave(t, r, "v1")
	l, evs, _, out := newFakeLoop(r, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- l.run(ctx) }()
	<-out // the first scan
	writeWorkFile(t, r, "a.circuit.json", circuitV("2k"))
	evs <- fsnotify.Event{Name: r.abs("a.circuit.json"), Op: fsnotify.Write}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ev := <-out
	if ev.Snapshot == nil || !slices.Equal(ev.Paths, []string{"a.circuit.json"}) {
		t.Fatalf("on stop: %+v", ev)
	}
}

// TestWatchRetryBacksOff: a check that keeps failing (the store lock
// held by another process) is tried again later each time, up to a
// minute; one that succeeds records what changed meanwhile.
func TestWatchRetryBacksOff(t *testing.T) {
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1k"))
	mustSave(t, r, "v1")
	l, _, _, out := newFakeLoop(r, 10*time.Second)
	release, err := r.fs.TryLock(filepath.Join(r.Dir(), lockName))
	if err != nil {
		t.Fatal(err)
	}
	writeWorkFile(t, r, "a.circuit.json", circuitV("2k"))
	for _, want := range []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, time.Minute, time.Minute} {
		l.check(nil)
		if ev := <-out; KindOf(ev.Err) != Busy || ev.Snapshot != nil {
			t.Fatalf("with the store locked: %+v", ev)
		}
		if l.retry != want || l.rescan.IsZero() {
			t.Fatalf("retry in %v, want %v", l.retry, want)
		}
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	l.check(nil)
	if ev := <-out; ev.Err != nil || ev.Snapshot == nil || l.retry != 0 {
		t.Fatalf("after the lock was released: %+v, retry %v", ev, l.retry)
	}
}

// TestWatchInterval: with an interval, a change the file system never
// reported is recorded by the periodic rescan.
func TestWatchInterval(t *testing.T) {
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1k"))
	mustSave(t, r, "v1")
	l, _, _, out := newFakeLoop(r, time.Hour)
	l.opts.Interval = 10 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- l.run(ctx) }()
	<-out // the first scan
	writeWorkFile(t, r, "a.circuit.json", circuitV("unreported"))
	for {
		ev := <-out
		if ev.Err != nil {
			t.Fatal(ev.Err)
		}
		if ev.Snapshot != nil {
			if ev.Paths != nil {
				t.Fatalf("snapshot of %v, want a rescan of every file", ev.Paths)
			}
			break
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
