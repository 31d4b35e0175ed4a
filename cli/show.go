package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"
)

func showCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "show",
		Usage:     "show one version, or one file's bytes at a version",
		ArgsUsage: "REV[:FILE]",
		Description: `With REV, prints the version's author, date, message and files.
With REV:FILE, prints the file's bytes exactly as saved (FILE is relative to
the root of the working tree); with --format svg, a drawing of the circuit
instead (--view picks the schematic or PCB of a tscircuit file).

Examples:
   circuitvc show current
   circuitvc show current~2:amp.circuit.json > old.circuit.json
   circuitvc show backup
   circuitvc show v1:board.json --format svg --view pcb > board.svg`,
		Flags: showFlags(),
		Action: func(c *ucli.Context) error {
			if c.NArg() != 1 {
				return usagef("show takes one REV or REV:FILE")
			}
			if err := checkShowFlags(c); err != nil {
				return err
			}
			repo, err := openRepo(c, env)
			if err != nil {
				return err
			}
			defer repo.Close()
			rev, file := splitRevPath(c.Args().First())
			h, err := repo.Resolve(rev)
			if err != nil {
				return err
			}
			if file != "" {
				data, err := repo.FileAt(h, rev, file)
				if err != nil {
					return err
				}
				if c.String("format") == "svg" {
					return writeFileSVG(env, file, data, c.String("view"))
				}
				_, err = env.Stdout.Write(data)
				return err
			}
			commit, err := repo.Commit(h)
			if err != nil {
				return err
			}
			snap, err := repo.Snapshot(h)
			if err != nil {
				return err
			}
			deco, err := repo.Decorations()
			if err != nil {
				return err
			}
			writeCommitHeader(env.Stdout, colour(env, env.Stdout), h, commit, deco[h])
			fmt.Fprintf(env.Stdout, "\nFiles (%d):\n", len(snap))
			for _, p := range snap.Paths() {
				fmt.Fprintf(env.Stdout, "    %s  %s\n", snap[p].Hash.String()[:7], p)
			}
			return nil
		},
	}
}

// splitRevPath splits "REV:FILE"; a bare ":FILE" means the current version.
func splitRevPath(s string) (rev, file string) {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			rev, file = s[:i], s[i+1:]
			if rev == "" {
				rev = "current"
			}
			return rev, file
		}
	}
	return s, ""
}
