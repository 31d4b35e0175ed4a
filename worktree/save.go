package worktree

import (
	"context"
	"encoding/json"
	"io/fs"
	"path"
	"strings"

	"github.com/circuitvc/circuitvc/internal/circuit"
	"github.com/circuitvc/circuitvc/objects"
)

// ChangeKind says how a file differs between two versions.
type ChangeKind int

// The kinds of change, in the order status lists them.
const (
	Unchanged ChangeKind = iota
	Modified
	Added
	Deleted
	// Renamed: deleted under one path and added under another with the
	// same or similar content; the content may have changed too.
	Renamed
)

func (k ChangeKind) String() string {
	return [...]string{"unchanged", "modified", "new", "deleted", "renamed"}[k]
}

// Change is one file that a save recorded.
type Change struct {
	Path string
	Kind ChangeKind
	// From is the old path of a Renamed file.
	From string
}

// SaveOptions say what to save and how.
type SaveOptions struct {
	// Paths are extra files to track, relative to the root (RelPath).
	Paths []string
	// Message is the commit message; empty means a semantic summary.
	Message string
	// Author signs the commit (see Identity).
	Author objects.Signature
	// NoVerify saves circuits even when validation fails.
	NoVerify bool
}

// SaveResult describes a save that happened.
type SaveResult struct {
	Commit  objects.Hash
	Parent  objects.Hash // ZeroHash for the first save
	Message string
	Changes []Change
	// Packed is the number of objects automatic gc packed (0 if none ran).
	Packed int
	// GCError is why automatic gc failed; the save itself stands.
	GCError error
	// Warnings are validation findings that did not stop the save
	// (level warning); errors refuse it.
	Warnings []*circuit.Error
}

// pending is a changed working file on its way into the store.
type pending struct {
	workFile
	kind ChangeKind
	old  Entry
	// from is the old path of a Renamed file.
	from string
	// model is the circuit validation read from the file, reused by the
	// summary; nil when not validated or not a circuit.
	model *circuit.Circuit
}

// Save records the tracked working files as a new version. It validates
// circuits first (unless NoVerify or config says not to) and fails with
// *ValidationError, writing nothing; it fails with ErrNothingToSave when
// nothing changed. The whole command holds the store lock.
func (r *Repo) Save(ctx context.Context, opts SaveOptions) (*SaveResult, error) {
	release, err := r.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer release()

	head, err := r.Head()
	if err != nil {
		return nil, err
	}
	parents, merging, err := r.mergeParents(head)
	if err != nil {
		return nil, err
	}
	headSnap, err := r.snapshot(head)
	if err != nil {
		return nil, err
	}
	changes, err := r.collectChanges(ctx, headSnap, opts.Paths)
	defer r.saveStatCache()
	if err != nil {
		return nil, err
	}
	if len(changes) == 0 && merging == nil {
		return nil, ErrNothingToSave
	}
	// Big new blobs are compressed and fsynced on another core while the
	// files are validated; nothing refers to them until b.write links
	// them into place, and a failed save removes them.
	staged := r.stageBlobs(changes)
	defer func() {
		for _, st := range staged {
			_ = st.Discard()
		}
	}()
	var warnings []*circuit.Error
	files := versionFiles{old: r.snapshotFS(headSnap), new: r.WorkFS(), oldReads: &circuit.Reads{}, newReads: &circuit.Reads{}}
	if r.cfg.Validate && !opts.NoVerify {
		if warnings, err = validateChanges(changes, files); err != nil {
			return nil, err
		}
	}
	msg := opts.Message
	switch {
	case msg == "" && merging != nil:
		msg = merging.Message
	case msg == "":
		msg = r.summarize(changes, files)
	}
	var b batch
	snap := applyChanges(headSnap, changes, &b)
	for i := range b.objs {
		b.objs[i].Staged = staged[b.objs[i].Hash]
	}
	commit, err := b.addCommitOf(parents, snap, opts.Author, msg)
	if err != nil {
		return nil, err
	}
	if err := b.write(r, "save"); err != nil {
		return nil, err
	}
	if err := r.moveHead(ctx, head, commit, opts.Author, msg, "commit"); err != nil {
		return nil, err
	}
	if merging != nil {
		if err := r.endMerge(); err != nil {
			return nil, err
		}
	}
	res := &SaveResult{Commit: commit, Parent: head, Message: msg, Warnings: warnings}
	for _, c := range changes {
		res.Changes = append(res.Changes, Change{Path: c.Path, Kind: c.kind, From: c.from})
	}
	res.Packed, res.GCError = r.autoGC(ctx)
	return res, nil
}

