package worktree

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// TestRestoreNamedFilesOnly: a restore of named files changes those files
// and no other: unnamed files keep their bytes, saved or not, and the
// version recorded holds the named files at REV and everything else as
// the previous version held it (issue 8, item 1).
func TestRestoreNamedFilesOnly(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name  string
		to    string
		paths []string
		// the working files afterwards, and the files of the recorded version
		wantWork, wantSaved map[string]string
	}{
		{name: "current, one modified file of two", to: "current", paths: []string{"top.circuit.json"},
			wantWork:  map[string]string{"one.circuit.json": "one-unsaved", "top.circuit.json": "top-2"},
			wantSaved: map[string]string{"one.circuit.json": "one-2", "top.circuit.json": "top-2"}},
		{name: "base, the other file modified", to: "current~1", paths: []string{"one.circuit.json"},
			wantWork:  map[string]string{"one.circuit.json": "one-1", "top.circuit.json": "top-unsaved"},
			wantSaved: map[string]string{"one.circuit.json": "one-1", "top.circuit.json": "top-2"}},
		{name: "both named", to: "current~1", paths: []string{"one.circuit.json", "top.circuit.json"},
			wantWork:  map[string]string{"one.circuit.json": "one-1", "top.circuit.json": "top-1"},
			wantSaved: map[string]string{"one.circuit.json": "one-1", "top.circuit.json": "top-1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRepo(t, nil)
			writeWorkFile(t, r, "one.circuit.json", circuitV("one-1"))
			writeWorkFile(t, r, "top.circuit.json", circuitV("top-1"))
			mustSave(t, r, "base")
			writeWorkFile(t, r, "one.circuit.json", circuitV("one-2"))
			writeWorkFile(t, r, "top.circuit.json", circuitV("top-2"))
			mustSave(t, r, "current")
			writeWorkFile(t, r, "one.circuit.json", circuitV("one-unsaved"))
			writeWorkFile(t, r, "top.circuit.json", circuitV("top-unsaved"))

			res, err := r.Restore(ctx, RestoreOptions{To: c.to, Paths: c.paths, Author: testSig})
			if err != nil {
				t.Fatal(err)
			}
			for p, v := range c.wantWork {
				if got := readWorkFile(t, r, p); got != string(circuitV(v)) {
					t.Errorf("working %s = %s, want the %s bytes", p, got, v)
				}
			}
			if len(res.Written) != len(c.paths) {
				t.Errorf("written = %v, want %v", res.Written, c.paths)
			}
			head, err := r.Head()
			if err != nil {
				t.Fatal(err)
			}
			for p, v := range c.wantSaved {
				data, err := r.FileAt(head, "current", p)
				if err != nil || string(data) != string(circuitV(v)) {
					t.Errorf("recorded %s = %s (%v), want the %s bytes", p, data, err, v)
				}
			}
			// both unsaved edits are in backup, restored or not
			for p, v := range map[string]string{"one.circuit.json": "one-unsaved", "top.circuit.json": "top-unsaved"} {
				if !inBackup(r, p, string(circuitV(v)), false) {
					t.Errorf("backup lacks the unsaved %s", p)
				}
			}
		})
	}
}

// TestRestoreBacksUpUntrackedFileItOverwrites: a file the target holds
// that exists in the working tree untracked (saved once, removed from
// history since, then made again) is overwritten only after backup holds
// its bytes.
func TestRestoreBacksUpUntrackedFileItOverwrites(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1"))
	writeWorkFile(t, r, "notes/x.json", []byte(`{"v": 1}`))
	mustSave(t, r, "v1", "notes/x.json")
	removeWorkFile(t, r, "notes/x.json")
	mustSave(t, r, "v2")
	writeWorkFile(t, r, "notes/x.json", []byte(`{"mine": true}`))

	res, err := r.Restore(ctx, RestoreOptions{To: "current~1", Author: testSig})
	if err != nil {
		t.Fatal(err)
	}
	if got := readWorkFile(t, r, "notes/x.json"); got != `{"v": 1}` {
		t.Errorf("notes/x.json = %s, want v1's bytes", got)
	}
	if res.Backup.IsZero() || !inBackup(r, "notes/x.json", `{"mine": true}`, false) {
		t.Errorf("the overwritten untracked notes/x.json is not in backup (%s)", res.Backup)
	}
}

