package cli

import (
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

func cloneCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "clone",
		Usage:     "copy a remote's history into a new working directory",
		ArgsUsage: "URL [DIR]",
		Description: `Makes DIR (default: the last part of URL, without .git) holding DIR/.circuitvc
with the remote as origin, its branches and tags, and the working files of
its default branch, which becomes current whatever it is named (main,
master…). The clone is built beside DIR and renamed into place at the end:
DIR appears whole or not at all. A remote holding no circuit file that
circuitvc tracks is cloned all the same, with a note.

URL is a path (a bare git repository, another circuitvc directory),
file://PATH, https://host/path, ssh://user@host/path, user@host:path or
git://host/path. For https, credentials come from CIRCUITVC_USERNAME and
CIRCUITVC_PASSWORD (or CIRCUITVC_TOKEN), else git's credential helpers;
for ssh, from the ssh agent, checked against ~/.ssh/known_hosts.

Examples:
   circuitvc clone /srv/boards/amp.git
   circuitvc clone https://github.com/me/amp.git amp
   circuitvc clone git@github.com:me/amp.git`,
		Action: func(c *ucli.Context) error {
			if c.NArg() < 1 || c.NArg() > 2 {
				return usagef("clone takes URL and an optional DIR")
			}
			opts, done, err := transferOptions(c, env, "")
			if err != nil {
				return err
			}
			repo, res, err := worktree.Clone(c.Context, worktree.CloneOptions{TransferOptions: opts,
				URL: c.Args().First(), Dir: c.Args().Get(1), Base: workDir(c, env), FS: env.FS})
			done()
			if err != nil {
				return fmt.Errorf("clone: %w", err)
			}
			defer repo.Close()
			return writeClone(env, res)
		},
	}
}

func writeClone(env *Env, res *worktree.CloneResult) error {
	w := env.Stdout
	fmt.Fprintf(w, "Cloned %s into %s", res.Fetch.Remote.URL, res.Dir)
	if res.Fetch.Objects > 0 {
		fmt.Fprintf(w, " (%d objects, %s)", res.Fetch.Objects, byteSize(res.Fetch.Bytes))
	}
	fmt.Fprintln(w, ".")
	if res.Head.IsZero() {
		fmt.Fprintln(w, "The remote is empty: save, then 'circuitvc push' fills it.")
		return nil
	}
	fmt.Fprintf(w, "Current version %s on %s; %d file(s) written.\n", res.Head.String()[:7], strings.TrimPrefix(res.Branch, "refs/heads/"), len(res.Files))
	if res.NoCircuits {
		fmt.Fprintln(w, "Note: the remote's current version holds no circuit file that circuitvc tracks (a plain git repository?); cloned all the same.")
	}
	return nil
}
