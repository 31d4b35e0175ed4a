package cli

import (
	"bytes"
	"strconv"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

func diffDriverCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "diff-driver",
		Usage:     "git's external diff command for circuit files (set by git-setup)",
		ArgsUsage: "PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX NEW-MODE [NEW-PATH INFO]",
		Description: `Implements git's external diff protocol (GIT_EXTERNAL_DIFF, diff.NAME.command):
git passes the path, then the old and new versions as file, blob id and
mode ("/dev/null" for a side that does not exist), and for a renamed file
the new path and a line of rename information. Prints the semantic diff
as 'circuitvc diff' does; other files get a unified diff.

Exit status 0 whenever the diff was printed, as git requires.

Examples:
   git config diff.circuit.command 'circuitvc diff-driver'
   GIT_EXTERNAL_DIFF='circuitvc diff-driver' git log -p`,
		SkipFlagParsing: true,
		Action: func(c *ucli.Context) error {
			args := c.Args().Slice()
			if len(args) != 7 && len(args) != 9 {
				return usagef("diff-driver takes git's 7 (or 9, for a rename) arguments, %d given", len(args))
			}
			dir := workDir(c, env)
			p := worktree.FilePair{Path: args[0]}
			var err error
			if p.Old, p.OldMode, p.OldOK, err = driverSide(env, dir, args[1], args[3]); err != nil {
				return err
			}
			if p.New, p.NewMode, p.NewOK, err = driverSide(env, dir, args[4], args[6]); err != nil {
				return err
			}
			if len(args) == 9 {
				p.OldPath, p.Path = args[0], args[7]
			}
			if p.OldOK && p.NewOK && p.OldMode == p.NewMode && bytes.Equal(p.Old, p.New) && !p.Renamed() {
				return nil
			}
			cmp := &comparison{old: driverName(args[2]), new: driverName(args[5])}
			d, err := compareFile(p, cmp, "semantic", 3)
			if err != nil {
				return err
			}
			return writeFileDiff(env.Stdout, colour(env, env.Stdout), d, cmp)
		},
	}
}

// driverSide reads one side of git's external diff protocol.
func driverSide(env *Env, dir, file, mode string) ([]byte, worktree.FileMode, bool, error) {
	if file == "/dev/null" {
		return nil, 0, false, nil
	}
	data, err := readPlain(env, dir, file, nil)
	if err != nil {
		return nil, 0, false, err
	}
	m, err := strconv.ParseUint(mode, 8, 32)
	if err != nil {
		return nil, 0, false, usagef("diff-driver: mode %q is not octal", mode)
	}
	return data, worktree.FileMode(m), true, nil
}

// driverName names a side by its short blob id: "none" for a side
// that does not exist (git passes "."), "working tree" for a working
// file (git passes zeros).
func driverName(hex string) string {
	switch {
	case hex == ".":
		return "none"
	case len(hex) < 7 || strings.Trim(hex, "0") == "":
		return "working tree"
	}
	return hex[:7]
}
