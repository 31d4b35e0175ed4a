package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

func tagCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "tag",
		Usage:     "name a version, list names, or delete one",
		ArgsUsage: "[NAME [REV]]",
		Description: `With no arguments, lists tags. With NAME, names REV (default: current) so
that NAME works wherever a revision does. A name that already exists is
refused unless -f moves it. -d deletes a tag (the version itself stays in
history); deleting a tag that does not exist exits 6.

Names follow git's rules for tags, and may not look like a hash (4 to 40
hex digits), start with refs/, or be current, backup, HEAD or main.

Examples:
   circuitvc tag rev-a
   circuitvc tag first-prototype current~3
   circuitvc tag -f rev-a          # move rev-a to the current version
   circuitvc tag -d rev-a`,
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "delete", Aliases: []string{"d"}, Usage: "delete the tag NAME"},
			&ucli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "move NAME if it already exists"},
			&ucli.StringFlag{Name: "author", Usage: "`\"NAME <EMAIL>\"` for the reflog"},
		},
		Action: func(c *ucli.Context) error {
			if c.NArg() > 2 || (c.Bool("delete") && c.NArg() != 1) {
				return usagef("tag takes NAME [REV], or -d NAME")
			}
			repo, err := openRepo(c, env)
			if err != nil {
				return err
			}
			defer repo.Close()
			name := c.Args().First()
			switch {
			case c.NArg() == 0:
				return listTags(env, repo)
			case c.Bool("delete"):
				h, err := repo.DeleteTag(c.Context, name)
				if err == nil {
					fmt.Fprintf(env.Stdout, "deleted tag %s (was %s)\n", name, h.String()[:7])
				}
				return err
			}
			who, err := identity(c, env)
			if err != nil {
				return usagef("%v", err)
			}
			h, prev, err := repo.SetTag(c.Context, worktree.TagOptions{Name: name, Rev: c.Args().Get(1), Force: c.Bool("force"), Who: who})
			switch {
			case err != nil:
				return err
			case prev.IsZero():
				fmt.Fprintf(env.Stdout, "tagged %s as %s\n", h.String()[:7], name)
			case prev == h:
				fmt.Fprintf(env.Stdout, "tag %s already names %s\n", name, h.String()[:7])
			default:
				fmt.Fprintf(env.Stdout, "moved tag %s from %s to %s\n", name, prev.String()[:7], h.String()[:7])
			}
			return nil
		},
	}
}

func listTags(env *Env, repo *worktree.Repo) error {
	tags, err := repo.Tags()
	for _, t := range tags {
		fmt.Fprintf(env.Stdout, "%s %s\n", t.Commit.String()[:7], t.Name)
	}
	return err
}
