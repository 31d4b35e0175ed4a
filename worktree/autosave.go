package worktree

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/circuitvc/circuitvc/internal/circuit"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// AutosaveRef is the local history: a chain of snapshot commits, each
// the parent of the next, apart from the versions (current). `log`
// never shows it unless asked; the revision "autosave" names its newest
// snapshot.
const AutosaveRef = "refs/circuitvc/autosave"

// Trailers of a snapshot's message: the current version it was taken
// against, and each file that failed validation with its first problem.
const (
	currentTrailer = "Current: "
	invalidTrailer = "Invalid: "
)

// AutosaveOptions say what a snapshot records.
type AutosaveOptions struct {
	// Paths limits the snapshot to these working files (slash-separated,
	// from the root): every other file keeps what the previous snapshot
	// holds. Nil means every tracked file.
	Paths []string
	// Author signs the snapshot commit.
	Author objects.Signature
}

// AutosaveResult describes a snapshot that was recorded.
type AutosaveResult struct {
	Commit objects.Hash
	// Parent is the previous snapshot; ZeroHash for the first.
	Parent objects.Hash
	// Current is the version the snapshot was taken against (ZeroHash
	// before the first save).
	Current objects.Hash
	// Summary is the semantic change since the previous snapshot.
	Summary string
	Changes []Change
	// Invalid names the files that failed validation; the snapshot keeps
	// them all the same.
	Invalid []string
}

// Autosave records a snapshot of the working files on the autosave chain
// when they differ from its newest snapshot (from the current version before the
// first snapshot), and fails with ErrNothingToSave when they do not. It
// never moves current and never refuses a file that does not validate:
// that file is kept, and named in the message as invalid. It holds the
// store lock for the snapshot only, as save does.
func (r *Repo) Autosave(ctx context.Context, opts AutosaveOptions) (*AutosaveResult, error) {
	release, err := r.lockAutosave(ctx)
	if err != nil {
		return nil, err
	}
	defer release()

	head, err := r.Head()
	if err != nil {
		return nil, err
	}
	headSnap, err := r.snapshot(head)
	if err != nil {
		return nil, err
	}
	last, err := r.autosaveHead()
	if err != nil {
		return nil, err
	}
	base := headSnap
	if !last.IsZero() {
		if base, err = r.snapshot(last); err != nil {
			return nil, fmt.Errorf("autosave: previous snapshot %s: %w", short(last), err)
		}
	}
	changes, err := r.snapshotChanges(ctx, base, headSnap, opts.Paths)
	defer r.saveStatCache()
	if err != nil {
		return nil, err
	}
	if len(changes) == 0 {
		return nil, ErrNothingToSave
	}
	files := versionFiles{old: r.snapshotFS(base), new: r.WorkFS(), oldReads: &circuit.Reads{}, newReads: &circuit.Reads{}}
	var invalid []*circuit.Error
	if r.cfg.Validate {
		var verr *ValidationError
		if _, err := validateChanges(changes, files); errors.As(err, &verr) {
			invalid = firstPerFile(verr.Problems)
		}
	}
	res := &AutosaveResult{Parent: last, Current: head, Summary: r.summarize(changes, files)}
	var b batch
	snap := applyChanges(base, changes, &b)
	msg := snapshotMessage(res.Summary, head, invalid)
	if res.Commit, err = b.addCommit(last, snap, opts.Author, msg); err != nil {
		return nil, err
	}
	if err := b.write(r, "autosave"); err != nil {
		return nil, err
	}
	if err := r.refs.Update(ctx, AutosaveRef, last, res.Commit, opts.Author, "autosave: "+firstLine(msg)); err != nil {
		return nil, fmt.Errorf("autosave: %w", err)
	}
	for _, c := range changes {
		res.Changes = append(res.Changes, Change{Path: c.Path, Kind: c.kind, From: c.from})
	}
	for _, p := range invalid {
		res.Invalid = append(res.Invalid, p.File)
	}
	return res, nil
}

// lockAutosave takes the store lock for a change of the autosave chain,
// and removes the autosave ref's lock file if one is left: only Autosave
// and PruneAutosave write that ref, under the store lock, so one found
// now was left by a process killed during its update (the ref itself is
// whole: the lock is renamed over it or not at all). A watcher killed
// mid-snapshot thus never stops the next one.
func (r *Repo) lockAutosave(ctx context.Context) (func() error, error) {
	release, err := r.lock(ctx)
	if err != nil {
		return nil, err
	}
	stale := filepath.Join(r.dir, filepath.FromSlash(AutosaveRef)+".lock")
	if _, err := r.fs.Lstat(stale); err != nil {
		return release, nil
	}
	if err := r.fs.Remove(stale); err != nil && !errors.Is(err, fs.ErrNotExist) {
		_ = release()
		return nil, fmt.Errorf("autosave: remove the lock left by a killed process: %w", err)
	}
	return release, nil
}

