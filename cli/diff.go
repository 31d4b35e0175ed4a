package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/internal/circuit"
	"github.com/circuitvc/circuitvc/internal/textdiff"
	"github.com/circuitvc/circuitvc/worktree"
)

func diffCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "diff",
		Usage:     "compare versions, the working files, or two files",
		ArgsUsage: "[REV1 [REV2]] [--] [FILE...] | FILE_A FILE_B",
		Description: `Without REV: the working files against the current version. With one REV:
the working files against REV. With two: REV1 against REV2. With two
arguments of which the first is not a revision and one is a file, the two
files are compared (no store needed; a missing one exits 7). Use -- before
FILEs to limit a comparison of versions to those files.

Circuits are compared in circuit terms (components, nets, pins, BOM); other
JSON structurally; anything else as a unified line diff with 3 lines of
context. --format json prints the documented JSON form for scripts.
--format html writes one self-contained web page that draws each circuit
(tscircuit schematic and PCB, Wokwi breadboard, native graph) with every
change coloured and listed, to -o FILE or standard output; --open opens it
in the default browser ($BROWSER, else the system's), writing it to a
temporary file when no -o is given.
A file deleted under one path and added under another with the same or at
least 50 % similar content (as git measures it) is shown as renamed, with
its changes if any.

--exit-code exits 1 when the diff shows a difference, else 0. With the
semantic and json formats a difference is a change of meaning: a byte-only
change (reformatting, key order, CRLF) prints "no circuit changes
(formatting only)" and exits 0. With --format unified and --stat any
changed byte is a difference. An added, deleted or renamed file is always
one, even when empty.

References print as ranges (R1–R40) and long lists are cut with a count;
--full prints them whole.

Examples:
   circuitvc diff
   circuitvc diff current~1 current
   circuitvc diff v1 -- amp.circuit.json
   circuitvc diff --format unified backup
   circuitvc diff old.circuit.json new.circuit.json
   circuitvc diff --exit-code --stat current
   circuitvc diff v1 --format html -o report.html --open`,
		Flags: append([]ucli.Flag{
			&ucli.StringFlag{Name: "format", Value: "semantic", Usage: "`FORMAT`: semantic, unified, json or html"},
			&ucli.BoolFlag{Name: "stat", Usage: "only count changed lines per file"},
			&ucli.BoolFlag{Name: "exit-code", Usage: "exit 1 when the diff shows differences (see above)"},
			&ucli.IntFlag{Name: "unified", Aliases: []string{"U"}, Value: 3, Usage: "`N` lines of context in line diffs"},
			&ucli.BoolFlag{Name: "full", Usage: "print every reference and pin of long lists (default: ranges, cut with a count)"},
		}, htmlFlags()...),
		Action: func(c *ucli.Context) (err error) {
			format := c.String("format")
			if !slices.Contains([]string{"semantic", "unified", "json", "html"}, format) {
				return usagef("diff --format %q: want semantic, unified, json or html", format)
			}
			if err := checkHTMLFlags(c, env, format); err != nil {
				return err
			}
			cmp, err := diffPairs(c, env)
			if err != nil {
				return err
			}
			defer cmp.release()
			if len(cmp.unmap) > 0 {
				defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
				defer guardFaults(&err)
			}
			different := len(cmp.pairs) > 0
			switch {
			case format == "html":
				different, err = writeHTMLDiff(c, env, cmp)
			case c.Bool("stat"):
				err = writeStat(env.Stdout, cmp.pairs)
			default:
				different, err = renderDiff(c, env, cmp)
			}
			if err == nil && different && c.Bool("exit-code") {
				return silentError{code: ExitDifferent}
			}
			return err
		},
	}
}

// comparison is what diff compares: files, and the names of both sides.
type comparison struct {
	pairs    []worktree.FilePair
	old, new string
	// plain: two files named on the command line, not versions; sources
	// are the two as circuit sources, with the files around them.
	plain   bool
	sources [2]circuit.Source
	// reads are shared by the files of each side (pairSources).
	reads [2]*circuit.Reads
	// unmap releases the plain files that were mapped (see mapFile).
	unmap []func()
}

// release unmaps the mapped files: nothing may use their bytes after.
func (cmp *comparison) release() {
	for _, f := range cmp.unmap {
		f()
	}
	cmp.unmap = nil
}

// guardFaults, deferred with debug.SetPanicOnFault(true) by a goroutine
// that reads mapped files, turns the fault of a file truncated under the
// mapping into an error; any other panic goes on.
func guardFaults(err *error) {
	r := recover()
	if r == nil {
		return
	}
	if _, fault := r.(interface{ Addr() uintptr }); !fault {
		panic(r)
	}
	*err = fmt.Errorf("diff: a file changed while it was compared: %v", r)
}

