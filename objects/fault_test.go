package objects

// Fault injection: every file-system operation of Write, WriteStream and
// Pack is failed in turn (fsxtest.FaultFS) with EIO and ENOSPC, once (FailAt:
// the cleanup that follows runs on a healthy disk) and for good (FailFrom:
// the disk stays broken, so the cleanup fails too). After each run the
// store is reopened on the inner file system, which holds exactly what the
// failed run left, and must hold every object it held before, the new
// object either whole (hash verified) or not at all, and nothing that
// Verify reports. Temp files (tmp_obj_*, tmp_pack_*, tmp_idx_*) are not
// objects — Verify skips them, as git does — but a run whose cleanup could
// run must not leave any; those left by a failed cleanup are counted.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/go-git/go-git/v5/plumbing"
)

// faultDir is the store directory on the in-memory file systems.
const faultDir = "/repo/.circuitvc"

// memStore makes an empty, durable store on a fresh MemFS.
func memStore(t testing.TB) *fsxtest.MemFS {
	t.Helper()
	m := fsxtest.NewMemFS()
	if err := Init(m, faultDir); err != nil {
		t.Fatal(err)
	}
	return m
}

// openMem opens the store on fsys, failing the test on error. Reads are
// compared byte for byte with the expected content, which is stronger than
// VerifyReads' hash check; Verify hashes every object besides.
func openMem(t testing.TB, fsys fsx.FS) *Store {
	t.Helper()
	s, err := Open(fsys, faultDir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// wantObj is an object a test expects to find.
type wantObj struct {
	typ  Type
	data []byte
}

// bigBlob is a ~1 MB blob that compresses only partly (hex text of random
// bytes), so that its loose file takes several write calls.
func bigBlob(seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	const hexdig = "0123456789abcdef"
	b := make([]byte, 1<<20)
	for i := range b {
		if i%64 == 63 {
			b[i] = '\n'
			continue
		}
		b[i] = hexdig[rng.IntN(16)]
	}
	return b
}

// checkHas reads h from s (hash verified) and reports whether it is there;
// it fails the test on a read error other than ErrNotFound or on wrong
// content.
func checkHas(t testing.TB, s *Store, h Hash, want wantObj, desc string) bool {
	t.Helper()
	typ, data, err := s.Read(h)
	switch {
	case errors.Is(err, ErrNotFound):
		return false
	case err != nil:
		t.Errorf("%s: Read %s: %v", desc, h, err)
		return false
	case typ != want.typ || !bytes.Equal(data, want.data):
		t.Errorf("%s: Read %s: got %v of %d bytes, want %v of %d", desc, h, typ, len(data), want.typ, len(want.data))
	}
	return true
}

// verifyClean runs Verify and fails the test on any problem.
func verifyClean(t testing.TB, s *Store, desc string) VerifyStats {
	t.Helper()
	st, err := s.Verify(context.Background(), func(p Problem) { t.Errorf("%s: verify: %v", desc, p) })
	if err != nil {
		t.Errorf("%s: verify: %v", desc, err)
	}
	return st
}

// tempFiles lists the temp files of the store: loose-object temps in
// objects/ and pack/index temps in objects/pack.
func tempFiles(fsys fsx.FS) []string {
	var tmps []string
	for _, dir := range []string{"objects", "objects/pack"} {
		d := filepath.Join(faultDir, dir)
		entries, _ := fsys.ReadDir(d)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), "tmp_") {
				tmps = append(tmps, filepath.Join(d, e.Name()))
			}
		}
	}
	return tmps
}

// namesFile reports whether err names the object or the file it failed on.
func namesFile(err error, h Hash, op fsxtest.Op) bool {
	msg := err.Error()
	return (!h.IsZero() && strings.Contains(msg, h.String())) ||
		(op.Path != "" && strings.Contains(msg, op.Path))
}

// faultModes are the two ways a fault is injected.
var faultModes = []struct {
	name   string
	inject func(f *fsxtest.FaultFS, n int, err error)
	sticky bool // the disk stays broken: cleanup fails too
}{
	{"once", (*fsxtest.FaultFS).FailAt, false},
	{"from", (*fsxtest.FaultFS).FailFrom, true},
}

var faultErrnos = []syscall.Errno{syscall.EIO, syscall.ENOSPC}

