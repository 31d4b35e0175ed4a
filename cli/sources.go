package cli

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/circuitvc/circuitvc/internal/circuit"
	"github.com/circuitvc/circuitvc/internal/textdiff"
	"github.com/circuitvc/circuitvc/worktree"
)

// A circuit file may use the files beside it: a KiCad schematic reads
// its sub-sheets, and a sub-sheet is read through the root that uses it.
// A file named on the command line is read with the files around it on
// disk; a file of a version, with that version's files (worktree.TreeFS).

// argFiles reads the files around those named on the command line, by
// absolute slash-separated path, through the command's file system.
type argFiles struct{ env *Env }

func (a argFiles) Open(name string) (fs.File, error) {
	return a.env.FS.OpenFile(filepath.FromSlash(name), os.O_RDONLY, 0)
}

func (a argFiles) ReadDir(name string) ([]fs.DirEntry, error) {
	return a.env.FS.ReadDir(filepath.FromSlash(name))
}

// argSource is a file named on the command line, relative to dir, with
// the files around it.
func argSource(env *Env, dir, name string, data []byte) circuit.Source {
	return circuit.Source{Name: name, Data: data, Path: filepath.ToSlash(resolveDir(dir, name)), Files: argFiles{env}}
}

// pairSources are the two sides of a file pair as circuit sources; an
// absent side has nil Data.
// The files of each side share what is read of them (a KiCad hierarchy
// with several changed sheets is read once per side).
func pairSources(p worktree.FilePair, cmp *comparison) (old, new circuit.Source) {
	if cmp.reads[0] == nil {
		cmp.reads = [2]*circuit.Reads{{}, {}}
	}
	if cmp.plain {
		old, new = cmp.sources[0], cmp.sources[1]
	} else {
		oldPath := p.Path
		if p.Renamed() {
			oldPath = p.OldPath
		}
		old = circuit.Source{Name: oldPath, Data: p.Old, Files: p.OldFiles}
		new = circuit.Source{Name: p.Path, Data: p.New, Files: p.NewFiles}
	}
	old.Data, new.Data = present(p.Old, p.OldOK), present(p.New, p.NewOK)
	old.Reads, new.Reads = cmp.reads[0], cmp.reads[1]
	return old, new
}

// present is a side's bytes: nil when the file is absent, never nil
// when it exists (even empty).
func present(data []byte, ok bool) []byte {
	if !ok {
		return nil
	}
	if data == nil {
		return []byte{}
	}
	return data
}

// drawingDiff fills d, for a format whose files hold more than the
// circuit model reads (a KiCad schematic's wires, graphics and text),
// with the line diff of a change outside the model; it reports false
// when there is none to show: another format, or the same S-expression
// laid out otherwise (formatting only).
func drawingDiff(d *fileDiff, p worktree.FilePair, f circuit.Format, cmp *comparison, context int) bool {
	if f != circuit.FormatKiCad && f != circuit.FormatKiCadNetlist || circuit.SameSyntax(f, p.Old, p.New) {
		return false
	}
	var b bytes.Buffer
	oldName, newName := sideNames(p, cmp)
	if _, err := textdiff.Unified(&b, oldName, newName, p.Old, p.New, context); err != nil {
		return false
	}
	d.Text, d.other = b.String(), textChanges(b.String())
	return true
}

// textChanges is a line diff shown as the changes outside the model.
type textChanges string

func (t textChanges) WriteText(w io.Writer) error {
	_, err := io.WriteString(w, string(t))
	return err
}
