package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

func watchCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:  "watch",
		Usage: "snapshot the tracked files as they change, into the local history",
		Description: `Runs until interrupted (Ctrl-C, SIGTERM: the snapshot in progress and the
changes already seen are recorded, then it exits 0). Each time a tracked
file changes and then stays quiet for --debounce, its bytes are recorded
as a snapshot on the local history (autosave), never as a version:
'circuitvc log' does not show snapshots, 'log --autosave' does, and
'restore --to autosave~3' or 'diff autosave current' use them. A file that
does not validate is kept all the same, marked invalid. Each snapshot
prints one line (time, hash, files, summary) unless --quiet. Only one
watcher runs per working tree. With --once, one snapshot of every tracked
file, then exit.

Examples:
   circuitvc watch
   circuitvc watch --quiet --interval 10m
   circuitvc watch --once`,
		Flags: []ucli.Flag{
			&ucli.DurationFlag{Name: "debounce", Value: worktree.DefaultDebounce, Usage: "how long a file must be quiet before its snapshot (`D`)"},
			&ucli.DurationFlag{Name: "interval", Usage: "also rescan every tracked file every `D` (for file systems that report no changes)", DefaultText: "never"},
			&ucli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print errors only"},
			&ucli.BoolFlag{Name: "once", Usage: "take one snapshot now and exit"},
		},
		Action: func(c *ucli.Context) error {
			if c.NArg() > 0 {
				return usagef("watch takes no arguments (it watches every tracked file)")
			}
			if c.Duration("debounce") < 0 || c.Duration("interval") < 0 {
				return usagef("watch: --debounce and --interval cannot be negative")
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
			author := func(now time.Time) worktree.Signature { s := who; s.When = now; return s }
			if c.Bool("once") {
				return watchOnce(c, env, repo, author)
			}
			ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
			defer stop()
			quiet := c.Bool("quiet")
			err = repo.Watch(ctx, worktree.WatchOptions{
				Debounce: c.Duration("debounce"),
				Interval: c.Duration("interval"),
				Author:   author,
				Report:   func(ev worktree.WatchEvent) { reportWatch(env, ev, quiet) },
				Ready: func() {
					if !quiet {
						fmt.Fprintf(env.Stderr, "watching %s (Ctrl-C to stop)\n", repo.Root())
					}
				},
			})
			if err != nil {
				return fmt.Errorf("watch: %w", err)
			}
			return nil
		},
	}
}

// watchOnce takes one snapshot of every tracked file.
func watchOnce(c *ucli.Context, env *Env, repo *worktree.Repo, author func(time.Time) worktree.Signature) error {
	res, err := repo.Autosave(c.Context, worktree.AutosaveOptions{Author: author(env.Now())})
	switch {
	case errors.Is(err, worktree.ErrNothingToSave):
		fmt.Fprintln(env.Stdout, "no change since the last snapshot")
	case err != nil:
		return fmt.Errorf("watch: %w", err)
	default:
		fmt.Fprintln(env.Stdout, snapshotLine(env.Now(), res))
	}
	pruned, err := repo.PruneAutosave(c.Context, env.Now(), author(env.Now()))
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	reportWatch(env, worktree.WatchEvent{Pruned: pruned, When: env.Now()}, false)
	return nil
}

// reportWatch prints a snapshot as one line on stdout and an error as
// one line on stderr; checks that found nothing new print nothing.
func reportWatch(env *Env, ev worktree.WatchEvent, quiet bool) {
	if ev.Snapshot != nil && !quiet {
		fmt.Fprintln(env.Stdout, snapshotLine(ev.When, ev.Snapshot))
	}
	if p := ev.Pruned; p != nil && p.Dropped > 0 && !quiet {
		fmt.Fprintf(env.Stdout, "%s pruned %d snapshot(s) from the local history; %d kept\n", ev.When.Format("15:04:05"), p.Dropped, p.Kept)
	}
	if ev.Err != nil {
		fmt.Fprintf(env.Stderr, "circuitvc: watch: %v (will try again)\n", ev.Err)
	}
}

// snapshotLine is "15:04:05 autosave 1a2b3c4 (a.circuit.json): summary",
// with the files that do not validate named.
func snapshotLine(when time.Time, s *worktree.AutosaveResult) string {
	var files []string
	for _, ch := range s.Changes {
		files = append(files, changeName(ch.Path, ch.From))
	}
	line := fmt.Sprintf("%s autosave %s (%s): %s", when.Format("15:04:05"), s.Commit.String()[:7], strings.Join(files, ", "), s.Summary)
	if len(s.Invalid) > 0 {
		line += " [invalid: " + strings.Join(s.Invalid, ", ") + "]"
	}
	return line
}

// writeWatchState is status's line about the local history: whether a
// watcher runs and when the newest snapshot was taken.
func writeWatchState(w io.Writer, repo *worktree.Repo, now time.Time) error {
	st, err := repo.WatchState()
	if err != nil {
		return err
	}
	last := "no snapshot yet"
	if !st.Last.IsZero() {
		last = fmt.Sprintf("last snapshot %s at %s (%s ago)", st.Last.String()[:7],
			st.LastTime.Local().Format("2006-01-02 15:04:05"), now.Sub(st.LastTime).Round(time.Second))
	}
	switch {
	case st.Running && st.PID > 0:
		fmt.Fprintf(w, "Watch is running (pid %d); %s.\n", st.PID, last)
	case st.Running:
		fmt.Fprintf(w, "Watch is running; %s.\n", last)
	case !st.Last.IsZero():
		fmt.Fprintf(w, "Watch is not running; %s.\n", last)
	}
	return nil
}
