package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/schollz/progressbar/v3"
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
		Usage: "pack loose objects into a compressed packfile",
		Description: `Packs every loose object into one packfile with deltas, which stock git
reads. The pack is written under a temporary name, synced, checked, and only
then are the loose objects removed: a crash at any point loses nothing.
Saves run gc automatically past circuitvc.autoGC loose objects (default
2000; 'git config --file .circuitvc/config circuitvc.autoGC 0' turns it off).

Examples:
   circuitvc gc`,
		Action: func(c *ucli.Context) error {
			repo, err := openRepo(c, env)
			if err != nil {
				return err
			}
			defer repo.Close()
			opts := worktree.GCOptions{}
			var bar *progressbar.ProgressBar
			if isTerminal(env.Stderr) {
				opts.Progress = func(done, total int) {
					if bar == nil {
						bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(env.Stderr),
							progressbar.OptionSetDescription("packing objects"), progressbar.OptionClearOnFinish())
					}
					_ = bar.Set(done)
				}
			}
			defer debug.SetGCPercent(debug.SetGCPercent(gcPercent))
			st, err := repo.GC(c.Context, opts)
			if bar != nil {
				_ = bar.Finish()
			}
			if err != nil {
				return fmt.Errorf("gc: %w", err)
			}
			if st.Objects == 0 {
				fmt.Fprintln(env.Stdout, "nothing to pack: no loose objects")
			} else {
				fmt.Fprintf(env.Stdout, "packed %d objects into %s (%d bytes); removed %d loose objects\n",
					st.Objects, st.Pack, st.PackSize, st.LooseRemoved)
			}
			if st.TempsRemoved > 0 {
				fmt.Fprintf(env.Stdout, "removed %d temp file(s) left by interrupted writers\n", st.TempsRemoved)
			}
			return nil
		},
	}
}
