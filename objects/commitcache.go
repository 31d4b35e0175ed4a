package objects

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/circuitvc/circuitvc/fsx"
)

// CommitCacheName is the commit cache's file in the .circuitvc directory.
// Git ignores files it does not know there (the stat cache lives beside
// it), so the store stays a plain Git repository to git fsck --strict.
const CommitCacheName = "circuitvc-commit-cache"

// commitCacheMagic starts the file; a file without it is rebuilt.
const commitCacheMagic = "circuitvc commit cache 1\n"

// maxCachedCommit bounds one cached commit's bytes: larger commits (a
// huge message) are read from the store each time instead.
const maxCachedCommit = 1 << 20

// CommitCache reads commits for a walk of history (log) from one file
// holding the bytes of every commit read before, instead of one object
// per commit (a file open and an inflate when loose, a seek and an
// inflate when packed). It plays the part of git's commit-graph, but is
// verified, not trusted: an entry is used only if its bytes hash to the
// commit's name, exactly as reading the object with VerifyReads would
// check it, so the cache cannot make log show anything the object does
// not hold. An entry that fails the check, a torn tail or a file that is
// not a cache is skipped (the object is read instead) and the file is
// rebuilt on Close. What the cache does not check is that the object
// itself is still whole in the store: Verify reads every object and
// never uses the cache.
//
// File format: commitCacheMagic, then records appended one after the
// other, each the commit's 20-byte name, a 4-byte big-endian length and
// the commit's content (the object without its header).
//
// A CommitCache is for one goroutine.
type CommitCache struct {
	s       *Store
	path    string
	data    []byte
	spans   map[Hash]cacheSpan // records in data
	added   []byte             // records for commits read from the store
	addedH  map[Hash]bool      // their names
	rebuild bool               // the file is damaged or missing: rewrite it whole
}

// cacheSpan is one record's content in data, and whether it was checked
// (hashed against its name) and found good or bad.
type cacheSpan struct {
	off, n  uint32
	checked bool
	good    bool
}

// OpenCommitCache loads the store's commit cache. It never fails: a
// missing, unreadable or damaged file gives an empty cache, which Close
// writes anew.
func (s *Store) OpenCommitCache() *CommitCache {
	c := &CommitCache{s: s, path: filepath.Join(s.dir, CommitCacheName)}
	c.data, c.rebuild = c.load()
	c.index()
	return c
}

// load reads the whole file; rebuild is set when it is missing or not a
// cache.
func (c *CommitCache) load() (data []byte, rebuild bool) {
	f, err := c.s.fsys.OpenFile(c.path, os.O_RDONLY, 0)
	if err != nil {
		return nil, true
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() < int64(len(commitCacheMagic)) || fi.Size() > 1<<31 {
		return nil, true
	}
	data = make([]byte, fi.Size())
	if _, err := io.ReadFull(f, data); err != nil || !bytes.HasPrefix(data, []byte(commitCacheMagic)) {
		return nil, true
	}
	return data, false
}

// index lists the records of c.data; a record that runs past the end (a
// torn append) ends the list and asks for a rebuild.
func (c *CommitCache) index() {
	c.spans = make(map[Hash]cacheSpan, len(c.data)/256)
	off := len(commitCacheMagic)
	for off < len(c.data) {
		if len(c.data)-off < 24 {
			c.rebuild = true
			return
		}
		var h Hash
		copy(h[:], c.data[off:])
		n := int(binary.BigEndian.Uint32(c.data[off+20:]))
		start := off + 24
		if n > maxCachedCommit || n > len(c.data)-start {
			c.rebuild = true
			return
		}
		c.spans[h] = cacheSpan{off: uint32(start), n: uint32(n)}
		off = start + n
	}
}

// ReadCommit returns commit h, from the cache when its entry checks out,
// else from the store (as Store.ReadCommit, with its errors), adding it
// to the cache.
func (c *CommitCache) ReadCommit(h Hash) (*Commit, error) {
	if sp, ok := c.spans[h]; ok && c.check(h, &sp) {
		if commit, err := DecodeCommit(c.data[sp.off : sp.off+sp.n]); err == nil {
			return commit, nil
		}
		// A commit git wrote that we cannot parse: the store's error.
	}
	data, err := c.s.readTyped(h, CommitObject)
	if err != nil {
		return nil, err
	}
	commit, err := DecodeCommit(data)
	if err != nil {
		return nil, &CorruptError{Hash: h, Path: c.s.pathOf(h), Err: err}
	}
	if len(data) <= maxCachedCommit && !c.addedH[h] {
		if c.addedH == nil {
			c.addedH = map[Hash]bool{}
		}
		c.addedH[h] = true
		c.added = appendCacheRecord(c.added, h, data)
	}
	return commit, nil
}

// check reports whether the record sp holds bytes that hash to h,
// hashing them on first use only.
func (c *CommitCache) check(h Hash, sp *cacheSpan) bool {
	if !sp.checked {
		got, collision := hashObject(CommitObject, c.data[sp.off:sp.off+sp.n])
		sp.checked, sp.good = true, got == h && !collision
		c.spans[h] = *sp
		if !sp.good {
			c.rebuild = true // the file is damaged: rewrite it without this record
		}
	}
	return sp.good
}

func appendCacheRecord(b []byte, h Hash, data []byte) []byte {
	b = append(b, h[:]...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	return append(b, data...)
}

// Close saves the commits read from the store: appended to the file, or,
// when the file was missing or damaged, in a new file holding every
// entry that checks out. Saving is best effort (log works on a store it
// cannot write): the error is only for callers that want to know.
//
// An append is not fsynced: a power cut may lose or tear it, which the
// next load sees (a torn record, bytes that do not hash to their name)
// and repairs. A rebuild is fsynced before its rename, so that the name
// never holds an empty file, and that is all: losing the rename loses
// only cached bytes.
func (c *CommitCache) Close() error {
	if !c.rebuild {
		if len(c.added) == 0 {
			return nil
		}
		f, err := c.s.fsys.OpenFile(c.path, os.O_WRONLY|os.O_APPEND, 0)
		if errors.Is(err, fs.ErrNotExist) {
			return c.rewrite() // removed since it was read
		}
		if err != nil {
			return err
		}
		_, err = f.Write(c.added)
		return errors.Join(err, f.Close())
	}
	return c.rewrite()
}

// rewrite writes every entry that checks out, and those read from the
// store, to a new file that replaces the old one.
func (c *CommitCache) rewrite() error {
	b := make([]byte, 0, len(c.data)+len(c.added))
	b = append(b, commitCacheMagic...)
	for h, sp := range c.spans {
		if c.check(h, &sp) {
			b = appendCacheRecord(b, h, c.data[sp.off:sp.off+sp.n])
		}
	}
	b = append(b, c.added...)
	pf, err := fsx.NewPendingFile(c.s.fsys, c.s.dir, CommitCacheName+".tmp-", 0o644)
	if err != nil {
		return err
	}
	defer pf.Cleanup()
	if _, err := pf.Write(b); err != nil {
		return err
	}
	return pf.Rename(c.path)
}
