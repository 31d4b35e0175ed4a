// Command circuitvc is version control for circuit files: a Git-compatible,
// content-addressed history of *.circuit.json, Wokwi and tscircuit files
// that speaks about changes in components, nets and BOM lines.
package main

import (
	"os"

	"github.com/circuitvc/circuitvc/cli"
)

func main() {
	os.Exit(cli.Main())
}
