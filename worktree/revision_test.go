package worktree

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// TestResolveFullHashIsTheObject: a tag named like a full hash (as git can
// make) never hides the object of that name.
func TestResolveFullHashIsTheObject(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1"))
	first := mustSave(t, r, "v1").Commit
	writeWorkFile(t, r, "a.circuit.json", circuitV("2"))
	second := mustSave(t, r, "v2").Commit
	if err := r.refs.Update(ctx, refs.TagPrefix+first.String(), objects.ZeroHash, second, testSig, "made by git"); err != nil {
		t.Fatal(err)
	}
	if h, err := r.Resolve(first.String()); err != nil || h != first {
		t.Fatalf("Resolve(%s) = %v, %v; want the commit itself", first, h, err)
	}
	if h, err := r.Resolve(first.String() + "~0"); err != nil || h != first {
		t.Fatalf("Resolve(%s~0) = %v, %v", first, h, err)
	}
}

// prefixTwins finds an object made by a and one made by b whose names
// share their first 4 hex digits and whose prefix avoid does not refuse
// (a birthday search: a few hundred tries).
func prefixTwins(t *testing.T, a, b func(i int) objects.Object, avoid func(prefix string) bool) [2]objects.Object {
	t.Helper()
	seen := [2]map[string]objects.Object{{}, {}}
	for i := 0; i < 100000; i++ {
		for side, mk := range []func(int) objects.Object{a, b} {
			o := mk(i)
			p := objects.HashObject(o.Type, o.Data).String()[:4]
			if other, ok := seen[1-side][p]; ok && string(other.Data) != string(o.Data) && !avoid(p) {
				return [2]objects.Object{other, o}
			}
			seen[side][p] = o
		}
	}
	t.Fatal("no two objects share a 4-digit prefix")
	return [2]objects.Object{}
}

// TestResolveAmbiguousPrefix: an abbreviated hash matching two commits is
// an unknown revision naming the candidates; matching one commit and
// other objects, it is that commit, as in git log.
func TestResolveAmbiguousPrefix(t *testing.T) {
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1"))
	base := mustSave(t, r, "v1").Commit
	baseCommit, err := r.objects.ReadCommit(base)
	if err != nil {
		t.Fatal(err)
	}
	commit := func(i int) objects.Object {
		data, err := objects.EncodeCommit(&objects.Commit{Tree: baseCommit.Tree, Parents: []objects.Hash{base},
			Author: testSig, Committer: testSig, Message: fmt.Sprintf("v%d\n", i)})
		if err != nil {
			t.Fatal(err)
		}
		return objects.Object{Type: objects.CommitObject, Data: data}
	}
	blob := func(i int) objects.Object {
		return objects.Object{Type: objects.BlobObject, Data: fmt.Appendf(nil, "blob %d\n", i)}
	}
	taken := func(p string) bool { // only the twins may match
		_, err := r.objects.ResolvePrefix(p)
		return !errors.Is(err, objects.ErrNotFound)
	}
	write := func(twins [2]objects.Object) []objects.Hash {
		hs, err := r.objects.WriteMany(twins[:])
		if err != nil {
			t.Fatal(err)
		}
		return hs
	}

	two := write(prefixTwins(t, commit, commit, taken))
	prefix := two[0].String()[:4]
	_, err = r.Resolve(prefix)
	if !errors.Is(err, ErrRevisionNotFound) || !strings.Contains(err.Error(), "ambiguous") ||
		!strings.Contains(err.Error(), two[0].String()[:12]) || !strings.Contains(err.Error(), two[1].String()[:12]) {
		t.Errorf("Resolve(%s) matching two commits: %v", prefix, err)
	}

	mixed := write(prefixTwins(t, commit, blob, taken))
	prefix = mixed[0].String()[:4]
	if h, err := r.Resolve(prefix); err != nil || h != mixed[0] {
		t.Errorf("Resolve(%s) matching commit %s and blob %s = %v, %v; want the commit", prefix, mixed[0], mixed[1], h, err)
	}
	if h, err := r.Resolve(prefix + "~1"); err != nil || h != base {
		t.Errorf("Resolve(%s~1) = %v, %v; want %s", prefix, h, err, base)
	}
}
