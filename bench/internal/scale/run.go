package scale

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Measure is what one command run cost.
type Measure struct {
	// Wall is the elapsed time from start to exit.
	Wall time.Duration
	// MaxRSS is the peak resident set size in bytes (0 when the
	// platform does not report it, or for in-process runs).
	MaxRSS int64
	// Stdout is what the command printed, when kept.
	Stdout []byte
}

// Add combines the costs of two commands run one after the other:
// times add up, the peak is the larger one.
func (m Measure) Add(o Measure) Measure {
	return Measure{Wall: m.Wall + o.Wall, MaxRSS: max(m.MaxRSS, o.MaxRSS), Stdout: append(m.Stdout, o.Stdout...)}
}

// Runner runs one command line of a tool in a directory.
type Runner interface {
	Run(ctx context.Context, dir string, args ...string) (Measure, error)
}

// Exec runs a program as a child process, timing it and reading its
// peak memory from the kernel's resource usage of the child.
type Exec struct {
	// Path is the program to run.
	Path string
	// Env is the complete environment of the child.
	Env []string
	// KeepStdout keeps what the child prints in Measure.Stdout;
	// otherwise it goes to the null device, so output costs the same
	// for every tool.
	KeepStdout bool
	// Via, when set, starts the child from the spawner process, so that
	// its peak RSS is not inflated by ours.
	Via *Spawner
}

// Run implements Runner.
func (e Exec) Run(ctx context.Context, dir string, args ...string) (Measure, error) {
	if e.Via != nil {
		if err := ctx.Err(); err != nil {
			return Measure{}, err
		}
		return e.Via.run(spawnRequest{Path: e.Path, Args: args, Dir: dir, Env: e.Env, Keep: e.KeepStdout})
	}
	cmd := exec.CommandContext(ctx, e.Path, args...)
	cmd.Dir = dir
	cmd.Env = e.Env
	var out, errb bytes.Buffer
	if e.KeepStdout {
		cmd.Stdout = &out
	}
	cmd.Stderr = &errb
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	m := Measure{Wall: wall, Stdout: out.Bytes()}
	if cmd.ProcessState != nil {
		m.MaxRSS = maxRSS(cmd.ProcessState)
	}
	if err != nil {
		return m, fmt.Errorf("%s %s (in %s): %w: %s", e.Path, strings.Join(args, " "), dir, err, strings.TrimSpace(errb.String()))
	}
	return m, nil
}

// BaseEnv is a clean environment for benchmark children: no user or
// system git configuration, a private HOME, a fixed identity, no pager
// and the C locale, so that both tools run the same way on every machine.
func BaseEnv(home string) []string {
	env := []string{
		"HOME=" + home,
		"PATH=" + os.Getenv("PATH"),
		"LC_ALL=C",
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_PAGER=cat",
		"PAGER=cat",
		"GIT_AUTHOR_NAME=Bench",
		"GIT_AUTHOR_EMAIL=bench@example.com",
		"GIT_COMMITTER_NAME=Bench",
		"GIT_COMMITTER_EMAIL=bench@example.com",
		"CIRCUITVC_AUTHOR=Bench <bench@example.com>",
		"NO_COLOR=1",
		"TERM=dumb",
	}
	if v := os.Getenv("TMPDIR"); v != "" {
		env = append(env, "TMPDIR="+v)
	}
	return env
}
