package worktree

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// ErrNoGit: a command that works with a git repository found no git, or
// no repository.
var ErrNoGit = errors.New("not in a git repository (or git is not installed)")

// GitRepo finds the git repository holding dir, as git itself does: its
// git directory and the top of its work tree, both absolute.
func GitRepo(ctx context.Context, dir string) (gitDir, top string, err error) {
	out, err := runGit(ctx, dir, "rev-parse", "--absolute-git-dir", "--show-toplevel")
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", dir, ErrNoGit)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		return "", "", fmt.Errorf("%s: %w (a bare repository has no files to merge)", dir, ErrNoGit)
	}
	return filepath.FromSlash(lines[0]), filepath.FromSlash(lines[1]), nil
}

// GitReportPath is where the merge driver (merge-file --git) keeps the
// report of the file at path (relative to the top of the work tree):
// inside the git directory, where no commit picks it up.
func GitReportPath(gitDir, path string) string {
	return filepath.Join(gitDir, "circuitvc", "merge", filepath.FromSlash(path)+".json")
}

// runGit runs git in dir and returns its standard output.
func runGit(ctx context.Context, dir string, args ...string) (string, error) {
	git, err := exec.LookPath("git")
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, git, args...)
	cmd.Dir = dir
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return out.String(), nil
}
