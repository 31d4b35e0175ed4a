// Package gittest runs stock git as the oracle that circuitvc's tests
// check stores against: git fsck, git log, git hash-object and friends.
//
// git runs with a fixed identity and without the system's or the user's
// configuration, so that its output depends only on the store. Tests that
// need git skip without it (Need); checks that are only extra assurance
// (Fsck) do nothing without it.
package gittest

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// Identity is the author and committer of the commits git makes in tests.
const (
	Name  = "Test User"
	Email = "test@example.com"
)

// Available reports whether git is on PATH.
func Available() bool {
	_, err := exec.LookPath("git")
	return err == nil
}

// Need skips t when git is not on PATH.
func Need(t testing.TB) {
	t.Helper()
	if !Available() {
		t.Skip("git not on PATH")
	}
}

// Env is the environment git runs in: the process's, plus the fixed
// identity, and no system or global configuration.
func Env() []string {
	return append(os.Environ(),
		"GIT_AUTHOR_NAME="+Name, "GIT_AUTHOR_EMAIL="+Email,
		"GIT_COMMITTER_NAME="+Name, "GIT_COMMITTER_EMAIL="+Email,
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "HOME="+os.TempDir())
}

// Command prepares git with args in Env. With gitDir set, git works on
// that repository (--git-dir).
func Command(gitDir string, args ...string) *exec.Cmd {
	if gitDir != "" {
		args = append([]string{"--git-dir=" + gitDir}, args...)
	}
	cmd := exec.Command("git", args...)
	cmd.Env = Env()
	return cmd
}

// Output runs git on gitDir with stdin (nil: none) and returns its
// standard output; a failure's error carries git's standard error.
func Output(gitDir string, stdin []byte, args ...string) (string, error) {
	cmd := Command(gitDir, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// Run is Output that fails t on error.
func Run(t testing.TB, gitDir string, stdin []byte, args ...string) string {
	t.Helper()
	out, err := Output(gitDir, stdin, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Text is Run without input, its output trimmed of surrounding space:
// for a hash or a list of lines.
func Text(t testing.TB, gitDir string, args ...string) string {
	t.Helper()
	return strings.TrimSpace(Run(t, gitDir, nil, args...))
}

// Object is an object as git cat-file prints it.
type Object struct {
	Type string // "blob", "tree", "commit" or "tag"
	Data []byte
}

// Objects returns every object in gitDir, by hex name, as one run of git
// cat-file --batch-all-objects reads them.
func Objects(t testing.TB, gitDir string) map[string]Object {
	t.Helper()
	out := Run(t, gitDir, nil, "cat-file", "--batch-all-objects", "--batch", "--unordered")
	objs := map[string]Object{}
	for rest := []byte(out); len(rest) > 0; {
		head, body, ok := bytes.Cut(rest, []byte("\n"))
		f := strings.Fields(string(head))
		if !ok || len(f) != 3 {
			t.Fatalf("git cat-file --batch: bad header %q", head)
		}
		size, err := strconv.Atoi(f[2])
		if err != nil || size+1 > len(body) {
			t.Fatalf("git cat-file --batch: bad size in %q", head)
		}
		objs[f[0]] = Object{Type: f[1], Data: body[:size]}
		rest = body[size+1:] // the content ends with a newline of its own
	}
	return objs
}

// InitBare makes dir a bare repository whose HEAD names main. It needs
// git: call Need first.
func InitBare(t testing.TB, dir string) {
	t.Helper()
	Run(t, "", nil, "init", "--quiet", "--bare", "--initial-branch=main", dir)
}

// FsckError runs git's strictest check (fsck --strict; dangling objects,
// which are no damage, aside) on gitDir and returns an error unless it
// passes and prints nothing but notices ("HEAD points to an unborn
// branch"), not even a warning.
func FsckError(gitDir string) error {
	out, err := Command(gitDir, "fsck", "--strict", "--no-progress", "--no-dangling").CombinedOutput()
	for line := range strings.Lines(string(out)) {
		if !strings.HasPrefix(line, "notice: ") && strings.TrimSpace(line) != "" {
			err = cmp.Or(err, errors.New("it printed more than notices"))
		}
	}
	if err != nil {
		return fmt.Errorf("git fsck --strict %s: %w\n%s", gitDir, err, out)
	}
	return nil
}

// Fsck fails t unless FsckError finds gitDir clean. Without git it does
// nothing: fsck is an extra check that no test depends on git for.
func Fsck(t testing.TB, gitDir string) {
	t.Helper()
	if !Available() {
		return
	}
	if err := FsckError(gitDir); err != nil {
		t.Fatal(err)
	}
}