// autosaveHead is the newest snapshot, or ZeroHash when there is none.
func (r *Repo) autosaveHead() (objects.Hash, error) {
	h, err := r.refs.Read(AutosaveRef)
	if errors.Is(err, refs.ErrNotFound) {
		return objects.ZeroHash, nil
	}
	return h, err
}

// snapshotChanges compares working files with base, the previous
// snapshot: the paths asked for, or (nil) every path of base, of the
// current version and matching the patterns. A path that is none of
// these is not tracked and left out.
func (r *Repo) snapshotChanges(ctx context.Context, base, head Snapshot, paths []string) ([]pending, error) {
	var files []workFile
	if paths == nil {
		var err error
		if files, err = r.scanWork(ctx, base, head.Paths()); err != nil {
			return nil, err
		}
	}
	for _, p := range paths {
		_, inBase := base[p]
		_, inHead := head[p]
		if !inBase && !inHead && !r.matchTracked(p) {
			continue
		}
		wf, err := r.statWork(ctx, p)
		if err != nil {
			return nil, err
		}
		files = append(files, wf)
	}
	var out []pending
	for _, wf := range files {
		kind, tracked := kindOf(wf, base)
		if !tracked || kind == Unchanged {
			continue
		}
		if err := r.loadWork(ctx, &wf); err != nil {
			return nil, err
		}
		out = append(out, pending{workFile: wf, kind: kind, old: base[wf.Path]})
	}
	return r.pairRenames(ctx, base, out)
}

// firstPerFile keeps the first problem of each file, in order.
func firstPerFile(problems []*circuit.Error) []*circuit.Error {
	var out []*circuit.Error
	for _, p := range problems {
		if !slices.ContainsFunc(out, func(q *circuit.Error) bool { return q.File == p.File }) {
			out = append(out, p)
		}
	}
	return out
}

// snapshotMessage is a snapshot's commit message: "autosave: SUMMARY",
// "autosave (invalid: FILES): SUMMARY" when files failed validation
// (invalid holds each one's first problem), then the trailers.
func snapshotMessage(summary string, current objects.Hash, invalid []*circuit.Error) string {
	var b strings.Builder
	b.WriteString("autosave")
	if len(invalid) > 0 {
		files := make([]string, len(invalid))
		for i, p := range invalid {
			files[i] = p.File
		}
		b.WriteString(" (invalid: " + strings.Join(files, ", ") + ")")
	}
	b.WriteString(": " + summary + "\n\n" + currentTrailer)
	if current.IsZero() {
		b.WriteString("none")
	} else {
		b.WriteString(current.String())
	}
	b.WriteString("\n")
	for _, p := range invalid {
		b.WriteString(invalidTrailer + firstLine(p.Error()) + "\n")
	}
	return b.String()
}

// SnapshotCurrent reads the current version a snapshot was taken
// against from its message (ZeroHash when it names none).
func SnapshotCurrent(c *objects.Commit) objects.Hash {
	for _, line := range strings.Split(c.Message, "\n") {
		if v, ok := strings.CutPrefix(line, currentTrailer); ok {
			if h, err := objects.ParseHash(strings.TrimSpace(v)); err == nil {
				return h
			}
		}
	}
	return objects.ZeroHash
}

// LastSnapshot is the newest snapshot and when it was taken; ok is false
// when there is none.
func (r *Repo) LastSnapshot() (h objects.Hash, when time.Time, ok bool, err error) {
	h, err = r.autosaveHead()
	if err != nil || h.IsZero() {
		return h, when, false, err
	}
	c, err := r.objects.ReadCommit(h)
	if err != nil {
		return h, when, false, fmt.Errorf("autosave %s: %w", short(h), err)
	}
	return h, c.Committer.When, true, nil
}

// errNoAutosave is the unknown revision "autosave" before any snapshot.
type errNoAutosave struct{}

func (errNoAutosave) Error() string {
	return "no snapshot yet: 'circuitvc watch' records them"
}
func (errNoAutosave) Unwrap() error { return ErrRevisionNotFound }
