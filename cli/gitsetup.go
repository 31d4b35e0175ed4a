package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

func gitSetupCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:  "git-setup",
		Usage: "make plain git diff and merge circuit files with circuitvc",
		Description: `Sets up the git repository you are in (or, with --global, your git
configuration) so that git diff, git log -p --ext-diff, git show
--ext-diff, git merge, git rebase and git cherry-pick use circuitvc for
*.circuit.json, diagram.json and circuit.json files (and any --pattern):

  .gitattributes        PATTERN diff=circuit merge=circuit
  diff.circuit.command  circuitvc diff-driver   (git's external diff)
  merge.circuit.driver  circuitvc merge-file --git -p %P %O %A %B
  merge.circuit.recursive = circuit-base (common versions merged with
                        conflicts left at the base, so the outer merge
                        meets them again)

The diff is an external diff command rather than a textconv filter: a
semantic diff compares both versions at once (a component renamed, a pin
moved between nets, the BOM), which a per-version text dump cannot show.
git diff uses it; git log -p and git show need --ext-diff.

Running it again changes nothing; --remove undoes it. With --global the
attribute lines go into git's global attributes file.

Examples:
   circuitvc git-setup
   circuitvc git-setup --pattern 'boards/*.json'
   circuitvc git-setup --global
   circuitvc git-setup --remove`,
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "global", Usage: "set up your git configuration and global attributes instead of this repository"},
			&ucli.BoolFlag{Name: "remove", Usage: "undo what git-setup wrote"},
			&ucli.StringSliceFlag{Name: "pattern", Usage: "also hand files matching `PATTERN` to circuitvc (repeatable)"},
		},
		Action: func(c *ucli.Context) error {
			if c.NArg() > 0 {
				return usagef("git-setup takes no arguments")
			}
			res, err := worktree.GitSetup(c.Context, env.FS, worktree.GitSetupOptions{
				Dir: workDir(c, env), Global: c.Bool("global"), Remove: c.Bool("remove"),
				Patterns: c.StringSlice("pattern"), Getenv: env.Getenv})
			if err != nil {
				return fmt.Errorf("git-setup: %w", err)
			}
			w := env.Stdout
			for _, l := range res.Added {
				fmt.Fprintf(w, "  added:   %s (%s)\n", l, res.Attributes)
			}
			for _, l := range res.Removed {
				fmt.Fprintf(w, "  removed: %s (%s)\n", l, res.Attributes)
			}
			if c.Bool("remove") {
				fmt.Fprintf(w, "git no longer uses circuitvc (%s configuration cleaned).\n", res.Config)
			} else {
				fmt.Fprintf(w, "git now diffs and merges circuit files with circuitvc (%s configuration, %s).\n", res.Config, res.Attributes)
			}
			return nil
		},
	}
}
