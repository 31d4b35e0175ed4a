// Package cli is circuitvc's command line: one urfave/cli command per
// file, each parsing flags and printing output while package worktree
// does the work. Run is the entry point; main calls it.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/worktree"
)

// Env is everything a run of the command line touches outside its
// arguments, so tests and embedders can supply their own.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Dir is the directory the command runs in.
	Dir string
	FS  fsx.FS
	Now func() time.Time
}

// OSEnv is the Env of a real process. It fails when the working
// directory cannot be found (another process removed it, say).
func OSEnv() (Env, error) {
	wd, err := os.Getwd()
	if err != nil {
		return Env{}, fmt.Errorf("current directory: %w", err)
	}
	return Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Dir: wd, FS: fsx.OS(), Now: time.Now}, nil
}

// Main runs the command line of this process and returns its exit code.
func Main() int {
	env, err := OSEnv()
	if err != nil {
		fmt.Fprintf(os.Stderr, "circuitvc: %v\n", err)
		return exitCode(err)
	}
	return Run(context.Background(), os.Args, env)
}

// Run executes one command line (args[0] is the program name) and returns
// the exit code. Errors are printed to env.Stderr as
// "circuitvc: <what>: <why>".
func Run(ctx context.Context, args []string, env Env) int {
	app := newApp(&env)
	args = permuteArgs(app, args)
	u := usageReporter{args: args}
	app.OnUsageError = u.onUsageError
	for _, c := range app.Commands {
		c.OnUsageError = u.onUsageError
	}
	err := app.RunContext(ctx, args)
	code := exitCode(err)
	if msg := errText(err); msg != "" {
		fmt.Fprintf(env.Stderr, "circuitvc: %s\n", msg)
		if errors.As(err, new(usageError)) {
			fmt.Fprintln(env.Stderr, "Run 'circuitvc help' or 'circuitvc help COMMAND' for usage.")
		}
	}
	return code
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	var se silentError
	if errors.As(err, &se) {
		return ""
	}
	return err.Error()
}

func newApp(env *Env) *ucli.App {
	app := &ucli.App{
		Name:            "circuitvc",
		Usage:           "version control for circuit files",
		Description:     appDescription,
		Reader:          env.Stdin,
		Writer:          env.Stdout,
		ErrWriter:       env.Stderr,
		HideHelpCommand: false,
		Suggest:         true,
		ExitErrHandler:  func(*ucli.Context, error) {}, // Run decides the exit code
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "C", Usage: "run as if started in `DIR`"},
			&ucli.DurationFlag{Name: "lock-timeout", Usage: "wait up to `D` (10s, 1m) for another process's lock",
				DefaultText: "the store's circuitvc.lockTimeout, 5s"},
			&ucli.BoolFlag{Name: "version", Usage: "print the version, the Go version and the store format"},
			// urfave adds its help flag only along with its own help command.
			ucli.HelpFlag,
		},
		Commands: []*ucli.Command{
			initCommand(env), saveCommand(env), logCommand(env), showCommand(env),
			diffCommand(env), restoreCommand(env), statusCommand(env), validateCommand(env),
			exportCommand(env), verifyCommand(env), hashCommand(env), tagCommand(env),
			gcCommand(env), demoCommand(env), versionCommand(env), helpCommand(), watchCommand(env),
			mergeCommand(env), mergeFileCommand(env), resolveCommand(env), gitSetupCommand(env), diffDriverCommand(env),
			remoteCommand(env), cloneCommand(env), fetchCommand(env), pushCommand(env), pullCommand(env),
		},
	}
	// Reached only when the first argument names no command.
	app.Action = func(c *ucli.Context) error {
		switch {
		case c.Bool("version"):
			return writeVersion(env.Stdout)
		case c.NArg() > 0:
			return unknownCommand(c.App, c.Args().First())
		}
		return ucli.ShowAppHelp(c)
	}
	return app
}

// helpCommand replaces urfave's, which answers an unknown name with "No
// help topic" and exit 3.
func helpCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "help",
		Aliases:   []string{"h"},
		Usage:     "list the commands, or show one command's help",
		ArgsUsage: "[COMMAND]",
		Action: func(c *ucli.Context) error {
			switch {
			case c.NArg() == 0:
				return ucli.ShowAppHelp(c)
			case c.NArg() > 1:
				return usagef("help takes one COMMAND")
			case c.App.Command(c.Args().First()) == nil:
				return unknownCommand(c.App, c.Args().First())
			}
			// The command is looked up among the app's, from the root.
			return ucli.ShowCommandHelp(c.Lineage()[1], c.Args().First())
		},
	}
}

// appDescription is the app's help text; its exit codes come from the
// one list of them (exitCodes).
var appDescription = `circuitvc keeps every saved version of your circuit files (*.circuit.json,
Wokwi diagram.json, tscircuit Circuit JSON) in .circuitvc/, a Git-compatible
store, and speaks about changes in circuit terms: components, nets and BOM lines.

Examples:
   circuitvc init
   circuitvc save -m "first working amplifier"
   circuitvc log --oneline
   circuitvc diff current~1 current
   circuitvc restore --to current~1

` + exitCodeHelp()

// usagef reports a mistake in the arguments.
func usagef(format string, a ...any) error { return usageError{msg: fmt.Sprintf(format, a...)} }

