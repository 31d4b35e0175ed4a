package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/circuitvc/circuitvc/bench/internal/scale"
)

// runScale grows each selected dimension and runs every command at each
// size, once (the study is about growth, not small differences).
func runScale(ctx context.Context, o options, work string, sp *scale.Spawner) (string, error) {
	home := filepath.Join(work, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return "", err
	}
	env := scale.BaseEnv(home)
	s := scale.Scenario{
		CVC:  scale.Exec{Path: o.cvc, Env: env, KeepStdout: true, Via: sp},
		Git:  &scale.Git{Env: env},
		Work: work,
		Report: func(st scale.Step) {
			logf("  %-8s %-12s %-16s %10s %6.0f MiB", st.Dim, st.Size, st.Op, st.M.Wall.Round(time.Millisecond), float64(st.M.MaxRSS)/(1<<20))
		},
	}
	history, files, big := []int{100, 1000, 10000}, []int{10, 100, 1000}, []int{1e6, 5e6, 50e6}
	if o.quick {
		history, files, big = history[:2], files[:2], big[:2]
	}
	type stage struct {
		dim   string
		sizes []int
		fn    func(context.Context, int) ([]scale.Step, error)
	}
	stages := []stage{{"history", history, s.History}, {"files", files, s.Files}, {"bigfile", big, s.BigFile}}
	var all []scale.Step
	for _, st := range stages {
		if !strings.Contains(o.sizes, st.dim) {
			continue
		}
		for _, n := range st.sizes {
			start := time.Now()
			steps, err := st.fn(ctx, n)
			all = append(all, steps...)
			if err != nil {
				return scale.Table(all), fmt.Errorf("scale %s %d: %w", st.dim, n, err)
			}
			logf("%s %d done in %s", st.dim, n, time.Since(start).Round(time.Millisecond))
			// Free the disk: the largest fixtures take gigabytes.
			os.RemoveAll(filepath.Join(work, fmt.Sprintf("%s-%d", st.dim, n)))
		}
	}
	var b strings.Builder
	b.WriteString("Each cell: wall time / peak RSS of one run of the circuitvc binary.\n\n")
	b.WriteString(scale.Table(all))
	b.WriteString("\nPeak memory of save against the target 4 × file size + 30 MiB:\n\n| file | save peak RSS | limit | met |\n|---|---:|---:|---|\n")
	for _, st := range all {
		if st.Op != "save" || st.Dim != "bigfile" {
			continue
		}
		limit := 4*st.Bytes + 30<<20
		ok := "yes"
		if st.M.MaxRSS > limit {
			ok = "**no**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", st.Size, mib(st.M.MaxRSS), mib(limit), ok)
	}
	return b.String(), nil
}
