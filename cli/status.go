package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

func statusCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:  "status",
		Usage: "show which tracked files changed since the current version",
		Description: `Lists tracked files that are modified, new (never saved), deleted or
renamed compared with the current version. A deleted file and a new one
with the same or at least 50 % similar content (as git measures it) are
one file renamed: "renamed: amp.circuit.json → boards/amp.circuit.json".
With --all, unchanged files too.

Examples:
   circuitvc status
   circuitvc status --all
   circuitvc status --json`,
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "all", Usage: "list unchanged files too"},
			&ucli.BoolFlag{Name: "json", Usage: "a JSON array of {path, status, from}, for scripts (unchanged files only with --all)"},
		},
		Action: func(c *ucli.Context) error {
			repo, err := openRepo(c, env)
			if err != nil {
				return err
			}
			defer repo.Close()
			files, err := repo.Status(c.Context)
			if err != nil {
				return err
			}
			if c.Bool("json") {
				return writeStatusJSON(env, files, c.Bool("all"))
			}
			return writeStatus(c, env, repo, files)
		},
	}
}

func writeStatus(c *ucli.Context, env *Env, repo *worktree.Repo, files []worktree.FileStatus) error {
	w, col := env.Stdout, colour(env, env.Stdout)
	head, err := repo.Head()
	if err != nil {
		return err
	}
	if head.IsZero() {
		fmt.Fprintln(w, "No version saved yet.")
	} else if commit, err := repo.Commit(head); err == nil {
		fmt.Fprintf(w, "Current version %s: %s\n", head.String()[:7], firstLine(commit.Message))
	}
	if line, err := upstreamLine(repo); err != nil {
		return err
	} else if line != "" {
		fmt.Fprintln(w, line)
	}
	if err := writeWatchState(w, repo, env.Now()); err != nil {
		return err
	}
	if m, err := repo.MergeStatus(); err != nil {
		return err
	} else if m != nil {
		fmt.Fprintln(w, mergeLine(m))
	}
	changed := 0
	for _, f := range files {
		if f.Kind == worktree.Unchanged && !c.Bool("all") {
			continue
		}
		if f.Kind != worktree.Unchanged {
			changed++
		}
		code := map[worktree.ChangeKind]string{worktree.Modified: yellow, worktree.Added: green, worktree.Deleted: red, worktree.Renamed: yellow}[f.Kind]
		fmt.Fprintf(w, "  %s %s\n", paint(col && code != "", code, fmt.Sprintf("%-10s", f.Kind.String()+":")), changeName(f.Path, f.From))
	}
	if changed > 0 {
		return nil
	}
	if len(files) == 0 { // Status lists every tracked file, unchanged ones too
		hint := noTrackedHint(repo)
		fmt.Fprintln(w, strings.ToUpper(hint[:1])+hint[1:]+".")
		return nil
	}
	fmt.Fprintln(w, "Nothing to save: the working files match the current version.")
	return nil
}

// noTrackedHint says that no file is tracked, which names are, and how
// to save others.
func noTrackedHint(repo *worktree.Repo) string {
	var pats []string
	for _, p := range repo.Config().Track {
		if !strings.HasPrefix(p, "!") {
			pats = append(pats, p)
		}
	}
	return fmt.Sprintf("no tracked files here (circuitvc tracks files named %s); name a file to save it ('circuitvc save FILE') or add a pattern ('git config --file .circuitvc/config --add circuitvc.track PATTERN')", strings.Join(pats, ", "))
}

func writeStatusJSON(env *Env, files []worktree.FileStatus, all bool) error {
	type entry struct {
		Path   string `json:"path"`
		Status string `json:"status"`
		From   string `json:"from,omitempty"` // the old path of a renamed file
	}
	out := make([]entry, 0, len(files))
	for _, f := range files {
		if f.Kind != worktree.Unchanged || all {
			out = append(out, entry{f.Path, f.Kind.String(), f.From})
		}
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// changeName is a file's path, or "old → new" for a renamed file.
func changeName(path, from string) string {
	if from == "" {
		return path
	}
	return from + " → " + path
}

// upstreamLine says how current relates to its remote-tracking branch
// ("current is 2 ahead, 1 behind origin/main"); "" when there is none.
func upstreamLine(repo *worktree.Repo) (string, error) {
	ref, err := repo.Upstream()
	if err != nil || ref == "" {
		return "", err
	}
	ahead, behind, err := repo.AheadBehind(ref)
	if err != nil {
		return "", err
	}
	name := strings.TrimPrefix(ref, worktree.RemoteRefPrefix)
	switch {
	case ahead == 0 && behind == 0:
		return "current is up to date with " + name, nil
	case behind == 0:
		return fmt.Sprintf("current is %d ahead of %s ('circuitvc push' sends them)", ahead, name), nil
	case ahead == 0:
		return fmt.Sprintf("current is %d behind %s ('circuitvc pull' brings them)", behind, name), nil
	}
	return fmt.Sprintf("current is %d ahead, %d behind %s ('circuitvc pull', then push)", ahead, behind, name), nil
}
