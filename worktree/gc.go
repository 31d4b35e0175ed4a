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

// GC packs the loose objects into a packfile with deltas and removes
// stale temp files, holding the store lock. Crash safety is
// objects.Store.Pack's: the pack is complete and checked before any loose
// object is deleted.
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
	st.PackStats, err = r.objects.Pack(ctx, objects.PackOptions{Progress: opts.Progress})
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
