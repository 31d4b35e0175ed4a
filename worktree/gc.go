package worktree

import (
	"context"
	"path/filepath"
	"time"

	"github.com/circuitvc/circuitvc/objects"
)

// GCOptions tune a gc run.
type GCOptions struct {
	// Progress, when set, is told how far packing has gone.
	Progress func(done, total int)
	// Prune, when set, overrides circuitvc.pruneExpire: unreachable
	// objects older than it are deleted (0: all; PruneNever: none).
	Prune *time.Duration
	// afterWalk, in tests, runs between the reachability walk and the
	// pack: where a concurrent git could write an object.
	afterWalk func()
	// now, in tests, replaces the clock the expiry counts from.
	now func() time.Time
}

// GCStats says what a gc run did.
type GCStats struct {
	objects.PackStats
	// TempsRemoved counts temp files left by writers that were killed.
	TempsRemoved int
}

// staleTempAge is how old a temp file in the store must be before gc
// takes it for a killed writer's leftover rather than a live write.
const staleTempAge = time.Hour

// GC repacks every object into one packfile with deltas, deletes the
// unreachable objects older than the prune expiry (see reachable) and
// removes stale temp files, holding the store lock. With PruneNever it
// only packs the loose objects. Crash safety is objects.Store.Pack's: the
// new pack is complete, checked and in place before any object file or
// old pack is deleted.
func (r *Repo) GC(ctx context.Context, opts GCOptions) (GCStats, error) {
	release, err := r.lock(ctx)
	if err != nil {
		return GCStats{}, err
	}
	defer release()
	st := GCStats{}
	if st.TempsRemoved, err = r.objects.RemoveStaleTemps(staleTempAge); err != nil {
		return st, err
	}
	expire := r.cfg.PruneExpire
	if opts.Prune != nil {
		expire = *opts.Prune
	}
	popts := objects.PackOptions{Progress: opts.Progress}
	if expire >= 0 {
		// The cutoff comes first: an object written after it, during the
		// walk or the pack, is young and stays.
		now := time.Now
		if opts.now != nil {
			now = opts.now
		}
		cutoff := pruneCutoff(now(), expire)
		keep, protect, err := r.reachable(ctx, cutoff)
		if err != nil {
			return st, err
		}
		if opts.afterWalk != nil {
			opts.afterWalk()
		}
		popts.All, popts.Expire = true, cutoff
		popts.Keep = func(h objects.Hash) bool { return keep[h] }
		popts.Protect = func(h objects.Hash) bool { return protect[h] }
	}
	st.PackStats, err = r.objects.Pack(ctx, popts)
	return st, err
}

// looseEstimate guesses the number of loose objects the way git's
// gc --auto does: the count in one of the 256 fan-out directories,
// times 256. One directory read instead of 256.
func (r *Repo) looseEstimate() int {
	entries, err := r.fs.ReadDir(filepath.Join(r.dir, "objects", "17"))
	if err != nil {
		return 0
	}
	return len(entries) * 256
}

// autoGC packs when the estimate passes the configured threshold. It runs
// inside a command that already holds the store lock.
func (r *Repo) autoGC(ctx context.Context) (int, error) {
	if r.cfg.AutoGC <= 0 || r.looseEstimate() <= r.cfg.AutoGC {
		return 0, nil
	}
	st, err := r.objects.Pack(ctx, objects.PackOptions{})
	return st.Objects, err
}
