package persist

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
)

// TestSaveSyncFaults fails each fsync of a Save with backups in turn on a
// FaultFS over a CrashFS. A Save that reports success survives a power
// cut: the new contents in the file, the old in its backup. One that
// fails leaves the file whole-old (whole-new only when just the last
// directory fsync failed, which the error says) and the backup whole,
// running and after a cut.
func TestSaveSyncFaults(t *testing.T) {
	const dir = "/work"
	name := filepath.Join(dir, "amp.circuit.json")
	const v0, v1 = "{\"rev\": 0}\n", "{\"rev\": 1}\n"
	v2 := "{\n  \"rev\": 2\n}\n"
	base := fsxtest.NewMemFS()
	if err := fsx.MkdirAll(base, dir, 0o755); err != nil {
		t.Fatal(err)
	}
	put(t, base, name+".backup", v0)
	put(t, base, name, v1)
	read := func(fsys fsx.FS, n string) string {
		b, _ := fsx.ReadFile(fsys, n)
		return string(b)
	}
	runs := 0
	for sf := range fsxtest.SyncFaults(base, nil, func(fsys fsx.FS) error {
		return New(Options{EnableBackups: true, FS: fsys}).Save(bg, name, map[string]int{"rev": 2})
	}) {
		runs++
		desc := fmt.Sprintf("fault at %v (err %v)", sf.Op, sf.Err)
		if sf.Err == nil {
			after := sf.Disk.Crash()
			if f, b := read(after, name), read(after, name+".backup"); f != v2 || b != v1 {
				t.Errorf("%s: Save succeeded, but after a power cut the file is %q and its backup %q", desc, f, b)
			}
			continue
		}
		if sf.Op.N == 0 {
			t.Fatalf("Save with no fault: %v", sf.Err)
		}
		checkWhole(t, sf.Disk, sf.Op.String(), sf.Err, name, true, v1, v2)
		for what, fsys := range map[string]fsx.FS{"running": sf.Disk, "power cut": sf.Disk.Crash()} {
			f, b := read(fsys, name), read(fsys, name+".backup")
			if f != v1 && f != v2 {
				t.Errorf("%s, %s: file torn: %q", desc, what, f)
			}
			if b != v0 && b != v1 {
				t.Errorf("%s, %s: backup torn: %q", desc, what, b)
			}
			if f == v2 && b != v1 && what == "running" {
				t.Errorf("%s, %s: the file was replaced although its backup was not made", desc, what)
			}
		}
	}
	if runs < 5 {
		t.Errorf("%d runs", runs)
	}
}
