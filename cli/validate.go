package cli

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/internal/circuit"
)

func validateCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "validate",
		Usage:     "check circuit files",
		ArgsUsage: "[FILE...]",
		Description: `Checks each FILE (default: every tracked file of the store) against its
format: JSON syntax, the native schema, unique references, net pins that
name real components and pins, no pin on two nets, Wokwi connections to
known parts. Every problem names file:line:column and the JSON path, the
file as named, or from the current directory when none is named.
--schema adds a JSON Schema of your own. Exits 3 when anything is invalid.

Examples:
   circuitvc validate amp.circuit.json
   circuitvc validate --schema house-rules.json
   circuitvc validate --json diagram.json`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "schema", Usage: "also check against the JSON Schema in `FILE`"},
			&ucli.BoolFlag{Name: "json", Usage: "problems as a JSON array"},
		},
		Action: func(c *ucli.Context) error {
			files, err := validateTargets(c, env)
			if err != nil {
				return err
			}
			opts := circuit.ValidateOptions{}
			if s := c.String("schema"); s != "" {
				if opts.Schema, err = readArgFile(env, workDir(c, env), s); err != nil {
					return fmt.Errorf("--schema: %w", err)
				}
			}
			var problems []*circuit.Error
			for _, f := range files {
				data, err := readArgFile(env, workDir(c, env), f)
				if err != nil {
					return err
				}
				problems = append(problems, circuit.Validate(f, data, opts)...)
			}
			if err := writeProblems(c, env, problems, len(files)); err != nil {
				return err
			}
			if len(problems) > 0 {
				return silentError{code: ExitInvalid}
			}
			return nil
		},
	}
}

// validateTargets is the files named, or every tracked file of the store.
func validateTargets(c *ucli.Context, env *Env) ([]string, error) {
	if c.NArg() > 0 {
		return c.Args().Slice(), nil
	}
	repo, err := openRepo(c, env)
	if err != nil {
		return nil, fmt.Errorf("validate: name the files to check, or run inside a circuitvc directory: %w", err)
	}
	defer repo.Close()
	paths, err := repo.Tracked()
	if err != nil {
		return nil, err
	}
	// As the user would name them: from the current directory.
	files := make([]string, len(paths))
	for i, p := range paths {
		abs := resolveDir(repo.Root(), p)
		if files[i], err = filepath.Rel(workDir(c, env), abs); err != nil {
			files[i] = abs
		}
	}
	return files, nil
}

func writeProblems(c *ucli.Context, env *Env, problems []*circuit.Error, nfiles int) error {
	if c.Bool("json") {
		type problemJSON struct {
			File     string `json:"file"`
			Line     int    `json:"line"`
			Column   int    `json:"column"`
			Path     string `json:"path"`
			Message  string `json:"message"`
			Expected string `json:"expected,omitempty"`
		}
		out := make([]problemJSON, 0, len(problems))
		for _, p := range problems {
			out = append(out, problemJSON{p.File, p.Line, p.Col, p.Path, p.Msg, p.Expected})
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	for _, p := range problems {
		fmt.Fprintln(env.Stderr, p.Error())
	}
	if len(problems) == 0 {
		fmt.Fprintf(env.Stdout, "%d file(s) valid\n", nfiles)
	} else {
		fmt.Fprintf(env.Stderr, "%d problem(s) in %d file(s) checked\n", len(problems), nfiles)
	}
	return nil
}
