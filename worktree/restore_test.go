package worktree

import (
	"context"
	"testing"
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
