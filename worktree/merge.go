package worktree

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/internal/merge"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// Errors of merging in the store.
var (
	// ErrMerging: a merge is in progress, and the command would lose it.
	ErrMerging = errors.New("a merge is in progress")
	// ErrNotMerging: merge --abort with no merge in progress.
	ErrNotMerging = errors.New("no merge in progress")
	// ErrUnresolved: save refused while a merge has open conflicts.
	ErrUnresolved = errors.New("the merge has conflicts left")
)

// mergeDir holds the state of a merge in progress, inside the store:
// state.json, and reports/<path>.json for each file left with conflicts.
const mergeDir = "merge"

// MergeOptions say what to merge into the current version.
type MergeOptions struct {
	// Rev is the revision to merge (see Resolve).
	Rev string
	// Author signs the merge version and the backup of unsaved work.
	Author objects.Signature
	// Message is the merge version's message; empty means "merge REV".
	Message string
	// Favor settles conflicts in favour of one side.
	Favor merge.Favor
}

// MergeResult says what a merge did.
type MergeResult struct {
	Theirs, Base objects.Hash
	// UpToDate: REV is already in the current history; nothing changed.
	UpToDate bool
	// FastForward: the current version was in REV's history, so current
	// now names REV and the files are REV's.
	FastForward bool
	// Commit is the merge version recorded (two parents), ZeroHash when
	// conflicts are left (save records it once they are resolved).
	Commit objects.Hash
	// Backup names the version holding the working files as they were
	// (unsaved work included); ZeroHash when there was none to keep.
	Backup objects.Hash
	// Files are the files the merge changed, in path order.
	Files []MergedFile
}

// Open counts the conflicts left in all files.
func (r *MergeResult) Open() int {
	n := 0
	for _, f := range r.Files {
		n += f.Open
	}
	return n
}

// MergedFile is one file a merge changed.
type MergedFile struct {
	Path string
	// How: "theirs" (only REV changed it: taken), "removed" (REV deleted
	// it), "merged" (both changed it), "conflict" (both changed it in a
	// way only a person can settle: kept for resolve).
	How string
	// Conflicts of a merged file, settled ones included.
	Conflicts []*merge.Conflict
	// Open counts the conflicts left.
	Open int
	// Format is the format the file was merged as (native, wokwi,
	// tscircuit, json; text for a line merge).
	Format string
}

// mergeState is a merge in progress, as .circuitvc/merge/state.json holds it.
type mergeState struct {
	Rev    string `json:"rev"`
	Theirs string `json:"theirs"`
	Head   string `json:"head"`
	// Backup is the version holding the working files as they were
	// before the merge: what merge --abort puts back.
	Backup  string   `json:"backup"`
	Written []string `json:"written"`
	Removed []string `json:"removed"`
	// Conflicted are the files with a report.
	Conflicted []string `json:"conflicted"`
	Message    string   `json:"message"`
	// done: current already is the version that records this merge (see
	// mergeRecorded); the state is a leftover, not a merge in progress.
	done bool
}

// MergeStatus is a merge in progress, for status.
type MergeStatus struct {
	Rev    string
	Theirs objects.Hash
	// Open counts the conflicts left, by file.
	Open  int
	Files map[string]int
}

