package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

func initCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "init",
		Usage:     "make a circuitvc store (.circuitvc/) in the current directory",
		ArgsUsage: "[DIR]",
		Description: `Creates .circuitvc/, a bare Git repository, at the root of the working tree.
Files matching *.circuit.json and diagram.json anywhere below are tracked.

Examples:
   circuitvc init
   circuitvc init ~/projects/amp`,
		Action: func(c *ucli.Context) error {
			if c.NArg() > 1 {
				return usagef("init takes at most one directory")
			}
			dir := workDir(c, env)
			if c.NArg() == 1 {
				dir = resolveDir(dir, c.Args().First())
			}
			repo, err := worktree.Init(dir, worktree.OpenOptions{FS: env.FS})
			if err != nil {
				return fmt.Errorf("init: %w", err)
			}
			defer repo.Close()
			fmt.Fprintf(env.Stdout, "Initialised empty circuitvc store in %s\n", repo.Dir())
			return nil
		},
	}
}
