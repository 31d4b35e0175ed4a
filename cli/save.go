package cli

import (
	"errors"
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

func saveCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "save",
		Aliases:   []string{"commit"},
		Usage:     "record the tracked files as a new version",
		ArgsUsage: "[FILE...]",
		Description: `Saves every tracked file (every file saved before, plus files matching the
store's patterns) and any FILE named, as one new version. Circuits are
validated first: a circuit with errors is refused and nothing is stored,
unless --no-verify; warnings are printed and the save goes ahead. Without
-m, the message is a one-line summary of the change.

Examples:
   circuitvc save
   circuitvc save -m "swap R5 for 4.7k"
   circuitvc save notes/bringup.json --author "Ada Lovelace <ada@example.com>"`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "message", Aliases: []string{"m"}, Usage: "the version's `MESSAGE` (default: a semantic summary)"},
			&ucli.StringFlag{Name: "author", Usage: "`\"NAME <EMAIL>\"` (default: CIRCUITVC_AUTHOR, git's user.name/email, $USER@host)"},
			&ucli.BoolFlag{Name: "no-verify", Usage: "save even if validation fails"},
		},
		Action: func(c *ucli.Context) error {
			repo, paths, who, err := openForWrite(c, env)
			if err != nil {
				return err
			}
			defer repo.Close()
			res, err := repo.Save(c.Context, worktree.SaveOptions{
				Paths: paths, Message: c.String("message"), Author: who, NoVerify: c.Bool("no-verify"),
			})
			if errors.Is(err, worktree.ErrNothingToSave) {
				if tracked, err := repo.Tracked(); err != nil {
					return err
				} else if len(tracked) == 0 {
					fmt.Fprintln(env.Stdout, "nothing to save: "+noTrackedHint(repo))
					return nil
				}
				fmt.Fprintln(env.Stdout, "nothing to save: the working files match the current version")
				return nil
			}
			if err != nil {
				return fmt.Errorf("save: %w", err)
			}
			for _, w := range res.Warnings {
				fmt.Fprintln(env.Stderr, w.Error())
			}
			fmt.Fprintf(env.Stdout, "[%s] %s\n", res.Commit.String()[:7], firstLine(res.Message))
			for _, ch := range res.Changes {
				fmt.Fprintf(env.Stdout, "  %-9s %s\n", ch.Kind.String()+":", changeName(ch.Path, ch.From))
			}
			if res.Packed > 0 {
				fmt.Fprintf(env.Stdout, "packed %d objects (automatic gc)\n", res.Packed)
			}
			if res.GCError != nil {
				fmt.Fprintf(env.Stderr, "circuitvc: warning: automatic gc failed (the save is complete): %v\n", res.GCError)
			}
			return nil
		},
	}
}
