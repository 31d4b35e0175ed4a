package worktree

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/internal/gittest"
	"github.com/circuitvc/circuitvc/objects"
)

// branch records, beside the current history, a version on parent with
// file p holding data, under the ref name: another history, as a fetch
// would bring it.
func branch(t *testing.T, r *Repo, name string, parent objects.Hash, p string, data []byte) objects.Hash {
	t.Helper()
	snap, err := r.snapshot(parent)
	if err != nil {
		t.Fatal(err)
	}
	var b batch
	h := objects.HashObject(plumbing.BlobObject, data)
	b.addBlob(p, data, h)
	snap[p] = Entry{Mode: filemode.Regular, Hash: h}
	c, err := b.addCommit(parent, snap, testSig, "on "+name)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.write(r, "branch"); err != nil {
		t.Fatal(err)
	}
	pend, err := r.refs.Prepare(context.Background(), name, objects.ZeroHash, c, testSig, "branch")
	if err != nil {
		t.Fatal(err)
	}
	if err := pend.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestMergeBase: the common version of two histories, the nearest one
// when there are several, none for unrelated histories.
func TestMergeBase(t *testing.T) {
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1k"))
	v1 := mustSave(t, r, "v1").Commit
	writeWorkFile(t, r, "a.circuit.json", circuitV("2k"))
	v2 := mustSave(t, r, "v2").Commit
	side := branch(t, r, "refs/heads/side", v1, "a.circuit.json", circuitV("3k"))
	later := branch(t, r, "refs/heads/later", v2, "a.circuit.json", circuitV("4k"))
	lone := branch(t, r, "refs/heads/lone", objects.ZeroHash, "b.circuit.json", circuitV("5k"))
	for _, c := range []struct {
		a, b, want objects.Hash
	}{{v2, side, v1}, {side, v2, v1}, {v2, later, v2}, {later, v2, v2}, {v2, v2, v2}, {v2, lone, objects.ZeroHash}} {
		got, err := r.mergeBase(c.a, c.b)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("mergeBase(%s, %s) = %s, want %s", short(c.a), short(c.b), got, short(c.want))
		}
	}
}

// TestMergeRecordsTwoParents: a clean merge of another history's change
// to R1 with ours to R2 is one version with both as parents, and git
// agrees with what was written.
func TestMergeRecordsTwoParents(t *testing.T) {
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1k"))
	v1 := mustSave(t, r, "v1").Commit
	theirs := branch(t, r, "refs/heads/side", v1, "a.circuit.json", circuitV("3k"))
	writeWorkFile(t, r, "a.circuit.json", []byte(strings.Replace(string(circuitV("1k")), `"R2", "value": "1k"`, `"R2", "value": "9k"`, 1)))
	v2 := mustSave(t, r, "v2").Commit
	res, err := r.Merge(context.Background(), MergeOptions{Rev: "refs/heads/side", Author: testSig})
	if err != nil {
		t.Fatal(err)
	}
	if res.Open() != 0 || res.Commit.IsZero() {
		t.Fatalf("merge: %+v", res)
	}
	c, err := r.Commit(res.Commit)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Parents) != 2 || c.Parents[0] != v2 || c.Parents[1] != theirs {
		t.Errorf("parents %v, want %s %s", c.Parents, v2, theirs)
	}
	got := readWorkFile(t, r, "a.circuit.json")
	if !strings.Contains(got, `"R1", "value": "3k"`) || !strings.Contains(got, `"R2", "value": "9k"`) {
		t.Errorf("merged file:\n%s", got)
	}
	gittest.Fsck(t, r.Dir())
}

// TestMergeFileWithoutGit: a file that is not JSON is refused when git is
// missing for a line merge, and OURS is left as it was.
func TestMergeFileWithoutGit(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	dir := t.TempDir()
	for name, text := range map[string]string{"base": "a\n", "ours": "b\n", "theirs": "c\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := MergeFile(context.Background(), fsx.OS(), MergeFileOptions{
		Base: filepath.Join(dir, "base"), Ours: filepath.Join(dir, "ours"), Theirs: filepath.Join(dir, "theirs"), Name: "notes.txt"})
	if !errors.Is(err, ErrNoLineMerge) || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("error %v, want ErrNoLineMerge naming notes.txt", err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "ours")); string(data) != "b\n" {
		t.Errorf("ours changed: %q", data)
	}
}

// TestMergeFileReportOnlyConflicts: as git's driver, a clean merge takes
// away the report an earlier merge of the file left.
func TestMergeFileReportOnlyConflicts(t *testing.T) {
	dir := t.TempDir()
	write := func(name, value string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, circuitV(value), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	opts := MergeFileOptions{Base: write("base", "1k"), Ours: write("ours", "2k"), Theirs: write("theirs", "3k"),
		Name: "a.circuit.json", Report: filepath.Join(dir, "report", "a.json"), OnlyConflicts: true}
	res, err := MergeFile(context.Background(), fsx.OS(), opts)
	if err != nil || res.Open != 1 {
		t.Fatalf("conflicting merge: %v %+v", err, res)
	}
	rep, err := ReadReport(fsx.OS(), opts.Report)
	if err != nil || len(rep.Conflicts) != 1 || rep.Conflicts[0].Name() != "R1 value" {
		t.Fatalf("report: %v %+v", err, rep)
	}
	opts.Theirs = write("theirs", "1k")
	if res, err = MergeFile(context.Background(), fsx.OS(), opts); err != nil || res.Open != 0 {
		t.Fatalf("clean merge: %v %+v", err, res)
	}
	if _, err := os.Stat(opts.Report); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the old report is still there: %v", err)
	}
	if res.Method != "semantic" || res.Format != "native" {
		t.Errorf("method %s, format %s", res.Method, res.Format)
	}
}

// TestMergeBusyRefChangesNothing: a merge that cannot take the lock of
// the current version stops before any working file or state changes.
func TestMergeBusyRefChangesNothing(t *testing.T) {
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1k"))
	v1 := mustSave(t, r, "v1").Commit
	branch(t, r, "refs/heads/side", v1, "a.circuit.json", circuitV("3k"))
	writeWorkFile(t, r, "b.circuit.json", circuitV("2k"))
	mustSave(t, r, "v2", "b.circuit.json")
	lock := filepath.Join(r.Dir(), "refs", "heads", "main.lock")
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := r.Merge(context.Background(), MergeOptions{Rev: "refs/heads/side", Author: testSig})
	if err == nil || !strings.Contains(err.Error(), "main.lock") {
		t.Fatalf("merge with a stale lock: %v", err)
	}
	if got := readWorkFile(t, r, "a.circuit.json"); got != string(circuitV("1k")) {
		t.Errorf("working file changed:\n%s", got)
	}
	if ms, err := r.MergeStatus(); err != nil || ms != nil {
		t.Errorf("merge state left: %+v %v", ms, err)
	}
}
