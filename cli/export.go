package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/internal/circuit"
)

func exportCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "export",
		Usage:     "write a circuit's BOM or netlist",
		ArgsUsage: "FILE",
		Description: `Exports FILE (the working file, or its saved version at --rev) as a bill of
materials grouped by value, footprint and MPN (bom: a table; csv: for a
spreadsheet), as the normalised circuit (json), or as a netlist. A file
that is malformed or not a circuit exits 3, as validate and save do.

Examples:
   circuitvc export --format bom amp.circuit.json
   circuitvc export --format csv --rev v1 amp.circuit.json > bom-v1.csv
   circuitvc export --format netlist diagram.json`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "format", Value: "bom", Usage: "`bom`, csv, json or netlist"},
			&ucli.StringFlag{Name: "rev", Usage: "export the file as saved at `REV`"},
		},
		Action: func(c *ucli.Context) error {
			if c.NArg() != 1 {
				return usagef("export takes one FILE")
			}
			switch c.String("format") {
			case "bom", "csv", "json", "netlist":
			default:
				return usagef("export --format %q: want bom, csv, json or netlist", c.String("format"))
			}
			name := c.Args().First()
			data, err := exportSource(c, env, name)
			if err != nil {
				return err
			}
			ckt, err := circuit.Parse(name, data)
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			return circuit.Export(env.Stdout, ckt, c.String("format"))
		},
	}
}

// exportSource reads the file from the working tree or from --rev.
func exportSource(c *ucli.Context, env *Env, name string) ([]byte, error) {
	rev := c.String("rev")
	if rev == "" {
		return readArgFile(env, workDir(c, env), name)
	}
	repo, err := openRepo(c, env)
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	h, err := repo.Resolve(rev)
	if err != nil {
		return nil, err
	}
	p, err := repo.RelPath(workDir(c, env), name)
	if err != nil {
		return nil, err
	}
	return repo.FileAt(h, rev, p)
}
