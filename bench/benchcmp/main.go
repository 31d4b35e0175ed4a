// Command benchcmp times circuitvc against stock git on the same work and
// prints a Markdown table of medians, ratios and targets (issue 5); with
// -scale it runs the scale study instead. bench/compare.sh and
// bench/scale.sh build circuitvc and run it.
//
// Every timed run is a real child process (the circuitvc binary, or git
// with core.fsync=all), measured by wall clock from start to exit, with its
// peak resident set size read from wait4's rusage. Fixtures are built
// in-process through the worktree API (without fsync, since fixture
// building is not timed), and the git side receives exactly the same
// commits, written loose by git itself.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/circuitvc/circuitvc/bench/internal/scale"
)

// options are the command-line settings.
type options struct {
	cvc    string // circuitvc binary
	corpus string // CIRCUITVC_CORPUS
	work   string // scratch directory; a temp dir when empty
	keep   bool
	runs   int
	saves  int
	files  int
	rows   string
	quick  bool
	scale  bool
	sizes  string // scale: which dimensions
	out    string // also write the table here
	prof   bool
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == scale.HelperArg {
		if err := scale.ServeHelper(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "benchcmp spawner:", err)
			os.Exit(1)
		}
		return
	}
	var o options
	flag.StringVar(&o.cvc, "circuitvc", "", "circuitvc binary to time (required)")
	flag.StringVar(&o.corpus, "corpus", envOr("CIRCUITVC_CORPUS", "../shared/testdata"), "real circuit corpus (holds tscircuit/led-water-accelerometer.json)")
	flag.StringVar(&o.work, "work", "", "scratch directory (default: a new temporary directory)")
	flag.BoolVar(&o.keep, "keep", false, "keep the scratch directory")
	flag.IntVar(&o.runs, "runs", 5, "timed runs per row (the median is reported; at least 5 for published figures)")
	flag.IntVar(&o.saves, "saves", 1000, "saves in the history used by log, restore, verify and size")
	flag.IntVar(&o.files, "files", 500, "circuit files in the status directory")
	flag.StringVar(&o.rows, "rows", "save,log,diff,restore,status,verify,size,share", "comma-separated rows to run")
	flag.BoolVar(&o.quick, "quick", false, "smaller fixtures (200 saves, 100 files) for a fast check")
	flag.BoolVar(&o.scale, "scale", false, "run the scale study instead of the comparison")
	flag.StringVar(&o.sizes, "sizes", "history,files,bigfile", "scale: dimensions to grow (history, files, bigfile)")
	flag.StringVar(&o.out, "o", "", "also write the Markdown result to this file")
	flag.Parse()
	if o.cvc == "" {
		fmt.Fprintln(os.Stderr, "benchcmp: -circuitvc BINARY is required (bench/compare.sh builds it)")
		os.Exit(2)
	}
	if o.quick {
		o.saves, o.files = min(o.saves, 200), min(o.files, 100)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "benchcmp:", err)
		os.Exit(1)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func run(ctx context.Context, o options) error {
	abs, err := filepath.Abs(o.cvc)
	if err != nil {
		return err
	}
	o.cvc = abs
	work := o.work
	if work == "" {
		if work, err = os.MkdirTemp("", "circuitvc-bench-"); err != nil {
			return err
		}
	} else if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintln(os.Stderr, "benchcmp: scratch directory kept:", work)
	} else {
		defer os.RemoveAll(work)
	}
	// The spawner starts every timed child; start it while we are small.
	self, err := os.Executable()
	if err != nil {
		return err
	}
	sp, err := scale.StartSpawner(self)
	if err != nil {
		return err
	}
	defer sp.Close()
	var md string
	if o.scale {
		md, err = runScale(ctx, o, work, sp)
	} else {
		md, err = runCompare(ctx, o, work, sp)
	}
	if err != nil {
		return err
	}
	fmt.Print(md)
	if o.out != "" {
		return os.WriteFile(o.out, []byte(md), 0o644)
	}
	return nil
}

// selected reports whether a row was asked for.
func (o options) selected(row string) bool {
	for _, r := range strings.Split(o.rows, ",") {
		if strings.TrimSpace(r) == row {
			return true
		}
	}
	return false
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "benchcmp: "+format+"\n", a...)
}