// diffPairs works out what is compared with what.
func diffPairs(c *ucli.Context, env *Env) (*comparison, error) {
	args, dir := c.Args().Slice(), workDir(c, env)
	if plainFiles(env, dir, args, nil) {
		return readPlainPair(env, dir, args[0], args[1])
	}
	repo, err := openRepo(c, env)
	if errors.Is(err, worktree.ErrNotRepo) && len(args) == 2 && !slices.Contains(args, "--") &&
		(isFile(env, dir, args[0]) || isFile(env, dir, args[1])) {
		// Outside a store two arguments can only be two files; when
		// neither exists they were meant as revisions, and the error
		// is that there is no store.
		return readPlainPair(env, dir, args[0], args[1])
	}
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	if plainFiles(env, dir, args, repo) {
		return readPlainPair(env, dir, args[0], args[1])
	}
	var revs []worktree.Hash
	var names, paths []string
	dashed := false
	for _, a := range args {
		if a == "--" {
			dashed = true
			continue
		}
		if !dashed && len(revs) < 2 && len(paths) == 0 {
			h, rerr := repo.Resolve(a)
			if rerr == nil {
				revs, names = append(revs, h), append(names, a)
				continue
			}
			if !isFile(env, dir, a) {
				return nil, rerr
			}
		}
		p, err := repo.RelPath(dir, a)
		if err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	var oldH, newH worktree.Hash
	cmp := &comparison{old: "current", new: "working tree"}
	switch len(revs) {
	case 0:
		if oldH, err = repo.Head(); err != nil {
			return nil, err
		}
	case 1:
		oldH, cmp.old = revs[0], names[0]
	case 2:
		oldH, newH, cmp.old, cmp.new = revs[0], revs[1], names[0], names[1]
	}
	cmp.pairs, err = repo.Compare(c.Context, oldH, newH, paths)
	return cmp, err
}

// plainFiles reports whether the arguments are two files to compare as
// such: two existing files; or, in a store, a first argument that is no
// revision and at least one of the two a file (the other may be missing,
// which is then reported). Without repo only the first case is checked.
func plainFiles(env *Env, dir string, args []string, repo *worktree.Repo) bool {
	if len(args) != 2 || slices.Contains(args, "--") {
		return false
	}
	a, b := isFile(env, dir, args[0]), isFile(env, dir, args[1])
	if repo == nil {
		return a && b
	}
	if _, err := repo.Resolve(args[0]); err == nil {
		return false
	}
	return a || b
}

// isFile reports whether name is a regular file.
func isFile(env *Env, dir, name string) bool {
	fi, err := env.FS.Stat(resolveDir(dir, name))
	return err == nil && fi.Mode().IsRegular()
}

func readPlainPair(env *Env, dir, a, b string) (*comparison, error) {
	cmp := &comparison{old: a, new: b, plain: true}
	p := worktree.PlainPair(filepath.ToSlash(b), nil, nil)
	var err error
	if p.Old, err = readPlain(env, dir, a, cmp); err != nil {
		return nil, err
	}
	if p.New, err = readPlain(env, dir, b, cmp); err != nil {
		cmp.release()
		return nil, err
	}
	if !bytes.Equal(p.Old, p.New) {
		cmp.pairs = []worktree.FilePair{p}
	}
	cmp.sources = [2]circuit.Source{argSource(env, dir, a, p.Old), argSource(env, dir, b, p.New)}
	return cmp, nil
}

// readPlain reads a file named on the command line, or with a cmp maps a
// big one (see mapFile; cmp.release unmaps it); an error names it as the
// user typed it.
func readPlain(env *Env, dir, name string, cmp *comparison) ([]byte, error) {
	if cmp != nil {
		if data, unmap, ok := mapArgFile(env, dir, name); ok {
			cmp.unmap = append(cmp.unmap, unmap)
			return data, nil
		}
	}
	data, err := readArgFile(env, dir, name)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return nil, fmt.Errorf("%s: %w", name, pe.Err)
	}
	return data, err
}

// mapArgFile maps a file named on the command line when mapFile will; ok
// is false when it will not or the file cannot be opened (the read then
// reports why).
func mapArgFile(env *Env, dir, name string) (data []byte, unmap func(), ok bool) {
	f, err := env.FS.OpenFile(resolveDir(dir, name), os.O_RDONLY, 0)
	if err != nil {
		return nil, nil, false
	}
	defer f.Close() // a mapping outlives its file descriptor
	return mapFile(f)
}