// Merge merges revision Rev into the current version with the three-way
// engine of package merge, file by file and item by item, from their
// common version. Unsaved work first goes to backup, as restore does;
// then every file the merge changes is replaced atomically (the others
// keep their unsaved edits). A clean
// merge records a version with two parents (or, when the current
// version is in Rev's history, moves current to Rev). Conflicts leave
// each file with ours' values and a report in .circuitvc/merge; status
// shows the merge, save refuses until resolve has settled every
// conflict and then records the merge, and AbortMerge puts back what
// the merge changed.
func (r *Repo) Merge(ctx context.Context, opts MergeOptions) (*MergeResult, error) {
	release, err := r.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	defer r.saveStatCache()
	if st, err := r.readMergeState(); err != nil {
		return nil, err
	} else if st != nil && !st.done {
		return nil, fmt.Errorf("%w (of %s): resolve its conflicts and save, or 'circuitvc merge --abort'", ErrMerging, st.Rev)
	} else if st != nil {
		// What a recorded merge left goes now, under the lock, so that
		// it cannot mix with this merge's reports.
		if err := r.endMerge(); err != nil {
			return nil, err
		}
	}
	head, err := r.Head()
	if err != nil {
		return nil, err
	}
	res := &MergeResult{}
	if res.Theirs, err = r.Resolve(opts.Rev); err != nil {
		return nil, err
	}
	if res.Base, err = r.mergeBase(head, res.Theirs); err != nil {
		return nil, err
	}
	if res.Base == res.Theirs {
		res.UpToDate = true
		return res, nil
	}
	res.FastForward = res.Base == head
	snaps, err := r.snapshots(res.Base, head, res.Theirs)
	if err != nil {
		return nil, err
	}
	var b batch
	want, st, err := r.mergeFiles(ctx, snaps, opts, res, &b)
	if err != nil {
		return nil, err
	}
	st.Rev, st.Theirs, st.Head = opts.Rev, res.Theirs.String(), head.String()
	st.Message = opts.Message
	if st.Message == "" {
		st.Message = fmt.Sprintf("merge %s (%s)", opts.Rev, short(res.Theirs))
	}
	return res, r.carryOutMerge(ctx, snaps[1], want, st, opts, res, &b)
}

// snapshots reads the files of base, ours (head) and theirs.
func (r *Repo) snapshots(hs ...objects.Hash) ([3]Snapshot, error) {
	var out [3]Snapshot
	for i, h := range hs {
		s, err := r.snapshot(h)
		if err != nil {
			return out, err
		}
		out[i] = s
	}
	return out, nil
}

// mergeFiles works out the merged version of every file: want is the
// current version with the merge's changes, and st lists the files
// written, removed and left with conflicts; merged bytes are queued in b.
func (r *Repo) mergeFiles(ctx context.Context, snaps [3]Snapshot, opts MergeOptions, res *MergeResult, b *batch) (Snapshot, *mergeState, error) {
	base, ours, theirs := snaps[0], snaps[1], snaps[2]
	want := make(Snapshot, len(ours))
	for p, e := range ours {
		want[p] = e
	}
	st := &mergeState{}
	paths := unionPaths(unionSnap(base, ours), theirs, nil)
	for _, p := range paths {
		be, bok := base[p]
		oe, ook := ours[p]
		te, tok := theirs[p]
		switch {
		case ook == tok && oe.Hash == te.Hash, bok == tok && be.Hash == te.Hash:
			continue // theirs did not change it, or changed it as ours did
		case bok == ook && be.Hash == oe.Hash && !tok:
			delete(want, p)
			res.Files = append(res.Files, MergedFile{Path: p, How: "removed"})
			continue
		case bok == ook && be.Hash == oe.Hash:
			want[p] = te
			res.Files = append(res.Files, MergedFile{Path: p, How: "theirs"})
			continue
		}
		f, data, err := r.mergeFile(ctx, p, snaps, opts)
		if err != nil {
			return nil, nil, err
		}
		if f.How == "conflict" && !ook {
			want[p] = te // deleted in ours, changed in theirs: the changed file stays
		} else if data != nil {
			h := BlobID(data)
			b.addBlob(p, data, h)
			want[p] = Entry{Mode: oe.Mode, Hash: h}
		}
		if f.Open > 0 || f.How == "conflict" {
			st.Conflicted = append(st.Conflicted, p)
		}
		res.Files = append(res.Files, f)
	}
	return want, st, nil
}

func unionSnap(a, b Snapshot) Snapshot {
	out := make(Snapshot, len(a)+len(b))
	for p, e := range a {
		out[p] = e
	}
	for p, e := range b {
		out[p] = e
	}
	return out
}