func TestWriteFaults(t *testing.T) {
	t.Parallel()
	small := wantObj{plumbing.BlobObject, []byte(`{"components":[{"id":"R1","value":"10k"}]}` + "\n")}
	big := wantObj{plumbing.BlobObject, bigBlob(1)}
	tree := wantObj{plumbing.TreeObject, mustEncodeTree(t, &Tree{Entries: []TreeEntry{
		{Name: "amp.circuit.json", Mode: 0o100644, Hash: HashObject(small.typ, small.data)}}})}
	old := wantObj{plumbing.BlobObject, []byte("already stored\n")}

	base := memStore(t)
	s := openMem(t, base)
	oldHash, err := s.Write(old.typ, old.data)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	cases := []struct {
		name  string
		obj   wantObj
		big   bool // only disk-full for the sticky mode: each run costs ~10 ms
		write func(s *Store, o wantObj) (Hash, error)
	}{
		{"small", small, false, func(s *Store, o wantObj) (Hash, error) { return s.Write(o.typ, o.data) }},
		{"tree", tree, false, func(s *Store, o wantObj) (Hash, error) { return s.Write(o.typ, o.data) }},
		{"1MB", big, true, func(s *Store, o wantObj) (Hash, error) { return s.Write(o.typ, o.data) }},
		{"1MB-stream", big, true, func(s *Store, o wantObj) (Hash, error) {
			return s.WriteStream(o.typ, int64(len(o.data)), bytes.NewReader(o.data))
		}},
	}
	total := 0
	for _, tc := range cases {
		h := HashObject(tc.obj.typ, tc.obj.data)
		for _, mode := range faultModes {
			for _, errno := range faultErrnos {
				if tc.big && mode.sticky && errno != syscall.ENOSPC {
					continue
				}
				name := fmt.Sprintf("%s/%s/%v", tc.name, mode.name, errno)
				var points, whole, absent, leftTemps int
				for n := 1; ; n++ {
					if !fsxtest.Sampled(n) {
						continue
					}
					inner := base.Clone()
					f := fsxtest.NewFaultFS(inner)
					s, err := Open(f, faultDir)
					if err != nil {
						t.Fatal(err)
					}
					mode.inject(f, n, errno)
					got, err := tc.write(s, tc.obj)
					s.Close()
					fired := f.Fired()
					if len(fired) == 0 {
						if err != nil || got != h {
							t.Errorf("%s: unfaulted write: %v, %v", name, got, err)
						}
						break
					}
					points++
					desc := fmt.Sprintf("%s: fault at %v", name, fired[0])
					if err != nil {
						if !errors.Is(err, errno) {
							t.Errorf("%s: err = %v, want %v", desc, err, errno)
						}
						if !namesFile(err, h, fired[0]) {
							t.Errorf("%s: error names neither the object nor the file: %v", desc, err)
						}
					}
					r := openMem(t, inner)
					if checkHas(t, r, h, tc.obj, desc) {
						whole++
					} else {
						absent++
						if err == nil {
							t.Errorf("%s: Write returned nil but the object is missing", desc)
						}
					}
					if !checkHas(t, r, oldHash, old, desc) {
						t.Errorf("%s: the object stored before is gone", desc)
					}
					// Read compared the bytes already; Verify (hashing the
					// whole store again) and the repair check cost ~20 ms for
					// the big object, so there they run at every 4th point.
					full := !tc.big || n%4 == 1
					if full {
						verifyClean(t, r, desc)
					}
					if tmps := tempFiles(inner); len(tmps) > 0 {
						leftTemps++
						if !mode.sticky {
							t.Errorf("%s: temp files left although cleanup could run: %v", desc, tmps)
						}
					}
					// The next write, on a healthy disk, stores the object.
					if !full {
						r.Close()
						continue
					}
					if _, err := tc.write(r, tc.obj); err != nil {
						t.Errorf("%s: rewrite: %v", desc, err)
					} else if !checkHas(t, r, h, tc.obj, desc+" (rewritten)") {
						t.Errorf("%s: rewritten object missing", desc)
					}
					r.Close()
				}
				total += points
				t.Logf("write %s: %d fault points: object whole %d, absent %d; runs leaving temp files (cleanup failed too) %d",
					name, points, whole, absent, leftTemps)
			}
		}
	}
	t.Logf("SUMMARY write faults: %d fault points over %d cases × %d modes × %d errnos, no object lost or torn",
		total, len(cases), len(faultModes), len(faultErrnos))
}

