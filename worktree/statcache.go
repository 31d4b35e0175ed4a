package worktree

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/objects"
)

// statCacheName is the file, inside the store, that remembers the blob id
// of each working file by its stat data, so that status and save need not
// re-read and re-hash files that did not change (git's index does the same
// job). It is only a cache: losing it or finding it damaged costs a re-hash.
const statCacheName = "circuitvc-stat-cache"

const statCacheHeader = "circuitvc stat cache v1"

// statKey is what must be unchanged for a cached hash to be trusted.
type statKey struct {
	size, mtime, ctime, ino int64
	mode                    fs.FileMode
}

func keyOf(fi fs.FileInfo) statKey {
	k := statKey{size: fi.Size(), mtime: fi.ModTime().UnixNano(), mode: fi.Mode()}
	k.ino, k.ctime = sysStat(fi)
	return k
}

type statEntry struct {
	key  statKey
	hash objects.Hash
}

// statCache maps working paths to the blob ids their stat data vouch for.
type statCache struct {
	entries map[string]statEntry
	// written is when the cache file was last written: an entry whose
	// mtime is not clearly before it may have been modified within the
	// same clock tick after it was hashed ("racily clean" in git) and is
	// not trusted.
	written time.Time
	dirty   bool
}

// racy reports whether a file with this stat could have changed within
// the clock tick after the cache was written.
func (c *statCache) racy(fi fs.FileInfo) bool {
	return !fi.ModTime().Before(c.written.Add(-time.Second))
}

// lookup returns the cached blob id of p if fi still matches.
func (c *statCache) lookup(p string, fi fs.FileInfo) (objects.Hash, bool) {
	e, ok := c.entries[p]
	if !ok || e.key != keyOf(fi) || c.racy(fi) {
		return objects.ZeroHash, false
	}
	return e.hash, true
}

// remember records the blob id of p as read with stat data fi, taken
// before the read: if the file changed meanwhile, the stat will not match.
// A racy entry marks the cache dirty even when unchanged, so that writing
// it again, later, makes the entry trusted.
func (c *statCache) remember(p string, fi fs.FileInfo, h objects.Hash) {
	e := statEntry{key: keyOf(fi), hash: h}
	if old, ok := c.entries[p]; !ok || old != e || c.racy(fi) {
		c.entries[p] = e
		c.dirty = true
	}
}

// statCache loads the cache once per Repo; a missing or damaged file
// gives an empty cache.
func (r *Repo) statCache() *statCache {
	if r.cache == nil {
		r.cache = readStatCache(r.fs, filepath.Join(r.dir, statCacheName))
	}
	return r.cache
}

func readStatCache(fsys fsx.FS, name string) *statCache {
	c := &statCache{entries: map[string]statEntry{}}
	data, err := fsx.ReadFile(fsys, name)
	if err != nil {
		return c
	}
	body, sum, ok := bytes.Cut(data, []byte("\nsha256 "))
	want := sha256.Sum256(body)
	if !ok || strings.TrimSpace(string(sum)) != hex.EncodeToString(want[:]) {
		return c // torn or damaged: start again
	}
	lines := strings.Split(string(body), "\n")
	if len(lines) < 2 || lines[0] != statCacheHeader {
		return c
	}
	written, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		return c
	}
	c.written = time.Unix(0, written)
	for _, l := range lines[2:] {
		if p, e, ok := parseStatLine(l); ok {
			c.entries[p] = e
		}
	}
	return c
}

func parseStatLine(l string) (string, statEntry, bool) {
	f := strings.SplitN(l, " ", 7)
	if len(f) != 7 {
		return "", statEntry{}, false
	}
	var n [5]int64
	for i := range n {
		v, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return "", statEntry{}, false
		}
		n[i] = v
	}
	h, err := objects.ParseHash(f[5])
	if err != nil || h.String() != f[5] {
		return "", statEntry{}, false
	}
	k := statKey{size: n[0], mtime: n[1], ctime: n[2], ino: n[3], mode: fs.FileMode(n[4])}
	return f[6], statEntry{key: k, hash: h}, true
}

// saveStatCache writes the cache if it changed. It is best effort and
// not fsynced: the checksum line makes a torn write read as empty.
func (r *Repo) saveStatCache() {
	c := r.cache
	if c == nil || !c.dirty {
		return
	}
	now := time.Now()
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n%d\n", statCacheHeader, now.UnixNano())
	for p, e := range c.entries {
		k := e.key
		fmt.Fprintf(&b, "%d %d %d %d %d %s %s\n", k.size, k.mtime, k.ctime, k.ino, uint32(k.mode), e.hash, p)
	}
	body := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	sum := sha256.Sum256(body)
	data := append(append(body, "\nsha256 "...), hex.EncodeToString(sum[:])+"\n"...)
	name := filepath.Join(r.dir, statCacheName)
	f, err := fsx.CreateTemp(r.fs, r.dir, statCacheName+".tmp-", 0o644)
	if err != nil {
		return
	}
	_, werr := f.Write(data)
	if cerr := f.Close(); werr != nil || cerr != nil || r.fs.Rename(f.Name(), name) != nil {
		_ = r.fs.Remove(f.Name())
		return
	}
	c.written, c.dirty = now, false
}
