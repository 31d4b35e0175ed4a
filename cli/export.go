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
            (converts Wokwi, tscircuit and KiCad files)

BOM lines group the parts that are the same thing to buy: the same value as
a quantity (4k7 = 4.7kΩ, 1uF = 1µF), footprint and MPN, and for Wokwi parts
the attributes that make a different part (an LED's or button's color, a
resistor's value, a display's size…). Parts that are not bought stay out of
the BOM, and the bom table names them: simulator parts ($serialMonitor),
wokwi-text, wokwi-wifi-ap, wokwi-logic-analyzer and other instruments, DNP
parts, and parts with the property exclude_from_bom (KiCad: in_bom no).
A KiCad schematic is exported with its sub-sheets, a sub-sheet as the part
of its root's design placed on it; with --rev, as they were at REV.

A file that is malformed or not a circuit exits 3, as validate and save do.

Examples:
   circuitvc export --format bom amp.circuit.json
   circuitvc export --format csv --rev v1 amp.circuit.json > bom-v1.csv
   circuitvc export --format netlist diagram.json
   circuitvc export --format model diagram.json > diagram.circuit.json
   circuitvc export --format csv --rev v1 board.kicad_sch`,
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
			src, err := exportSource(c, env, c.Args().First())
			if err != nil {
				return err
			}
			ckt, err := circuit.ParseSource(src)
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			return circuit.Export(env.Stdout, ckt, c.String("format"))
		},
	}
}

// exportSource reads the file from the working tree or from --rev, with
// the files beside it at the same version (a KiCad schematic's sheets).
func exportSource(c *ucli.Context, env *Env, name string) (circuit.Source, error) {
	rev := c.String("rev")
	if rev == "" {
		data, err := readArgFile(env, workDir(c, env), name)
		return argSource(env, workDir(c, env), name, data), err
	}
	src := circuit.Source{Name: name}
	repo, err := openRepo(c, env)
	if err != nil {
		return src, err
	}
	defer repo.Close()
	h, err := repo.Resolve(rev)
	if err != nil {
		return src, err
	}
	if src.Path, err = repo.RelPath(workDir(c, env), name); err != nil {
		return src, err
	}
	if src.Data, err = repo.FileAt(h, rev, src.Path); err != nil {
		return src, err
	}
	src.Files, err = repo.TreeFS(h)
	return src, err
}