// mustEncodeCommit returns the raw content of commit c.
func mustEncodeCommit(t testing.TB, c *Commit) []byte {
	t.Helper()
	s := openMem(t, memStore(t))
	defer s.Close()
	h, err := s.WriteCommit(c)
	if err != nil {
		t.Fatal(err)
	}
	_, data, err := s.Read(h)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustEncodeTree(t testing.TB, tr *Tree) []byte {
	t.Helper()
	m := memStore(t)
	s := openMem(t, m)
	defer s.Close()
	h, err := s.WriteTree(tr)
	if err != nil {
		t.Fatal(err)
	}
	_, data, err := s.Read(h)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// gcVersion is the i-th version of a small circuit file: versions share
// most lines, so that the pack holds deltas.
func gcVersion(i int) []byte {
	var b bytes.Buffer
	b.WriteString("{\"components\": [\n")
	for c := range 24 {
		v := c
		if c == i%24 {
			v += 7 * i
		}
		fmt.Fprintf(&b, "  {\"id\": \"R%d\", \"value\": \"%dk\", \"footprint\": \"0402\"},\n", c, v)
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

// gcFixture is a store to pack: its base file system (all durable), every
// object in it, the tip commit and the options Pack runs with.
type gcFixture struct {
	name string
	base *fsxtest.MemFS
	objs map[Hash]wantObj
	tip  Hash
	opts PackOptions
}

// newGCFixture writes a history of `loose` commits (blob, tree and commit
// each) as loose objects, after `packed` commits that are packed first.
func newGCFixture(t testing.TB, name string, packed, loose int, opts PackOptions) *gcFixture {
	t.Helper()
	fx := &gcFixture{name: name, base: memStore(t), objs: map[Hash]wantObj{}, opts: opts}
	s := openMem(t, fx.base)
	defer s.Close()
	var commits []Hash
	if packed > 0 {
		commits = writeHistory(t, s, packed, gcVersion)
		if _, err := s.Pack(context.Background(), PackOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// Continue the same history, loose.
	parent := ZeroHash
	if len(commits) > 0 {
		parent = commits[len(commits)-1]
	}
	for i := packed; i < packed+loose; i++ {
		blob, err := s.Write(plumbing.BlobObject, gcVersion(i))
		if err != nil {
			t.Fatal(err)
		}
		tree, err := s.WriteTree(&Tree{Entries: []TreeEntry{{Name: "amp.circuit.json", Mode: 0o100644, Hash: blob}}})
		if err != nil {
			t.Fatal(err)
		}
		c := &Commit{Tree: tree, Author: testSig, Committer: testSig, Message: fmt.Sprintf("save %d\n", i)}
		if !parent.IsZero() {
			c.Parents = []Hash{parent}
		}
		if parent, err = s.WriteCommit(c); err != nil {
			t.Fatal(err)
		}
	}
	fx.tip = parent
	// Record every object by walking the history from the tip.
	for h := fx.tip; !h.IsZero(); {
		c, err := s.ReadCommit(h)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range []Hash{h, c.Tree} {
			typ, data, err := s.Read(x)
			if err != nil {
				t.Fatal(err)
			}
			fx.objs[x] = wantObj{typ, data}
		}
		tr, err := s.ReadTree(c.Tree)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range tr.Entries {
			typ, data, err := s.Read(e.Hash)
			if err != nil {
				t.Fatal(err)
			}
			fx.objs[e.Hash] = wantObj{typ, data}
		}
		h = ZeroHash
		if len(c.Parents) > 0 {
			h = c.Parents[0]
		}
	}
	if want := 3 * (packed + loose); len(fx.objs) != want {
		t.Fatalf("fixture has %d objects, want %d", len(fx.objs), want)
	}
	return fx
}

// gcFixtures are the stores the Pack fault sweeps run on: loose objects
// only, and loose objects beside an existing pack repacked with All. Pack
// does ~50 operations per object plus ~600 per index load (the index
// decoder reads field by field), each failed in turn, so the fixtures are
// smaller than the power-cut tests'.
func gcFixtures(t testing.TB, commits int) []*gcFixture {
	return []*gcFixture{
		newGCFixture(t, "loose", 0, commits, PackOptions{}),
		newGCFixture(t, "all", commits/3, commits-commits/3, PackOptions{All: true}),
	}
}

// checkAll asserts that every fixture object reads back whole from s.
func (fx *gcFixture) checkAll(t testing.TB, s *Store, desc string) {
	t.Helper()
	for _, h := range slices.SortedFunc(func(yield func(Hash) bool) {
		for h := range fx.objs {
			if !yield(h) {
				return
			}
		}
	}, func(a, b Hash) int { return bytes.Compare(a[:], b[:]) }) {
		if !checkHas(t, s, h, fx.objs[h], desc) {
			t.Errorf("%s: object %s lost", desc, h)
		}
	}
}

// packAgain runs a second, undisturbed Pack on fsys and checks that it
// completes, leaves no loose object, and keeps every object readable.
func (fx *gcFixture) packAgain(t testing.TB, fsys fsx.FS, desc string) {
	t.Helper()
	s := openMem(t, fsys)
	defer s.Close()
	if _, err := s.Pack(context.Background(), fx.opts); err != nil {
		t.Errorf("%s: second Pack: %v", desc, err)
		return
	}
	if n, err := s.CountLoose(); err != nil || n != 0 {
		t.Errorf("%s: after the second Pack: %d loose objects (%v)", desc, n, err)
	}
	fx.checkAll(t, s, desc+" (after second Pack)")
	verifyClean(t, s, desc+" (after second Pack)")
}

// packFaultModes are the fault sweeps Pack runs under: EIO at every
// operation, once; and a disk that fills up (ENOSPC) at every operation
// that can need space or change the store — once, and for good. Failing a
// read with ENOSPC would only repeat the EIO sweep.
var packFaultModes = []struct {
	name   string
	ops    string // Fault.Op: "" is every operation
	errno  syscall.Errno
	sticky bool
}{
	{"once/EIO/every-op", "", syscall.EIO, false},
	{"once/ENOSPC/mutating-ops", "open,write,sync,close,mkdir,rename,link,remove,chmod,syncdir", syscall.ENOSPC, false},
	{"from/ENOSPC/mutating-ops", "open,write,sync,close,mkdir,rename,link,remove,chmod,syncdir", syscall.ENOSPC, true},
}

func TestPackFaults(t *testing.T) {
	t.Parallel()
	total, checked := 0, 0
	for _, fx := range gcFixtures(t, 5) {
		// Failures that leave the same file system behind (every failed
		// read, for one) need checking once: the checks are deterministic.
		seen := map[string]bool{}
		for _, mode := range packFaultModes {
			name := fx.name + "/" + mode.name
			var points, failed, leftTemps int
			harmless := map[string]int{}
			for n := 1; ; n++ {
				if !fsxtest.Sampled(n) {
					continue
				}
				inner := fx.base.Clone()
				f := fsxtest.NewFaultFS(inner)
				s, err := Open(f, faultDir)
				if err != nil {
					t.Fatal(err)
				}
				times := 1
				if mode.sticky {
					times = -1
				}
				f.Inject(fsxtest.Fault{Op: mode.ops, After: n - 1, Times: times, Err: mode.errno})
				_, err = s.Pack(context.Background(), fx.opts)
				s.Close()
				fired := f.Fired()
				if len(fired) == 0 {
					if err != nil {
						t.Errorf("%s: unfaulted Pack: %v", name, err)
					}
					break
				}
				points++
				desc := fmt.Sprintf("%s: fault at %v", name, fired[0])
				switch {
				case err == nil:
					harmless[fired[0].Name]++ // a call whose failure Pack may ignore
				case !errors.Is(err, mode.errno):
					t.Errorf("%s: err = %v, want %v", desc, err, mode.errno)
					failed++
				default:
					failed++
				}
				tmps := tempFiles(inner)
				if len(tmps) > 0 {
					leftTemps++
					if !mode.sticky {
						t.Errorf("%s: temp files left although cleanup could run: %v", desc, tmps)
					}
				}
				key := inner.Dump()
				if seen[key] {
					continue
				}
				seen[key] = true
				checked++
				r := openMem(t, inner)
				fx.checkAll(t, r, desc)
				verifyClean(t, r, desc)
				r.Close()
				fx.packAgain(t, inner, desc)
			}
			total += points
			t.Logf("pack %s: %d fault points: Pack failed %d, succeeded despite the fault %d %v; runs leaving temp files (cleanup failed too) %d",
				name, points, failed, points-failed, harmless, leftTemps)
		}
		t.Logf("pack %s: %d distinct file systems left behind, each checked (objects, verify, second Pack)", fx.name, len(seen))
	}
	t.Logf("SUMMARY pack faults: %d fault points, %d distinct outcomes checked: no object lost, verify clean, second Pack completes", total, checked)
}
