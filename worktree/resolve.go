package worktree

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/internal/circuit"
	"github.com/circuitvc/circuitvc/internal/merge"
)

// ErrNoConflicts: resolve was asked about a file whose report has no
// conflict left open.
var ErrNoConflicts = errors.New("no conflicts left open")

// ResolveOptions say which conflicts of a merged file to resolve, and how.
type ResolveOptions struct {
	// File is the merged file; Report the report of its merge.
	File, Report string
	// Items name the conflicts (see merge.Report.Select); none means all
	// open ones.
	Items []string
	// Side is the side whose values to take: "ours", "theirs" or
	// "base"; empty marks the conflicts resolved as the file is (it was
	// edited by hand).
	Side string
}

// ResolveResult says what resolving did and what is left.
type ResolveResult struct {
	// Resolved are the conflicts resolved now.
	Resolved []*merge.Conflict
	// Open counts the conflicts still open.
	Open int
	// Problems are the merged file's validation errors, checked once no
	// conflict is left open: a merge is finished only when the circuit
	// is valid again.
	Problems []*circuit.Error
}

// ResolveFile resolves conflicts of a merged file with one side's
// values, keeping the file's layout, and marks them resolved in the
// report. The file and the report are each replaced atomically.
func ResolveFile(_ context.Context, fsys fsx.FS, opts ResolveOptions) (*ResolveResult, error) {
	rep, err := ReadReport(fsys, opts.Report)
	if err != nil {
		return nil, err
	}
	if rep.Open() == 0 {
		return nil, fmt.Errorf("%s: %w", opts.File, ErrNoConflicts)
	}
	chosen, err := rep.Select(opts.Items)
	if err != nil {
		return nil, err
	}
	if opts.Side == "" {
		return markResolved(fsys, opts, rep, chosen)
	}
	if rep.Format == "file" || rep.Format == "text" {
		return nil, fmt.Errorf("%s: %w", opts.File, ErrByHand)
	}
	data, err := fsx.ReadFile(fsys, opts.File)
	if err != nil {
		return nil, err
	}
	out := data
	for _, c := range chosen {
		if out, err = merge.Resolve(rep.File, out, c, opts.Side); err != nil {
			return nil, err
		}
		c.Resolved = opts.Side
	}
	if string(out) != string(data) {
		if err := fsx.WriteFile(fsys, opts.File, out, 0o644); err != nil {
			return nil, err
		}
	}
	if err := WriteReport(fsys, opts.Report, rep); err != nil {
		return nil, err
	}
	res := &ResolveResult{Resolved: chosen, Open: rep.Open()}
	if res.Open == 0 {
		_, all := circuit.Check(rep.File, out, circuit.ValidateOptions{})
		res.Problems = circuit.Errors(all)
	}
	return res, nil
}

// ErrByHand: a conflict about a whole file (not JSON, or deleted on one
// side and changed on the other) has no values to choose between.
var ErrByHand = errors.New("this conflict is settled by hand: edit or delete the file, then 'circuitvc resolve FILE --mark'")

// markResolved records conflicts as settled by hand, changing no file.
func markResolved(fsys fsx.FS, opts ResolveOptions, rep *merge.Report, chosen []*merge.Conflict) (*ResolveResult, error) {
	for _, c := range chosen {
		c.Resolved = "by hand"
	}
	if err := WriteReport(fsys, opts.Report, rep); err != nil {
		return nil, err
	}
	res := &ResolveResult{Resolved: chosen, Open: rep.Open()}
	if data, err := fsx.ReadFile(fsys, opts.File); err == nil && res.Open == 0 {
		_, all := circuit.Check(rep.File, data, circuit.ValidateOptions{})
		res.Problems = circuit.Errors(all)
	}
	return res, nil
}

// ReportPlace says where the report of a merged file is and who made it.
type ReportPlace struct {
	// Path is the report's path.
	Path string
	// By is "git" for a report of git's merge driver, "circuitvc" for
	// one of 'circuitvc merge', "" for one named by the user.
	By string
}

// FindReport finds the report of the merge that left file (a path from
// dir): that of the merge in progress in the circuitvc store holding it,
// else that of git's merge driver in the git repository holding it.
func FindReport(ctx context.Context, fsys fsx.FS, dir, file string) (ReportPlace, error) {
	abs := file
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(dir, file)
	}
	if repo, err := Find(dir, OpenOptions{FS: fsys}); err == nil {
		defer repo.Close()
		if p, ok := repo.mergeReport(abs); ok {
			return ReportPlace{Path: p, By: "circuitvc"}, nil
		}
	}
	gitDir, top, err := GitRepo(ctx, dir)
	if err == nil {
		rel, rerr := filepath.Rel(top, abs)
		if rerr == nil {
			p := GitReportPath(gitDir, filepath.ToSlash(rel))
			if _, serr := fsys.Stat(p); serr == nil {
				return ReportPlace{Path: p, By: "git"}, nil
			}
		}
	}
	return ReportPlace{}, &PathError{Path: file, Err: ErrNoReport}
}

// ErrNoReport: no merge left a report for the file.
var ErrNoReport = errors.New("no merge report: no merge in progress left conflicts in it (name a report with --report)")
