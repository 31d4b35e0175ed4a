package objects

// Fault over crash for the object store: each fsync of a write and of a
// pack is failed in turn on a FaultFS over a CrashFS. A write or pack that
// reports success must survive a power cut; one that fails must leave
// every object that was there readable and nothing damaged, before the
// cut and after it.

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/go-git/go-git/v5/plumbing"
)

// writeWays are the three ways to store objects, each run on a batch.
var writeWays = map[string]func(s *Store, objs []wantObj) error{
	"Write": func(s *Store, objs []wantObj) error {
		for _, o := range objs {
			if _, err := s.Write(o.typ, o.data); err != nil {
				return err
			}
		}
		return nil
	},
	"WriteStream": func(s *Store, objs []wantObj) error {
		for _, o := range objs {
			if _, err := s.WriteStream(o.typ, int64(len(o.data)), bytes.NewReader(o.data)); err != nil {
				return err
			}
		}
		return nil
	},
	"WriteMany": func(s *Store, objs []wantObj) error {
		batch := make([]Object, len(objs))
		for i, o := range objs {
			batch[i] = Object{Type: o.typ, Data: o.data}
		}
		_, err := s.WriteMany(batch)
		return err
	},
}

// checkObjects opens the store on fsys and checks that verify is clean
// and that each of objs is there whole, or (unless must) absent.
func checkObjects(t *testing.T, fsys fsx.FS, objs []wantObj, must bool, desc string) {
	t.Helper()
	s := openMem(t, fsys)
	defer s.Close()
	for _, o := range objs {
		if !checkHas(t, s, HashObject(o.typ, o.data), o, desc) && must {
			t.Errorf("%s: %v of %d bytes lost", desc, o.typ, len(o.data))
		}
	}
	verifyClean(t, s, desc)
}

func TestWriteSyncFaults(t *testing.T) {
	base := memStore(t)
	objs := []wantObj{
		{plumbing.BlobObject, []byte("one")},
		{plumbing.BlobObject, bigBlob(7)[:8<<10]},
		{plumbing.TreeObject, mustEncodeTree(t, &Tree{Entries: []TreeEntry{{Name: "a", Mode: 0o100644, Hash: HashObject(plumbing.BlobObject, []byte("one"))}}})},
	}
	for how, write := range writeWays {
		runs := 0
		for sf := range fsxtest.SyncFaults(base, nil, func(fsys fsx.FS) error {
			s, err := Open(fsys, faultDir)
			if err != nil {
				return err
			}
			defer s.Close()
			return write(s, objs)
		}) {
			runs++
			desc := fmt.Sprintf("%s, fault at %v (err %v)", how, sf.Op, sf.Err)
			if sf.Op.N > 0 && sf.Err == nil {
				t.Errorf("%s: the failed fsync went unreported", desc)
			}
			if sf.Err == nil {
				checkObjects(t, sf.Disk.Crash(), objs, true, desc+", power cut after success")
				continue
			}
			checkObjects(t, sf.Disk, objs, false, desc+", after the failure")
			checkObjects(t, sf.Disk.Crash(), objs, false, desc+", power cut after the failure")
		}
		if runs < 2 {
			t.Errorf("%s: %d runs", how, runs)
		}
	}
}

func TestPackSyncFaults(t *testing.T) {
	for _, fx := range gcFixtures(t, 3) {
		runs := 0
		for sf := range fsxtest.SyncFaults(fx.base, nil, func(fsys fsx.FS) error {
			s, err := Open(fsys, faultDir)
			if err != nil {
				return err
			}
			defer s.Close()
			_, err = s.Pack(context.Background(), fx.opts)
			return err
		}) {
			runs++
			desc := fmt.Sprintf("%s: fault at %v (err %v)", fx.name, sf.Op, sf.Err)
			if sf.Op.N > 0 && sf.Err == nil {
				t.Errorf("%s: the failed fsync went unreported", desc)
			}
			for _, st := range []struct {
				what string
				fsys fsx.FS
			}{{"running", sf.Disk}, {"power cut", sf.Disk.Crash()}} {
				s := openMem(t, st.fsys)
				fx.checkAll(t, s, desc+", "+st.what)
				verifyClean(t, s, desc+", "+st.what)
				s.Close()
			}
			if sf.Err == nil {
				// What a successful gc promised: the loose copies are gone
				// for good, so the pack holds everything.
				s := openMem(t, sf.Disk.Crash())
				if n, err := s.CountLoose(); err != nil || n != 0 {
					t.Errorf("%s: after success and a power cut, %d loose objects (%v)", desc, n, err)
				}
				s.Close()
			}
			if t.Failed() {
				t.FailNow()
			}
		}
		if runs < 3 {
			t.Errorf("%s: %d runs", fx.name, runs)
		}
	}
}

// TestWriteReplacesWrongContent: a loose file whose header, size and zlib
// stream are all fine but whose content is not the object's (a bit flipped
// on disk, a file from a buggy writer) is damaged, and every way of
// writing the object replaces it, instead of counting it as stored.
func TestWriteReplacesWrongContent(t *testing.T) {
	want := wantObj{plumbing.BlobObject, []byte("R5 value 10k\n")}
	wrong := []byte("R5 value 47k\n") // same size
	h := HashObject(want.typ, want.data)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	fmt.Fprintf(zw, "blob %d\x00%s", len(wrong), wrong)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	for how, write := range writeWays {
		m := memStore(t)
		path := filepath.Join(faultDir, "objects", h.String()[:2], h.String()[2:])
		if err := fsx.MkdirAll(m, filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := fsx.WriteFile(m, path, z.Bytes(), 0o444); err != nil {
			t.Fatal(err)
		}
		s := openMem(t, m)
		if err := write(s, []wantObj{want}); err != nil {
			t.Errorf("%s: %v", how, err)
		}
		if !checkHas(t, s, h, want, how) {
			t.Errorf("%s: object missing", how)
		}
		verifyClean(t, s, how)
		s.Close()
	}
}

// TestWriteSurvivesCut: an object that a write reported stored, into a
// fan-out directory the write had to make, is there after a power cut
// that keeps only what was fsynced: the object, its directory's entry
// and objects/'s entry for the new directory.
func TestWriteSurvivesCut(t *testing.T) {
	objs := []wantObj{{plumbing.BlobObject, []byte("R5 value 10k\n")}}
	for how, write := range writeWays {
		c := fsxtest.NewCrashFS(memStore(t))
		s := openMem(t, c)
		if err := write(s, objs); err != nil {
			t.Fatalf("%s: %v", how, err)
		}
		s.Close()
		checkObjects(t, c.Crash(), objs, true, how+", power cut after success")
	}
}
