package cli

import (
	"fmt"
	"runtime/debug"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

// gcPercent is the garbage collector's target while gc runs (Go's default
// is 100): delta search allocates a copy of each compared object, and a
// tighter target keeps gc's peak memory near its bounded working set
// (objects.DefaultPackMemory) rather than twice it.
const gcPercent = 50

func gcCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:  "gc",
		Usage: "pack objects into a compressed packfile and delete unreachable ones",
		Description: `Packs every object reachable from a ref, HEAD, a reflog entry or a merge
in progress into one packfile with deltas, which stock git reads, and deletes
the unreachable objects (snapshots pruned from the local history, for one)
once they are older than circuitvc.pruneExpire (default 2w, as git's
gc.pruneExpire; --prune overrides it: now, never, 36h, 2.weeks.ago). The pack
is written under a temporary name, synced, checked, and only then are object
files and old packs removed: a crash at any point loses nothing reachable.
Saves pack loose objects automatically past circuitvc.autoGC of them
(default 2000; 'git config --file .circuitvc/config circuitvc.autoGC 0' turns
it off), without deleting any.

Examples:
   circuitvc gc
   circuitvc gc --prune=now`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "prune", Usage: "delete unreachable objects older than `EXPIRY` (now, never, 2w, 2.weeks.ago)"},
		},
		Action: func(c *ucli.Context) error {
			opts := worktree.GCOptions{}
			if c.IsSet("prune") {
				d, err := worktree.ParsePruneExpire(c.String("prune"))
				if err != nil {
					return usagef("gc --prune: %v", err)
				}
				opts.Prune = &d
			}
			repo, err := openRepo(c, env)
			if err != nil {
				return err
			}
			defer repo.Close()
			var bar *progressLine
			if isTerminal(env.Stderr) {
				opts.Progress = func(done, total int) {
					if bar == nil {
						bar = newProgressLine(env.Stderr, "packing objects", int64(total), false)
					}
					bar.Set(int64(done))
				}
			}
			defer debug.SetGCPercent(debug.SetGCPercent(gcPercent))
			st, err := repo.GC(c.Context, opts)
			if bar != nil {
				bar.Finish()
			}
			if err != nil {
				return fmt.Errorf("gc: %w", err)
			}
			if st.Objects == 0 {
				fmt.Fprintln(env.Stdout, "nothing to pack")
			} else {
				fmt.Fprintf(env.Stdout, "packed %d objects into %s (%d bytes); removed %d loose objects\n",
					st.Objects, st.Pack, st.PackSize, st.LooseRemoved)
			}
			if st.Dropped > 0 {
				fmt.Fprintf(env.Stdout, "deleted %d unreachable objects\n", st.Dropped)
			}
			if st.TempsRemoved > 0 {
				fmt.Fprintf(env.Stdout, "removed %d temp file(s) left by interrupted writers\n", st.TempsRemoved)
			}
			return nil
		},
	}
}
