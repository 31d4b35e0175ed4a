package fsxtest

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
)

// content reads name from m: its bytes, or "<missing>".
func content(t *testing.T, m fsx.FS, name string) string {
	t.Helper()
	b, err := fsx.ReadFile(m, name)
	if errors.Is(err, fs.ErrNotExist) {
		return "<missing>"
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustDo(t *testing.T, errs ...error) {
	t.Helper()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// create makes name holding data, syncing the file when syncFile is set;
// it does not sync the directory.
func create(t *testing.T, fsys fsx.FS, name, data string, syncFile bool) {
	t.Helper()
	f, err := fsys.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.WriteString(f, data)
	mustDo(t, err)
	if syncFile {
		mustDo(t, f.Sync())
	}
	mustDo(t, f.Close())
}

// TestCrashModel checks each rule of the worst-case model, Crash().
func TestCrashModel(t *testing.T) {
	base := NewMemFS()
	mustDo(t, base.Mkdir("/d", 0o755))
	create(t, base, "/d/old", "old", false) // all of base is durable
	tests := []struct {
		name string
		do   func(t *testing.T, c *CrashFS)
		want map[string]string // path → content after Crash
	}{
		{"nothing done", func(t *testing.T, c *CrashFS) {}, map[string]string{"/d/old": "old"}},
		{"new file, nothing synced", func(t *testing.T, c *CrashFS) {
			create(t, c, "/d/f", "x", false)
		}, map[string]string{"/d/f": "<missing>"}},
		{"new file, data synced, dir not", func(t *testing.T, c *CrashFS) {
			create(t, c, "/d/f", "x", true)
		}, map[string]string{"/d/f": "<missing>"}},
		{"new file, dir synced, data not", func(t *testing.T, c *CrashFS) {
			create(t, c, "/d/f", "x", false)
			mustDo(t, c.SyncDir("/d"))
		}, map[string]string{"/d/f": ""}},
		{"new file, both synced", func(t *testing.T, c *CrashFS) {
			create(t, c, "/d/f", "x", true)
			mustDo(t, c.SyncDir("/d"))
		}, map[string]string{"/d/f": "x"}},
		{"overwrite in place, unsynced", func(t *testing.T, c *CrashFS) {
			create(t, c, "/d/old", "new!", false)
		}, map[string]string{"/d/old": "old"}},
		{"overwrite in place, synced", func(t *testing.T, c *CrashFS) {
			create(t, c, "/d/old", "new!", true)
		}, map[string]string{"/d/old": "new!"}},
		{"synced then more writes", func(t *testing.T, c *CrashFS) {
			f, _ := c.OpenFile("/d/old", os.O_WRONLY|os.O_APPEND, 0)
			io.WriteString(f, "+1")
			f.Sync()
			io.WriteString(f, "+2")
			f.Close()
		}, map[string]string{"/d/old": "old+1"}},
		{"rename without dir sync", func(t *testing.T, c *CrashFS) {
			create(t, c, "/d/new", "new", true)
			mustDo(t, c.SyncDir("/d"), c.Rename("/d/new", "/d/old"))
		}, map[string]string{"/d/old": "old", "/d/new": "new"}},
		{"rename with dir sync", func(t *testing.T, c *CrashFS) {
			create(t, c, "/d/new", "new", true)
			mustDo(t, c.Rename("/d/new", "/d/old"), c.SyncDir("/d"))
		}, map[string]string{"/d/old": "new", "/d/new": "<missing>"}},
		{"remove without dir sync", func(t *testing.T, c *CrashFS) {
			mustDo(t, c.Remove("/d/old"))
		}, map[string]string{"/d/old": "old"}},
		{"remove with dir sync", func(t *testing.T, c *CrashFS) {
			mustDo(t, c.Remove("/d/old"), c.SyncDir("/d"))
		}, map[string]string{"/d/old": "<missing>"}},
		{"link across directories, only target dir synced", func(t *testing.T, c *CrashFS) {
			mustDo(t, c.Mkdir("/e", 0o755), c.SyncDir("/"))
			mustDo(t, c.Link("/d/old", "/e/l"), c.SyncDir("/e"))
		}, map[string]string{"/e/l": "old", "/d/old": "old"}},
		{"rename across directories, only source synced", func(t *testing.T, c *CrashFS) {
			mustDo(t, c.Mkdir("/e", 0o755), c.SyncDir("/"))
			mustDo(t, c.Rename("/d/old", "/e/x"), c.SyncDir("/d"))
		}, map[string]string{"/e/x": "<missing>", "/d/old": "<missing>"}},
		{"mkdir, parent not synced", func(t *testing.T, c *CrashFS) {
			mustDo(t, c.Mkdir("/a", 0o755), c.Mkdir("/a/b", 0o755), c.SyncDir("/a"))
			create(t, c, "/a/b/f", "x", true)
			mustDo(t, c.SyncDir("/a/b"))
		}, map[string]string{"/a/b/f": "<missing>"}},
		{"mkdir, every parent synced", func(t *testing.T, c *CrashFS) {
			mustDo(t, c.Mkdir("/a", 0o755), c.SyncDir("/"), c.Mkdir("/a/b", 0o755), c.SyncDir("/a"))
			create(t, c, "/a/b/f", "x", true)
			mustDo(t, c.SyncDir("/a/b"))
		}, map[string]string{"/a/b/f": "x"}},
		{"truncate unsynced", func(t *testing.T, c *CrashFS) {
			f, _ := c.OpenFile("/d/old", os.O_WRONLY|os.O_TRUNC, 0)
			f.Close()
		}, map[string]string{"/d/old": "old"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCrashFS(base)
			tc.do(t, c)
			after := c.Crash()
			for name, want := range tc.want {
				if got := content(t, after, name); got != want {
					t.Errorf("%s = %q, want %q\npending: %q\nafter crash:\n%s", name, got, want, c.Pending(), after.Dump())
				}
			}
		})
	}
	if got := content(t, base, "/d/old"); got != "old" {
		t.Fatalf("base changed: %q", got)
	}
}

func TestCrashHardLinkStaysShared(t *testing.T) {
	c := NewCrashFS(nil)
	create(t, c, "/a", "x", true)
	mustDo(t, c.Link("/a", "/b"), c.SyncDir("/"))
	after := c.Crash()
	f, err := after.OpenFile("/b", os.O_WRONLY|os.O_APPEND, 0)
	mustDo(t, err)
	io.WriteString(f, "y")
	f.Close()
	if got := content(t, after, "/a"); got != "xy" {
		t.Fatalf("/a = %q, want the link shared", got)
	}
}

func TestCrashChmod(t *testing.T) {
	base := NewMemFS()
	create(t, base, "/f", "x", false)
	c := NewCrashFS(base)
	mustDo(t, c.Chmod("/f", 0o600))
	if fi, _ := c.Crash().Stat("/f"); fi.Mode().Perm() != 0o644 {
		t.Fatalf("unsynced chmod survived: %v", fi.Mode())
	}
	f, _ := c.OpenFile("/f", os.O_RDONLY, 0)
	mustDo(t, f.Sync(), f.Close())
	if fi, _ := c.Crash().Stat("/f"); fi.Mode().Perm() != 0o600 {
		t.Fatalf("synced chmod lost: %v", fi.Mode())
	}
}

func TestCrashAfter(t *testing.T) {
	c := NewCrashFS(nil)
	c.CrashAfter(2)
	mustDo(t, c.Mkdir("/a", 0o755), c.SyncDir("/"))
	err := c.Mkdir("/b", 0o755)
	if !errors.Is(err, ErrPowerCut) || !c.Cut() {
		t.Fatalf("op 3: err = %v, cut = %v", err, c.Cut())
	}
	if fsx.IsTransient(err) {
		t.Fatal("a power cut must not be retried")
	}
	if _, err := c.Stat("/b"); !errors.Is(err, ErrPowerCut) {
		t.Fatalf("stat after cut: %v", err)
	}
	after := c.Crash()
	if _, err := after.Stat("/a"); err != nil {
		t.Fatal("durable mkdir lost")
	}
	if _, err := after.Stat("/b"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("refused mkdir had an effect")
	}
	if c.Ops() != 4 {
		t.Fatalf("ops = %d", c.Ops())
	}
	// The crashed file system is a fresh, working one.
	mustDo(t, fsx.WriteFile(after, "/a/f", []byte("x"), 0o644))
}

// TestCrashStatesEnumerates checks that with few pending operations every
// subset is tried, duplicates dropped, the worst case first.
func TestCrashStatesEnumerates(t *testing.T) {
	c := NewCrashFS(nil)
	create(t, c, "/a", "1", false)  // pending: create, write
	mustDo(t, c.Mkdir("/d", 0o755)) // pending: mkdir
	if got := len(c.Pending()); got != 3 {
		t.Fatalf("pending %q", c.Pending())
	}
	var dumps []string
	first := true
	for desc, after := range c.CrashStates(100) {
		if first && after.Dump() != c.Crash().Dump() {
			t.Fatalf("first state %q is not the worst case", desc)
		}
		first = false
		dumps = append(dumps, after.Dump())
	}
	// create×write×mkdir = 8 subsets; without the create the write is
	// invisible, so 6 distinct outcomes.
	if len(dumps) != 6 {
		t.Fatalf("%d states:\n%s", len(dumps), strings.Join(dumps, "\n--\n"))
	}
	n := 0
	for range c.CrashStates(2) {
		n++
	}
	if n != 2 {
		t.Fatalf("limit 2 gave %d states", n)
	}
}

// TestCrashStatesManyPending checks the sampled mode: many pending
// operations still give the worst case, the prefixes and no more than
// the limit.
func TestCrashStatesManyPending(t *testing.T) {
	c := NewCrashFS(nil)
	for i := range 30 {
		mustDo(t, c.Mkdir("/"+string(rune('a'+i)), 0o755))
	}
	n := 0
	for _, after := range c.CrashStates(50) {
		n++
		list, _ := after.ReadDir("/")
		if n == 1 && len(list) != 0 {
			t.Fatal("first state is not the worst case")
		}
		if n == 31 && len(list) != 30 {
			t.Fatalf("state 31 is not the full prefix: %d entries", len(list))
		}
	}
	if n != 50 {
		t.Fatalf("%d states", n)
	}
}

// writeNoFsync is WriteFileAtomic without the fsync before the rename: the
// bug that left zero-length files on ext4. The crash model must catch it.
func writeNoFsync(fsys fsx.FS, name string, data []byte) error {
	f, err := fsx.CreateTemp(fsys, "/d", ".tmp-", 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := fsys.Rename(f.Name(), name); err != nil {
		return err
	}
	return fsys.SyncDir("/d")
}

// TestCrashCatchesMissingFsync shows the model is strong enough: the
// writer that skips the fsync before rename leaves an empty file in some
// crash state. The worst case sees it only once the directory is synced;
// exploring the pending operations also finds it in the window between
// rename and directory sync, where the rename reached the disk first.
func TestCrashCatchesMissingFsync(t *testing.T) {
	base := baseWithFile(t, "old")
	tornWorst, tornWindow := 0, 0
	for n := 0; ; n++ {
		c := NewCrashFS(base)
		c.CrashAfter(n)
		writeNoFsync(c, "/d/f", []byte("new"))
		worstTorn := content(t, c.Crash(), "/d/f") == ""
		if worstTorn {
			tornWorst++
		}
		for _, after := range c.CrashStates(64) {
			if got := content(t, after, "/d/f"); got != "old" && got != "new" && !worstTorn {
				tornWindow++
			}
		}
		if !c.Cut() {
			break
		}
	}
	if tornWorst == 0 || tornWindow == 0 {
		t.Fatalf("missing fsync not caught: %d torn worst cases, %d torn states before the directory sync", tornWorst, tornWindow)
	}
	t.Logf("missing fsync before rename: %d torn worst cases, %d more torn states before the directory sync", tornWorst, tornWindow)
}

// TestCrashCatchesMissingDirSync: a writer that never syncs the directory
// acknowledges a write that a power cut then loses.
func TestCrashCatchesMissingDirSync(t *testing.T) {
	base := baseWithFile(t, "old")
	c := NewCrashFS(base)
	f, err := fsx.CreateTemp(c, "/d", ".tmp-", 0o644)
	mustDo(t, err)
	_, err = io.WriteString(f, "new")
	mustDo(t, err, f.Sync(), f.Close(), c.Rename(f.Name(), "/d/f"))
	if got := content(t, c.Crash(), "/d/f"); got != "old" {
		t.Fatalf("rename survived without a directory sync: %q", got)
	}
}

// baseWithFile returns a MemFS holding /d/f with the given contents.
func baseWithFile(t *testing.T, data string) *MemFS {
	t.Helper()
	m := NewMemFS()
	if err := fsx.MkdirAll(m, "/d", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := fsx.WriteFile(m, "/d/f", []byte(data), 0o640); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSampled(t *testing.T) {
	if !testing.Short() {
		for n := range 100 {
			if !Sampled(n) {
				t.Fatalf("point %d not run outside -short", n)
			}
		}
		return
	}
	runs, gap, longest := 0, 0, 0
	for n := range 8000 {
		if Sampled(n) {
			runs, gap = runs+1, 0
			continue
		}
		gap++
		longest = max(longest, gap)
	}
	if runs < 400 || runs > 600 || longest > 60 {
		t.Errorf("-short runs %d of 8000 points, longest gap %d; want about 500, gaps short", runs, longest)
	}
}