// mergeFile merges one file both sides changed: its merged bytes (nil
// to keep ours) and what is left.
func (r *Repo) mergeFile(ctx context.Context, p string, snaps [3]Snapshot, opts MergeOptions) (MergedFile, []byte, error) {
	var sides [3][]byte
	for i, s := range snaps {
		if e, ok := s[p]; ok {
			_, data, err := r.objects.Read(e.Hash)
			if err != nil {
				return MergedFile{}, nil, fmt.Errorf("%s: %w", p, err)
			}
			sides[i] = data
		}
	}
	f := MergedFile{Path: p, How: "merged"}
	_, inOurs := snaps[1][p]
	_, inTheirs := snaps[2][p]
	if !inOurs || !inTheirs {
		f.How, f.Open = "conflict", 1
		return f, nil, nil
	}
	m, err := merge.Merge(sides[0], sides[1], sides[2], merge.Options{Name: p, Favor: opts.Favor})
	if errors.Is(err, merge.ErrNotJSON) {
		data, open, err := r.mergeLines(ctx, p, sides, opts.Favor)
		if err != nil {
			return f, nil, err
		}
		f.Open, f.Format = open, "text"
		return f, data, nil
	}
	if err != nil {
		return f, nil, err
	}
	f.Conflicts, f.Open, f.Format = m.Conflicts, len(m.Open()), m.Format.String()
	return f, m.Data, nil
}

// mergeLines merges a file that is not JSON with git's line merge, on
// copies of the three versions in the store's merge directory.
func (r *Repo) mergeLines(ctx context.Context, p string, sides [3][]byte, favor merge.Favor) ([]byte, int, error) {
	dir := filepath.Join(r.dir, mergeDir, "lines")
	if err := fsx.MkdirAll(r.fs, dir, 0o755); err != nil {
		return nil, 0, err
	}
	defer r.removeTree(dir)
	var names [3]string
	for i, data := range sides {
		names[i] = filepath.Join(dir, []string{"base", "ours", "theirs"}[i])
		if err := fsx.WriteFile(r.fs, names[i], data, 0o644); err != nil {
			return nil, 0, err
		}
	}
	data, open, err := lineMerge(ctx, MergeFileOptions{Base: names[0], Ours: names[1], Theirs: names[2], Name: p, Favor: favor})
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", p, err)
	}
	return data, open, nil
}

// carryOutMerge makes the merge happen, in the order that loses nothing:
// the objects (unsaved work, merged files) reach the disk, backup names
// the unsaved work, the merge state is written (so that an interrupted
// merge can be aborted), the working files are replaced, and then — for
// a clean merge — the merge version is recorded and the state removed.
func (r *Repo) carryOutMerge(ctx context.Context, ours, want Snapshot, st *mergeState, opts MergeOptions, res *MergeResult, b *batch) error {
	head, _ := parseHash(st.Head)
	work, err := r.workSnapshot(ctx, ours, want, b)
	if err != nil {
		return err
	}
	backup := head
	if !work.Equal(ours) {
		msg := fmt.Sprintf("backup of unsaved work before merge of %s", opts.Rev)
		if backup, err = b.addCommit(head, work, opts.Author, msg); err != nil {
			return err
		}
		res.Backup = backup
	}
	clean := len(st.Conflicted) == 0
	var commit objects.Hash
	if clean && !res.FastForward {
		if commit, err = b.addCommitOf([]objects.Hash{head, res.Theirs}, want, opts.Author, st.Message); err != nil {
			return err
		}
	}
	if err := b.write(r, "merge"); err != nil {
		return err
	}
	// The ref updates are prepared (locked, their old values checked)
	// before any working file changes, so that a busy or moved ref stops
	// the merge with nothing changed.
	var headRef, backupRef *refs.Pending
	defer func() {
		for _, p := range []*refs.Pending{headRef, backupRef} {
			if p != nil {
				p.Abort()
			}
		}
	}()
	if clean {
		if res.FastForward {
			commit = res.Theirs
		}
		if headRef, err = r.refs.Prepare(ctx, refs.HEAD, head, commit, opts.Author, "merge: "+st.Message); err != nil {
			return err
		}
	}
	if !res.Backup.IsZero() {
		old, err := r.refs.Read(refs.Backup)
		if err != nil && !errors.Is(err, refs.ErrNotFound) {
			return err
		}
		if backupRef, err = r.refs.Prepare(ctx, refs.Backup, old, backup, opts.Author, "backup: before merge of "+opts.Rev); err != nil {
			return err
		}
		if err := backupRef.Commit(ctx); err != nil {
			return err
		}
	}
	st.Backup = backup.String()
	plan, err := r.mergePlan(work, want, res.Files)
	if err != nil {
		return err
	}
	for _, f := range plan.write {
		st.Written = append(st.Written, f.path)
	}
	st.Removed = plan.remove
	if err := r.writeMergeState(st, res); err != nil {
		return err
	}
	applied := &RestoreResult{}
	if err := r.apply(ctx, plan, applied); err != nil {
		return r.undoMerge(ctx, work, backupRef, backup, applied, err)
	}
	if !clean {
		return nil
	}
	if err := headRef.Commit(ctx); err != nil {
		// Only the directory fsync failed after the ref moved: put it
		// back, so that the merge is still in progress as the error says.
		if headRef.Moved() {
			if uerr := headRef.Undo(context.WithoutCancel(ctx)); uerr != nil {
				return fmt.Errorf("%w; current is the merge version %s: putting it back failed: %v", err, short(commit), uerr)
			}
		}
		return fmt.Errorf("%w; the files are merged: 'circuitvc save' records the merge", err)
	}
	res.Commit = commit
	return r.endMerge()
}

