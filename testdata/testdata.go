// Package testdata holds the circuits that the demo, the README's
// examples, the example module (examples/) and tests share, so that each
// is written once. The files sit beside this file; the demo embeds its
// circuit from here, since go:embed cannot reach up from package cli.
//
// Package-local fixtures stay in their package's own testdata folder when
// only that package uses them.
package testdata

import _ "embed"

// Blinker is blinker.circuit.json: a 555 LED blinker in the native format,
// the circuit of 'circuitvc demo'.
//
//go:embed blinker.circuit.json
var Blinker []byte
