package worktree

// Shared machinery of the fault-injection (fault_test.go), power-cut
// (crash_test.go) and hostile-store (hostile_test.go) tests: prepared
// scenarios on a MemFS, and the invariants every outcome must satisfy.

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// scRoot is the working tree of every scenario; a fixed path keeps the
// operation logs identical from run to run.
const scRoot = "/w"

// scenario is a prepared store plus one command to run on it, with what
// the command may leave behind.
type scenario struct {
	name    string
	base    *fsxtest.MemFS // the store before the command, all durable
	oldHead objects.Hash   // HEAD before the command
	oldLog  []objects.Hash
	newSnap Snapshot          // the files of the commit a completed command makes
	before  map[string]string // working files before the command
	after   map[string]string // working files after it completed
	// unsaved holds working files whose bytes no commit holds yet: they
	// must stay in the working tree or be reachable from the backup ref.
	unsaved map[string]string
	// atomic: a run that reports failure (other than a
	// *PartialRestoreError) has changed no working file and no ref.
	atomic bool
	refs   map[string]string // refState before the command
	run    func(ctx context.Context, r *Repo) error
	// parents of the commit a completed command makes; nil: [oldHead].
	parents []objects.Hash
}

// openRepo opens the scenario's store on fsys with a short lock wait.
func openRepo(t testing.TB, fsys fsx.FS) (*Repo, error) {
	t.Helper()
	return Find(scRoot, OpenOptions{FS: fsys, LockTimeout: 50 * time.Millisecond})
}

