package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

func initCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "init",
		Usage:     "make a circuitvc store (.circuitvc/) in the current directory, or repair one",
		ArgsUsage: "[DIR]",
		Description: `Creates .circuitvc/, a bare Git repository, at the root of the working tree.
Files matching *.circuit.json and diagram.json anywhere below are tracked.

Run over an existing store, init changes no version: it says how many
versions it found and repairs what the store needs to be used — its
directories, and HEAD when it is missing, unreadable, or names a branch
that does not exist while another holds the history (as in a clone of a
remote whose branch is master). HEAD then names main, else master, else
the only branch; --branch chooses another.

Examples:
   circuitvc init
   circuitvc init ~/projects/amp
   circuitvc init --branch master`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "branch", Usage: "the `BRANCH` HEAD names (default: main, or the branch holding the history)"},
		},
		Action: func(c *ucli.Context) error {
			if c.NArg() > 1 {
				return usagef("init takes at most one directory")
			}
			dir := workDir(c, env)
			if c.NArg() == 1 {
				dir = resolveDir(dir, c.Args().First())
			}
			repo, res, err := worktree.InitOrRepair(c.Context, dir, worktree.OpenOptions{FS: env.FS, LockTimeout: c.Duration("lock-timeout")}, c.String("branch"))
			if err != nil {
				return fmt.Errorf("init: %w", err)
			}
			defer repo.Close()
			w := env.Stdout
			if !res.Existed {
				fmt.Fprintf(w, "Initialised empty circuitvc store in %s\n", repo.Dir())
				return nil
			}
			on := "on " + res.Branch
			if res.Branch == "" {
				on = "(HEAD holds a version, not a branch)"
			}
			fmt.Fprintf(w, "Found a circuitvc store in %s: %d version(s) %s\n", repo.Dir(), res.Versions, on)
			if res.Repaired == "" {
				fmt.Fprintln(w, "Nothing to repair")
			} else {
				fmt.Fprintf(w, "Repaired HEAD (%s): it now names %s\n", res.Repaired, res.Branch)
			}
			return nil
		},
	}
}
