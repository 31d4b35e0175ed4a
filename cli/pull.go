package cli

import (
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

func pullCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "pull",
		Usage:     "fetch from a remote and merge its copy of the current branch",
		ArgsUsage: "[REMOTE]",
		Description: `Fetches from REMOTE (default origin), then brings its copy of the current
branch (origin/main) into current: a fast-forward when current has no
version of its own, else the semantic merge of 'circuitvc merge', which
combines edits to different components, nets, parts or wires and leaves
conflicts for 'circuitvc resolve' (exit status 1 then). Unsaved work goes
to backup first, as with restore.

Examples:
   circuitvc pull
   circuitvc pull --theirs
   circuitvc pull nas -m "bring in the NAS copy"`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "message", Aliases: []string{"m"}, Usage: "the merge version's `MESSAGE` (default: merge origin/BRANCH)"},
			&ucli.StringFlag{Name: "author", Usage: "`\"NAME <EMAIL>\"` for the merge and backup versions"},
			&ucli.BoolFlag{Name: "ours", Usage: "settle conflicts with the current version's values"},
			&ucli.BoolFlag{Name: "theirs", Usage: "settle conflicts with the remote's values"},
		},
		Action: func(c *ucli.Context) error {
			if c.NArg() > 1 {
				return usagef("pull takes at most one REMOTE")
			}
			favor, err := favorFlag(c)
			if err != nil {
				return err
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
			res, err := repo.Pull(c.Context, worktree.PullOptions{TransferOptions: opts, Message: c.String("message"), Favor: favor})
			done()
			var fetchErr error // a ref the fetch could not move; the merge went ahead
			if res != nil && res.Fetch != nil {
				fetchErr = writeFetch(env, res.Fetch)
			}
			if err != nil {
				return fmt.Errorf("pull: %w", err)
			}
			if err := writeMerge(env, strings.TrimPrefix(res.Ref, worktree.RemoteRefPrefix), res.Merge); err != nil {
				return err
			}
			if res.Ahead > 0 {
				fmt.Fprintf(env.Stdout, "current is %d version(s) ahead of %s: 'circuitvc push' sends them.\n", res.Ahead, strings.TrimPrefix(res.Ref, worktree.RemoteRefPrefix))
			}
			return fetchErr
		},
	}
}