// initMem makes an empty store in scRoot on a new MemFS.
func initMem(t testing.TB) (*fsxtest.MemFS, *Repo) {
	t.Helper()
	m := fsxtest.NewMemFS()
	if err := fsx.MkdirAll(m, scRoot, 0o755); err != nil {
		t.Fatal(err)
	}
	r, err := Init(scRoot, OpenOptions{FS: m, LockTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return m, r
}

func removeWorkFile(t testing.TB, r *Repo, p string) {
	t.Helper()
	if err := r.fs.Remove(r.abs(p)); err != nil {
		t.Fatal(err)
	}
}

// saveScenario: v1 holds a.circuit.json and sub/b.circuit.json; the
// command saves a changed a.circuit.json and a new c.circuit.json on top.
func saveScenario(t testing.TB) *scenario {
	t.Helper()
	m, r := initMem(t)
	writeWorkFile(t, r, "a.circuit.json", circuitV("10k"))
	writeWorkFile(t, r, "sub/b.circuit.json", circuitV("1k"))
	writeWorkFile(t, r, "notes.txt", []byte("not tracked\n"))
	v1 := mustSave(t, r, "v1").Commit
	writeWorkFile(t, r, "a.circuit.json", circuitV("4.7k"))
	writeWorkFile(t, r, "c.circuit.json", circuitV("220"))
	r.Close()
	sc := &scenario{
		name:    "save",
		base:    m,
		atomic:  true,
		oldHead: v1,
		run: func(ctx context.Context, r *Repo) error {
			_, err := r.Save(ctx, SaveOptions{Author: testSig})
			return err
		},
	}
	sc.fillFromReference(t)
	return sc
}

// restoreScenario: v1 holds a, sub/b and d; v2 changes a, adds c and
// removes d; a.circuit.json then holds an unsaved edit. The command
// restores v1: the edit goes to backup, a is replaced, d recreated, c
// removed, and a commit records the restore.
func restoreScenario(t testing.TB) *scenario { return restoreScenarioOf(t, true, false) }

// cleanRestoreScenario is restoreScenario without the unsaved edit: the
// working files equal v2, so backup moves to v2 itself.
func cleanRestoreScenario(t testing.TB) *scenario { return restoreScenarioOf(t, false, false) }

// rebackupScenario is restoreScenario in a store where an earlier restore
// made backup already (with its reflog), so that a failed run must put
// back a ref that existed.
func rebackupScenario(t testing.TB) *scenario { return restoreScenarioOf(t, true, true) }

func restoreScenarioOf(t testing.TB, withUnsaved, withBackup bool) *scenario {
	t.Helper()
	m, r := initMem(t)
	writeWorkFile(t, r, "a.circuit.json", circuitV("10k"))
	writeWorkFile(t, r, "sub/b.circuit.json", circuitV("1k"))
	writeWorkFile(t, r, "d.circuit.json", circuitV("33"))
	writeWorkFile(t, r, "notes.txt", []byte("not tracked\n"))
	v1 := mustSave(t, r, "v1").Commit
	writeWorkFile(t, r, "a.circuit.json", circuitV("4.7k"))
	writeWorkFile(t, r, "c.circuit.json", circuitV("220"))
	removeWorkFile(t, r, "d.circuit.json")
	v2 := mustSave(t, r, "v2").Commit
	sc := &scenario{name: "clean restore", base: m, oldHead: v2, unsaved: map[string]string{}, atomic: true}
	if withBackup {
		writeWorkFile(t, r, "c.circuit.json", circuitV("earlier edit"))
		res, err := r.Restore(context.Background(), RestoreOptions{To: "current", Paths: []string{"c.circuit.json"}, Author: testSig})
		if err != nil || res.Backup.IsZero() || !res.Commit.IsZero() {
			t.Fatalf("setting up a backup: %+v, %v", res, err)
		}
		sc.name = "restore over a backup"
	}
	if withUnsaved {
		writeWorkFile(t, r, "a.circuit.json", circuitV("unsaved"))
		sc.unsaved = map[string]string{"a.circuit.json": string(circuitV("unsaved"))}
		if !withBackup {
			sc.name = "restore"
		}
	}
	r.Close()
	to := v1.String()
	sc.run = func(ctx context.Context, r *Repo) error {
		_, err := r.Restore(ctx, RestoreOptions{To: to, Author: testSig})
		return err
	}
	sc.fillFromReference(t)
	return sc
}

// fillFromReference records the state before the command, then runs it
// once without faults on a copy to learn what a completed run leaves.
func (sc *scenario) fillFromReference(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	sc.before = workState(t, sc.base)
	sc.refs = refState(t, sc.base)
	r, err := openRepo(t, sc.base)
	if err != nil {
		t.Fatal(err)
	}
	sc.oldLog = logOf(t, r, sc.oldHead)
	r.Close()

	ref := sc.base.Clone()
	if r, err = openRepo(t, ref); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := sc.run(ctx, r); err != nil {
		t.Fatalf("%s reference run: %v", sc.name, err)
	}
	head, err := r.Head()
	if err != nil || head == sc.oldHead {
		t.Fatalf("%s reference run: HEAD %v, %v", sc.name, head, err)
	}
	if sc.newSnap, err = r.Snapshot(head); err != nil {
		t.Fatal(err)
	}
	sc.after = workState(t, ref)
}

// logOf lists the history of h, newest first.
func logOf(t testing.TB, r *Repo, h objects.Hash) []objects.Hash {
	t.Helper()
	var out []objects.Hash
	err := r.Log(context.Background(), LogOptions{From: h}, func(e LogEntry) error {
		out = append(out, e.Hash)
		return nil
	})
	if err != nil {
		t.Fatalf("log %s: %v", h, err)
	}
	return out
}

// listFiles returns every regular file below dir (slash paths relative
// to dir); skip names directories not to enter.
func listFiles(fsys fsx.FS, dir string, skip map[string]bool) ([]string, error) {
	var out []string
	var walk func(rel string) error
	walk = func(rel string) error {
		entries, err := fsys.ReadDir(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		for _, e := range entries {
			p := path.Join(rel, e.Name())
			switch {
			case e.IsDir() && !skip[p]:
				if err := walk(p); err != nil {
					return err
				}
			case e.Type().IsRegular():
				out = append(out, p)
			}
		}
		return nil
	}
	return out, walk("")
}

// workState reads every file of the working tree (outside the store).
func workState(t testing.TB, fsys fsx.FS) map[string]string {
	t.Helper()
	files, err := listFiles(fsys, scRoot, map[string]bool{DirName: true})
	if err != nil {
		t.Fatalf("list working tree: %v", err)
	}
	out := map[string]string{}
	for _, p := range files {
		data, err := fsx.ReadFile(fsys, filepath.Join(scRoot, filepath.FromSlash(p)))
		if err != nil {
			t.Fatalf("read working file %s: %v", p, err)
		}
		out[p] = string(data)
	}
	return out
}

// refState reads every file of the store's refs: HEAD, packed-refs,
// loose refs and reflogs, lock files included.
func refState(t testing.TB, fsys fsx.FS) map[string]string {
	t.Helper()
	dir := filepath.Join(scRoot, DirName)
	out := map[string]string{}
	for _, sub := range []string{"refs", "logs"} {
		files, err := listFiles(fsys, filepath.Join(dir, sub), nil)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("list %s: %v", sub, err)
		}
		for _, p := range files {
			out[sub+"/"+p] = ""
		}
	}
	for _, p := range []string{"HEAD", "packed-refs"} {
		out[p] = ""
	}
	for p := range out {
		data, err := fsx.ReadFile(fsys, filepath.Join(dir, filepath.FromSlash(p)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			delete(out, p)
		case err != nil:
			t.Fatalf("read %s: %v", p, err)
		default:
			out[p] = string(data)
		}
	}
	return out
}

// checkUnchanged asserts that the working files and the refs are bit for
// bit as they were before sc's command; so are the reflogs, and no lock
// file is left, unless deadDisk (a disk that failed every operation from
// some point on could not clean up).
func checkUnchanged(t testing.TB, fsys fsx.FS, sc *scenario, deadDisk bool, desc string) {
	t.Helper()
	debris := func(p string) bool {
		return deadDisk && (strings.HasSuffix(p, ".lock") || strings.HasPrefix(p, "logs/"))
	}
	for _, c := range []struct {
		what        string
		before, now map[string]string
	}{{"working file", sc.before, workState(t, fsys)}, {"ref file", sc.refs, refState(t, fsys)}} {
		for p, old := range c.before {
			if now, ok := c.now[p]; (!ok || now != old) && !debris(p) {
				t.Errorf("%s: the command failed but %s %s changed: %s, was %s", desc, c.what, p, describe(now, ok), describe(old, true))
			}
		}
		for p, now := range c.now {
			if _, ok := c.before[p]; !ok && !debris(p) {
				t.Errorf("%s: the command failed but %s %s appeared (%s)", desc, c.what, p, describe(now, true))
			}
		}
	}
}

// describe shows a working file's state briefly in failure messages.
func describe(data string, ok bool) string {
	if !ok {
		return "<absent>"
	}
	sum := sha256.Sum256([]byte(data))
	return fmt.Sprintf("%d bytes %x", len(data), sum[:4])
}

// isWorkTemp reports whether a working-tree file is a leftover temp file
// of an atomic replace (fsx.WriteFileAtomic's ".<name>.tmp-…").
func isWorkTemp(p string) bool { return strings.Contains(path.Base(p), ".tmp-") }

// storeDebris lists leftovers inside the store: temp objects and lock
// files other than the whole-command lock (whose file stays by design).
func storeDebris(fsys fsx.FS) (tmpObjects, locks []string) {
	files, _ := listFiles(fsys, filepath.Join(scRoot, DirName), nil)
	for _, p := range files {
		switch base := path.Base(p); {
		case strings.HasPrefix(base, "tmp_obj_") || strings.Contains(base, ".tmp-"):
			tmpObjects = append(tmpObjects, p)
		case strings.HasSuffix(base, ".lock") && base != lockName:
			locks = append(locks, p)
		}
	}
	return tmpObjects, locks
}

// refRenamed reports whether the log holds the rename that moves the
// current branch (refs/heads/main.lock over refs/heads/main): only after
// it may HEAD have moved.
func refRenamed(log []fsxtest.Op) bool {
	main := filepath.FromSlash(refs.Main)
	return slices.ContainsFunc(log, func(op fsxtest.Op) bool {
		return op.Name == "rename" && op.Err == nil && strings.HasSuffix(op.To, main)
	})
}

// outcome is what checkStore found.
type outcome struct {
	moved bool // HEAD is the command's new commit
}

// checkStore reopens the store on fsys and checks the invariants every
// outcome of a command must satisfy, fault or power cut alike:
//   - verify reports nothing;
//   - HEAD is the old commit, or a commit on top of it holding exactly the
//     files a completed command records (only if mayMove: the branch's
//     ref rename happened); when the command was acknowledged, the latter;
//   - the old history is intact under HEAD;
//   - every working file is whole: its bytes (or absence) are those of
//     before or after the command; when acknowledged, those of after;
//   - an unsaved working file that is no longer in the working tree is
//     reachable from the backup ref.
func checkStore(t testing.TB, fsys fsx.FS, sc *scenario, mayMove, acked bool, desc string) outcome {
	return checkStoreBackup(t, fsys, sc, mayMove, acked, false, desc)
}

// checkStoreBackup is checkStore; with anyBackup, unsaved work may be in
// any entry of the backup reflog rather than at the backup ref itself (a
// later command may have moved the ref on).
func checkStoreBackup(t testing.TB, fsys fsx.FS, sc *scenario, mayMove, acked, anyBackup bool, desc string) outcome {
	t.Helper()
	var out outcome
	r, err := openRepo(t, fsys)
	if err != nil {
		t.Errorf("%s: reopen: %v", desc, err)
		return out
	}
	defer r.Close()
	problems, err := verifyProblems(r)
	if err != nil {
		t.Errorf("%s: verify failed to run: %v", desc, err)
	}
	if len(problems) > 0 {
		t.Errorf("%s: verify found %d problem(s):\n  %s", desc, len(problems), strings.Join(problems, "\n  "))
	}
	head, err := r.Head()
	if err != nil {
		t.Errorf("%s: HEAD: %v", desc, err)
		return out
	}
	if head != sc.oldHead {
		out.moved = true
		c, err := r.Commit(head)
		if err != nil {
			t.Errorf("%s: HEAD %s: %v", desc, head, err)
			return out
		}
		want := sc.parents
		if want == nil {
			want = []objects.Hash{sc.oldHead}
		}
		if !slices.Equal(c.Parents, want) {
			t.Errorf("%s: HEAD %s has parents %v, want %v", desc, head, c.Parents, want)
		}
		if snap, err := r.Snapshot(head); err != nil || !snap.Equal(sc.newSnap) {
			t.Errorf("%s: HEAD %s holds %v (%v), want %v", desc, head, snap, err, sc.newSnap)
		}
		if !mayMove {
			t.Errorf("%s: HEAD moved to %s although the branch ref was never renamed", desc, head)
		}
	} else if acked {
		t.Errorf("%s: the command succeeded but HEAD is still the old commit %s: acknowledged work lost", desc, head)
	}
	got := logOf(t, r, head)
	switch {
	case sc.parents != nil: // a merge: the old history is among the new, interleaved with theirs
		for _, h := range sc.oldLog {
			if !slices.Contains(got, h) {
				t.Errorf("%s: history under HEAD = %v lacks %s", desc, got, h)
			}
		}
	case len(got) < len(sc.oldLog) || !slices.Equal(got[len(got)-len(sc.oldLog):], sc.oldLog):
		t.Errorf("%s: history under HEAD = %v, want it to end with %v", desc, got, sc.oldLog)
	}
	checkWork(t, r, fsys, sc, acked, anyBackup, desc)
	return out
}

// verifyProblems runs verify and returns what it found, except a stale
// ref lock file: a power cut can leave one (as with git), verify may list
// it, and the callers check lock files themselves (none may be left by a
// failed command; one left by a cut must block the next update cleanly).
func verifyProblems(r *Repo) ([]string, error) {
	var problems []string
	_, err := r.Verify(context.Background(), func(p Problem) {
		if errors.Is(p.Err, refs.ErrLocked) || strings.Contains(p.String(), ".lock exists") {
			return
		}
		problems = append(problems, p.String())
	})
	return problems, err
}

// checkWork checks that every working file is whole-old or whole-new and
// that unsaved work is never lost.
func checkWork(t testing.TB, r *Repo, fsys fsx.FS, sc *scenario, acked, anyBackup bool, desc string) {
	t.Helper()
	work := workState(t, fsys)
	paths := map[string]bool{}
	for _, m := range []map[string]string{work, sc.before, sc.after} {
		for p := range m {
			paths[p] = true
		}
	}
	for p := range paths {
		got, gok := work[p]
		old, ook := sc.before[p]
		nw, nok := sc.after[p]
		isOld := gok == ook && got == old
		isNew := gok == nok && got == nw
		switch {
		case isWorkTemp(p):
			// counted by the callers: a crash may leave one, a fault may not
		case acked && !isNew:
			t.Errorf("%s: after success %s is %s, want %s", desc, p, describe(got, gok), describe(nw, nok))
		case !isOld && !isNew:
			t.Errorf("%s: working file %s is %s: neither the old %s nor the new %s", desc, p,
				describe(got, gok), describe(old, ook), describe(nw, nok))
		}
	}
	for p, u := range sc.unsaved {
		if work[p] == u {
			continue
		}
		if !inBackup(r, p, u, anyBackup) {
			t.Errorf("%s: unsaved %s was overwritten but the backup ref does not hold it", desc, p)
		}
	}
}

// inBackup reports whether the backup ref (or, with anyEntry, any entry
// of its reflog) names a commit holding data at p.
func inBackup(r *Repo, p, data string, anyEntry bool) bool {
	want := objects.HashObject(objects.BlobObject, []byte(data))
	tips := []objects.Hash{}
	if h, err := r.refs.Read(refs.Backup); err == nil {
		tips = append(tips, h)
	}
	if anyEntry {
		log, _ := r.refs.Reflog(refs.Backup)
		for _, e := range log {
			tips = append(tips, e.New)
		}
	}
	for _, h := range tips {
		snap, err := r.Snapshot(h)
		if err != nil || snap[p].Hash != want {
			continue
		}
		if ok, err := r.objects.Has(want); err == nil && ok {
			return true
		}
	}
	return false
}

// followUp runs the command again on fsys, as the user would after a
// failure (a new process: no lock is held), and checks that it completes
// and leaves the store and working tree as a clean run does.
func followUp(t testing.TB, fsys fsx.FS, sc *scenario, desc string) {
	t.Helper()
	r, err := openRepo(t, fsys)
	if err != nil {
		t.Errorf("%s: follow-up: reopen: %v", desc, err)
		return
	}
	err = sc.run(context.Background(), r)
	r.Close()
	if err != nil && !errors.Is(err, ErrNothingToSave) {
		t.Errorf("%s: follow-up %s failed: %v", desc, sc.name, err)
		return
	}
	checkStoreBackup(t, fsys, sc, true, true, true, desc+" (follow-up)")
	if len(sc.unsaved) > 0 {
		r, err := openRepo(t, fsys)
		if err != nil {
			return
		}
		defer r.Close()
		for p, u := range sc.unsaved {
			if !inBackup(r, p, u, true) {
				t.Errorf("%s: follow-up: unsaved %s is in no backup reflog entry", desc, p)
			}
		}
	}
}

// mentions reports whether err's message names the file of op, or says
// what went wrong: the test's bar for "a clear error".
func mentions(err error, op fsxtest.Op) bool {
	msg := err.Error()
	names := []string{op.Path, op.To}
	// A temp file of an atomic replace (".<name>.tmp-…") is named after
	// its target, which a retried write names instead.
	if base, _, ok := strings.Cut(filepath.Base(op.Path), ".tmp-"); ok && strings.HasPrefix(base, ".") {
		names = append(names, base[1:])
	}
	for _, p := range names {
		if p != "" && (strings.Contains(msg, p) || strings.Contains(msg, filepath.Base(p))) {
			return true
		}
	}
	return false
}

// errnoName is a short name for log lines.
func errnoName(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Sprint(err)
}
