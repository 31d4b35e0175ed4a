package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

func pushCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "push",
		Usage:     "send the current branch's versions to a remote",
		ArgsUsage: "[REMOTE]",
		Description: `Sends the current branch (main, or whatever the store's HEAD names) to the
branch of the same name on REMOTE (default origin), with --tags every tag
too. The remote's branch only moves forward: if it holds versions this
store lacks, the push is "rejected: fetch first" ('circuitvc pull', then
push); if it would drop versions, "not a fast-forward" (pull, or --force to
drop them). The remote moves each ref by compare-and-swap, so of two
people pushing at once to one store the second is rejected, never lost.
A remote that is a circuitvc directory with working files refuses a push
to its current branch: share through a bare store ('git init --bare').

Examples:
   circuitvc push
   circuitvc push origin --tags
   circuitvc push --force`,
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "tags", Usage: "push every tag as well"},
			&ucli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "move the remote's refs even when that drops versions from their history"},
		},
		Action: func(c *ucli.Context) error {
			if c.NArg() > 1 {
				return usagef("push takes at most one REMOTE")
			}
			repo, err := openRepo(c, env)
			if err != nil {
				return err
			}
			defer repo.Close()
			opts, done, err := transferOptions(c, env, c.Args().First())
			if err != nil {
				return err
			}
			res, err := repo.Push(c.Context, worktree.PushOptions{TransferOptions: opts, Force: c.Bool("force"), Tags: c.Bool("tags")})
			done()
			if res != nil {
				writePush(env, res)
			}
			if err != nil {
				return fmt.Errorf("push: %w", err)
			}
			return nil
		},
	}
}

func writePush(env *Env, res *worktree.PushResult) {
	w := env.Stdout
	moved, rejected := 0, 0
	for _, ch := range res.Changes {
		if ch.Err == nil {
			moved++
		} else if rejected++; rejected == 1 {
			continue // the command's error says it
		}
		fmt.Fprintf(w, "  %s\n", changeLine(shortRef(ch.Ref), ch))
	}
	for _, warn := range res.Warnings {
		fmt.Fprintf(env.Stderr, "circuitvc: warning: %s\n", warn)
	}
	switch {
	case len(res.Changes) == 0:
		fmt.Fprintf(w, "Everything up to date with %s.\n", res.Remote.Name)
	case moved > 0:
		fmt.Fprintf(w, "Pushed %d objects to %s.\n", res.Objects, res.Remote.URL)
	}
}
