package fsxtest

// CrashFS simulates a power cut. It is a MemFS that remembers, besides
// what a running system sees, what is durable: what would be on the disk
// if power failed now. The model is the strict POSIX one, which no real
// file system is weaker than:
//
//   - a file's bytes and mode are durable as of its last File.Sync (a file
//     created and never synced is empty after a crash);
//   - a directory's entries — creations, hard links, symbolic links,
//     renames (one entry in each directory involved), removals, mkdirs —
//     are durable as of the last SyncDir of that directory, each directory
//     on its own;
//   - the root and everything present when the CrashFS was made is durable.
//
// Crash returns the worst case: only durable state survives. Real disks
// often keep more, and keeping more can be worse: a rename that reaches
// the disk before the renamed file's data exposes an empty file. So
// CrashStates also yields the outcomes in which any subset of the pending
// (not yet durable) operations survived — each create, link, rename,
// remove, chmod and each Write call kept or dropped as a whole — all of
// them when there are few, else every in-order prefix plus random subsets.
//
// The crash-point loop of a test:
//
//	base := fsxtest.NewMemFS() // … set up, all durable …
//	for n := 0; ; n++ {
//		c := fsxtest.NewCrashFS(base)
//		c.CrashAfter(n) // operations after the nth fail with ErrPowerCut
//		err := save(c)
//		for desc, after := range c.CrashStates(64) {
//			check(t, after, desc) // reopen the store on after; verify it
//		}
//		if !c.Cut() { // save ran to the end before the cut: done
//			break
//		}
//	}
//
// Writes are modelled at the granularity of one Write call; a torn write
// inside one call is covered by the worst case only.

import (
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
)

// ErrPowerCut is the cause of every call a CrashFS refuses after the cut
// set by CrashAfter. It is not transient, so Retry gives up at once.
var ErrPowerCut = errors.New("power cut (simulated)")

// journal holds the changes a MemFS under a CrashFS has not made durable,
// in the order they were made.
type journal struct {
	units []*unit
}

type unitKind int

const (
	unitEntries  unitKind = iota // directory entries: changes
	unitWrite                    // one Write call: off, data
	unitTruncate                 // size in off
	unitChmod                    // mode
)

// unit is one operation that survives a crash whole or not at all.
type unit struct {
	desc    string
	kind    unitKind
	changes []entryChange
	ino     *inode
	off     int64
	data    []byte
	mode    fs.FileMode
}

// entryChange sets (node != nil) or removes one directory entry.
type entryChange struct {
	dir  *inode
	name string
	node *inode
}

func (j *journal) add(u *unit) { j.units = append(j.units, u) }

// begin starts a directory-entry unit; nil when no journal is kept.
func (m *MemFS) begin(desc string) *unit {
	if m.j == nil {
		return nil
	}
	return &unit{desc: desc, kind: unitEntries}
}

func (m *MemFS) end(u *unit) {
	if u != nil && len(u.changes) > 0 {
		m.j.add(u)
	}
}

// sync makes n's data and mode durable and, for a directory, its entries.
func (m *MemFS) sync(n *inode) {
	if m.j == nil {
		return
	}
	n.ddata, n.dmode = slices.Clone(n.data), n.mode
	if n.isDir() {
		n.dentries = maps.Clone(n.entries)
	}
	kept := m.j.units[:0]
	for _, u := range m.j.units {
		if u.kind != unitEntries && u.ino == n {
			continue
		}
		if u.kind == unitEntries && n.isDir() {
			u.changes = slices.DeleteFunc(u.changes, func(c entryChange) bool { return c.dir == n })
			if len(u.changes) == 0 {
				continue
			}
		}
		kept = append(kept, u)
	}
	clear(m.j.units[len(kept):])
	m.j.units = kept
}

// crashed builds the file system that survives a power cut in which the
// pending units selected by keep reach the disk and the others do not.
func (m *MemFS) crashed(keep func(i int) bool) *MemFS {
	entries := map[*inode]map[string]*inode{}
	data := map[*inode][]byte{}
	mode := map[*inode]fs.FileMode{}
	entriesOf := func(d *inode) map[string]*inode {
		if e, ok := entries[d]; ok {
			return e
		}
		e := maps.Clone(d.dentries)
		if e == nil {
			e = map[string]*inode{}
		}
		entries[d] = e
		return e
	}
	dataOf := func(n *inode) []byte {
		if b, ok := data[n]; ok {
			return b
		}
		return slices.Clone(n.ddata)
	}
	for i, u := range m.j.units {
		if !keep(i) {
			continue
		}
		switch u.kind {
		case unitEntries:
			for _, c := range u.changes {
				if c.node == nil {
					delete(entriesOf(c.dir), c.name)
				} else {
					entriesOf(c.dir)[c.name] = c.node
				}
			}
		case unitWrite:
			data[u.ino] = applyWrite(dataOf(u.ino), u.off, u.data)
		case unitTruncate:
			data[u.ino] = applyTruncate(dataOf(u.ino), u.off)
		case unitChmod:
			mode[u.ino] = u.mode
		}
	}
	return copyTree(m.root,
		func(n *inode) map[string]*inode {
			if e, ok := entries[n]; ok {
				return e
			}
			return n.dentries
		},
		dataOf,
		func(n *inode) fs.FileMode {
			if md, ok := mode[n]; ok {
				return md
			}
			return n.dmode
		})
}

