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
format's own definition: JSON syntax; the native schema; tscircuit elements
against circuit-json's definitions (extracted into circuitvc, with the
relaxations older tscircuit releases need); Wokwi parts and connections as
docs.wokwi.com/diagram-format describes them; unique ids and references;
net pins that name real components and pins. KiCad schematics (with their
sub-sheets; a sub-sheet through the root that uses it) and netlists: the
S-expression syntax, duplicate references, symbols not annotated, pins
connected to nothing (warnings). Every finding names
file:line:column and the JSON path (the file as named, or from the current
directory when none is named), and has a level:

   error    the file cannot be read as a circuit, or is ambiguous (wrong
            JSON types in fields the model reads, duplicate ids, a
            connection to a part that does not exist); save refuses it
   warning  worth knowing, not ambiguous (a dangling reference outside the
            netlist, an unknown element type or ftype, a value that is not
            a quantity); save prints it and goes ahead
   note     a field the definition does not list (shown with --strict)

--schema adds a JSON Schema of your own. Exits 3 only when there are errors.

Examples:
   circuitvc validate amp.circuit.json
   circuitvc validate --schema house-rules.json
   circuitvc validate --strict --json diagram.json`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "schema", Usage: "also check against the JSON Schema in `FILE`"},
			&ucli.BoolFlag{Name: "json", Usage: "findings as a JSON array, each with its level"},
			&ucli.BoolFlag{Name: "strict", Usage: "also report notes"},
		},
		Action: func(c *ucli.Context) error {
			files, err := validateTargets(c, env)
			if err != nil {
				return err
			}
			opts := circuit.ValidateOptions{Strict: c.Bool("strict")}
			if s := c.String("schema"); s != "" {
				if opts.Schema, err = readArgFile(env, workDir(c, env), s); err != nil {
					return fmt.Errorf("--schema: %w", err)
				}
			}
			var problems []*circuit.Error
			reads := &circuit.Reads{} // a KiCad hierarchy is read once for all its files
			for _, f := range files {
				data, err := readArgFile(env, workDir(c, env), f)
				if err != nil {
					return err
				}
				src := argSource(env, workDir(c, env), f, data)
				src.Reads = reads
				_, found := circuit.CheckSource(src, opts)
				problems = append(problems, found...)
			}
			problems = circuit.Unique(problems) // a KiCad sub-sheet's are its root's too
			if err := writeProblems(c, env, problems, len(files)); err != nil {
				return err
			}
			if len(circuit.Errors(problems)) > 0 {
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
			Level    string `json:"level"`
			File     string `json:"file"`
			Line     int    `json:"line"`
			Column   int    `json:"column"`
			Path     string `json:"path"`
			Message  string `json:"message"`
			Expected string `json:"expected,omitempty"`
		}
		out := make([]problemJSON, 0, len(problems))
		for _, p := range problems {
			out = append(out, problemJSON{p.Level.String(), p.File, p.Line, p.Col, p.Path, p.Msg, p.Expected})
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	for _, p := range problems {
		fmt.Fprintln(env.Stderr, p.Error())
	}
	counts := map[circuit.Level]int{}
	for _, p := range problems {
		counts[p.Level]++
	}
	switch {
	case len(problems) == 0:
		fmt.Fprintf(env.Stdout, "%d file(s) valid\n", nfiles)
	case counts[circuit.LevelError] == 0:
		fmt.Fprintf(env.Stdout, "%d file(s) valid, with %d warning(s) and %d note(s)\n", nfiles,
			counts[circuit.LevelWarning], counts[circuit.LevelNote])
	default:
		fmt.Fprintf(env.Stderr, "%d problem(s) in %d file(s) checked: %d error(s), %d warning(s), %d note(s)\n", len(problems), nfiles,
			counts[circuit.LevelError], counts[circuit.LevelWarning], counts[circuit.LevelNote])
	}
	return nil
}
