package cli

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/internal/circuit"
	"github.com/circuitvc/circuitvc/internal/visdiff"
)

// htmlFlags are diff's options for the HTML report.
func htmlFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the html report to `FILE` (default: standard output)"},
		&ucli.BoolFlag{Name: "open", Usage: "open the html report in the default browser (without -o it goes to a temporary file)"},
	}
}

// checkHTMLFlags refuses options that mean nothing together.
func checkHTMLFlags(c *ucli.Context, env *Env, format string) error {
	html := format == "html"
	switch {
	case !html && (c.IsSet("output") || c.Bool("open")):
		return usagef("diff -o and --open go with --format html")
	case html && c.Bool("stat"):
		return usagef("diff --stat counts lines; it does not go with --format html")
	case html && !c.IsSet("output") && !c.Bool("open") && isTerminal(env.Stdout):
		return usagef("diff --format html writes a web page: name a file with -o FILE, open it with --open, or redirect the output")
	}
	return nil
}

// maxTextLines is how many lines of a file that cannot be drawn the
// report shows.
const maxTextLines = 5000

// writeHTMLDiff writes the comparison as one self-contained HTML page
// (to -o FILE, to a temporary file for --open, or to standard output),
// opens it when asked, and reports whether it showed a difference as
// the semantic format counts one.
func writeHTMLDiff(c *ucli.Context, env *Env, cmp *comparison) (bool, error) {
	if len(cmp.pairs) == 0 {
		fmt.Fprintln(env.Stderr, "circuitvc: no differences: no report written")
		return false, nil
	}
	files := make([]visdiff.File, 0, len(cmp.pairs))
	different := false
	for _, p := range cmp.pairs {
		d, err := compareFile(p, cmp, "semantic", c.Int("unified"))
		if err != nil {
			return false, err
		}
		different = different || d.different()
		f, err := reportFile(d, cmp)
		if err != nil {
			return false, err
		}
		files = append(files, f)
	}
	title := "circuitvc diff " + cmp.old + " → " + cmp.new
	write := func(w io.Writer) error { return visdiff.Write(c.Context, w, files, title, visdiff.Options{}) }
	out := c.String("output")
	switch {
	case out != "":
		out = resolveDir(workDir(c, env), out)
	case c.Bool("open"):
		out = tempReportName()
	default:
		return different, write(env.Stdout)
	}
	if err := fsx.WriteFileAtomic(env.FS, out, 0o644, write); err != nil {
		return false, fmt.Errorf("write report %s: %w", out, err)
	}
	fmt.Fprintf(env.Stdout, "report: %s\n", out)
	if c.Bool("open") {
		openReport(env, out)
	}
	return different, nil
}

// reportFile is one compared file as the report shows it: its versions,
// its semantic diff when both are circuits, and the diff as text for a
// file that cannot be drawn.
func reportFile(d *fileDiff, cmp *comparison) (visdiff.File, error) {
	p := d.pair
	present := func(data []byte, ok bool) []byte {
		if !ok {
			return nil
		}
		if data == nil {
			return []byte{}
		}
		return data
	}
	f := visdiff.File{Path: changeName(d.Path, d.OldPath), Old: present(p.Old, p.OldOK), New: present(p.New, p.NewOK),
		OldLabel: cmp.old, NewLabel: cmp.new}
	if delta, ok := d.text.(*circuit.Delta); ok {
		f.Semantic = &visdiff.Semantic{Old: d.sides[0], New: d.sides[1], Delta: delta}
	}
	var notes []string
	if p.OldOK && p.NewOK && !sameMode(p) {
		notes = append(notes, fmt.Sprintf("mode %o → %o", uint32(p.OldMode), uint32(p.NewMode)))
	}
	switch {
	case d.FormattingOnly:
		notes = append(notes, "no circuit changes (formatting only)")
	case d.other != nil:
		notes = append(notes, "no circuit changes; outside the circuit model the JSON changed (circuitvc diff lists it)")
	}
	f.Note = strings.Join(notes, "; ")
	var text bytes.Buffer
	if err := writeFileDiff(&text, false, d, cmp); err != nil {
		return f, err
	}
	f.Text = clipLines(text.String(), maxTextLines)
	return f, nil
}

// clipLines keeps the first n lines of s and says how many it left out.
func clipLines(s string, n int) string {
	i, lines := 0, 0
	for i < len(s) && lines < n {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			return s
		}
		i += j + 1
		lines++
	}
	if i >= len(s) {
		return s
	}
	more := strings.Count(s[i:], "\n")
	if !strings.HasSuffix(s, "\n") {
		more++
	}
	return s[:i] + fmt.Sprintf("… %d more lines (circuitvc diff shows them all)\n", more)
}

// tempReportName is a new file name for a report that is only opened.
func tempReportName() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return filepath.Join(os.TempDir(), "circuitvc-diff-"+hex.EncodeToString(b[:])+".html")
}
