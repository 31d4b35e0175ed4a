package cli_test

import (
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/circuitvc/circuitvc/internal/circuit"
)

// kicadOracle checks circuitvc's reading of a KiCad root schematic
// against KiCad's own: `kicad-cli sch export netlist` of the file, read
// back, must hold the same components (reference, type, value,
// footprint, MPN, DNP, fields, pins) and nets (name and pins) as the
// schematic: kicad-oracle FILE. Where kicad-cli is not installed it
// says so in the log and checks nothing.
func kicadOracle(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: kicad-oracle FILE")
	}
	cli, err := exec.LookPath("kicad-cli")
	if err != nil {
		ts.Logf("kicad-cli not found: %s not checked against KiCad (scripts/install-kicad.sh installs it)", args[0])
		return
	}
	sch := ts.MkAbs(args[0])
	out := filepath.Join(ts.Getenv("WORK"), ".oracle.net")
	if msg, err := exec.Command(cli, "sch", "export", "netlist", "--output", out, sch).CombinedOutput(); err != nil {
		ts.Fatalf("kicad-cli sch export netlist %s: %v\n%s", args[0], err, msg)
	}
	defer os.Remove(out)
	data, err := os.ReadFile(sch)
	ts.Check(err)
	got, err := circuit.ParseSource(circuit.Source{Name: filepath.Base(sch), Data: data, Files: os.DirFS(filepath.Dir(sch))})
	ts.Check(err)
	netlist, err := os.ReadFile(out)
	ts.Check(err)
	want, err := circuit.Parse("kicad-cli.net", netlist)
	ts.Check(err)
	for _, c := range got.Components {
		c.Position = nil // a netlist places nothing
	}
	for i := range got.Sheets {
		got.Sheets[i].File = path.Base(got.Sheets[i].File) // a netlist names the file only
	}
	d := circuit.Diff(got, want)
	d.Metadata = nil // the netlist's source, tool and date
	if !d.Empty() {
		var b strings.Builder
		d.WriteText(&b)
		ts.Fatalf("%s differs from kicad-cli's netlist of it:\n%s", args[0], b.String())
	}
}
