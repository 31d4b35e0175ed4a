package refs

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/internal/gittest"
	"github.com/circuitvc/circuitvc/objects"
)

// newStore makes an initialised store in a temp dir. With git on PATH
// it is a real bare repository (git init --bare) so that fsck works.
func newStore(t testing.TB, opts Options) (*Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), ".circuitvc")
	if gittest.Available() {
		gittest.InitBare(t, dir)
	}
	if err := Init(fsx.OS(), dir); err != nil {
		t.Fatal(err)
	}
	return Open(fsx.OS(), dir, opts), dir
}

// commits makes n real commits in dir with git (a chain) and returns
// their hashes, oldest first.
func commits(t testing.TB, dir string, n int) []objects.Hash {
	t.Helper()
	tree := gittest.Text(t, dir, "hash-object", "-t", "tree", "-w", "/dev/null")
	var out []objects.Hash
	args := []string{"commit-tree", tree, "-m", "c0"}
	for i := range n {
		h := objects.Hash(mustHash(t, gittest.Text(t, dir, args...)))
		out = append(out, h)
		args = []string{"commit-tree", tree, "-p", h.String(), "-m", "c" + string(rune('1'+i))}
	}
	return out
}

// fakeHashes returns distinct non-zero hashes for tests that need no git.
func fakeHashes(n int) []objects.Hash {
	out := make([]objects.Hash, n)
	for i := range out {
		out[i][0] = byte(i + 1)
		out[i][19] = 0xab
	}
	return out
}

func mustHash(t testing.TB, s string) objects.Hash {
	t.Helper()
	h, err := parseFullHex([]byte(s))
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return h
}

func sig() objects.Signature {
	return objects.Signature{Name: "Ada Lovelace", Email: "ada@example.com",
		When: time.Unix(1700000000, 0).In(time.FixedZone("", 90*60))}
}

var bg = context.Background()

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func quoteGo(s string) string { return strconv.Quote(s) }