// workDir is the directory commands act in: -C, then CIRCUITVC_DIR, then
// the process's own.
func workDir(c *ucli.Context, env *Env) string {
	dir := env.Dir
	if d := env.Getenv("CIRCUITVC_DIR"); d != "" {
		dir = resolveDir(dir, d)
	}
	if d := c.String("C"); d != "" {
		dir = resolveDir(dir, d)
	}
	return dir
}

func resolveDir(base, d string) string {
	if filepath.IsAbs(d) {
		return d
	}
	return filepath.Join(base, d)
}

// openRepo finds the store for the command's directory.
func openRepo(c *ucli.Context, env *Env) (*worktree.Repo, error) {
	return worktree.Find(workDir(c, env), worktree.OpenOptions{FS: env.FS, LockTimeout: c.Duration("lock-timeout")})
}

// relPaths turns file arguments into paths relative to the root.
func relPaths(c *ucli.Context, env *Env, repo *worktree.Repo, args []string) ([]string, error) {
	out := make([]string, 0, len(args))
	for _, a := range args {
		p, err := repo.RelPath(workDir(c, env), a)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// openForWrite starts a command that makes versions (save, restore): the
// store, the file arguments as paths from the root, and who signs.
func openForWrite(c *ucli.Context, env *Env) (*worktree.Repo, []string, worktree.Signature, error) {
	repo, err := openRepo(c, env)
	if err != nil {
		return nil, nil, worktree.Signature{}, err
	}
	paths, err := relPaths(c, env, repo, c.Args().Slice())
	if err == nil {
		var who worktree.Signature
		if who, err = identity(c, env); err == nil {
			return repo, paths, who, nil
		}
		err = usagef("%v", err)
	}
	repo.Close()
	return nil, nil, worktree.Signature{}, err
}

// identity is the signature for commits made by this command.
func identity(c *ucli.Context, env *Env) (worktree.Signature, error) {
	return worktree.Identity(env.FS, c.String("author"), env.Getenv, env.Now())
}

// colour reports whether output to w may use ANSI colours: only on a
// terminal and never with NO_COLOR set.
func colour(env *Env, w io.Writer) bool {
	if env.Getenv("NO_COLOR") != "" || env.Getenv("TERM") == "dumb" {
		return false
	}
	return isTerminal(w)
}

// isTerminal reports whether w is a terminal (progress bars go only there).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

// permuteArgs moves a command's flags ahead of its arguments, so that
// "circuitvc log FILE -n 5" works: the flag package stops at the first
// argument. A one-letter flag glued to its value ("-n1") is split as
// getopt does. With -h or --help a command's other arguments are dropped,
// so that its help shows whatever else was typed. Everything after "--"
// is left alone.
func permuteArgs(app *ucli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	out := []string{args[0]}
	i := 1
	for i < len(args) && strings.HasPrefix(args[i], "-") && args[i] != "--" {
		out = append(out, args[i])
		if takesValue(app.Flags, args[i]) && i+1 < len(args) {
			i++
			out = append(out, args[i])
		}
		i++
	}
	if i >= len(args) {
		return out
	}
	cmd := app.Command(args[i])
	out = append(out, args[i])
	i++
	if cmd == nil || cmd.SkipFlagParsing {
		return append(out, args[i:]...)
	}
	var flags, rest []string
	for ; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			rest = append(rest, args[i:]...)
			i = len(args)
		case a == "-h" || a == "--help":
			return append(out, a)
		case strings.HasPrefix(a, "-") && a != "-":
			name, value := splitGlued(cmd.Flags, a)
			flags = append(flags, name)
			switch {
			case value != "":
				flags = append(flags, value)
			case takesValue(cmd.Flags, a) && i+1 < len(args):
				i++
				flags = append(flags, args[i])
			}
		default:
			rest = append(rest, a)
		}
	}
	if len(rest) > 0 && rest[0] == "--" && takesRevsAndPaths(cmd) {
		// The flag parser drops the first "--"; this one is the user's
		// and tells revisions from paths.
		flags = append(flags, "--")
	}
	return append(append(out, flags...), rest...)
}

// splitGlued splits "-n1" into "-n" and "1" when -n is a one-letter
// flag that takes a value; any other argument comes back whole.
func splitGlued(flags []ucli.Flag, arg string) (string, string) {
	if len(arg) < 3 || arg[1] == '-' || strings.Contains(arg, "=") || !takesValue(flags, arg[:2]) {
		return arg, ""
	}
	return arg[:2], arg[2:]
}

// takesRevsAndPaths reports whether a command's arguments may be
// revisions and paths, which a "--" separates.
func takesRevsAndPaths(cmd *ucli.Command) bool { return cmd.Name == "diff" || cmd.Name == "log" }

// takesValue reports whether arg names a flag that needs a separate value.
func takesValue(flags []ucli.Flag, arg string) bool {
	name := strings.TrimLeft(arg, "-")
	if strings.Contains(name, "=") {
		return false
	}
	for _, f := range flags {
		for _, n := range f.Names() {
			if n != name {
				continue
			}
			if bf, ok := f.(*ucli.BoolFlag); ok && bf != nil {
				return false
			}
			return true
		}
	}
	return false
}
