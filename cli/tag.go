package cli

import (
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

func tagCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "tag",
		Usage:     "name a version, list names, or delete one",
		ArgsUsage: "[NAME [REV]]",
		Description: `With no arguments, lists tags. With NAME, names REV (default: current) so
that NAME works wherever a revision does. -d deletes a tag (the version
itself stays in history).

Examples:
   circuitvc tag rev-a
   circuitvc tag first-prototype current~3
   circuitvc tag -d rev-a`,
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "delete", Aliases: []string{"d"}, Usage: "delete the tag NAME"},
			&ucli.StringFlag{Name: "author", Usage: "`\"NAME <EMAIL>\"` for the reflog"},
		},
		Action: func(c *ucli.Context) error {
			repo, err := openRepo(c, env)
			if err != nil {
				return err
			}
			defer repo.Close()
			if c.NArg() == 0 {
				tags, err := repo.Refs().List(refs.TagPrefix)
				for _, t := range tags {
					fmt.Fprintf(env.Stdout, "%s %s\n", t.Hash.String()[:7], strings.TrimPrefix(t.Name, refs.TagPrefix))
				}
				return err
			}
			if c.NArg() > 2 || (c.Bool("delete") && c.NArg() != 1) {
				return usagef("tag takes NAME [REV], or -d NAME")
			}
			name := c.Args().First()
			if err := refs.ValidTagName(name); err != nil {
				return usagef("tag %q: %v", name, err)
			}
			ref := refs.TagPrefix + name
			old, err := repo.Refs().Read(ref)
			if c.Bool("delete") {
				if err != nil {
					return fmt.Errorf("tag %s: %w", name, err)
				}
				return repo.Refs().Delete(c.Context, ref, old)
			}
			if err == nil {
				return usagef("tag %s already names %s; delete it first with 'circuitvc tag -d %s'", name, old.String()[:7], name)
			}
			rev := "current"
			if c.NArg() == 2 {
				rev = c.Args().Get(1)
			}
			h, err := repo.Resolve(rev)
			if err != nil {
				return err
			}
			who, err := identity(c, env)
			if err != nil {
				return usagef("%v", err)
			}
			if err := repo.Refs().Update(c.Context, ref, objects.ZeroHash, h, who, "tag: "+rev); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "tagged %s as %s\n", h.String()[:7], name)
			return nil
		},
	}
}