// CrashFS is a MemFS that can lose power: see the model above. It counts
// and logs calls like FaultFS, and can refuse every call after the nth.
// It is safe for concurrent use.
type CrashFS struct {
	*hookFS
	mem      *MemFS
	cutAfter int // -1: no cut
	cut      bool
}

// NewCrashFS returns a CrashFS holding a copy of base (nil: an empty
// file system), all of it durable. base itself is never changed, so one
// base serves every iteration of a crash-point loop.
func NewCrashFS(base *MemFS) *CrashFS {
	mem := NewMemFS()
	if base != nil {
		mem = base.Clone()
	}
	mem.j = &journal{}
	c := &CrashFS{mem: mem, cutAfter: -1}
	c.hookFS = &hookFS{inner: mem, decide: c.decide}
	return c
}

func (c *CrashFS) decide(op *Op) error {
	if c.cutAfter >= 0 && op.N > c.cutAfter {
		c.cut = true
		return ErrPowerCut
	}
	return nil
}

// CrashAfter lets calls 1 to n (counting every call, as Ops does) run and
// makes every later one fail with ErrPowerCut and no effect, so the code
// under test stops with the file system as it was after call n. A
// negative n removes the cut.
func (c *CrashFS) CrashAfter(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cutAfter = n
}

// Cut reports whether a call was refused because of CrashAfter: false
// means the code under test finished within the allowed calls.
func (c *CrashFS) Cut() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cut
}

// Pending describes the operations not yet durable, oldest first; the
// index of each is the one CrashKeeping's keep receives.
func (c *CrashFS) Pending() []string {
	c.mem.mu.Lock()
	defer c.mem.mu.Unlock()
	descs := make([]string, len(c.mem.j.units))
	for i, u := range c.mem.j.units {
		descs[i] = u.desc
	}
	return descs
}

// Crash returns the file system after a power cut now, in the worst case:
// only durable state, every pending operation lost.
func (c *CrashFS) Crash() *MemFS {
	return c.CrashKeeping(func(int) bool { return false })
}

// CrashKeeping returns the file system after a power cut now in which
// exactly the pending operations i with keep(i) reached the disk.
func (c *CrashFS) CrashKeeping(keep func(i int) bool) *MemFS {
	c.mem.mu.Lock()
	defer c.mem.mu.Unlock()
	return c.mem.crashed(keep)
}

// CrashStates yields up to limit distinct file systems that a power cut
// now could leave, each with a description of which pending operations
// survived. With k pending operations and 2^k <= limit it yields every
// subset; otherwise the worst case, every in-order prefix (what a
// journaling file system keeps) and then random subsets from a fixed seed.
// Outcomes that equal one already yielded are skipped. The first state is
// always the worst case, Crash().
func (c *CrashFS) CrashStates(limit int) iter.Seq2[string, *MemFS] {
	return func(yield func(string, *MemFS) bool) {
		descs := c.Pending()
		seen := map[string]bool{}
		for keep := range keepSets(len(descs), limit) {
			after := c.CrashKeeping(func(i int) bool { return keep[i] })
			key := after.Dump()
			if seen[key] {
				continue
			}
			seen[key] = true
			if !yield(describeKept(descs, keep), after) || len(seen) >= limit {
				return
			}
		}
	}
}

// keepSets yields which of k pending operations to keep, as described on
// CrashStates. It may yield more than limit sets, since equal outcomes are
// skipped by the caller; it stops after a bounded number of tries.
func keepSets(k, limit int) iter.Seq[[]bool] {
	return func(yield func([]bool) bool) {
		if k < 20 && 1<<k <= limit {
			for mask := range 1 << k {
				keep := make([]bool, k)
				for i := range keep {
					keep[i] = mask&(1<<i) != 0
				}
				if !yield(keep) {
					return
				}
			}
			return
		}
		for p := 0; p <= k; p++ { // prefixes, the worst case first
			keep := make([]bool, k)
			for i := range p {
				keep[i] = true
			}
			if !yield(keep) {
				return
			}
		}
		rng := rand.New(rand.NewPCG(uint64(k), uint64(limit)))
		for range 4 * limit {
			keep := make([]bool, k)
			for i := range keep {
				keep[i] = rng.IntN(2) == 1
			}
			if !yield(keep) {
				return
			}
		}
	}
}

func describeKept(descs []string, keep []bool) string {
	var kept []string
	for i, d := range descs {
		if keep[i] {
			kept = append(kept, d)
		}
	}
	if len(kept) == 0 {
		return fmt.Sprintf("power cut: all %d pending operations lost", len(descs))
	}
	return fmt.Sprintf("power cut: %d of %d pending operations kept: %s", len(kept), len(descs), strings.Join(kept, "; "))
}
