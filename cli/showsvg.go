package cli

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/internal/circuit"
	"github.com/circuitvc/circuitvc/internal/draw"
)

// showFlags are show's options for drawing a file.
func showFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringFlag{Name: "format", Value: "raw", Usage: "`FORMAT` of REV:FILE: raw (its bytes) or svg (a drawing of the circuit)"},
		&ucli.StringFlag{Name: "view", Usage: "`VIEW` drawn by --format svg: schematic or pcb (tscircuit), breadboard (Wokwi), graph (native); default: the file's first"},
	}
}

// checkShowFlags refuses a format show does not write, and drawing
// options without a file to draw.
func checkShowFlags(c *ucli.Context) error {
	_, file := splitRevPath(c.Args().First())
	format := c.String("format")
	switch {
	case !slices.Contains([]string{"raw", "svg"}, format):
		return usagef("show --format %q: want raw or svg", format)
	case format == "svg" && file == "":
		return usagef("show --format svg draws one file: give REV:FILE")
	case c.IsSet("view") && format != "svg":
		return usagef("show --view goes with --format svg")
	}
	return nil
}

// writeFileSVG draws a circuit file's view as a standalone SVG. A file
// that is not a circuit is an invalid circuit (exit 3); a view the file
// does not have is a usage error naming the views it has.
func writeFileSVG(env *Env, name string, data []byte, view string) error {
	d, err := draw.Parse(path.Base(name), data, draw.Options{})
	if errors.Is(err, draw.ErrNotCircuit) {
		return notDrawable{fmt.Errorf("%s: %w", name, errors.Unwrap(err))}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	err = draw.WriteSVG(env.Stdout, d, draw.SVGOptions{View: view})
	var ve *draw.ViewError
	if errors.As(err, &ve) {
		if len(ve.Have) == 0 {
			return usagef("show --view %s: %s has nothing to draw", view, name)
		}
		return usagef("show --view %s: %s has no %s view (it has %s)", view, name, view, strings.Join(ve.Have, ", "))
	}
	return err
}

// notDrawable is a file that is no circuit, so it cannot be drawn: an
// invalid circuit for the exit code, in draw's words.
type notDrawable struct{ err error }

func (e notDrawable) Error() string   { return e.err.Error() }
func (e notDrawable) Unwrap() []error { return []error{e.err, circuit.ErrNotCircuit} }
