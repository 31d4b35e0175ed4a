package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

func logCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "log",
		Usage:     "show saved versions, newest first",
		ArgsUsage: "[REV] [FILE]",
		Description: `Lists the versions reachable from REV (default: current), newest first.
With FILE, only the versions that changed that file. With --autosave, the
snapshots of the local history (see 'circuitvc watch') instead of versions.

Examples:
   circuitvc log
   circuitvc log --oneline -n 10
   circuitvc log amp.circuit.json
   circuitvc log --json backup
   circuitvc log --autosave --oneline`,
		Flags: []ucli.Flag{
			&ucli.IntFlag{Name: "max-count", Aliases: []string{"n"}, Usage: "show at most `N` versions (-n5 and -n 5 alike)", DefaultText: "all"},
			&ucli.BoolFlag{Name: "oneline", Usage: "one line per version: short hash and message"},
			&ucli.BoolFlag{Name: "json", Usage: "a JSON array, for scripts"},
			&ucli.BoolFlag{Name: "autosave", Usage: "the local history's snapshots (from autosave), not the versions"},
		},
		Action: func(c *ucli.Context) error {
			if n := c.Int("max-count"); n < 0 {
				return usagef("log -n %d: the number of versions cannot be negative", n)
			}
			repo, err := openRepo(c, env)
			if err != nil {
				return err
			}
			defer repo.Close()
			opts := worktree.LogOptions{Max: c.Int("max-count")}
			for _, a := range c.Args().Slice() {
				if a == "--" {
					continue
				}
				if opts.Path != "" {
					return usagef("log takes at most one revision and one file")
				}
				h, rerr := repo.Resolve(a)
				if rerr == nil && opts.From.IsZero() {
					opts.From = h
					continue
				}
				p, err := repo.RelPath(workDir(c, env), a)
				if err != nil {
					return err
				}
				if !knownPath(repo, p) {
					return rerr // neither a revision nor a file: say why as a revision
				}
				opts.Path = p
			}
			if c.Bool("autosave") {
				if !opts.From.IsZero() {
					return usagef("log --autosave takes no revision: it starts at the newest snapshot")
				}
				if opts.From, err = repo.Resolve("autosave"); err != nil {
					return err
				}
			}
			if c.IsSet("max-count") && opts.Max == 0 {
				// As git log -n 0: no versions (after the arguments were checked).
				if c.Bool("json") {
					fmt.Fprintln(env.Stdout, "[]")
				}
				return nil
			}
			return writeLog(c, env, repo, opts)
		},
	}
}

func writeLog(c *ucli.Context, env *Env, repo *worktree.Repo, opts worktree.LogOptions) error {
	deco, err := repo.Decorations()
	if err != nil {
		return err
	}
	// One write call per 64 KiB instead of several per version: log -n
	// 1000 made ~5000 write system calls unbuffered.
	bw := bufio.NewWriterSize(env.Stdout, 64<<10)
	err = writeLogTo(c, env, bw, repo, opts, deco)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

func writeLogTo(c *ucli.Context, env *Env, w io.Writer, repo *worktree.Repo, opts worktree.LogOptions, deco map[worktree.Hash][]string) error {
	if c.Bool("json") {
		entries := []logJSON{}
		err := repo.Log(c.Context, opts, func(e worktree.LogEntry) error {
			entries = append(entries, toLogJSON(e, deco[e.Hash]))
			return nil
		})
		if err != nil {
			return err
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	}
	col := colour(env, env.Stdout) // the terminal test looks at the file under the buffer
	if opts.From.IsZero() && opts.Path == "" && !c.Bool("oneline") {
		if line, err := upstreamLine(repo); err != nil {
			return err
		} else if line != "" {
			fmt.Fprintln(w, line)
		}
	}
	first := true
	return repo.Log(c.Context, opts, func(e worktree.LogEntry) error {
		if c.Bool("oneline") {
			fmt.Fprintf(w, "%s%s %s\n", paint(col, yellow, e.Hash.String()[:7]), decoText(col, deco[e.Hash]), firstLine(e.Commit.Message))
			return nil
		}
		if !first {
			fmt.Fprintln(w)
		}
		first = false
		writeCommitHeader(w, col, e.Hash, e.Commit, deco[e.Hash])
		return nil
	})
}

// writeCommitHeader prints a version the way git log does.
func writeCommitHeader(w io.Writer, col bool, h worktree.Hash, c *worktree.Commit, deco []string) {
	fmt.Fprintf(w, "%s%s\n", paint(col, yellow, "version "+h.String()), decoText(col, deco))
	fmt.Fprintf(w, "Author: %s <%s>\n", c.Author.Name, c.Author.Email)
	fmt.Fprintf(w, "Date:   %s\n\n", c.Author.When.Format(time.RFC1123Z))
	for _, line := range strings.Split(strings.TrimRight(c.Message, "\n"), "\n") {
		fmt.Fprintf(w, "    %s\n", line)
	}
}

func decoText(col bool, names []string) string {
	if len(names) == 0 {
		return ""
	}
	return " " + paint(col, green, "("+strings.Join(names, ", ")+")")
}

type logJSON struct {
	Hash      string     `json:"hash"`
	Parents   []string   `json:"parents"`
	Author    personJSON `json:"author"`
	Committer personJSON `json:"committer"`
	Message   string     `json:"message"`
	Refs      []string   `json:"refs,omitempty"`
}

type personJSON struct {
	Name  string    `json:"name"`
	Email string    `json:"email"`
	Time  time.Time `json:"time"`
}

func toLogJSON(e worktree.LogEntry, deco []string) logJSON {
	j := logJSON{
		Hash:      e.Hash.String(),
		Parents:   []string{},
		Author:    personJSON{e.Commit.Author.Name, e.Commit.Author.Email, e.Commit.Author.When},
		Committer: personJSON{e.Commit.Committer.Name, e.Commit.Committer.Email, e.Commit.Committer.When},
		Message:   e.Commit.Message,
		Refs:      deco,
	}
	for _, p := range e.Commit.Parents {
		j.Parents = append(j.Parents, p.String())
	}
	return j
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// knownPath reports whether p is a working file or in the current version.
func knownPath(repo *worktree.Repo, p string) bool {
	if repo.HasWorkFile(p) {
		return true
	}
	head, err := repo.Head()
	if err != nil || head.IsZero() {
		return false
	}
	_, err = repo.FileAt(head, "current", p)
	return err == nil
}
