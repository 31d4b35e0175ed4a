package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/testdata"
)

func demoCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:  "demo",
		Usage: "walk through init, save, log, diff, export and restore on a bundled circuit",
		Description: `Creates a store in a new temporary folder (or in DIR with --dir, which must
be empty or absent), saves three versions of a bundled 555 LED blinker,
and shows log, a semantic diff, a BOM and a restore, printing each command
as it runs it.

Examples:
   circuitvc demo
   circuitvc demo --dir /tmp/blinker --keep`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "dir", Usage: "run in `DIR` instead of a temporary folder"},
			&ucli.BoolFlag{Name: "keep", Usage: "leave the folder behind to explore"},
		},
		Action: func(c *ucli.Context) error {
			dir := c.String("dir")
			if dir == "" {
				tmp, err := os.MkdirTemp("", "circuitvc-demo-")
				if err != nil {
					return err
				}
				dir = tmp
			} else if err := fsx.MkdirAll(env.FS, dir, 0o755); err != nil {
				return err
			}
			if !c.Bool("keep") {
				defer os.RemoveAll(dir)
			}
			return runDemo(c.Context, env, dir)
		},
	}
}

// demoStep is one command of the demo, with an edit to make first.
type demoStep struct {
	note string
	edit func([]byte) []byte
	args []string
}

func replaceOnce(old, new string) func([]byte) []byte {
	return func(b []byte) []byte { return bytes.Replace(b, []byte(old), []byte(new), 1) }
}

var demoSteps = []demoStep{
	{note: "Make a store and save the first version", args: []string{"init"}},
	{args: []string{"save", "-m", "first blinker"}},
	{note: "Slow the blink: R2 10k -> 47k, and save (the message is generated)",
		edit: replaceOnce(`"value": "10k", "footprint": "0805", "mpn": "RC0805FR-0710KL"`, `"value": "47k", "footprint": "0805", "mpn": "RC0805FR-0747KL"`),
		args: []string{"save"}},
	{note: "Add a decoupling capacitor C3 on VCC",
		edit: func(b []byte) []byte {
			b = replaceOnce(`    {"id": "J1"`, `    {"id": "C3", "type": "capacitor", "value": "100nF", "footprint": "0805", "mpn": "GRM21BR71H104KA01L", "pins": ["1", "2"]},
    {"id": "J1"`)(b)
			b = replaceOnce(`"R1.1"]}`, `"R1.1", "C3.1"]}`)(b)
			return replaceOnce(`"D1.K"]}`, `"D1.K", "C3.2"]}`)(b)
		},
		args: []string{"save", "-m", "add decoupling cap"}},
	{note: "History, newest first", args: []string{"log", "--oneline"}},
	{note: "What changed since the first version, in circuit terms", args: []string{"diff", "current~2", "current"}},
	{note: "Bill of materials", args: []string{"export", "--format", "bom", "blinker.circuit.json"}},
	{note: "An unsaved edit, then go back to the first version", edit: replaceOnce(`"value": "red"`, `"value": "green"`),
		args: []string{"restore", "--to", "current~2"}},
	{args: []string{"status"}},
	{note: "The unsaved edit (D1 red → green) is safe in backup", args: []string{"diff", "current", "backup"}},
	{note: "Check every object, ref and reflog of the store (stock git reads it too)", args: []string{"verify"}},
}

func runDemo(ctx context.Context, env *Env, dir string) error {
	file := filepath.Join(dir, "blinker.circuit.json")
	if err := fsx.WriteFile(env.FS, file, testdata.Blinker, 0o644); err != nil {
		return err
	}
	sub := *env
	sub.Dir = dir
	sub.Getenv = func(k string) string {
		if k == "CIRCUITVC_AUTHOR" {
			return "Demo User <demo@example.com>"
		}
		return env.Getenv(k)
	}
	fmt.Fprintf(env.Stdout, "# circuitvc demo in %s\n", dir)
	for _, st := range demoSteps {
		if st.note != "" {
			fmt.Fprintf(env.Stdout, "\n# %s\n", st.note)
		}
		if st.edit != nil {
			data, err := fsx.ReadFile(env.FS, file)
			if err != nil {
				return err
			}
			if err := fsx.WriteFile(env.FS, file, st.edit(data), 0o644); err != nil {
				return err
			}
		}
		fmt.Fprintf(env.Stdout, "$ circuitvc %s\n", shellQuote(st.args))
		if code := Run(ctx, append([]string{"circuitvc"}, st.args...), sub); code != ExitOK {
			return fmt.Errorf("demo step %q failed with exit code %d", strings.Join(st.args, " "), code)
		}
	}
	return nil
}

// shellQuote renders args as a user would type them.
func shellQuote(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " '\"") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}
