package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

func remoteCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "remote",
		Usage:     "list, add, remove or change the remote stores this one shares with",
		ArgsUsage: "[list | add NAME URL | set-url NAME URL | remove NAME]",
		Description: `Remotes live in the store's git config as remote.NAME.url, with git's
fetch refspec, so stock git sees the same remotes. A URL is a path (a bare
git repository, or another circuitvc directory), file://PATH,
https://host/path, ssh://user@host/path, user@host:path or git://host/path.
A relative path is stored absolute.

Examples:
   circuitvc remote
   circuitvc remote add origin /srv/boards/amp.git
   circuitvc remote add origin https://github.com/me/amp.git
   circuitvc remote set-url origin git@github.com:me/amp.git
   circuitvc remote remove origin`,
		Action: func(c *ucli.Context) error {
			if c.NArg() > 0 {
				return usagef("remote: unknown subcommand %q (list, add, remove, set-url)", c.Args().First())
			}
			return listRemotes(c, env)
		},
		Subcommands: []*ucli.Command{
			{
				Name: "list", Usage: "list the remotes and their URLs",
				Action: func(c *ucli.Context) error {
					if c.NArg() > 0 {
						return usagef("remote list takes no arguments")
					}
					return listRemotes(c, env)
				},
			},
			{
				Name: "add", Usage: "add a remote", ArgsUsage: "NAME URL",
				Action: func(c *ucli.Context) error {
					return editRemote(c, env, 2, "remote add takes NAME and URL", func(repo *worktree.Repo) error {
						return repo.AddRemote(c.Context, c.Args().Get(0), c.Args().Get(1), workDir(c, env))
					})
				},
			},
			{
				Name: "set-url", Usage: "change a remote's URL", ArgsUsage: "NAME URL",
				Action: func(c *ucli.Context) error {
					return editRemote(c, env, 2, "remote set-url takes NAME and URL", func(repo *worktree.Repo) error {
						return repo.SetRemoteURL(c.Context, c.Args().Get(0), c.Args().Get(1), workDir(c, env))
					})
				},
			},
			{
				Name: "remove", Aliases: []string{"rm"}, Usage: "remove a remote and its remote-tracking refs", ArgsUsage: "NAME",
				Action: func(c *ucli.Context) error {
					return editRemote(c, env, 1, "remote remove takes NAME", func(repo *worktree.Repo) error {
						n, err := repo.RemoveRemote(c.Context, c.Args().First())
						if err == nil && n > 0 {
							fmt.Fprintf(env.Stdout, "removed %d remote-tracking ref(s) of %s\n", n, c.Args().First())
						}
						return err
					})
				},
			},
		},
	}
}

func listRemotes(c *ucli.Context, env *Env) error {
	repo, err := openRepo(c, env)
	if err != nil {
		return err
	}
	defer repo.Close()
	rs, err := repo.Remotes()
	if err != nil {
		return fmt.Errorf("remote: %w", err)
	}
	for _, r := range rs {
		fmt.Fprintf(env.Stdout, "%s\t%s\n", r.Name, r.URL)
	}
	return nil
}

// editRemote runs one change of the remotes after checking the number
// of arguments.
func editRemote(c *ucli.Context, env *Env, nargs int, usage string, edit func(*worktree.Repo) error) error {
	if c.NArg() != nargs {
		return usagef("%s", usage)
	}
	repo, err := openRepo(c, env)
	if err != nil {
		return err
	}
	defer repo.Close()
	if err := edit(repo); err != nil {
		return fmt.Errorf("remote %s: %w", c.Command.Name, err)
	}
	return nil
}
