package objects

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/internal/gittest"
)

// circuitVersion makes the i-th version of a synthetic circuit file: a
// few hundred components, one value edited per version, so that versions
// delta well against each other.
func circuitVersion(i int) []byte {
	var b bytes.Buffer
	b.WriteString("{\"components\": [\n")
	for c := range 300 {
		v := c
		if c == i%300 {
			v += i * 7
		}
		fmt.Fprintf(&b, "  {\"id\": \"R%d\", \"value\": \"%dk\", \"footprint\": \"0402\"},\n", c, v)
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

// assertReadsLikeGit reads every object through s and compares it with
// what git cat-file prints.
func assertReadsLikeGit(t *testing.T, s *Store, dir string) int {
	t.Helper()
	objs := gittest.Objects(t, dir)
	for name, want := range objs {
		h := plumbing.NewHash(name)
		gotType, data, err := s.Read(h)
		if err != nil {
			t.Fatalf("Read %s: %v", h, err)
		}
		if gotType.String() != want.Type {
			t.Fatalf("Read %s: type %v, git says %s", h, gotType, want.Type)
		}
		if !bytes.Equal(data, want.Data) {
			t.Fatalf("Read %s: content differs from git cat-file: %d vs %d bytes, hash ok=%v", h, len(data), len(want.Data), HashObject(gotType, data) == h)
		}
		if HashObject(gotType, data) != h {
			t.Fatalf("Read %s: content hashes differently", h)
		}
		_, size, rc, err := s.Open(h)
		if err != nil {
			t.Fatalf("Open %s: %v", h, err)
		}
		streamed, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || int64(len(streamed)) != size || !bytes.Equal(streamed, data) {
			t.Fatalf("Open %s: %d bytes (size %d), %v", h, len(streamed), size, err)
		}
	}
	return len(objs)
}

func TestReadStoreAfterGitGC(t *testing.T) {
	if testing.Short() {
		t.Skip("a pack of git gc --aggressive: format, not concurrency; read in full without -short")
	}
	t.Parallel()
	gittest.Need(t)
	dir := filepath.Join(t.TempDir(), "repo.git")
	gittest.InitBare(t, dir)
	// 30 versions of two files, written by git fast-import in one run.
	var stream bytes.Buffer
	for i := range 30 {
		for k, data := range [][]byte{circuitVersion(i), bytes.Repeat(circuitVersion(i), 80)} {
			fmt.Fprintf(&stream, "blob\nmark :%d\ndata %d\n%s\n", 2*i+k+1, len(data), data)
		}
		msg := fmt.Sprintf("v%d\n", i)
		fmt.Fprintf(&stream, "commit refs/heads/main\ncommitter T <t@example.com> %d +0000\ndata %d\n%s", 1700000000+i, len(msg), msg)
		fmt.Fprintf(&stream, "M 100644 :%d amp.circuit.json\nM 100644 :%d big.json\n\n", 2*i+1, 2*i+2)
	}
	gittest.Run(t, dir, stream.Bytes(), "fast-import", "--quiet")
	parent := gittest.Text(t, dir, "rev-parse", "refs/heads/main")
	gittest.Run(t, dir, nil, "gc", "-q", "--aggressive")
	if n, _ := filepath.Glob(filepath.Join(dir, "objects", "pack", "*.pack")); len(n) != 1 {
		t.Fatalf("git gc made %d packs", len(n))
	}
	// A small stream threshold sends the 1.7 MB blobs through the
	// streaming pack reader.
	s, err := OpenWithOptions(fsx.OS(), dir, Options{StreamThreshold: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, _ := s.CountLoose(); n != 0 {
		t.Fatalf("CountLoose after git gc = %d", n)
	}
	n := assertReadsLikeGit(t, s, dir)
	c, err := s.ReadCommit(plumbing.NewHash(parent))
	if err != nil || c.Message != "v29\n" || len(c.Parents) != 1 {
		t.Fatalf("ReadCommit = %+v, %v", c, err)
	}
	if h, err := s.ResolvePrefix(parent[:10]); err != nil || h.String() != parent {
		t.Fatalf("ResolvePrefix = %s, %v", h, err)
	}
	st, err := s.Verify(context.Background(), func(p Problem) { t.Errorf("problem: %v", p) })
	if err != nil || st.Packed != n || st.Loose != 0 || st.Packs != 1 {
		t.Fatalf("Verify = %+v, %v (git has %d objects)", st, err, n)
	}
}

func TestPackRoundTrip(t *testing.T) {
	t.Parallel()
	s, dir := gitBareStore(t)
	commits := writeHistory(t, s, 60, circuitVersion)
	gittest.Run(t, dir, nil, "update-ref", "refs/heads/main", commits[len(commits)-1].String())
	loose, _ := s.CountLoose()
	if loose != 180 {
		t.Fatalf("CountLoose = %d, want 180", loose)
	}
	var calls, lastDone, lastTotal int
	st, err := s.Pack(context.Background(), PackOptions{Progress: func(done, total int) {
		if done < lastDone || (lastTotal != 0 && total != lastTotal) {
			t.Fatalf("progress went from %d/%d to %d/%d", lastDone, lastTotal, done, total)
		}
		calls, lastDone, lastTotal = calls+1, done, total
	}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Objects != 180 || st.LooseRemoved != 180 || st.PackSize == 0 {
		t.Fatalf("PackStats = %+v", st)
	}
	if lastDone != lastTotal || calls == 0 {
		t.Fatalf("progress ended at %d/%d after %d calls", lastDone, lastTotal, calls)
	}
	if n, _ := s.CountLoose(); n != 0 {
		t.Fatalf("CountLoose after Pack = %d", n)
	}
	if dirs, _ := filepath.Glob(filepath.Join(dir, "objects", "??")); len(dirs) != 0 {
		t.Fatalf("empty loose directories left: %v", dirs)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "objects", "pack", "tmp_*"))
	if len(leftovers) != 0 {
		t.Fatalf("temp files left: %v", leftovers)
	}
	if n := assertReadsLikeGit(t, s, dir); n != 180 {
		t.Fatalf("git sees %d objects", n)
	}
	gittest.Fsck(t, dir)
	idx := strings.TrimSuffix(st.Pack, ".pack") + ".idx"
	out := gittest.Run(t, "", nil, "verify-pack", "-v", idx)
	if !strings.Contains(out, "chain length = 1:") {
		t.Errorf("pack has no deltas:\n%s", out)
	}
	// A second Store (another process) finds the objects in the new pack.
	s2, err := Open(fsx.OS(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if c, err := s2.ReadCommit(commits[0]); err != nil || c.Message != "save\n" {
		t.Fatalf("second store ReadCommit = %v", err)
	}
	if vs, err := s.Verify(context.Background(), func(p Problem) { t.Errorf("problem: %v", p) }); err != nil || vs.Packed != 180 {
		t.Fatalf("Verify = %+v, %v", vs, err)
	}

	// More history: an incremental Pack adds a second pack beside the first.
	more := writeHistory(t, s, 10, func(i int) []byte { return circuitVersion(100 + i) })
	st2, err := s.Pack(context.Background(), PackOptions{})
	if err != nil || st2.Objects != 30 {
		t.Fatalf("second Pack = %+v, %v", st2, err)
	}
	if packs, _ := filepath.Glob(filepath.Join(dir, "objects", "pack", "*.pack")); len(packs) != 2 {
		t.Fatalf("%d packs, want 2", len(packs))
	}
	if _, err := s.ReadCommit(more[9]); err != nil {
		t.Fatal(err)
	}
	// All folds both into one.
	st3, err := s.Pack(context.Background(), PackOptions{All: true})
	if err != nil || st3.Objects != 210 || st3.PacksRemoved != 2 {
		t.Fatalf("Pack All = %+v, %v", st3, err)
	}
	if packs, _ := filepath.Glob(filepath.Join(dir, "objects", "pack", "*")); len(packs) != 2 {
		t.Fatalf("pack dir holds %v, want one pack and its index", packs)
	}
	assertReadsLikeGit(t, s, dir)
	gittest.Fsck(t, dir)
	gittest.Run(t, "", nil, "verify-pack", strings.TrimSuffix(st3.Pack, ".pack")+".idx")
}

func TestPackNothingToDo(t *testing.T) {
	s, _ := newStore(t)
	st, err := s.Pack(context.Background(), PackOptions{})
	if err != nil || st.Objects != 0 || st.Pack != "" {
		t.Fatalf("Pack of an empty store = %+v, %v", st, err)
	}
}

func TestPackRefusesCorruptLooseObject(t *testing.T) {
	s, dir := newStore(t)
	writeHistory(t, s, 3, circuitVersion)
	h, _ := s.Write(plumbing.BlobObject, []byte("will be damaged"))
	path := filepath.Join(dir, "objects", h.String()[:2], h.String()[2:])
	damage(t, path, func(b []byte) []byte { b[len(b)-3] ^= 0xff; return b })
	_, err := s.Pack(context.Background(), PackOptions{})
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Hash != h {
		t.Fatalf("Pack error = %v, want *CorruptError for %s", err, h)
	}
	if n, _ := s.CountLoose(); n != 10 {
		t.Fatalf("loose objects after a failed Pack = %d, want all 10 kept", n)
	}
	if packs, _ := filepath.Glob(filepath.Join(dir, "objects", "pack", "*")); len(packs) != 0 {
		t.Fatalf("failed Pack left %v", packs)
	}
}

func TestGoGitReadsOurStore(t *testing.T) {
	for _, packed := range []bool{false, true} {
		t.Run(fmt.Sprintf("packed=%v", packed), func(t *testing.T) {
			s, dir := gitBareStore(t)
			commits := writeHistory(t, s, 5, circuitVersion)
			gittest.Run(t, dir, nil, "update-ref", "refs/heads/main", commits[4].String())
			if packed {
				if _, err := s.Pack(context.Background(), PackOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			repo, err := gogit.PlainOpen(dir)
			if err != nil {
				t.Fatal(err)
			}
			iter, err := repo.Log(&gogit.LogOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var got []Hash
			err = iter.ForEach(func(c *object.Commit) error {
				got = append(got, c.Hash)
				f, err := c.File("amp.circuit.json")
				if err != nil {
					return err
				}
				_, err = f.Contents()
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 5 || got[0] != commits[4] || got[4] != commits[0] {
				t.Fatalf("go-git log = %v", got)
			}
		})
	}
}

// damage rewrites a read-only object file through fn.
func damage(t *testing.T, path string, fn func([]byte) []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, fn(b), 0o644); err != nil {
		t.Fatal(err)
	}
}
