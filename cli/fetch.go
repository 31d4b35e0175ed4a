package cli

import (
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

func fetchCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "fetch",
		Usage:     "bring a remote's versions into the store, without touching the working files",
		ArgsUsage: "[REMOTE]",
		Description: `Fetches the branches and tags of REMOTE (default origin). Its branches
become remote-tracking refs, origin/main for its main; its tags become tags
here unless a tag of that name already names another version. What arrives
is written durably (pack synced, checked and indexed before any ref moves);
current and the working files are not touched: 'circuitvc pull' merges,
'circuitvc diff current origin/main' shows what came.

Examples:
   circuitvc fetch
   circuitvc fetch nas`,
		Action: func(c *ucli.Context) error {
			if c.NArg() > 1 {
				return usagef("fetch takes at most one REMOTE")
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
			res, err := repo.Fetch(c.Context, opts)
			done()
			if err != nil {
				return fmt.Errorf("fetch: %w", err)
			}
			return writeFetch(env, res)
		},
	}
}

// transferOptions are the options of fetch, push, pull and clone: the
// remote, who signs the reflogs, credentials from the environment, and
// progress on a terminal. done ends the progress display.
func transferOptions(c *ucli.Context, env *Env, remote string) (worktree.TransferOptions, func(), error) {
	who, err := identity(c, env)
	if err != nil {
		return worktree.TransferOptions{}, nil, usagef("%v", err)
	}
	opts := worktree.TransferOptions{Remote: remote, Author: who, Auth: worktree.Auth{Getenv: env.Getenv}}
	var bar *progressLine
	phase := ""
	if isTerminal(env.Stderr) {
		opts.Progress = func(p worktree.Progress) {
			if bar == nil || p.Phase != phase {
				if bar != nil {
					bar.Finish()
				}
				phase = p.Phase
				bar = newProgressLine(env.Stderr, p.Phase, -1, true)
			}
			bar.Set(p.Bytes)
		}
	}
	return opts, func() {
		if bar != nil {
			bar.Finish()
		}
	}, nil
}

func writeFetch(env *Env, res *worktree.FetchResult) error {
	w := env.Stdout
	if res.Objects > 0 {
		fmt.Fprintf(w, "Received %d objects (%s) from %s.\n", res.Objects, byteSize(res.Bytes), res.Remote.URL)
	}
	var failed []error
	for _, ch := range res.Changes {
		if ch.Err != nil {
			failed = append(failed, ch.Err)
		}
		fmt.Fprintf(w, "  %s\n", changeLine(shortRef(ch.Ref), ch))
	}
	if len(res.Changes) == 0 {
		fmt.Fprintf(w, "Already up to date with %s.\n", res.Remote.Name)
	}
	if len(failed) > 0 {
		// The other refs moved; these did not (a tag that names another
		// version here, a ref moved meanwhile), as git fetch says too.
		return fmt.Errorf("fetch: %d ref(s) not updated (see above): %w", len(failed), failed[0])
	}
	return nil
}

// changeLine describes one ref a fetch or push moved or could not.
func changeLine(name string, ch worktree.RefChange) string {
	switch {
	case ch.Err != nil:
		return fmt.Sprintf("! %-20s %v", name, ch.Err)
	case ch.Old.IsZero():
		return fmt.Sprintf("* %-20s new at %s", name, ch.New.String()[:7])
	case ch.Forced:
		return fmt.Sprintf("+ %-20s %s...%s (forced: versions dropped)", name, ch.Old.String()[:7], ch.New.String()[:7])
	}
	return fmt.Sprintf("  %-20s %s..%s", name, ch.Old.String()[:7], ch.New.String()[:7])
}

// shortRef is how a ref is shown: origin/main, tag v1, main.
func shortRef(ref string) string {
	if t, ok := strings.CutPrefix(ref, "refs/tags/"); ok {
		return "tag " + t
	}
	for _, p := range []string{worktree.RemoteRefPrefix, "refs/heads/"} {
		if s, ok := strings.CutPrefix(ref, p); ok {
			return s
		}
	}
	return ref
}

// byteSize is n in B, KiB or MiB.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
