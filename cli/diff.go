package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/internal/circuit"
	"github.com/circuitvc/circuitvc/internal/fsx"
	"github.com/circuitvc/circuitvc/internal/textdiff"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/worktree"
)

func diffCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "diff",
		Usage:     "compare versions, the working files, or two files",
		ArgsUsage: "[REV1 [REV2]] [--] [FILE...] | FILE_A FILE_B",
		Description: `Without REV: the working files against the current version. With one REV:
the working files against REV. With two: REV1 against REV2. When both
arguments are existing files, the two files are compared (no store needed).

Circuits are compared in circuit terms (components, nets, pins, BOM); other
JSON structurally; anything else as a unified line diff with 3 lines of
context. --format json prints the documented JSON form for scripts.
References print as ranges (R1–R40) and long lists are cut with a count;
--full prints them whole.

Examples:
   circuitvc diff
   circuitvc diff current~1 current
   circuitvc diff v1 -- amp.circuit.json
   circuitvc diff --format unified backup
   circuitvc diff old.circuit.json new.circuit.json
   circuitvc diff --exit-code --stat current`,
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "format", Value: "semantic", Usage: "`semantic`, unified or json"},
			&ucli.BoolFlag{Name: "stat", Usage: "only count changed lines per file"},
			&ucli.BoolFlag{Name: "exit-code", Usage: "exit 1 when there are differences"},
			&ucli.IntFlag{Name: "unified", Aliases: []string{"U"}, Value: 3, Usage: "`N` lines of context in line diffs"},
			&ucli.BoolFlag{Name: "full", Usage: "print every reference and pin of long lists (default: ranges, cut with a count)"},
		},
		Action: func(c *ucli.Context) error {
			switch c.String("format") {
			case "semantic", "unified", "json":
			default:
				return usagef("diff --format %q: want semantic, unified or json", c.String("format"))
			}
			cmp, err := diffPairs(c, env)
			if err != nil {
				return err
			}
			if err := renderDiff(c, env, cmp); err != nil {
				return err
			}
			if c.Bool("exit-code") && len(cmp.pairs) > 0 {
				return silentError{code: ExitDifferent}
			}
			return nil
		},
	}
}

// comparison is what diff compares: files, and the names of both sides.
type comparison struct {
	pairs    []worktree.FilePair
	old, new string
	// plain: two files named on the command line, not versions.
	plain bool
}

// diffPairs works out what is compared with what.
func diffPairs(c *ucli.Context, env *Env) (*comparison, error) {
	args := c.Args().Slice()
	if a, b, ok := plainFiles(env.FS, workDir(c, env), args); ok {
		p, err := readPlainPair(env, workDir(c, env), a, b)
		return &comparison{pairs: p, old: a, new: b, plain: true}, err
	}
	repo, err := openRepo(c, env)
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	var revs []objects.Hash
	var names []string
	var paths []string
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
			if _, serr := env.FS.Stat(resolveDir(workDir(c, env), a)); serr != nil {
				return nil, rerr
			}
		}
		p, err := repo.RelPath(workDir(c, env), a)
		if err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	oldH, newH := objects.ZeroHash, objects.ZeroHash
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

// plainFiles reports whether the arguments are exactly two existing files.
func plainFiles(fsys fsx.FS, dir string, args []string) (string, string, bool) {
	if len(args) != 2 {
		return "", "", false
	}
	for _, a := range args {
		fi, err := fsys.Stat(resolveDir(dir, a))
		if err != nil || !fi.Mode().IsRegular() {
			return "", "", false
		}
	}
	return args[0], args[1], true
}

func readPlainPair(env *Env, dir, a, b string) ([]worktree.FilePair, error) {
	p := worktree.FilePair{Path: filepath.ToSlash(b), OldOK: true, NewOK: true}
	var err error
	if p.Old, err = readArgFile(env, dir, a); err != nil {
		return nil, err
	}
	if p.New, err = readArgFile(env, dir, b); err != nil {
		return nil, err
	}
	if string(p.Old) == string(p.New) {
		return nil, nil
	}
	return []worktree.FilePair{p}, nil
}

