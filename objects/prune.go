package objects

import (
	"time"

	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
)

// farFuture stands for the modification time of a copy that could not be
// stat'ed: it is never old enough to drop.
var farFuture = time.Unix(1<<62, 0)

// selection sorts the copies Pack meets into those to pack, those to drop
// and those to leave where they are (PackOptions.Keep, Expire, Protect).
type selection struct {
	keep     func(Hash) bool
	protect  func(Hash) bool
	expire   time.Time
	seen     map[Hash]bool // in hashes
	hashes   []Hash        // to pack
	dropped  map[Hash]bool // a copy was dropped
	retained map[Hash]bool // a copy stays
}

func newSelection(opts PackOptions) *selection {
	return &selection{keep: opts.Keep, protect: opts.Protect, expire: opts.Expire,
		seen: map[Hash]bool{}, dropped: map[Hash]bool{}, retained: map[Hash]bool{}}
}

// add meets one copy of h, modified at mtime, and says whether the copy
// may be removed once the new pack is in place.
func (s *selection) add(h Hash, mtime time.Time) bool {
	if s.keep == nil || s.keep(h) {
		if !s.seen[h] {
			s.seen[h] = true
			s.hashes = append(s.hashes, h)
		}
		return true
	}
	if mtime.Before(s.expire) && (s.protect == nil || !s.protect(h)) {
		s.dropped[h] = true
		return true
	}
	s.retained[h] = true
	return false
}

// droppedCount is the number of objects no copy of which stays.
func (s *selection) droppedCount() int {
	n := 0
	for h := range s.dropped {
		if !s.retained[h] {
			n++
		}
	}
	return n
}

// Retained lists the objects that Pack with this Expire leaves in place
// whatever Keep says: those with a loose copy or a pack modified at or
// after expire, and those in packs marked .keep. A caller that drops
// unreachable objects must keep what these reference too (as git keeps
// what recent objects reference), or a young object could lose an old
// one it points to.
func (s *Store) Retained(expire time.Time) ([]Hash, error) {
	var out []Hash
	err := s.forEachLoose(func(h Hash, path string) error {
		if fi, err := s.fsys.Stat(path); err != nil || !fi.ModTime().Before(expire) {
			out = append(out, h)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	bases, err := s.listPacks()
	if err != nil {
		return nil, err
	}
	for _, base := range bases {
		_, kerr := s.fsys.Stat(base + ".keep")
		fi, err := s.fsys.Stat(base + ".pack")
		if kerr != nil && err == nil && fi.ModTime().Before(expire) {
			continue
		}
		idx, err := s.loadIndex(base + ".idx")
		if err != nil {
			return nil, err
		}
		eachIndexed(idx, func(h Hash) { out = append(out, h) })
	}
	return out, nil
}

// eachIndexed calls fn for every object a pack index lists.
func eachIndexed(idx *idxfile.MemoryIndex, fn func(Hash)) {
	for off := 0; off < 256; off++ {
		k := idx.FanoutMapping[off]
		if k < 0 || k >= len(idx.Names) {
			continue
		}
		for names := idx.Names[k]; len(names) >= 20; names = names[20:] {
			fn(Hash(names[:20]))
		}
	}
}
