package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

func restoreCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "restore",
		Usage:     "make the working files as they were at a version",
		ArgsUsage: "--to REV [FILE...]",
		Description: `Replaces the working files with their contents at REV. With FILEs named,
only those files change: every other working file keeps its bytes, saved
or not.

Nothing is lost: the working files as they were, saved or not, first
become the backup version, so 'circuitvc restore --to backup' undoes the
restore. Each file is replaced atomically, and a new version records the
restore in history: all of REV, or, with FILEs, the current version with
the named files as at REV (unsaved edits to other files stay unsaved, in
the working tree). Files get their saved executable bit; a symbolic link
in a version made by git is written as a regular file holding its target,
and status then shows it unchanged.

A restore that fails changes nothing: every check comes first (the locks
of the store and of the current and backup refs, every object it needs,
unsaved work written to disk), and if replacing a working file, writing
the new version or moving a ref still fails, what was done is put back. Only if putting back
fails too (a disk that died mid-way) does restore exit 11, naming the
files left changed and the version holding their previous bytes (backup,
or a hash to restore).

Examples:
   circuitvc restore --to current~1
   circuitvc restore --to v1 amp.circuit.json
   circuitvc restore --to backup`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "to", Usage: "the `REV` to restore (required)"},
			&ucli.StringFlag{Name: "author", Usage: "`\"NAME <EMAIL>\"` for the backup and restore versions"},
		},
		Action: func(c *ucli.Context) error {
			if c.String("to") == "" {
				return usagef("restore needs --to REV (for example --to current~1 or --to backup)")
			}
			repo, paths, who, err := openForWrite(c, env)
			if err != nil {
				return err
			}
			defer repo.Close()
			res, err := repo.Restore(c.Context, worktree.RestoreOptions{To: c.String("to"), Paths: paths, Author: who})
			if err != nil {
				return fmt.Errorf("restore: %w", err)
			}
			w := env.Stdout
			for _, p := range res.Written {
				fmt.Fprintf(w, "  restored: %s\n", p)
			}
			for _, p := range res.Removed {
				fmt.Fprintf(w, "  removed:  %s\n", p)
			}
			fmt.Fprintf(w, "Restored %d file(s) to %s (%s)", len(res.Written)+len(res.Removed), c.String("to"), res.Target.String()[:7])
			if !res.Commit.IsZero() {
				fmt.Fprintf(w, " as version %s", res.Commit.String()[:7])
			}
			fmt.Fprintln(w)
			if !res.Backup.IsZero() {
				fmt.Fprintf(w, "Previous working files are in backup (%s): undo with 'circuitvc restore --to backup'\n", res.Backup.String()[:7])
			}
			return nil
		},
	}
}