// undoMerge puts back what a merge changed before it failed — the
// working files it replaced or removed, the backup ref, its state — so
// that a failed merge changes nothing, as a failed restore. What cannot
// be put back is reported with the version that holds the files as they
// were, and the merge stays in progress for 'circuitvc merge --abort'.
func (r *Repo) undoMerge(ctx context.Context, work Snapshot, backupRef *refs.Pending, backup objects.Hash, applied *RestoreResult, cause error) error {
	ctx = context.WithoutCancel(ctx) // it must not stop half way
	undoErr := r.unapply(ctx, work, applied)
	if undoErr == nil && backupRef != nil && backupRef.Moved() {
		undoErr = backupRef.Undo(ctx)
	}
	if undoErr == nil {
		undoErr = r.endMerge()
	}
	if undoErr == nil {
		return cause
	}
	return fmt.Errorf("%w; 'circuitvc merge --abort' puts back the files as they were", &PartialRestoreError{
		Files: append(slices.Clone(applied.Written), applied.Removed...), Previous: backup,
		InBackup: backupRef != nil && backupRef.Moved(), Err: cause, UndoErr: undoErr,
	})
}

// mergePlan is what the merge does to the working files: each file it
// changed made as want holds it. Other files keep their bytes, unsaved
// edits included.
func (r *Repo) mergePlan(work, want Snapshot, files []MergedFile) (*restorePlan, error) {
	plan := &restorePlan{}
	for _, f := range files {
		e, keep := want[f.Path]
		w, exists := work[f.Path]
		switch {
		case !keep && exists:
			plan.remove = append(plan.remove, f.Path)
		case !keep, exists && sameFile(w, e):
		default:
			_, data, err := r.objects.Read(e.Hash)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.Path, err)
			}
			plan.write = append(plan.write, plannedFile{f.Path, data, e.Mode})
		}
	}
	return plan, nil
}

// mergeBase finds the common version of a and b: the first of b's
// ancestors (nearest first) that is also one of a's. ZeroHash when they
// share none (the files then merge as both added).
func (r *Repo) mergeBase(a, b objects.Hash) (objects.Hash, error) {
	if a.IsZero() || a == b {
		return a, nil
	}
	ofA := map[objects.Hash]bool{}
	if err := r.ancestors(a, func(h objects.Hash) bool { ofA[h] = true; return true }); err != nil {
		return objects.ZeroHash, err
	}
	found := objects.ZeroHash
	err := r.ancestors(b, func(h objects.Hash) bool {
		if ofA[h] {
			found = h
			return false
		}
		return true
	})
	return found, err
}

