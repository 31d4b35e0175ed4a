package worktree

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// KeepWindow keeps, among the snapshots at most Age old, the newest of
// each Step of time (Step 0: every one).
type KeepWindow struct {
	Age, Step time.Duration
}

// KeepPolicy is which snapshots pruning keeps by age: a snapshot is
// judged by the first window whose Age it is within; older than every
// window, it is dropped. A nil policy keeps every age.
type KeepPolicy []KeepWindow

// DefaultKeepPolicy keeps every snapshot of the last hour, one per hour
// for a day and one per day for 30 days: "1h:all,1d:1h,30d:1d".
func DefaultKeepPolicy() KeepPolicy {
	return KeepPolicy{{Age: time.Hour}, {Age: 24 * time.Hour, Step: time.Hour}, {Age: 30 * 24 * time.Hour, Step: 24 * time.Hour}}
}

// String writes the policy as ParseKeepPolicy reads it.
func (p KeepPolicy) String() string {
	if p == nil {
		return "all"
	}
	parts := make([]string, len(p))
	for i, w := range p {
		step := "all"
		if w.Step > 0 {
			step = formatAge(w.Step)
		}
		parts[i] = formatAge(w.Age) + ":" + step
	}
	return strings.Join(parts, ",")
}

// ParseKeepPolicy reads circuitvc.autosaveKeep: "all" (keep every age),
// or windows "AGE:STEP" separated by commas, ages growing, where AGE and
// STEP are durations (90s, 15m, 1h, 1d, 2w) and STEP may be "all".
func ParseKeepPolicy(s string) (KeepPolicy, error) {
	s = strings.TrimSpace(s)
	if s == "all" {
		return nil, nil
	}
	var p KeepPolicy
	for _, part := range strings.Split(s, ",") {
		ageText, stepText, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			return nil, fmt.Errorf("autosave keep %q: %q is not AGE:STEP (1d:1h)", s, part)
		}
		var w KeepWindow
		var err error
		if w.Age, err = parseAge(ageText); err != nil {
			return nil, fmt.Errorf("autosave keep %q: %w", s, err)
		}
		if stepText != "all" {
			if w.Step, err = parseAge(stepText); err != nil {
				return nil, fmt.Errorf("autosave keep %q: %w", s, err)
			}
		}
		if len(p) > 0 && w.Age <= p[len(p)-1].Age {
			return nil, fmt.Errorf("autosave keep %q: ages must grow from one window to the next", s)
		}
		p = append(p, w)
	}
	return p, nil
}

// parseAge reads a positive duration, with d (day) and w (week) besides
// Go's units.
func parseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var d time.Duration
	var err error
	if n, ok := strings.CutSuffix(s, "d"); ok {
		d, err = scaled(n, 24*time.Hour)
	} else if n, ok := strings.CutSuffix(s, "w"); ok {
		d, err = scaled(n, 7*24*time.Hour)
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration (30m, 1h, 1d, 2w)", s)
	}
	return d, nil
}

// scaled is n (a decimal number) times unit.
func scaled(n string, unit time.Duration) (time.Duration, error) {
	f, err := strconv.ParseFloat(n, 64)
	return time.Duration(f * float64(unit)), err
}

func formatAge(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// parseSize reads a size in bytes: a number with an optional binary unit
// (k, m, g, as git config reads them, or KiB, MiB, GiB).
func parseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}} {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = rest, u.mult
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a size (100MiB, 500k, 2g)", s)
	}
	return n * mult, nil
}

// PruneResult says what PruneAutosave did.
type PruneResult struct {
	// Kept and Dropped count snapshots.
	Kept, Dropped int
	// Size is the measured size of the snapshots kept (see PruneAutosave).
	Size int64
	// Head is the newest snapshot after pruning (unchanged when nothing
	// was dropped).
	Head objects.Hash
}

// snapshotInfo is one snapshot of the chain as pruning sees it.
type snapshotInfo struct {
	hash   objects.Hash
	commit *objects.Commit
}

