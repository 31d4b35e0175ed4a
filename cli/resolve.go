package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

func resolveCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "resolve",
		Usage:     "settle the conflicts a merge left in a file",
		ArgsUsage: "FILE [ITEM...]",
		Description: `Sets conflicts that a merge (circuitvc merge, or git's merge driver set up
by 'circuitvc git-setup') left in FILE to one side's values: --ours,
--theirs or --base. An ITEM is a conflict's number, its name ("R5
value") or its item ("R5": every conflict about R5); without ITEMs,
every open conflict. --mark records conflicts as settled by hand, after
editing the file yourself. Without a side, lists the open conflicts.

The report is found where the merge left it: in .circuitvc/ during
'circuitvc merge', in the git directory after a git merge; --report
names another (one of 'circuitvc merge-file --report'). The file keeps
its layout; only the chosen values change. Once no conflict is left the
file is validated, and the next step is printed.

Examples:
   circuitvc resolve board.json
   circuitvc resolve board.json R5 --theirs
   circuitvc resolve amp.circuit.json 2 3 --ours
   circuitvc resolve diagram.json --mark`,
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "ours", Usage: "take ours' values"},
			&ucli.BoolFlag{Name: "theirs", Usage: "take theirs' values"},
			&ucli.BoolFlag{Name: "base", Usage: "take the common version's values"},
			&ucli.BoolFlag{Name: "mark", Usage: "mark as settled by hand, changing nothing"},
			&ucli.StringFlag{Name: "report", Usage: "the merge report `FILE` (default: found from the merge in progress)"},
		},
		Action: func(c *ucli.Context) error {
			if c.NArg() < 1 {
				return usagef("resolve needs the merged FILE")
			}
			side, act, err := resolveSide(c)
			if err != nil {
				return err
			}
			dir, file := workDir(c, env), c.Args().First()
			place := worktree.ReportPlace{Path: c.String("report")}
			if place.Path != "" {
				place.Path = resolveDir(dir, place.Path)
			} else if place, err = worktree.FindReport(c.Context, env.FS, dir, file); err != nil {
				return fmt.Errorf("resolve: %w", err)
			}
			if !act {
				return listConflicts(env, file, place)
			}
			res, err := worktree.ResolveFile(c.Context, env.FS, worktree.ResolveOptions{
				File: resolveDir(dir, file), Report: place.Path, Items: c.Args().Tail(), Side: side})
			if err != nil {
				return fmt.Errorf("resolve: %w", err)
			}
			return writeResolved(env, file, place, res)
		},
	}
}

// resolveSide reads the side flags: the side to take ("" with --mark),
// and whether to act at all (no flag lists the conflicts).
func resolveSide(c *ucli.Context) (side string, act bool, err error) {
	for _, f := range []string{"ours", "theirs", "base", "mark"} {
		if !c.Bool(f) {
			continue
		}
		if act {
			return "", false, usagef("choose one of --ours, --theirs, --base and --mark")
		}
		act = true
		if f != "mark" {
			side = f
		}
	}
	return side, act, nil
}

func listConflicts(env *Env, file string, place worktree.ReportPlace) error {
	rep, err := worktree.ReadReport(env.FS, place.Path)
	if err != nil {
		return err
	}
	if rep.Open() == 0 {
		fmt.Fprintf(env.Stdout, "no conflicts left in %s\n", file)
		return nil
	}
	for i, c := range rep.Conflicts {
		if c.Resolved == "" {
			fmt.Fprintf(env.Stdout, "%3d  %s\n", i+1, c)
		}
	}
	fmt.Fprintf(env.Stdout, "%d conflict(s) in %s: the file holds ours' values; choose with --ours, --theirs or --base\n", rep.Open(), file)
	return nil
}

func writeResolved(env *Env, file string, place worktree.ReportPlace, res *worktree.ResolveResult) error {
	w := env.Stdout
	for _, c := range res.Resolved {
		if c.Resolved == "by hand" {
			fmt.Fprintf(w, "marked %s settled by hand\n", c.Name())
			continue
		}
		fmt.Fprintf(w, "resolved %s with %s: %s\n", c.Name(), c.Resolved, c.ShowSide(c.Resolved))
	}
	if res.Open > 0 {
		fmt.Fprintf(w, "%d conflict(s) left in %s ('circuitvc resolve %s' lists them)\n", res.Open, file, file)
		return nil
	}
	if len(res.Problems) > 0 {
		for _, p := range res.Problems {
			fmt.Fprintln(env.Stderr, p.Error())
		}
		return fmt.Errorf("%s: no conflicts left, but %w (%d problem(s) above): edit it, then %s",
			file, worktree.ErrInvalidCircuit, len(res.Problems), nextStep(place, file))
	}
	fmt.Fprintf(w, "no conflicts left in %s: %s\n", file, nextStep(place, file))
	return nil
}

// nextStep says how to finish a merge once a file is resolved.
func nextStep(place worktree.ReportPlace, file string) string {
	switch place.By {
	case "git":
		return "'git add " + file + "' marks it merged"
	case "circuitvc":
		return "'circuitvc save' records the merge"
	}
	return "it is merged"
}
