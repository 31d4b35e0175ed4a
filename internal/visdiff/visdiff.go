package visdiff

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/circuitvc/circuitvc/internal/circuit"
	"github.com/circuitvc/circuitvc/internal/draw"
)

// File is one changed file of a visual diff.
type File struct {
	// Path names the file in the report ("old.json → new.json" for a
	// rename).
	Path string
	// Old and New are the two versions' bytes, nil where the file does
	// not exist.
	Old, New []byte
	// OldLabel and NewLabel say where each version comes from
	// ("current~1", "working tree").
	OldLabel, NewLabel string
	// Semantic is the file's semantic diff when every version present
	// is a circuit of one format; nil otherwise, and the drawings are
	// then compared by their geometry alone.
	Semantic *Semantic
	// Note is shown above the file's change list (a rename, a mode
	// change, "formatting only").
	Note string
	// Text is shown in place of drawings when the file cannot be drawn
	// (it is not a circuit, or a KiCad one): its line diff, or what
	// changed in words.
	Text string
}

// Options tune Build.
type Options struct {
	// Detail is the component count above which a native drawing is
	// simplified (draw.Options.Detail; zero means draw.DefaultDetail).
	Detail int
}

// Build draws every file and says what changed on its drawings: the
// semantic diff's changes, then what only the geometry shows (see the
// package documentation). A file that cannot be drawn on either side is
// shown by its Text, with a note that says why; a version that cannot be drawn while the other can
// is named in the file's note.
func Build(ctx context.Context, files []File, opt Options) ([]draw.FileDiff, error) {
	out := make([]draw.FileDiff, 0, len(files))
	for i := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out = append(out, build(&files[i], opt))
	}
	return out, nil
}

// Write builds the report of files and writes it as one self-contained
// HTML page.
func Write(ctx context.Context, w io.Writer, files []File, title string, opt Options) error {
	diffs, err := Build(ctx, files, opt)
	if err != nil {
		return err
	}
	return draw.WriteReport(w, diffs, draw.ReportOptions{Title: title})
}

func build(f *File, opt Options) draw.FileDiff {
	fd := draw.FileDiff{Path: f.Path, OldLabel: f.OldLabel, NewLabel: f.NewLabel, Note: f.Note}
	var errs [2]error
	fd.Old, fd.New, errs = drawBoth(f.Path, f.Old, f.New, draw.Options{Detail: opt.Detail})
	if fd.Old == nil && fd.New == nil {
		fd.Text = f.Text
		if fd.Text == "" {
			fd.Text = "This file cannot be drawn.\n"
		}
		fd.Note = joinNote(fd.Note, textNote(f))
		return fd
	}
	for s, err := range errs {
		if err != nil {
			fd.Note = joinNote(fd.Note, fmt.Sprintf("the %s version cannot be drawn: %v", [2]string{"old", "new"}[s], errors.Unwrap(err)))
		}
	}
	if f.Semantic == nil || f.Semantic.Delta == nil {
		fd.Changes = draw.Compare(fd.Old, fd.New)
		return fd
	}
	fd.Changes = f.Semantic.changes([2][]byte{f.Old, f.New}, [2]*draw.Drawing{fd.Old, fd.New})
	format := fd.New
	if format == nil {
		format = fd.Old
	}
	if format.Format != draw.Native {
		fd.Changes.Merge(onlyGeometric(draw.Compare(fd.Old, fd.New)))
	}
	return fd
}

// drawBoth draws the versions present, at once when there are two. A
// version that fails to draw is nil with its error.
func drawBoth(name string, old, new []byte, opt draw.Options) (*draw.Drawing, *draw.Drawing, [2]error) {
	var d [2]*draw.Drawing
	var errs [2]error
	var wg sync.WaitGroup
	for s, data := range [2][]byte{old, new} {
		if data != nil {
			wg.Go(func() { d[s], errs[s] = draw.Parse(name, data, opt) })
		}
	}
	wg.Wait()
	return d[0], d[1], errs
}

// onlyGeometric keeps the changes of draw.Compare that the semantic
// model cannot see: connectivity is the semantic diff's, while a
// tscircuit file's traces, pads and schematic placement, and a Wokwi
// wire's colour and route, are geometry. (A native file holds nothing
// but the model: Build does not compare its drawings at all.)
func onlyGeometric(cs draw.ChangeSet) draw.ChangeSet {
	var out draw.ChangeSet
	for _, c := range cs.Changes {
		if c.Kind != draw.Net {
			out.Changes = append(out.Changes, c)
		}
	}
	return out
}

// textNote says why a file is shown as text: a circuit in a format
// that is not drawn (a KiCad schematic or netlist) shows its semantic
// diff, any other file its line diff.
func textNote(f *File) string {
	if f.Semantic == nil {
		return "Not a circuit: its changes are shown as text."
	}
	format := "this format"
	for _, c := range []*circuit.Circuit{f.Semantic.Old, f.Semantic.New} {
		if c != nil {
			format = c.Format.String()
		}
	}
	return "A " + format + " circuit: not drawn (the report draws tscircuit, Wokwi and native circuits); its circuit diff is shown as text."
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