// stageMin is the size from which a changed file's blob is staged
// (objects.Store.Stage) while the save validates: below it compression
// takes less time than starting the work elsewhere.
const stageMin = 64 << 10

// stageBlobs starts writing the temp files of the big blobs among
// changes that the store does not have yet.
func (r *Repo) stageBlobs(changes []pending) map[objects.Hash]*objects.Staged {
	var out map[objects.Hash]*objects.Staged
	for _, c := range changes {
		if c.kind == Deleted || len(c.Data) < stageMin || out[c.Hash] != nil {
			continue
		}
		if ok, err := r.objects.Has(c.Hash); err != nil || ok {
			continue // stored already, or WriteMany will say what is wrong
		}
		if out == nil {
			out = map[objects.Hash]*objects.Staged{}
		}
		out[c.Hash] = r.objects.Stage(objects.BlobObject, c.Data, c.Hash)
	}
	return out
}

// collectChanges reads every tracked file and keeps those that differ
// from the current version.
func (r *Repo) collectChanges(ctx context.Context, head Snapshot, named []string) ([]pending, error) {
	files, err := r.scanWork(ctx, head, named)
	if err != nil {
		return nil, err
	}
	isNamed := map[string]bool{}
	for _, p := range named {
		isNamed[p] = true
	}
	var out []pending
	for _, wf := range files {
		if wf.Missing && isNamed[wf.Path] {
			return nil, &PathError{Path: wf.Path, Err: fs.ErrNotExist}
		}
		kind, tracked := kindOf(wf, head)
		if !tracked || kind == Unchanged {
			continue
		}
		if err := r.loadWork(ctx, &wf); err != nil {
			return nil, err
		}
		out = append(out, pending{workFile: wf, kind: kind, old: head[wf.Path]})
	}
	return r.pairRenames(ctx, head, out)
}

// pairRenames turns each deleted and added change that are one file
// renamed (see findRenames) into one Renamed change at the new path.
func (r *Repo) pairRenames(ctx context.Context, head Snapshot, changes []pending) ([]pending, error) {
	var deleted []string
	var added []*workFile
	for i := range changes {
		switch changes[i].kind {
		case Deleted:
			deleted = append(deleted, changes[i].Path)
		case Added:
			added = append(added, &changes[i].workFile)
		}
	}
	from, err := r.workRenames(ctx, head, deleted, added)
	if err != nil {
		return nil, err
	}
	return applyRenames(changes, from, func(c *pending) string { return c.Path },
		func(c *pending, old string) { c.kind, c.from, c.old = Renamed, old, head[old] }), nil
}

// isCircuitCandidate reports whether validation applies to a file: any
// JSON file must at least parse; circuits must also be valid.
func isCircuitCandidate(p string, data []byte) bool {
	return strings.HasSuffix(strings.ToLower(p), ".json") || circuit.Detect(p, data) != circuit.FormatUnknown
}

// bigFile is the size above which save checks only a file's JSON syntax
// (encoding/json.Valid allocates nothing per value) instead of building
// its circuit model, and names the file instead of summarising the
// change: the model takes many times the file's size in memory, and save
// must stay near the size of the file itself. `circuitvc validate` still
// checks such files in full.
const bigFile = 16 << 20

// versionFiles are the files of the current version and the working
// files, which a circuit file may use (a KiCad schematic's sub-sheets),
// and what is read of each, shared by the files of a save.
type versionFiles struct {
	old, new           fs.FS
	oldReads, newReads *circuit.Reads
}