// ancestors visits h and its ancestors, nearest first, until visit
// returns false.
func (r *Repo) ancestors(h objects.Hash, visit func(objects.Hash) bool) error {
	seen := map[objects.Hash]bool{h: true}
	for queue := []objects.Hash{h}; len(queue) > 0; queue = queue[1:] {
		if !visit(queue[0]) {
			return nil
		}
		c, err := r.objects.ReadCommit(queue[0])
		if err != nil {
			return err
		}
		for _, p := range c.Parents {
			if !seen[p] {
				seen[p] = true
				queue = append(queue, p)
			}
		}
	}
	return nil
}

// writeMergeState records a merge in progress and the reports of its
// conflicted files.
func (r *Repo) writeMergeState(st *mergeState, res *MergeResult) error {
	for _, f := range res.Files {
		if !slices.Contains(st.Conflicted, f.Path) {
			continue
		}
		rep := &merge.Report{File: f.Path, Format: f.Format, Conflicts: f.Conflicts}
		switch {
		case f.How == "conflict":
			rep.Format = "file"
			rep.Conflicts = []*merge.Conflict{{Kind: merge.DeletedChanged, Item: f.Path,
				Cause: "deleted on one side and changed on the other: the file holds the changed version; keep it, or delete it, then 'circuitvc resolve " + f.Path + " --mark'"}}
		case f.Format == "text":
			rep.Conflicts = []*merge.Conflict{{Kind: merge.Changed, Item: f.Path,
				Cause: fmt.Sprintf("not JSON: merged by lines, %d conflict(s) marked in the file; edit it, then 'circuitvc resolve %s --mark'", f.Open, f.Path)}}
		}
		if err := WriteReport(r.fs, r.reportPath(f.Path), rep); err != nil {
			return err
		}
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := fsx.MkdirAll(r.fs, filepath.Join(r.dir, mergeDir), 0o755); err != nil {
		return err
	}
	return fsx.WriteFile(r.fs, filepath.Join(r.dir, mergeDir, "state.json"), append(data, '\n'), 0o644)
}

// readMergeState reads the merge in progress; nil when there is none.
func (r *Repo) readMergeState() (*mergeState, error) {
	name := filepath.Join(r.dir, mergeDir, "state.json")
	data, err := fsx.ReadFile(r.fs, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st mergeState
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", name, ErrDamaged, err)
	}
	st.done, err = r.mergeRecorded(&st)
	return &st, err
}

// mergeRecorded reports whether current already is the version that
// records the merge st describes: a power cut (or a failed removal)
// between that version's ref move and the removal of the state leaves
// the state behind, and the merge is then finished, not in progress.
func (r *Repo) mergeRecorded(st *mergeState) (bool, error) {
	head, err := r.Head()
	if err != nil || head.IsZero() || head.String() == st.Head {
		return false, err
	}
	if head.String() == st.Theirs {
		return true, nil // a fast-forward
	}
	c, err := r.objects.ReadCommit(head)
	if err != nil {
		return false, err
	}
	return len(c.Parents) == 2 && c.Parents[0].String() == st.Head && c.Parents[1].String() == st.Theirs, nil
}

// reportPath is where the report of file p of a merge in progress is.
func (r *Repo) reportPath(p string) string {
	return filepath.Join(r.dir, mergeDir, "reports", filepath.FromSlash(p)+".json")
}

// mergeReport returns the report of the working file abs, when a merge
// in progress left one.
func (r *Repo) mergeReport(abs string) (string, bool) {
	st, err := r.readMergeState()
	if err != nil || st == nil || st.done {
		return "", false
	}
	rel, err := filepath.Rel(r.root, abs)
	if err != nil || !slices.Contains(st.Conflicted, filepath.ToSlash(rel)) {
		return "", false
	}
	return r.reportPath(filepath.ToSlash(rel)), true
}

// MergeStatus says whether a merge is in progress and how many of its
// conflicts are open; nil when none is.
func (r *Repo) MergeStatus() (*MergeStatus, error) {
	st, err := r.readMergeState()
	if err != nil || st == nil || st.done {
		return nil, err
	}
	theirs, _ := parseHash(st.Theirs)
	ms := &MergeStatus{Rev: st.Rev, Theirs: theirs, Files: map[string]int{}}
	for _, p := range st.Conflicted {
		rep, err := ReadReport(r.fs, r.reportPath(p))
		if err != nil {
			return nil, err
		}
		if n := rep.Open(); n > 0 {
			ms.Files[p] = n
			ms.Open += n
		}
	}
	return ms, nil
}

// mergeParents are the parents of the version save records: the current
// one, and during a merge the merged revision too. A merge with open
// conflicts refuses the save.
func (r *Repo) mergeParents(head objects.Hash) ([]objects.Hash, *mergeState, error) {
	parents := []objects.Hash{head}
	if head.IsZero() {
		parents = nil
	}
	st, err := r.readMergeState()
	if err != nil || st == nil {
		return parents, nil, err
	}
	if st.done { // under save's lock: the leftover can go
		return parents, nil, r.endMerge()
	}
	ms, err := r.MergeStatus()
	if err != nil {
		return nil, nil, err
	}
	if ms.Open > 0 {
		return nil, nil, fmt.Errorf("%w: %d conflict(s) in %s; 'circuitvc resolve FILE' settles them, 'circuitvc merge --abort' gives up",
			ErrUnresolved, ms.Open, strings.Join(slices.Sorted(maps.Keys(ms.Files)), ", "))
	}
	if st.Head != head.String() {
		return nil, nil, fmt.Errorf("%w, but current moved since it began (%s, now %s): 'circuitvc merge --abort', then merge again", ErrMerging, st.Head[:7], short(head))
	}
	return append(parents, ms.Theirs), st, nil
}

// endMerge removes the state of a merge that save has recorded.
func (r *Repo) endMerge() error { return r.removeTree(filepath.Join(r.dir, mergeDir)) }

// AbortMerge gives up the merge in progress: the files it wrote or
// removed are put back as the backup it made holds them (the working
// files before the merge, unsaved work included), and its state goes.
// The current version never moved, so nothing else changes.
func (r *Repo) AbortMerge(ctx context.Context) (*RestoreResult, error) {
	release, err := r.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	defer r.saveStatCache()
	st, err := r.readMergeState()
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, ErrNotMerging
	}
	if st.done {
		return nil, errors.Join(ErrNotMerging, r.endMerge())
	}
	backup, err := parseHash(st.Backup)
	if err != nil {
		return nil, fmt.Errorf("merge state: %w: %v", ErrDamaged, err)
	}
	before, err := r.snapshot(backup)
	if err != nil {
		return nil, err
	}
	res := &RestoreResult{Target: backup}
	for _, p := range append(slices.Clone(st.Written), st.Removed...) {
		if err := checkPath(p); err != nil {
			return nil, &PathError{Path: p, Err: err}
		}
		if err := r.putBack(ctx, p, before); err != nil {
			return nil, err
		}
		if _, ok := before[p]; ok {
			res.Written = append(res.Written, p)
		} else {
			res.Removed = append(res.Removed, p)
		}
	}
	return res, r.endMerge()
}

// removeTree removes a directory of the store and everything in it.
func (r *Repo) removeTree(dir string) error {
	entries, err := r.fs.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			if err := r.removeTree(p); err != nil {
				return err
			}
			continue
		}
		if err := r.fs.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if err := r.fs.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return r.fs.SyncDir(filepath.Dir(dir))
}

// refuseDuringMerge stops a command that would lose a merge in progress.
func (r *Repo) refuseDuringMerge() error {
	st, err := r.readMergeState()
	if err != nil || st == nil || st.done {
		return err
	}
	return fmt.Errorf("%w (of %s): finish it with 'circuitvc save' or give it up with 'circuitvc merge --abort' first", ErrMerging, st.Rev)
}

// parseHash reads a full hash written in the merge state.
func parseHash(s string) (objects.Hash, error) {
	return objects.ParseHash(s)
}