// commitEntries records a version holding files (at the root) with the
// given modes on top of the current one, encoding the tree as stock git
// could, modes included, bypassing save.
func commitEntries(t *testing.T, r *Repo, files Snapshot, data map[string][]byte) objects.Hash {
	t.Helper()
	head, err := r.Head()
	if err != nil {
		t.Fatal(err)
	}
	var tree []byte
	for _, p := range files.Paths() {
		if _, err := r.objects.Write(objects.BlobObject, data[p]); err != nil {
			t.Fatal(err)
		}
		e := files[p]
		tree = append(tree, fmt.Sprintf("%o %s\x00", uint32(e.Mode), p)...)
		tree = append(tree, e.Hash[:]...)
	}
	th, err := r.objects.Write(objects.TreeObject, tree)
	if err != nil {
		t.Fatal(err)
	}
	cdata, err := objects.EncodeCommit(&objects.Commit{Tree: th, Parents: []objects.Hash{head}, Author: testSig, Committer: testSig, Message: "by git\n"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.objects.Write(objects.CommitObject, cdata)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.moveHead(context.Background(), head, c, testSig, "by git", "commit"); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRestoreModesConverge: executable files, symbolic links and git's
// old 100664 mode are restored so that status is clean afterwards and a
// second restore writes nothing (issue 8, item 3).
func TestRestoreModesConverge(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t, fsxtest.NewMemFS())
	writeWorkFile(t, r, "run.sh", []byte("#!/bin/sh\n"))
	writeWorkFile(t, r, "a.circuit.json", circuitV("1"))
	mustSave(t, r, "v1", "run.sh")
	data := map[string][]byte{
		"run.sh":            []byte("#!/bin/sh\n"),
		"a.circuit.json":    circuitV("1"),
		"link.circuit.json": []byte("a.circuit.json"),
		"old.json":          []byte("{}\n"),
	}
	modes := map[string]objects.FileMode{
		"run.sh": objects.ModeExecutable, "a.circuit.json": objects.ModeRegular,
		"link.circuit.json": objects.ModeSymlink, "old.json": filemode.Deprecated,
	}
	files := Snapshot{}
	for p, d := range data {
		files[p] = Entry{Mode: modes[p], Hash: objects.HashObject(objects.BlobObject, d)}
	}
	commitEntries(t, r, files, data)

	// run.sh exists as 0644: the restore must set its x bits
	res, err := r.Restore(ctx, RestoreOptions{To: "current", Author: testSig})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"link.circuit.json", "old.json", "run.sh"}; !slices.Equal(res.Written, want) {
		t.Errorf("written = %v, want %v", res.Written, want)
	}
	wantPerm := map[string]fs.FileMode{"run.sh": 0o755, "link.circuit.json": 0o644, "old.json": 0o644, "a.circuit.json": 0o644}
	for p, perm := range wantPerm {
		fi, err := r.fs.Lstat(r.abs(p))
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != perm {
			t.Errorf("%s: %v (%v), want a regular file %v", p, fi.Mode(), err, perm)
		}
		if got := readWorkFile(t, r, p); got != string(data[p]) {
			t.Errorf("%s = %q, want %q", p, got, data[p])
		}
	}
	wantStatus(t, r, map[string]ChangeKind{"run.sh": Unchanged, "a.circuit.json": Unchanged,
		"link.circuit.json": Unchanged, "old.json": Unchanged})
	again, err := r.Restore(ctx, RestoreOptions{To: "current", Author: testSig})
	if err != nil || len(again.Written)+len(again.Removed) != 0 || !again.Commit.IsZero() {
		t.Errorf("second restore = %+v, %v; want nothing written", again, err)
	}

	// a mode changed by hand is a change, and restore undoes it
	if err := r.fs.Chmod(r.abs("run.sh"), 0o644); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, r, map[string]ChangeKind{"run.sh": Modified, "a.circuit.json": Unchanged,
		"link.circuit.json": Unchanged, "old.json": Unchanged})
	if _, err := r.Restore(ctx, RestoreOptions{To: "current", Paths: []string{"run.sh"}, Author: testSig}); err != nil {
		t.Fatal(err)
	}
	if fi, err := r.fs.Stat(r.abs("run.sh")); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("run.sh after restore: %v %v, want 0755", fi.Mode(), err)
	}

	// a save on top keeps the git-made entries, 100664 written as git
	// writes it today
	writeWorkFile(t, r, "a.circuit.json", circuitV("2"))
	snap, err := r.Snapshot(mustSave(t, r, "v3").Commit)
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]objects.FileMode{"run.sh": objects.ModeExecutable, "link.circuit.json": objects.ModeSymlink, "old.json": objects.ModeRegular} {
		if snap[p].Mode != want {
			t.Errorf("saved %s with mode %v, want %v", p, snap[p].Mode, want)
		}
	}
}

