package cli

import (
	"fmt"
	"io"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/internal/merge"
	"github.com/circuitvc/circuitvc/worktree"
)

func mergeFileCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "merge-file",
		Usage:     "merge two changes of one circuit file (git's merge-driver protocol)",
		ArgsUsage: "BASE OURS THEIRS",
		Description: `Merges the change from BASE to THEIRS into OURS, and writes the result
into OURS (or -o OUT). Circuits are merged item by item: components,
nets, parts, wires and tscircuit elements are matched by identity, so
edits to different items never collide, and the result keeps OURS'
layout. Other JSON is merged member by member; a file that is not JSON
goes to git's line merge (git merge-file), or is refused when git is
not installed.

Where both sides changed the same thing differently, the file keeps
OURS' value (so it stays valid JSON) and the conflict is printed in
circuit terms ("R5 value: base 10k, ours 4.7k, theirs 22k"); --report
writes them as JSON for 'circuitvc resolve'. --ours or --theirs settles
every conflict with that side's values instead.

Exit status, as git expects of a merge driver: 0 merged cleanly, 1
conflicts left, other codes (below 128) when nothing could be merged.
As git's driver ('circuitvc git-setup' configures it), run it as
'circuitvc merge-file --git -p %P %O %A %B': the report then goes into
the git directory, where 'circuitvc resolve FILE' finds it.

Examples:
   circuitvc merge-file base.json mine.json theirs.json
   circuitvc merge-file -p amp.circuit.json --report conflicts.json old.json amp.circuit.json new.json
   circuitvc merge-file --theirs -o merged.json base.json mine.json theirs.json`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the result to `OUT` (- for standard output) instead of OURS"},
			&ucli.StringFlag{Name: "path", Aliases: []string{"p"}, Usage: "the file's `PATH` in messages and reports (default OURS); its name helps tell the format"},
			&ucli.StringFlag{Name: "report", Usage: "write the conflicts to `FILE` as JSON"},
			&ucli.BoolFlag{Name: "git", Usage: "run as git's merge driver: the report goes into the git directory"},
			&ucli.BoolFlag{Name: "ours", Usage: "settle conflicts with ours' values"},
			&ucli.BoolFlag{Name: "theirs", Usage: "settle conflicts with theirs' values"},
			&ucli.BoolFlag{Name: "base", Usage: "settle conflicts with the base's values (git's merge of common versions)"},
		},
		Action: func(c *ucli.Context) error {
			if c.NArg() != 3 {
				return usagef("merge-file takes BASE OURS THEIRS, %d given", c.NArg())
			}
			favor, err := favorFlag(c)
			if err != nil {
				return err
			}
			dir, args := workDir(c, env), c.Args().Slice()
			opts := worktree.MergeFileOptions{
				Base: resolveDir(dir, args[0]), Ours: resolveDir(dir, args[1]), Theirs: resolveDir(dir, args[2]),
				Out: c.String("output"), Stdout: env.Stdout, Name: c.String("path"), Favor: favor, Report: c.String("report"),
			}
			if opts.Out != "" && opts.Out != "-" {
				opts.Out = resolveDir(dir, opts.Out)
			}
			if opts.Name == "" {
				opts.Name = args[1]
			}
			if opts.Report != "" {
				opts.Report = resolveDir(dir, opts.Report)
			} else if c.Bool("git") {
				if opts.Report, err = gitReport(c, dir, opts.Name); err != nil {
					return err
				}
				opts.OnlyConflicts = true
			}
			res, err := worktree.MergeFile(c.Context, env.FS, opts)
			if err != nil {
				return fmt.Errorf("merge-file: %w", err)
			}
			reportMerge(env.Stderr, opts.Name, opts.Report, res)
			if res.Open > 0 {
				return silentError{code: ExitDifferent}
			}
			return nil
		},
	}
}

// favorFlag reads --ours and --theirs.
func favorFlag(c *ucli.Context) (merge.Favor, error) {
	favor := merge.FavorNone
	for _, f := range []struct {
		name  string
		favor merge.Favor
	}{{"ours", merge.FavorOurs}, {"theirs", merge.FavorTheirs}, {"base", merge.FavorBase}} {
		if !c.IsSet(f.name) || !c.Bool(f.name) {
			continue
		}
		if favor != merge.FavorNone {
			return 0, usagef("choose one of --ours, --theirs and --base")
		}
		favor = f.favor
	}
	return favor, nil
}

// gitReport is where the merge driver keeps the report of path: in the
// git directory of the repository being merged.
func gitReport(c *ucli.Context, dir, path string) (string, error) {
	gitDir, _, err := worktree.GitRepo(c.Context, dir)
	if err != nil {
		return "", err
	}
	return worktree.GitReportPath(gitDir, path), nil
}

// reportMerge prints what a merge of one file left: each conflict in
// circuit terms, those --ours or --theirs settled, and how to go on.
func reportMerge(w io.Writer, name, report string, res *worktree.MergeFileResult) {
	for _, c := range res.Conflicts {
		if c.Resolved != "" {
			fmt.Fprintf(w, "circuitvc: %s: conflict settled with %s: %s\n", name, c.Resolved, c)
		} else {
			fmt.Fprintf(w, "circuitvc: %s: conflict: %s\n", name, c)
		}
	}
	switch {
	case res.Open == 0:
	case res.Method == "lines":
		fmt.Fprintf(w, "circuitvc: %s: not JSON: merged by lines, %d conflict(s) marked in the file\n", name, res.Open)
	default:
		where := ""
		if report != "" {
			where = " (listed in " + report + ")"
		}
		fmt.Fprintf(w, "circuitvc: %s: %d conflict(s)%s: the file keeps ours' values; choose with 'circuitvc resolve %s [ITEM] --ours|--theirs|--base'\n",
			name, res.Open, where, name)
	}
}
