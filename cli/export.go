package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/internal/circuit"
)

func exportCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "export",
		Usage:     "write a circuit's BOM, netlist or normalised model",
		ArgsUsage: "FILE",
		Description: `Exports FILE (the working file, or its saved version at --rev) as:

   bom      the bill of materials as a table (the default)
   csv      the same BOM for a spreadsheet
   json     the same BOM as a JSON array, for scripts
   netlist  each net and its pins
   model    the normalised circuit as a native *.circuit.json document
            (converts Wokwi and tscircuit files)

BOM lines group the parts that are the same thing to buy: the same value as
a quantity (4k7 = 4.7kΩ, 1uF = 1µF), footprint and MPN, and for Wokwi parts
the attributes that make a different part (an LED's or button's color, a
resistor's value, a display's size…). Parts that are not bought stay out of
the BOM, and the bom table names them: simulator parts ($serialMonitor),
wokwi-text, wokwi-wifi-ap, wokwi-logic-analyzer and other instruments, DNP
parts, and parts with the property exclude_from_bom.

A file that is malformed or not a circuit exits 3, as validate and save do.

Examples:
   circuitvc export --format bom amp.circuit.json
   circuitvc export --format csv --rev v1 amp.circuit.json > bom-v1.csv
   circuitvc export --format netlist diagram.json
   circuitvc export --format model diagram.json > diagram.circuit.json`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "format", Value: "bom", Usage: "`bom`, csv, json (the BOM), netlist or model"},
			&ucli.StringFlag{Name: "rev", Usage: "export the file as saved at `REV`"},
		},
		Action: func(c *ucli.Context) error {
			if c.NArg() != 1 {
				return usagef("export takes one FILE")
			}
			switch c.String("format") {
			case "bom", "csv", "json", "netlist", "model":
			default:
				return usagef("export --format %q: want bom, csv, json, netlist or model", c.String("format"))
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