// TestRestoreFailureChangesNothing: each way a restore with unsaved work
// can fail — a stale lock on either ref it moves, the store lock held, a
// read-only store, a working directory it may not write, a damaged ref
// or object — reports its cause, naming the file, and leaves every
// working file and ref file (reflogs included) bit for bit as it was
// (issue 8, item 2).
func TestRestoreFailureChangesNothing(t *testing.T) {
	store := filepath.Join(scRoot, DirName)
	writeStore := func(name, data string) func(*testing.T, *fsxtest.MemFS) {
		return func(t *testing.T, m *fsxtest.MemFS) {
			if err := fsx.WriteFile(m, filepath.Join(store, filepath.FromSlash(name)), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	faulty := func(f fsxtest.Fault) func(fsx.FS) fsx.FS {
		return func(inner fsx.FS) fsx.FS {
			ff := fsxtest.NewFaultFS(inner)
			ff.Inject(f)
			return ff
		}
	}
	cases := []struct {
		name  string
		sc    func(testing.TB) *scenario
		prep  func(*testing.T, *fsxtest.MemFS)
		wrap  func(fsx.FS) fsx.FS
		cause error
		names string
	}{
		{name: "stale lock on current", sc: restoreScenario, prep: writeStore("refs/heads/main.lock", ""),
			cause: refs.ErrLocked, names: "refs/heads/main.lock"},
		{name: "stale lock on backup", sc: rebackupScenario, prep: writeStore("refs/circuitvc/backup.lock", "x"),
			cause: refs.ErrLocked, names: "refs/circuitvc/backup.lock"},
		{name: "stale lock on a first backup", sc: restoreScenario, prep: writeStore("refs/circuitvc/backup.lock", ""),
			cause: refs.ErrLocked, names: "refs/circuitvc/backup.lock"},
		{name: "store lock held", sc: restoreScenario, cause: fsx.ErrLocked, names: DirName,
			prep: func(t *testing.T, m *fsxtest.MemFS) {
				release, err := m.TryLock(filepath.Join(store, lockName))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { release() })
			}},
		{name: "read-only store", sc: rebackupScenario, cause: syscall.EROFS, names: store,
			wrap: func(inner fsx.FS) fsx.FS { return fsxtest.ReadOnly(inner, store) }},
		{name: "working directory not writable", sc: restoreScenario, cause: syscall.EACCES, names: "d.circuit.json",
			wrap: faulty(fsxtest.Fault{Op: "open", Path: ".d.circuit.json.tmp-", Times: -1, Err: syscall.EACCES})},
		{name: "working file cannot be removed", sc: restoreScenario, cause: syscall.EACCES, names: "c.circuit.json",
			wrap: faulty(fsxtest.Fault{Op: "remove", Path: "/w/c.circuit.json", Times: -1, Err: syscall.EACCES})},
		{name: "disk full on the current ref", sc: rebackupScenario, cause: syscall.ENOSPC, names: "refs/heads/main",
			wrap: faulty(fsxtest.Fault{Op: "write", Path: "refs/heads/main.lock", Times: -1, Err: syscall.ENOSPC})},
		{name: "damaged backup ref", sc: rebackupScenario, prep: writeStore("refs/circuitvc/backup", "garbage\n"),
			cause: refs.ErrCorrupt, names: "refs/circuitvc/backup"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc := c.sc(t)
			m := sc.base.Clone()
			if c.prep != nil {
				c.prep(t, m)
			}
			sc.before, sc.refs = workState(t, m), refState(t, m)
			var fsys fsx.FS = m
			if c.wrap != nil {
				fsys = c.wrap(m)
			}
			r, err := openRepo(t, fsys)
			if err != nil {
				t.Fatal(err)
			}
			err = sc.run(context.Background(), r)
			r.Close()
			var partial *PartialRestoreError
			if !errors.Is(err, c.cause) || errors.As(err, &partial) || !strings.Contains(err.Error(), c.names) {
				t.Fatalf("err = %v, want %v naming %s", err, c.cause, c.names)
			}
			checkUnchanged(t, m, sc, false, c.name)
		})
	}
}