// fileDiff is one file's comparison, ready to print.
type fileDiff struct {
	Path    string `json:"path"`
	OldPath string `json:"old_path,omitempty"` // a renamed file's old path
	Status  string `json:"status"`             // modified, added, deleted, renamed
	Format  string `json:"format"`             // native, wokwi, tscircuit, json, text
	// FormattingOnly: the bytes differ but not the meaning.
	FormattingOnly bool           `json:"formatting_only,omitempty"`
	Delta          json.Marshaler `json:"delta,omitempty"`
	// Other is what changed outside the circuit model (wire colours, say)
	// when the circuit delta is empty.
	Other json.Marshaler `json:"other_changes,omitempty"`
	Text  string         `json:"unified,omitempty"`
	text  interface{ WriteText(io.Writer) error }
	other interface{ WriteText(io.Writer) error }
	pair  worktree.FilePair
	sides [2]*circuit.Circuit // a circuit's two versions (nil where absent)
}

// different reports whether the file counts as a difference for
// --exit-code in the semantic and json formats.
func (d *fileDiff) different() bool { return d.Status != "modified" || !d.FormattingOnly }

// renderDiff prints the comparison and reports whether it showed a
// difference.
func renderDiff(c *ucli.Context, env *Env, cmp *comparison) (bool, error) {
	format, w := c.String("format"), env.Stdout
	var all []*fileDiff
	different := false
	for _, p := range cmp.pairs {
		d, err := compareFile(p, cmp, format, c.Int("unified"))
		if err != nil {
			return false, err
		}
		if delta, ok := d.text.(*circuit.Delta); ok && c.Bool("full") {
			delta.Limit = -1
		}
		all = append(all, d)
		different = different || format == "unified" || d.different()
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return different, enc.Encode(map[string]any{"old": cmp.old, "new": cmp.new, "files": nonNil(all)})
	}
	col := colour(env, w)
	for _, d := range all {
		var err error
		if format == "unified" {
			err = writeUnified(w, col, d, cmp)
		} else {
			err = writeFileDiff(w, col, d, cmp)
		}
		if err != nil {
			return false, err
		}
	}
	return different, nil
}

func nonNil(all []*fileDiff) []*fileDiff {
	if all == nil {
		return []*fileDiff{}
	}
	return all
}

func status(p worktree.FilePair) string {
	switch {
	case !p.OldOK:
		return "added"
	case !p.NewOK:
		return "deleted"
	case p.Renamed():
		return "renamed"
	}
	return "modified"
}

// pathNames are the paths of the two sides of a file: the files named
// for a plain comparison, else the old and new paths.
func pathNames(p worktree.FilePair, cmp *comparison) (string, string) {
	switch {
	case cmp.plain:
		return cmp.old, cmp.new
	case p.Renamed():
		return p.OldPath, p.Path
	}
	return p.Path, p.Path
}

// sideNames are the names a line diff gives the two sides: /dev/null for
// a side where the file does not exist, as git does.
func sideNames(p worktree.FilePair, cmp *comparison) (string, string) {
	oldName, newName := pathNames(p, cmp)
	if !p.OldOK {
		oldName = "/dev/null"
	}
	if !p.NewOK {
		newName = "/dev/null"
	}
	return oldName, newName
}

// compareFile diffs one file at the deepest level both sides allow:
// circuits semantically, other JSON structurally, the rest by lines.
func compareFile(p worktree.FilePair, cmp *comparison, format string, context int) (*fileDiff, error) {
	d := &fileDiff{Path: p.Path, OldPath: p.OldPath, Status: status(p), Format: "text", pair: p}
	if p.Renamed() && bytes.Equal(p.Old, p.New) {
		// Only the name changed: nothing to parse or compare.
		if f := circuit.Detect(p.Path, p.New); f != circuit.FormatUnknown {
			d.Format = f.String()
		}
		return d, nil
	}
	if format != "unified" && (circuitDiff(d, p, cmp, context) || (p.OldOK && p.NewOK && jsonDiff(d, p))) {
		return d, nil
	}
	var b bytes.Buffer
	oldName, newName := sideNames(p, cmp)
	if _, err := textdiff.Unified(&b, oldName, newName, p.Old, p.New, context); err != nil {
		return nil, err
	}
	d.Text = b.String()
	return d, nil
}