// validateChanges checks the changed circuits, with the working files
// they use (files.new); it fails with *ValidationError when any finding
// is an error, and otherwise returns the warnings. A finding two files
// share (a KiCad sub-sheet's, also reported by its root) is listed once.
func validateChanges(changes []pending, files versionFiles) ([]*circuit.Error, error) {
	var problems, warnings []*circuit.Error
	for i := range changes {
		c := &changes[i]
		if c.kind == Deleted || !isCircuitCandidate(c.Path, c.Data) {
			continue
		}
		if len(c.Data) > bigFile && json.Valid(c.Data) {
			continue
		}
		model, findings := circuit.CheckSource(circuit.Source{Name: c.Path, Data: c.Data, Files: files.new, Reads: files.newReads}, circuit.ValidateOptions{})
		c.model = model
		for _, f := range findings {
			if f.Level == circuit.LevelError {
				problems = append(problems, f)
			} else {
				warnings = append(warnings, f)
			}
		}
	}
	warnings = circuit.Unique(warnings)
	if len(problems) > 0 {
		return warnings, &ValidationError{Problems: circuit.Unique(problems)}
	}
	return warnings, nil
}

// applyChanges returns head with the changes made, queueing the new
// blobs in b.
func applyChanges(head Snapshot, changes []pending, b *batch) Snapshot {
	snap := make(Snapshot, len(head)+len(changes))
	for p, e := range head {
		snap[p] = e
	}
	for _, c := range changes {
		if c.kind == Deleted {
			delete(snap, c.Path)
			continue
		}
		if c.kind == Renamed {
			delete(snap, c.from)
		}
		b.addBlob(c.Path, c.Data, c.Hash)
		snap[c.Path] = Entry{Mode: c.Mode, Hash: c.Hash}
	}
	return snap
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// summarize makes the one-line message of a save without -m: the
// semantic change of each file, so that log never has to re-diff.
func (r *Repo) summarize(changes []pending, files versionFiles) string {
	parts := make([]string, 0, len(changes))
	for _, c := range changes {
		parts = append(parts, r.summarizeOne(c, len(changes) > 1, files))
	}
	s := strings.Join(parts, "; ")
	const max = 200
	if len(s) > max {
		cut := strings.LastIndex(s[:max], "; ")
		if cut < 0 {
			cut = max
		}
		s = s[:cut] + "; …"
	}
	return s
}

// summarizeData describes the change from old to the new bytes, reusing
// the model validation read when there is one.
func summarizeData(c pending, old []byte, files versionFiles) string {
	from := c.Path
	if c.kind == Renamed {
		from = c.from
	}
	oldSrc := circuit.Source{Name: from, Data: old, Files: files.old, Reads: files.oldReads}
	newSrc := circuit.Source{Name: c.Path, Data: c.Data, Files: files.new, Reads: files.newReads}
	if c.model == nil {
		return circuit.SummarizeSources(oldSrc, newSrc)
	}
	if c.kind == Added {
		return circuit.SummarizeCircuits(nil, c.model)
	}
	if prev, err := circuit.ParseSource(oldSrc); err == nil {
		return circuit.SummarizeCircuits(prev, c.model)
	}
	return circuit.SummarizeSources(oldSrc, newSrc)
}

func (r *Repo) summarizeOne(c pending, named bool, files versionFiles) string {
	plain := map[ChangeKind]string{Added: "add ", Modified: "edit ", Deleted: "remove "}[c.kind] + c.Path
	if c.kind == Renamed {
		plain = "renamed: " + c.from + " → " + c.Path
		if c.old.Hash == c.Hash {
			return plain
		}
	}
	if c.kind == Deleted || len(c.Data) > bigFile {
		return plain
	}
	var old []byte
	if c.kind == Modified || c.kind == Renamed {
		_, data, err := r.objects.Read(c.old.Hash)
		if err != nil {
			return plain
		}
		old = data
	}
	s := summarizeData(c, old, files)
	switch {
	case s == "":
		return plain
	case c.kind == Renamed:
		return plain + " (" + s + ")"
	case c.kind == Added:
		return plain + ": " + s
	case named:
		return path.Base(c.Path) + ": " + s
	}
	return s
}
