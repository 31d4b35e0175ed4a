package cli

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

func mergeCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "merge",
		Usage:     "merge another history's version into the current one",
		ArgsUsage: "REV | --abort",
		Description: `Merges REV (a version from another history: a branch fetched with git, a
tag) into the current version, from the two histories' common version.
Circuits merge item by item (see 'circuitvc help merge-file'): edits to
different components, nets, parts or wires combine; the merged circuit
is validated as a whole.

Unsaved work first goes to backup, as with restore; the merged files are
replaced atomically. A clean merge records a version with two parents.
Conflicts leave each file with the current version's values, and a
report in .circuitvc/merge: status shows "merging REV: N conflicts",
'circuitvc resolve FILE [ITEM] --ours|--theirs|--base' settles them,
save refuses until none is left and then records the merge, and
'circuitvc merge --abort' puts the files back as they were before the
merge. Exit status 1 when conflicts are left.

Examples:
   circuitvc merge refs/heads/alice
   circuitvc merge v2 -m "bring in Bob's rework"
   circuitvc merge --theirs refs/remotes/origin/main
   circuitvc merge --abort`,
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "abort", Usage: "give up the merge in progress: put the files back as they were"},
			&ucli.StringFlag{Name: "message", Aliases: []string{"m"}, Usage: "the merge version's `MESSAGE` (default: merge REV)"},
			&ucli.StringFlag{Name: "author", Usage: "`\"NAME <EMAIL>\"` for the merge and backup versions"},
			&ucli.BoolFlag{Name: "ours", Usage: "settle conflicts with the current version's values"},
			&ucli.BoolFlag{Name: "theirs", Usage: "settle conflicts with REV's values"},
		},
		Action: func(c *ucli.Context) error {
			if c.Bool("abort") {
				if c.NArg() > 0 {
					return usagef("merge --abort takes no REV")
				}
				return abortMerge(c, env)
			}
			if c.NArg() != 1 {
				return usagef("merge takes one REV (or --abort)")
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
			who, err := identity(c, env)
			if err != nil {
				return usagef("%v", err)
			}
			rev := c.Args().First()
			res, err := repo.Merge(c.Context, worktree.MergeOptions{Rev: rev, Author: who, Message: c.String("message"), Favor: favor})
			if err != nil {
				return fmt.Errorf("merge: %w", err)
			}
			return writeMerge(env, rev, res)
		},
	}
}

func writeMerge(env *Env, rev string, res *worktree.MergeResult) error {
	w := env.Stdout
	if res.UpToDate {
		fmt.Fprintf(w, "Already up to date: %s (%s) is in the current history.\n", rev, res.Theirs.String()[:7])
		return nil
	}
	for _, f := range res.Files {
		how := map[string]string{"theirs": "taken:", "removed": "removed:", "merged": "merged:", "conflict": "conflict:"}[f.How]
		if f.Open > 0 {
			how = "conflict:"
		}
		fmt.Fprintf(w, "  %-9s %s\n", how, f.Path)
		for _, c := range f.Conflicts {
			state := ""
			if c.Resolved != "" {
				state = " (settled with " + c.Resolved + ")"
			}
			fmt.Fprintf(w, "      %s%s\n", c, state)
		}
	}
	if !res.Backup.IsZero() {
		fmt.Fprintf(w, "Unsaved work is in backup (%s).\n", res.Backup.String()[:7])
	}
	switch {
	case res.Open() > 0:
		fmt.Fprintf(w, "Merging %s: %d conflict(s) left; the files hold the current version's values.\n", rev, res.Open())
		fmt.Fprintln(w, "Settle them with 'circuitvc resolve FILE [ITEM] --ours|--theirs|--base', then 'circuitvc save'; or give up with 'circuitvc merge --abort'.")
		return silentError{code: ExitDifferent}
	case res.FastForward:
		fmt.Fprintf(w, "Fast-forward to %s (%s).\n", rev, res.Theirs.String()[:7])
	default:
		fmt.Fprintf(w, "Merged %s (%s) as version %s.\n", rev, res.Theirs.String()[:7], res.Commit.String()[:7])
	}
	return nil
}

func abortMerge(c *ucli.Context, env *Env) error {
	repo, err := openRepo(c, env)
	if err != nil {
		return err
	}
	defer repo.Close()
	res, err := repo.AbortMerge(c.Context)
	if err != nil {
		return fmt.Errorf("merge --abort: %w", err)
	}
	for _, p := range res.Written {
		fmt.Fprintf(env.Stdout, "  restored: %s\n", p)
	}
	for _, p := range res.Removed {
		fmt.Fprintf(env.Stdout, "  removed:  %s\n", p)
	}
	fmt.Fprintf(env.Stdout, "Merge aborted: the files are as they were before it (%s).\n", res.Target.String()[:7])
	return nil
}

// mergeLine is status's line about a merge in progress.
func mergeLine(m *worktree.MergeStatus) string {
	if m.Open == 0 {
		return fmt.Sprintf("merging %s: no conflicts left; 'circuitvc save' records the merge", m.Rev)
	}
	files := slices.Sorted(maps.Keys(m.Files))
	return fmt.Sprintf("merging %s: %d conflict(s) in %s ('circuitvc resolve FILE' lists them)", m.Rev, m.Open, strings.Join(files, ", "))
}