// circuitDiff fills d with a semantic delta when every side present
// parses as a circuit of the same format; an added or deleted circuit is
// compared with an empty one. When the circuits are the same but the
// bytes are not, what changed outside the model is looked for too.
func circuitDiff(d *fileDiff, p worktree.FilePair, cmp *comparison, context int) bool {
	old, new := pairSources(p, cmp)
	sides, ok := circuit.ParsePair(old, new)
	if !ok {
		return false
	}
	delta := circuit.Diff(sides[0], sides[1])
	format := sides[1]
	if format == nil {
		format = sides[0]
	}
	d.Format, d.Delta, d.text, d.sides = format.Format.String(), delta, delta, sides
	if delta.Empty() && p.OldOK && p.NewOK {
		if other, err := circuit.DiffJSON(p.Old, p.New); err == nil && !other.Empty() {
			d.Other, d.other = other, other
		} else if !drawingDiff(d, p, format.Format, cmp, context) {
			d.FormattingOnly = sameMode(p) && !bytes.Equal(p.Old, p.New)
		}
	}
	return true
}

// jsonDiff fills d with a structural delta when both sides are JSON.
func jsonDiff(d *fileDiff, p worktree.FilePair) bool {
	delta, err := circuit.DiffJSON(p.Old, p.New)
	if err != nil {
		return false
	}
	d.Format, d.Delta, d.text = "json", delta, delta
	d.FormattingOnly = delta.Empty() && sameMode(p) && !bytes.Equal(p.Old, p.New)
	return true
}

func sameMode(p worktree.FilePair) bool { return p.OldMode == p.NewMode }

// writeFileDiff prints one file in the semantic format: a header naming
// the change, then the delta, the changes outside the circuit model, or
// the line diff.
func writeFileDiff(w io.Writer, col bool, d *fileDiff, cmp *comparison) error {
	header := fmt.Sprintf("%s: %s (%s, %s → %s)", d.Status, changeName(d.Path, d.OldPath), d.Format, cmp.old, cmp.new)
	fmt.Fprintf(w, "%s\n", paint(col, bold, header))
	if p := d.pair; p.OldOK && p.NewOK && !sameMode(p) {
		fmt.Fprintf(w, "mode %o → %o\n", uint32(p.OldMode), uint32(p.NewMode))
	}
	switch {
	case d.FormattingOnly && d.Format == "json":
		_, err := io.WriteString(w, "no changes (formatting only)\n")
		return err
	case d.FormattingOnly:
		_, err := io.WriteString(w, "no circuit changes (formatting only)\n")
		return err
	case d.other != nil:
		io.WriteString(w, "no circuit changes; outside the circuit model:\n")
		return d.other.WriteText(w)
	case d.text != nil:
		return d.text.WriteText(w)
	case d.Text == "" && len(d.pair.Old)+len(d.pair.New) == 0:
		_, err := io.WriteString(w, "(empty file)\n")
		return err
	}
	_, err := io.WriteString(w, colourUnified(col, d.Text))
	return err
}

// writeUnified prints one file as git does: its "diff --git" header with
// what git states about creation, deletion, mode and rename, then the
// line diff, so that even an empty file added or deleted shows.
func writeUnified(w io.Writer, col bool, d *fileDiff, cmp *comparison) error {
	p := d.pair
	oldName, newName := pathNames(p, cmp)
	var b bytes.Buffer
	fmt.Fprintf(&b, "diff --git a/%s b/%s\n", oldName, newName)
	switch {
	case !p.OldOK:
		fmt.Fprintf(&b, "new file mode %o\n", uint32(p.NewMode))
	case !p.NewOK:
		fmt.Fprintf(&b, "deleted file mode %o\n", uint32(p.OldMode))
	case !sameMode(p):
		fmt.Fprintf(&b, "old mode %o\nnew mode %o\n", uint32(p.OldMode), uint32(p.NewMode))
	}
	if p.Renamed() {
		fmt.Fprintf(&b, "rename from %s\nrename to %s\n", p.OldPath, p.Path)
	}
	if _, err := io.WriteString(w, paint(col, bold, strings.TrimSuffix(b.String(), "\n"))+"\n"); err != nil {
		return err
	}
	_, err := io.WriteString(w, colourUnified(col, d.Text))
	return err
}

func writeStat(w io.Writer, pairs []worktree.FilePair) error {
	names := make([]string, len(pairs))
	width := 0
	for i, p := range pairs {
		names[i] = changeName(p.Path, p.OldPath)
		width = max(width, len([]rune(names[i])))
	}
	var adds, dels int
	for i, p := range pairs {
		a, d := textdiff.Stat(p.Old, p.New)
		adds, dels = adds+a, dels+d
		fmt.Fprintf(w, " %s%*s | +%d -%d\n", names[i], width-len([]rune(names[i])), "", a, d)
	}
	_, err := fmt.Fprintf(w, " %d file(s) changed, %d insertion(s)(+), %d deletion(s)(-)\n", len(pairs), adds, dels)
	return err
}
