package worktree

// Hostile stores and bad input: a full disk, permission errors, a
// read-only store, damaged refs and objects. Each must give a clear error
// naming the file, ref or object, never a panic, and lose nothing.

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// TestHostileFileSystem: disk full, permission denied and a read-only
// store fail save and restore cleanly with an error naming the file, and
// leave the history and the working files as they were.
func TestHostileFileSystem(t *testing.T) {
	storeDir := filepath.Join(scRoot, DirName)
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
		prep  func(t *testing.T, m *fsxtest.MemFS) // damage the store or tree first
		undo  func(t *testing.T, m *fsxtest.MemFS) // give back what the checks need
		wrap  func(fsx.FS) fsx.FS
		cause error
		names string // the error must contain this
	}{
		{name: "save disk full on object write", sc: saveScenario, cause: syscall.ENOSPC, names: "save a.circuit.json",
			wrap: faulty(fsxtest.Fault{Op: "write", Path: "/objects/", Times: -1, Err: syscall.ENOSPC})},
		{name: "restore disk full on object write", sc: restoreScenario, cause: syscall.ENOSPC, names: "back up a.circuit.json",
			wrap: faulty(fsxtest.Fault{Op: "write", Path: "/objects/", Times: -1, Err: syscall.ENOSPC})},
		{name: "restore disk full on working file write", sc: restoreScenario, cause: syscall.ENOSPC, names: "a.circuit.json",
			wrap: faulty(fsxtest.Fault{Op: "write", Path: "a.circuit.json.tmp-", Times: -1, Err: syscall.ENOSPC})},
		{name: "save permission denied on ref lock", sc: saveScenario, cause: syscall.EACCES, names: "refs/heads/main.lock",
			wrap: faulty(fsxtest.Fault{Op: "open", Path: "refs/heads/main.lock", Times: -1, Err: syscall.EACCES})},
		{name: "restore permission denied on backup ref lock", sc: restoreScenario, cause: syscall.EACCES, names: "refs/circuitvc/backup.lock",
			wrap: faulty(fsxtest.Fault{Op: "open", Path: "refs/circuitvc/backup.lock", Times: -1, Err: syscall.EACCES})},
		{name: "save unreadable working file", sc: saveScenario, cause: fs.ErrPermission, names: "a.circuit.json",
			prep: func(t *testing.T, m *fsxtest.MemFS) {
				if err := m.Chmod(filepath.Join(scRoot, "a.circuit.json"), 0o200); err != nil {
					t.Fatal(err)
				}
			},
			undo: func(t *testing.T, m *fsxtest.MemFS) {
				if err := m.Chmod(filepath.Join(scRoot, "a.circuit.json"), 0o644); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "save read-only store", sc: saveScenario, cause: syscall.EROFS, names: storeDir,
			wrap: func(inner fsx.FS) fsx.FS { return fsxtest.ReadOnly(inner, storeDir) }},
		{name: "restore read-only store", sc: restoreScenario, cause: syscall.EROFS, names: storeDir,
			wrap: func(inner fsx.FS) fsx.FS { return fsxtest.ReadOnly(inner, storeDir) }},
		{name: "save read-only store directories", sc: saveScenario, cause: fs.ErrPermission, names: storeDir,
			prep: func(t *testing.T, m *fsxtest.MemFS) {
				for _, d := range []string{"objects", "refs/heads", "logs", "logs/refs/heads", ""} {
					if err := m.Chmod(filepath.Join(storeDir, d), 0o555); err != nil {
						t.Fatal(err)
					}
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc := c.sc(t)
			inner := sc.base.Clone()
			if c.prep != nil {
				c.prep(t, inner)
				sc.before = workState(t, sc.base) // prep changes modes, not bytes
			}
			var fsys fsx.FS = inner
			if c.wrap != nil {
				fsys = c.wrap(inner)
			}
			r, err := openRepo(t, fsys)
			if err != nil {
				t.Fatal(err)
			}
			err = sc.run(context.Background(), r)
			r.Close()
			if err == nil || !errors.Is(err, c.cause) || !strings.Contains(err.Error(), c.names) {
				t.Fatalf("err = %v, want %v naming %s", err, c.cause, c.names)
			}
			if c.undo != nil {
				c.undo(t, inner)
			}
			// Nothing lost: HEAD, history, verify, working files.
			checkStore(t, inner, sc, false, false, c.name)
			if tmps, locks := storeDebris(inner); len(tmps)+len(locks) > 0 {
				t.Errorf("left in the store: %v %v", tmps, locks)
			}
			for p := range workState(t, inner) {
				if isWorkTemp(p) {
					t.Errorf("temp file %s left in the working tree", p)
				}
			}
			t.Logf("%s: %v", c.name, err)
		})
	}
}

// TestHostileDamagedRefs: a truncated or empty branch ref makes save, log
// and status fail with an error naming the ref, leaves the damaged file as
// it is (for the user to repair), and verify lists it.
func TestHostileDamagedRefs(t *testing.T) {
	ctx := context.Background()
	cases := map[string]func(h objects.Hash) string{
		"truncated": func(h objects.Hash) string { return h.String()[:20] + "\n" },
		"empty":     func(objects.Hash) string { return "" },
		"garbage":   func(objects.Hash) string { return "not a hash at all\n" },
	}
	for name, damage := range cases {
		t.Run(name, func(t *testing.T) {
			sc := saveScenario(t)
			m := sc.base.Clone()
			refFile := filepath.Join(scRoot, DirName, filepath.FromSlash(refs.Main))
			bad := damage(sc.oldHead)
			if err := fsx.WriteFile(m, refFile, []byte(bad), 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := openRepo(t, m)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			wantRef := func(what string, err error) {
				t.Helper()
				if err == nil || !errors.Is(err, refs.ErrCorrupt) || !strings.Contains(err.Error(), refs.Main) {
					t.Errorf("%s: err = %v, want refs.ErrCorrupt naming %s", what, err, refs.Main)
				}
			}
			_, err = r.Save(ctx, SaveOptions{Author: testSig})
			wantRef("save", err)
			wantRef("log", r.Log(ctx, LogOptions{}, func(LogEntry) error { return nil }))
			_, err = r.Status(ctx)
			wantRef("status", err)
			_, err = r.Restore(ctx, RestoreOptions{To: sc.oldHead.String(), Author: testSig})
			wantRef("restore", err)
			if got, err := fsx.ReadFile(m, refFile); err != nil || string(got) != bad {
				t.Errorf("the damaged ref was changed to %q (%v)", got, err)
			}
			if work := workState(t, m); len(work) != len(sc.before) || work["a.circuit.json"] != sc.before["a.circuit.json"] {
				t.Errorf("working files changed: %v", work)
			}
			var problems []string
			if _, err := r.Verify(ctx, func(p Problem) { problems = append(problems, p.String()) }); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(strings.Join(problems, "\n"), refs.Main) {
				t.Errorf("verify problems %q do not name %s", problems, refs.Main)
			}
			t.Logf("%s ref: save: %v; verify: %q", name, err, problems)
		})
	}
}

// TestHostileCorruptObjects: a corrupted loose commit, tree or blob gives
// a clear error naming the object from the commands that need it, never a
// panic; verify lists it; nothing that was whole becomes partial.
func TestHostileCorruptObjects(t *testing.T) {
	ctx := context.Background()
	sc := restoreScenario(t)
	r0, err := openRepo(t, sc.base)
	if err != nil {
		t.Fatal(err)
	}
	v1 := sc.oldLog[1]
	c1, err := r0.Commit(v1)
	if err != nil {
		t.Fatal(err)
	}
	snap1, err := r0.Snapshot(v1)
	if err != nil {
		t.Fatal(err)
	}
	r0.Close()
	cases := []struct {
		name string
		hash objects.Hash
		// what must fail, naming the object
		save, log, restore bool
	}{
		{name: "head commit", hash: sc.oldHead, save: true, log: true, restore: true},
		{name: "old commit", hash: v1, log: true, restore: true},
		{name: "old root tree", hash: c1.Tree, restore: true},
		{name: "old blob", hash: snap1["d.circuit.json"].Hash, restore: true},
	}
	for _, c := range cases {
		for _, how := range []string{"flipped byte", "truncated"} {
			t.Run(c.name+"/"+how, func(t *testing.T) {
				m := sc.base.Clone()
				hex := c.hash.String()
				obj := filepath.Join(scRoot, DirName, "objects", hex[:2], hex[2:])
				data, err := fsx.ReadFile(m, obj)
				if err != nil {
					t.Fatal(err)
				}
				if how == "truncated" {
					data = data[:len(data)/2]
				} else {
					data[len(data)/2] ^= 0x55
				}
				if err := fsx.WriteFile(m, obj, data, 0o444); err != nil {
					t.Fatal(err)
				}
				r, err := openRepo(t, m)
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				named := func(what string, err error, want bool) {
					t.Helper()
					switch {
					case want && (err == nil || !strings.Contains(err.Error(), hex)):
						t.Errorf("%s: err = %v, want an error naming %s", what, err, hex)
					case !want && err != nil && !errors.Is(err, ErrNothingToSave):
						t.Errorf("%s: err = %v, want success (the object is not needed)", what, err)
					}
				}
				// log reads commits through the commit cache, which holds
				// their bytes checked against their names: with the cache
				// warm (the scenario ran log), log gives the true history
				// and verify reports the damage; without it, log reads the
				// object and names it.
				var listed []objects.Hash
				err = r.Log(ctx, LogOptions{}, func(e LogEntry) error { listed = append(listed, e.Hash); return nil })
				if err != nil || !c.log {
					named("log", err, c.log)
				} else if !slices.Equal(listed, sc.oldLog) {
					t.Errorf("log from the commit cache = %v, want %v", listed, sc.oldLog)
				}
				if c.log {
					if err := m.Remove(filepath.Join(scRoot, DirName, objects.CommitCacheName)); err != nil {
						t.Fatal(err)
					}
					named("log without the commit cache", r.Log(ctx, LogOptions{}, func(LogEntry) error { return nil }), true)
				}
				_, err = r.Restore(ctx, RestoreOptions{To: v1.String(), Author: testSig})
				named("restore", err, c.restore)
				// Nothing lost: every working file whole, the unsaved edit in
				// the tree or in backup.
				checkWork(t, r, m, sc, false, false, c.name)
				if c.save {
					writeWorkFile(t, r, "e.circuit.json", circuitV("9"))
					_, err = r.Save(ctx, SaveOptions{Author: testSig})
					named("save", err, true)
				}
				var problems []string
				if _, err := r.Verify(ctx, func(p Problem) { problems = append(problems, p.String()) }); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(strings.Join(problems, "\n"), hex) {
					t.Errorf("verify problems %q do not name %s", problems, hex)
				}
				t.Logf("%s %s: restore: %v; verify: %d problem(s)", c.name, how, err, len(problems))
			})
		}
	}
}
