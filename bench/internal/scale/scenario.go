package scale

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/circuitvc/circuitvc/internal/circuit/gen"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/worktree"
)

// Step is one command of the scale scenario at one size.
type Step struct {
	Dim  string // history, files or bigfile
	Size string // e.g. "10000 saves"
	Op   string // save, log, diff, restore, status, verify, gc
	M    Measure
	// Bytes is the size of the working file(s) the step handled.
	Bytes int64
}

// ErrWrong reports a command that ran but did the wrong thing.
var ErrWrong = errors.New("wrong result")

// Scenario runs every circuitvc command on stores of growing size and
// checks each result: it is the scale study of bench/scale.sh and, at
// small sizes, a test.
type Scenario struct {
	// CVC runs the circuitvc command line (a binary or in-process).
	CVC Runner
	// Git, when set, checks with git fsck --strict that every store stays
	// valid for stock git.
	Git *Git
	// Work is a scratch directory.
	Work string
	// Report, when set, is told of each step as it finishes.
	Report func(Step)
}

// run is one checked command.
func (s Scenario) run(ctx context.Context, steps *[]Step, st Step, dir string, args ...string) ([]byte, error) {
	m, err := s.CVC.Run(ctx, dir, args...)
	if err != nil {
		return nil, fmt.Errorf("%s %s: circuitvc %s: %w", st.Dim, st.Size, strings.Join(args, " "), err)
	}
	st.M = m
	*steps = append(*steps, st)
	if s.Report != nil {
		s.Report(st)
	}
	return m.Stdout, nil
}

func wrong(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrWrong}, a...)...)
}

// commonOps runs log, diff, restore, status, verify and gc on a working
// tree whose first saved commit is first, and checks each: log lists
// count versions, diff of first against current is not empty, restore
// brings back first's bytes of file, status sees a later edit, verify and
// gc succeed and leave history whole.
func (s Scenario) commonOps(ctx context.Context, steps *[]Step, dim, size, dir string, first objects.Hash, count int, file string, firstData []byte) error {
	st := func(op string) Step { return Step{Dim: dim, Size: size, Op: op, Bytes: int64(len(firstData))} }
	out, err := s.run(ctx, steps, st("log"), dir, "log", "--oneline")
	if err != nil {
		return err
	}
	if n := bytes.Count(out, []byte("\n")); out != nil && n != count {
		return wrong("%s: log lists %d versions, want %d", size, n, count)
	}
	out, err = s.run(ctx, steps, st("diff"), dir, "diff", first.String(), "current")
	if err != nil {
		return err
	}
	if out != nil && len(bytes.TrimSpace(out)) == 0 {
		return wrong("%s: diff of the first version against the current one is empty", size)
	}
	if _, err := s.run(ctx, steps, st("restore"), dir, "restore", "--to", first.String(), file); err != nil {
		return err
	}
	got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(file)))
	if err != nil {
		return err
	}
	if !bytes.Equal(got, firstData) {
		return wrong("%s: restore --to %s: %s is not the first version's bytes", size, first, file)
	}
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(file)), append(got, ' ', '\n'), 0o644); err != nil {
		return err
	}
	out, err = s.run(ctx, steps, st("status"), dir, "status")
	if err != nil {
		return err
	}
	if out != nil && !bytes.Contains(out, []byte(file)) {
		return wrong("%s: status does not name the edited %s:\n%s", size, file, out)
	}
	if _, err := s.run(ctx, steps, st("verify"), dir, "verify"); err != nil {
		return err
	}
	if _, err := s.run(ctx, steps, st("gc"), dir, "gc"); err != nil {
		return err
	}
	if _, err := s.run(ctx, steps, st("verify after gc"), dir, "verify"); err != nil {
		return err
	}
	// count + 1: the restore recorded a version.
	out, err = s.run(ctx, steps, st("log after gc"), dir, "log", "--oneline")
	if err != nil {
		return err
	}
	if n := bytes.Count(out, []byte("\n")); out != nil && n != count+1 {
		return wrong("%s: after gc log lists %d versions, want %d", size, n, count+1)
	}
	if s.Git != nil {
		if out, err := s.Git.Run(ctx, dir, "--git-dir="+worktree.DirName, "fsck", "--strict"); err != nil || strings.TrimSpace(out) != "" {
			return fmt.Errorf("%s %s: git fsck --strict: %v %s", dim, size, err, out)
		}
	}
	return nil
}

// History grows one file's history to n saves (a native circuit of about
// 70 KB with one value edited per save), then saves once more and runs
// every command.
func (s Scenario) History(ctx context.Context, n int) ([]Step, error) {
	const name = "board.circuit.json"
	size := strconv.Itoa(n) + " saves"
	dir := filepath.Join(s.Work, "history-"+strconv.Itoa(n))
	d := gen.New(300, 1)
	firstData := d.JSON()
	repo, err := Builder{}.Init(dir)
	if err != nil {
		return nil, err
	}
	commits, err := Builder{}.History(ctx, repo, 0, n, func(i int) (map[string][]byte, string, error) {
		if i > 0 {
			d.Edit(1, int64(i))
		}
		return map[string][]byte{name: d.JSON()}, "edit " + strconv.Itoa(i), nil
	})
	repo.Close()
	if err != nil {
		return nil, err
	}
	var steps []Step
	d.Edit(1, int64(n))
	if err := WriteFile(filepath.Join(dir, name), d.JSON()); err != nil {
		return nil, err
	}
	if _, err := s.run(ctx, &steps, Step{Dim: "history", Size: size, Op: "save", Bytes: int64(len(firstData))}, dir, "save"); err != nil {
		return steps, err
	}
	return steps, s.commonOps(ctx, &steps, "history", size, dir, commits[0], n+1, name, firstData)
}

