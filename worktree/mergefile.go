package worktree

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"path/filepath"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/internal/merge"
)

// ErrNoLineMerge: a file that is not JSON needs git's line merge, and
// git is not installed.
var ErrNoLineMerge = errors.New("not JSON, and git is not installed for a line merge: nothing was merged")

// MergeFileOptions say what MergeFile merges and where the result goes.
type MergeFileOptions struct {
	// Base, Ours and Theirs are the paths of the three versions; Base may
	// be an empty file (both sides added the file).
	Base, Ours, Theirs string
	// Out receives the result; empty means Ours (git's merge-driver
	// protocol: %A), "-" means Stdout.
	Out    string
	Stdout io.Writer
	// Name is the file's name in messages and reports, and a hint to its
	// format (a diagram.json is Wokwi); default Ours.
	Name string
	// Favor settles conflicts in favour of one side.
	Favor merge.Favor
	// Report, when set, is where the report of conflicts is written (a
	// report without conflicts too, unless OnlyConflicts).
	Report string
	// OnlyConflicts writes the report only when conflicts are left, and
	// removes an old one otherwise (git's merge driver: a report of an
	// earlier merge of the file must not outlive it).
	OnlyConflicts bool
}

// MergeFileResult says how a file was merged and what is left.
type MergeFileResult struct {
	// Method is "semantic" for circuits, "json" for other JSON, "lines"
	// for git's line merge.
	Method string
	// Format is the format merged (for a line merge, "text").
	Format string
	// Conflicts are the conflicts found, settled ones included (none for
	// a line merge, whose conflicts are marked in the file).
	Conflicts []*merge.Conflict
	// Open counts the conflicts left: those not settled, or the
	// conflicting hunks of a line merge.
	Open int
}

// MergeFile merges the change from Base to Theirs into Ours, as git's
// merge drivers do: circuits item by item, other JSON member by member
// (package merge), and anything else with git's line merge (git
// merge-file), or not at all when git is missing (ErrNoLineMerge). The
// result replaces Out atomically; where the sides conflict it holds
// ours' values (markers, for a line merge).
func MergeFile(ctx context.Context, fsys fsx.FS, opts MergeFileOptions) (*MergeFileResult, error) {
	if opts.Name == "" {
		opts.Name = opts.Ours
	}
	var sides [3][]byte
	for i, p := range []string{opts.Base, opts.Ours, opts.Theirs} {
		data, err := fsx.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		sides[i] = data
	}
	res := &MergeFileResult{}
	var data []byte
	r, err := merge.Merge(sides[0], sides[1], sides[2], merge.Options{Name: opts.Name, Favor: opts.Favor})
	switch {
	case err == nil:
		data, res.Format, res.Conflicts, res.Open = r.Data, r.Format.String(), r.Conflicts, len(r.Open())
		res.Method = "semantic"
		if !r.Format.IsCircuit() {
			res.Method = "json"
		}
	case errors.Is(err, merge.ErrNotJSON):
		res.Method, res.Format = "lines", "text"
		if data, res.Open, err = lineMerge(ctx, opts); err != nil {
			return nil, fmt.Errorf("%s: %w", opts.Name, err)
		}
	default:
		return nil, err
	}
	if err := writeResult(fsys, opts, data); err != nil {
		return nil, err
	}
	switch {
	case opts.Report == "":
	case opts.OnlyConflicts && (res.Open == 0 || res.Method == "lines"):
		if err := fsys.Remove(opts.Report); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	default:
		rep := &merge.Report{File: opts.Name, Format: res.Format, Conflicts: res.Conflicts}
		if err := WriteReport(fsys, opts.Report, rep); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func writeResult(fsys fsx.FS, opts MergeFileOptions, data []byte) error {
	switch opts.Out {
	case "-":
		_, err := opts.Stdout.Write(data)
		return err
	case "":
		opts.Out = opts.Ours
	}
	return fsx.WriteFile(fsys, opts.Out, data, 0o644)
}

// WriteReport writes a merge report, making its directory if needed.
func WriteReport(fsys fsx.FS, path string, rep *merge.Report) error {
	data, err := rep.Marshal()
	if err != nil {
		return err
	}
	if err := fsx.MkdirAll(fsys, filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return fsx.WriteFile(fsys, path, data, 0o644)
}

// ReadReport reads a merge report.
func ReadReport(fsys fsx.FS, path string) (*merge.Report, error) {
	data, err := fsx.ReadFile(fsys, path)
	if err != nil {
		return nil, err
	}
	rep, err := merge.ParseReport(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rep, nil
}

// lineMerge runs git merge-file on the three versions, as git merges
// text: the result with conflict markers, and how many conflicts.
func lineMerge(ctx context.Context, opts MergeFileOptions) ([]byte, int, error) {
	git, err := exec.LookPath("git")
	if err != nil {
		return nil, 0, ErrNoLineMerge
	}
	args := []string{"merge-file", "-p", "-L", opts.Name, "-L", "base", "-L", "theirs"}
	switch opts.Favor {
	case merge.FavorOurs:
		args = append(args, "--ours")
	case merge.FavorTheirs:
		args = append(args, "--theirs")
	}
	args = append(args, "--", opts.Ours, opts.Base, opts.Theirs)
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, git, args...)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out.Bytes(), 0, nil
	case errors.As(err, &exit) && exit.ExitCode() > 0 && exit.ExitCode() < 128:
		// git merge-file exits with the number of conflicts.
		return out.Bytes(), exit.ExitCode(), nil
	}
	return nil, 0, fmt.Errorf("git merge-file: %v: %s", err, bytes.TrimSpace(stderr.Bytes()))
}