// PruneAutosave drops old snapshots from the autosave chain, as the
// store's circuitvc.autosaveKeep and circuitvc.autosaveLimit say, by
// rewriting the chain; versions are never touched. It chooses so:
//
//  1. The newest snapshot is always kept.
//  2. By age (now minus the snapshot's time): the first window of the
//     keep policy whose age it is within decides. A window with step
//     "all" keeps every snapshot; one with a step keeps the newest
//     snapshot of each step of time (calendar-aligned: each hour, each
//     day in UTC). A snapshot older than every window is dropped.
//  3. By size: walking the snapshots kept so far from the newest, each
//     adds the size of the file contents it holds that neither the
//     current version nor a newer kept snapshot holds (uncompressed: an
//     upper bound of what they take packed); the first snapshot that
//     takes the sum past the limit is dropped, and every older one.
//
// The snapshots kept keep their trees, authors, times and messages; each
// one after the first dropped gets a new hash, since its parent changed.
// The ref's reflog entries naming dropped snapshots are removed too, so
// that nothing reaches them; they stay in the store until a gc that
// removes unreachable objects ('git gc --prune=now': circuitvc's gc packs
// but never deletes). PruneAutosave holds the store lock.
func (r *Repo) PruneAutosave(ctx context.Context, now time.Time, who objects.Signature) (*PruneResult, error) {
	release, err := r.lockAutosave(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	head, err := r.autosaveHead()
	if err != nil || head.IsZero() {
		return &PruneResult{}, err
	}
	chain, err := r.autosaveChain(ctx, head)
	if err != nil {
		return nil, err
	}
	keep := keepByAge(chain, r.cfg.AutosaveKeep, now)
	res := &PruneResult{Head: head}
	if res.Size, err = r.keepBySize(ctx, chain, keep); err != nil {
		return nil, err
	}
	for _, k := range keep {
		if k {
			res.Kept++
		}
	}
	res.Dropped = len(chain) - res.Kept
	if res.Dropped == 0 {
		return res, nil
	}
	kept, err := r.rewriteChain(chain, keep)
	if err != nil {
		return nil, err
	}
	res.Head = kept[len(kept)-1]
	msg := fmt.Sprintf("autosave: pruned %d snapshot(s), kept %d", res.Dropped, res.Kept)
	if err := r.refs.Update(ctx, AutosaveRef, head, res.Head, who, msg); err != nil {
		return nil, fmt.Errorf("autosave: prune: %w", err)
	}
	// The reflog would keep the dropped snapshots reachable for gc (and
	// git gc, which counts old values too): entries naming them go, and
	// each entry left takes as old value the new one of the entry now
	// before it (git reflog expire --rewrite).
	prev := objects.ZeroHash
	if _, err := r.refs.EditReflog(ctx, AutosaveRef, func(e refs.ReflogEntry) (refs.ReflogEntry, bool) {
		if !slices.Contains(kept, e.New) {
			return e, false
		}
		e.Old, prev = prev, e.New
		return e, true
	}); err != nil {
		return res, fmt.Errorf("autosave: pruned, but its reflog still names the dropped snapshots: %w", err)
	}
	return res, nil
}

// autosaveChain lists the snapshots from head back to the first,
// newest first.
func (r *Repo) autosaveChain(ctx context.Context, head objects.Hash) ([]snapshotInfo, error) {
	var chain []snapshotInfo
	for h := head; !h.IsZero(); {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c, err := r.objects.ReadCommit(h)
		if err != nil {
			return nil, fmt.Errorf("autosave: snapshot %s: %w", short(h), err)
		}
		chain = append(chain, snapshotInfo{hash: h, commit: c})
		h = objects.ZeroHash
		if len(c.Parents) > 0 {
			h = c.Parents[0]
		}
	}
	return chain, nil
}

// keepByAge marks the snapshots (newest first) the policy keeps by age.
func keepByAge(chain []snapshotInfo, policy KeepPolicy, now time.Time) []bool {
	keep := make([]bool, len(chain))
	seen := map[[2]int64]bool{} // window, step number → kept one already
	for i, s := range chain {
		when := s.commit.Committer.When
		if i == 0 || policy == nil {
			keep[i] = true
			continue
		}
		age := now.Sub(when)
		for wi, w := range policy {
			if age > w.Age {
				continue
			}
			if w.Step == 0 {
				keep[i] = true
			} else if bucket := [2]int64{int64(wi), when.UnixNano() / int64(w.Step)}; !seen[bucket] {
				keep[i], seen[bucket] = true, true
			}
			break
		}
	}
	return keep
}

// keepBySize applies the size limit to the snapshots keep marks, newest
// first, and returns the size of those kept.
func (r *Repo) keepBySize(ctx context.Context, chain []snapshotInfo, keep []bool) (int64, error) {
	head, err := r.Head()
	if err != nil {
		return 0, err
	}
	current, err := r.snapshot(head)
	if err != nil {
		return 0, err
	}
	counted := map[objects.Hash]bool{}
	for _, e := range current {
		counted[e.Hash] = true
	}
	var total int64
	limit := r.cfg.AutosaveLimit
	for i, s := range chain {
		if !keep[i] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		snap, err := r.snapshot(s.hash)
		if err != nil {
			return 0, fmt.Errorf("autosave: snapshot %s: %w", short(s.hash), err)
		}
		var size int64
		for _, e := range snap {
			if counted[e.Hash] {
				continue
			}
			counted[e.Hash] = true
			n, err := r.blobSize(e.Hash)
			if err != nil {
				return 0, fmt.Errorf("autosave: snapshot %s: %w", short(s.hash), err)
			}
			size += n
		}
		if i > 0 && limit > 0 && total+size > limit {
			for j := i; j < len(keep); j++ {
				keep[j] = false
			}
			break
		}
		total += size
	}
	return total, nil
}

// blobSize is the size of an object's content, from its header.
func (r *Repo) blobSize(h objects.Hash) (int64, error) {
	_, size, rc, err := r.objects.Open(h)
	if err != nil {
		return 0, err
	}
	rc.Close()
	return size, nil
}

// rewriteChain writes the kept snapshots (chain newest first) as a new
// chain and returns their hashes, oldest first. The oldest snapshots, up
// to the first one dropped, keep their hashes: their parents are
// unchanged.
func (r *Repo) rewriteChain(chain []snapshotInfo, keep []bool) ([]objects.Hash, error) {
	var b batch
	var kept []objects.Hash
	parent := objects.ZeroHash
	rewriting := false
	for i := len(chain) - 1; i >= 0; i-- {
		if !keep[i] {
			rewriting = true
			continue
		}
		if !rewriting {
			parent = chain[i].hash
			kept = append(kept, parent)
			continue
		}
		c := *chain[i].commit
		c.Parents = nil
		if !parent.IsZero() {
			c.Parents = []objects.Hash{parent}
		}
		data, err := objects.EncodeCommit(&c)
		if err != nil {
			return nil, err
		}
		parent = objects.HashObject(objects.CommitObject, data)
		kept = append(kept, parent)
		b.objs = append(b.objs, objects.Object{Type: objects.CommitObject, Data: data, Hash: parent})
	}
	if err := b.write(r, "autosave: prune"); err != nil {
		return nil, err
	}
	return kept, nil
}
