package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

func verifyCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:  "verify",
		Usage: "check the store's integrity",
		Description: `Checks every object (its hash, compression, size and syntax), every ref and
reflog, and that every version reachable from them is complete. Prints each
problem with the object's path and hash, and exits 1 if there are any.

Examples:
   circuitvc verify`,
		Action: func(c *ucli.Context) error {
			repo, err := openRepo(c, env)
			if err != nil {
				return err
			}
			defer repo.Close()
			var problems int
			st, err := repo.Verify(c.Context, func(p worktree.Problem) {
				if p.Warning {
					fmt.Fprintf(env.Stdout, "warning: %s\n", p)
					return
				}
				problems++
				fmt.Fprintf(env.Stdout, "problem: %s\n", p)
			})
			if err != nil {
				return fmt.Errorf("verify: %w", err)
			}
			fmt.Fprintf(env.Stdout, "checked %d objects, %d refs, %d reachable objects: ", st.Objects, st.Refs, st.Reachable)
			if problems > 0 {
				fmt.Fprintf(env.Stdout, "%d problem(s)\n", problems)
				return silentError{code: ExitDifferent}
			}
			fmt.Fprintln(env.Stdout, "ok")
			return nil
		},
	}
}