// Files tracks n circuit files (about 12 KB each), saves them, edits 5
// and saves again, then runs every command.
func (s Scenario) Files(ctx context.Context, n int) ([]Step, error) {
	size := strconv.Itoa(n) + " files"
	dir := filepath.Join(s.Work, "files-"+strconv.Itoa(n))
	name := func(k int) string { return fmt.Sprintf("boards/b%02d/board%04d.circuit.json", k%10, k) }
	repo, err := Builder{}.Init(dir)
	if err != nil {
		return nil, err
	}
	var total int64
	commits, err := Builder{}.History(ctx, repo, 0, 1, func(int) (map[string][]byte, string, error) {
		files := map[string][]byte{}
		for k := 0; k < n; k++ {
			files[name(k)] = gen.Native(50, int64(k))
			total += int64(len(files[name(k)]))
		}
		return files, "boards", nil
	})
	repo.Close()
	if err != nil {
		return nil, err
	}
	var steps []Step
	for k := 0; k < 5; k++ {
		idx := k * n / 5
		d := gen.New(50, int64(idx))
		d.Edit(1, 99)
		if err := WriteFile(filepath.Join(dir, filepath.FromSlash(name(idx))), d.JSON()); err != nil {
			return nil, err
		}
	}
	if _, err := s.run(ctx, &steps, Step{Dim: "files", Size: size, Op: "save", Bytes: total}, dir, "save"); err != nil {
		return steps, err
	}
	return steps, s.commonOps(ctx, &steps, "files", size, dir, commits[0], 2, name(0), gen.Native(50, 0))
}

// ComponentsFor estimates how many generated components make a native
// circuit of about the given size in bytes.
func ComponentsFor(bytes int) int {
	sample := len(gen.Native(2000, 1))
	return max(1, int(float64(bytes)/float64(sample)*2000))
}

// BigFile saves a generated circuit of about the given size, saves an
// edit of it, then saves another edit and runs every command.
func (s Scenario) BigFile(ctx context.Context, bytes int) ([]Step, error) {
	const name = "big.circuit.json"
	d := gen.New(ComponentsFor(bytes), 7)
	firstData := d.JSON()
	size := fmt.Sprintf("%.0f MB", float64(len(firstData))/1e6)
	dir := filepath.Join(s.Work, "bigfile-"+strconv.Itoa(bytes))
	repo, err := Builder{}.Init(dir)
	if err != nil {
		return nil, err
	}
	commits, err := Builder{}.History(ctx, repo, 0, 2, func(i int) (map[string][]byte, string, error) {
		if i > 0 {
			d.Edit(3, int64(i))
		}
		return map[string][]byte{name: d.JSON()}, "big " + strconv.Itoa(i), nil
	})
	repo.Close()
	if err != nil {
		return nil, err
	}
	var steps []Step
	d.Edit(3, 42)
	if err := WriteFile(filepath.Join(dir, name), d.JSON()); err != nil {
		return nil, err
	}
	if _, err := s.run(ctx, &steps, Step{Dim: "bigfile", Size: size, Op: "save", Bytes: int64(len(firstData))}, dir, "save"); err != nil {
		return steps, err
	}
	return steps, s.commonOps(ctx, &steps, "bigfile", size, dir, commits[0], 3, name, firstData)
}

// Table renders steps as Markdown: one row per dimension and size, one
// column per command, each cell "time / peak RSS".
func Table(steps []Step) string {
	ops := []string{"save", "log", "diff", "restore", "status", "verify", "gc", "verify after gc", "log after gc"}
	type key struct{ dim, size string }
	var order []key
	cells := map[key]map[string]Measure{}
	for _, st := range steps {
		k := key{st.Dim, st.Size}
		if cells[k] == nil {
			cells[k] = map[string]Measure{}
			order = append(order, k)
		}
		cells[k][st.Op] = st.M
	}
	var b strings.Builder
	b.WriteString("| dimension | size |")
	for _, op := range ops {
		b.WriteString(" " + op + " |")
	}
	b.WriteString("\n|---|---|" + strings.Repeat("---:|", len(ops)) + "\n")
	for _, k := range order {
		fmt.Fprintf(&b, "| %s | %s |", k.dim, k.size)
		for _, op := range ops {
			m, ok := cells[k][op]
			if !ok {
				b.WriteString(" |")
				continue
			}
			fmt.Fprintf(&b, " %s", dur(m.Wall))
			if m.MaxRSS > 0 {
				fmt.Fprintf(&b, " / %.0f MiB", float64(m.MaxRSS)/(1<<20))
			}
			b.WriteString(" |")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func dur(d time.Duration) string {
	if d >= time.Second {
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
}