// fileDiff is one file's comparison, ready to print.
type fileDiff struct {
	Path   string         `json:"path"`
	Status string         `json:"status"` // modified, added, deleted
	Format string         `json:"format"` // native, wokwi, tscircuit, json, text
	Delta  json.Marshaler `json:"delta,omitempty"`
	Text   string         `json:"unified,omitempty"`
	text   interface{ WriteText(io.Writer) error }
	pair   worktree.FilePair
}

func renderDiff(c *ucli.Context, env *Env, cmp *comparison) error {
	format, w := c.String("format"), env.Stdout
	if c.Bool("stat") {
		return writeStat(w, cmp.pairs)
	}
	var all []*fileDiff
	for _, p := range cmp.pairs {
		oldName, newName := p.Path, p.Path
		if cmp.plain {
			oldName, newName = cmp.old, cmp.new
		}
		d, err := compareFile(p, oldName, newName, format, c.Int("unified"))
		if err != nil {
			return err
		}
		if delta, ok := d.text.(*circuit.Delta); ok && c.Bool("full") {
			delta.Limit = -1
		}
		all = append(all, d)
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"old": cmp.old, "new": cmp.new, "files": nonNil(all)})
	}
	col := colour(env, w)
	for _, d := range all {
		if err := writeFileDiff(w, col, d, cmp); err != nil {
			return err
		}
	}
	return nil
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
	}
	return "modified"
}

// compareFile diffs one file at the deepest level both sides allow:
// circuits semantically, other JSON structurally, the rest by lines.
func compareFile(p worktree.FilePair, oldName, newName, format string, context int) (*fileDiff, error) {
	d := &fileDiff{Path: p.Path, Status: status(p), Format: "text", pair: p}
	if format != "unified" && (circuitDiff(d, p) || (p.OldOK && p.NewOK && jsonDiff(d, p))) {
		return d, nil
	}
	var b bytes.Buffer
	if _, err := textdiff.Unified(&b, oldName, newName, p.Old, p.New, context); err != nil {
		return nil, err
	}
	d.Text = b.String()
	return d, nil
}

// circuitDiff fills d with a semantic delta when every side present
// parses as a circuit of the same format; an added or deleted circuit is
// compared with an empty one.
func circuitDiff(d *fileDiff, p worktree.FilePair) bool {
	// ParseBoth takes nil for an absent side.
	side := func(data []byte, ok bool) []byte {
		if ok && data == nil {
			return []byte{}
		}
		if !ok {
			return nil
		}
		return data
	}
	sides, ok := circuit.ParseBoth(p.Path, side(p.Old, p.OldOK), side(p.New, p.NewOK))
	if !ok {
		return false
	}
	delta := circuit.Diff(sides[0], sides[1])
	format := sides[1]
	if format == nil {
		format = sides[0]
	}
	d.Format, d.Delta, d.text = format.Format.String(), delta, delta
	return true
}

// jsonDiff fills d with a structural delta when both sides are JSON.
func jsonDiff(d *fileDiff, p worktree.FilePair) bool {
	delta, err := circuit.DiffJSON(p.Old, p.New)
	if err != nil {
		return false
	}
	d.Format, d.Delta, d.text = "json", delta, delta
	return true
}

func writeFileDiff(w io.Writer, col bool, d *fileDiff, cmp *comparison) error {
	if d.text == nil {
		_, err := io.WriteString(w, colourUnified(col, d.Text))
		return err
	}
	fmt.Fprintf(w, "%s\n", paint(col, bold, fmt.Sprintf("%s %s (%s, %s → %s)", d.Status, d.Path, d.Format, cmp.old, cmp.new)))
	return d.text.WriteText(w)
}

func writeStat(w io.Writer, pairs []worktree.FilePair) error {
	width := 0
	for _, p := range pairs {
		width = max(width, len(p.Path))
	}
	var adds, dels int
	for _, p := range pairs {
		a, d := textdiff.Stat(p.Old, p.New)
		adds, dels = adds+a, dels+d
		fmt.Fprintf(w, " %-*s | +%d -%d\n", width, p.Path, a, d)
	}
	_, err := fmt.Fprintf(w, " %d file(s) changed, %d insertion(s)(+), %d deletion(s)(-)\n", len(pairs), adds, dels)
	return err
}
