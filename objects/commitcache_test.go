package objects

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/circuitvc/circuitvc/fsx"
)

// readAllCached reads every commit through a cache opened on s, checks
// each against Store.ReadCommit and closes the cache.
func readAllCached(t *testing.T, s *Store, commits []Hash) {
	t.Helper()
	cc := s.OpenCommitCache()
	for _, h := range commits {
		got, err := cc.ReadCommit(h)
		if err != nil {
			t.Fatal(err)
		}
		want, err := s.ReadCommit(h)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := EncodeCommit(got)
		b, _ := EncodeCommit(want)
		if !bytes.Equal(a, b) {
			t.Fatalf("%s: cache gives\n%s\nstore has\n%s", h, a, b)
		}
	}
	if err := cc.Close(); err != nil {
		t.Fatal(err)
	}
}

// cachedNames lists the names recorded in the cache file, in file order.
func cachedNames(t *testing.T, dir string) []Hash {
	t.Helper()
	s := &Store{dir: dir}
	s.fsys = fsx.OS()
	cc := &CommitCache{s: s, path: filepath.Join(dir, CommitCacheName)}
	cc.data, _ = cc.load()
	var out []Hash
	for off := len(commitCacheMagic); off+24 <= len(cc.data); {
		var h Hash
		copy(h[:], cc.data[off:])
		out = append(out, h)
		off += 24 + int(uint32(cc.data[off+20])<<24|uint32(cc.data[off+21])<<16|uint32(cc.data[off+22])<<8|uint32(cc.data[off+23]))
	}
	return out
}

func TestCommitCacheFillsAndAppends(t *testing.T) {
	s, dir := newStore(t)
	commits := writeHistory(t, s, 5, func(i int) []byte { return []byte{byte(i)} })
	readAllCached(t, s, commits[:3])
	if got := cachedNames(t, dir); len(got) != 3 {
		t.Fatalf("cache holds %d commits after reading 3", len(got))
	}
	// Served from the file: no object is read for a cached commit.
	for _, h := range commits[:3] {
		if err := os.Remove(s.loosePath(h)); err != nil {
			t.Fatal(err)
		}
	}
	cc := s.OpenCommitCache()
	for _, h := range commits[:3] {
		if _, err := cc.ReadCommit(h); err != nil {
			t.Fatalf("cached commit %s: %v", h, err)
		}
	}
	// New commits are appended, the old records kept.
	for _, h := range commits[3:] {
		if _, err := cc.ReadCommit(h); err != nil {
			t.Fatal(err)
		}
	}
	if err := cc.Close(); err != nil {
		t.Fatal(err)
	}
	if got := cachedNames(t, dir); len(got) != 5 || got[4] != commits[4] {
		t.Fatalf("cache after append: %v, want the 5 commits", got)
	}
}

// TestCommitCacheVerifies damages the cache in the ways a crash or a
// hostile edit can: the cache must never give bytes that do not hash to
// the commit's name, and must repair itself.
func TestCommitCacheVerifies(t *testing.T) {
	tests := []struct {
		name   string
		damage func([]byte) []byte
	}{
		{"message changed", func(b []byte) []byte { return bytes.Replace(b, []byte("save\n"), []byte("evil\n"), 1) }},
		{"torn tail", func(b []byte) []byte { return b[:len(b)-7] }},
		{"length too large", func(b []byte) []byte {
			b[len(commitCacheMagic)+20] = 0x7f
			return b
		}},
		{"not a cache", func(b []byte) []byte { return []byte("hello") }},
		{"empty", func(b []byte) []byte { return nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, dir := newStore(t)
			commits := writeHistory(t, s, 4, func(i int) []byte { return []byte{byte(i)} })
			readAllCached(t, s, commits)
			path := filepath.Join(dir, CommitCacheName)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, tt.damage(data), 0o644); err != nil {
				t.Fatal(err)
			}
			readAllCached(t, s, commits) // compares with the objects
			repaired, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(repaired, []byte("evil")) {
				t.Error("the damaged record was kept")
			}
			if got := cachedNames(t, dir); len(got) != len(commits) {
				t.Errorf("repaired cache holds %d records, want %d", len(got), len(commits))
			}
		})
	}
}

// TestVerifyIgnoresCommitCache: a damaged commit object is reported by
// Verify even when the cache holds its bytes.
func TestVerifyIgnoresCommitCache(t *testing.T) {
	s, _ := newStore(t)
	commits := writeHistory(t, s, 3, func(i int) []byte { return []byte{byte(i)} })
	readAllCached(t, s, commits)
	p := s.loosePath(commits[1])
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("not zlib"), 0o644); err != nil {
		t.Fatal(err)
	}
	var problems []Problem
	if _, err := s.Verify(context.Background(), func(p Problem) { problems = append(problems, p) }); err != nil && len(problems) == 0 {
		t.Fatal(err)
	}
	if len(problems) == 0 {
		t.Fatal("Verify did not report the damaged commit")
	}
}
