package cli

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/circuitvc/circuitvc/worktree"
)

// runWith runs one command line in dir on fsys and returns its exit code
// and stderr.
func runWith(t *testing.T, fsys fsx.FS, dir string, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Dir: dir, FS: fsys, Now: time.Now,
		Getenv: func(k string) string {
			if k == "CIRCUITVC_AUTHOR" {
				return "Test User <test@example.com>"
			}
			return ""
		},
	}
	code := Run(context.Background(), append([]string{"circuitvc"}, args...), env)
	return code, errb.String()
}

// TestFileSystemErrorsExit9: a working file that cannot be read, and a
// store on a full or read-only disk, give exit 9 and a one-line error
// naming the file, and change nothing.
func TestFileSystemErrorsExit9(t *testing.T) {
	dir := t.TempDir()
	if code, stderr := runWith(t, fsx.OS(), dir, "init"); code != ExitOK {
		t.Fatalf("init: %d %s", code, stderr)
	}
	file := filepath.Join(dir, "amp.circuit.json")
	if err := os.WriteFile(file, []byte(`{"components": [{"id": "R1", "pins": ["1"]}], "nets": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stderr := runWith(t, fsx.OS(), dir, "save", "-m", "v1"); code != ExitOK {
		t.Fatalf("save: %d %s", code, stderr)
	}
	if err := os.WriteFile(file, []byte(`{"components": [{"id": "R2", "pins": ["1"]}], "nets": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	head, _ := os.ReadFile(filepath.Join(dir, ".circuitvc", "refs", "heads", "main"))
	cases := []struct {
		name  string
		fault fsxtest.Fault
		names string
	}{
		{"unreadable working file", fsxtest.Fault{Op: "open", Path: "amp.circuit.json", Times: -1, Err: syscall.EACCES}, "amp.circuit.json"},
		{"disk full", fsxtest.Fault{Op: "write", Path: "/objects/", Times: -1, Err: syscall.ENOSPC}, "no space left on device"},
		{"read-only store", fsxtest.Fault{Op: "open", Path: "/objects/tmp_obj_", Times: -1, Err: syscall.EROFS}, "read-only file system"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ffs := fsxtest.NewFaultFS(fsx.OS())
			ffs.Inject(c.fault)
			code, stderr := runWith(t, ffs, dir, "save", "-m", "v2")
			if code != ExitIO {
				t.Errorf("exit %d, want %d (stderr %q)", code, ExitIO, stderr)
			}
			if !strings.HasPrefix(stderr, "circuitvc: ") || !strings.Contains(stderr, c.names) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr %q: want one line naming %q", stderr, c.names)
			}
			if now, _ := os.ReadFile(filepath.Join(dir, ".circuitvc", "refs", "heads", "main")); !bytes.Equal(now, head) {
				t.Error("the current version moved")
			}
		})
	}
}

func TestExitCodeOfWrappedErrors(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{usagef("bad"), ExitUsage},
		{silentError{code: ExitDifferent}, ExitDifferent},
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.EACCES}, ExitIO},
		{&fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist}, ExitNoPath},
		{&fs.PathError{Op: "lock", Path: "x", Err: fsx.ErrLocked}, ExitLocked},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

// TestEveryKindHasOneExitCode: exitCodes maps every kind of failure the
// porcelain decides to exactly one exit code.
func TestEveryKindHasOneExitCode(t *testing.T) {
	for _, k := range worktree.Kinds() {
		var codes []int
		for _, d := range exitCodes {
			if slices.Contains(d.kinds, k) {
				codes = append(codes, d.code)
			}
		}
		if len(codes) != 1 {
			t.Errorf("kind %v has exit codes %v; want exactly one", k, codes)
		}
	}
}

// TestErrorsNameTheUsersFile: a restore whose working directory refuses
// the write, and a save refusing an invalid circuit, fail with one line
// naming the user's file, never the temp file of an atomic replace
// (issue 8, item 17).
func TestErrorsNameTheUsersFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "good.circuit.json")
	for i, step := range [][]string{{"init"}, {"save", "-m", "v1"}, {"save", "-m", "v2"}} {
		if i == 2 {
			if err := os.WriteFile(file, []byte(`{"components": [{"id": "R2", "pins": ["1"]}], "nets": []}`), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if code, stderr := runWith(t, fsx.OS(), dir, step...); code != ExitOK {
			t.Fatalf("%v: %d %s", step, code, stderr)
		}
		if i == 0 {
			if err := os.WriteFile(file, []byte(`{"components": [{"id": "R1", "pins": ["1"]}], "nets": []}`), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	cases := []struct {
		name  string
		fault fsxtest.Fault
		args  []string
		code  int
	}{
		{"temp file refused", fsxtest.Fault{Op: "open", Path: ".good.circuit.json.tmp-", Times: -1, Err: syscall.EACCES}, []string{"restore", "--to", "current~1"}, ExitIO},
		{"temp file write fails", fsxtest.Fault{Op: "write", Path: ".good.circuit.json.tmp-", Times: -1, Err: syscall.EIO}, []string{"restore", "--to", "current~1"}, ExitIO},
		{"rename refused", fsxtest.Fault{Op: "rename", Path: ".good.circuit.json.tmp-", Times: -1, Err: syscall.EPERM}, []string{"restore", "--to", "current~1"}, ExitIO},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ffs := fsxtest.NewFaultFS(fsx.OS())
			ffs.Inject(c.fault)
			code, stderr := runWith(t, ffs, dir, c.args...)
			if code != c.code || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, file) || strings.Contains(stderr, ".tmp-") {
				t.Errorf("exit %d, stderr %q: want exit %d and one line naming %s and no temp file", code, stderr, c.code, file)
			}
		})
	}
	if err := os.WriteFile(file, []byte(`{"components": [{"id": "R1", "pins": ["1"]}, {"id": "R1", "pins": ["1"]}], "nets": [{"name": "A", "connections": ["R9.1"]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stderr := runWith(t, fsx.OS(), dir, "save")
	if code != ExitInvalid || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "good.circuit.json:1:") {
		t.Errorf("save of an invalid circuit: exit %d, stderr %q: want exit 3 and one line locating the problem", code, stderr)
	}
}

// TestRemovedWorkingDirectory: a command started in a directory that no
// longer exists says so, rather than running with no directory. The
// child process (this test binary again) removes its own working
// directory before it runs Main.
func TestRemovedWorkingDirectory(t *testing.T) {
	const childEnv = "CIRCUITVC_TEST_REMOVED_DIR"
	if dir := os.Getenv(childEnv); dir != "" {
		if err := os.Chdir(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(dir); err != nil {
			t.Fatal(err)
		}
		os.Args = []string{"circuitvc", "status"}
		os.Exit(Main())
	}
	if runtime.GOOS == "windows" {
		t.Skip("Windows cannot remove a process's working directory")
	}
	dir := filepath.Join(t.TempDir(), "gone")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRemovedWorkingDirectory$")
	cmd.Env = append(os.Environ(), childEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != ExitNoPath || !strings.HasPrefix(string(out), "circuitvc: current directory: ") {
		t.Fatalf("circuitvc status in a removed directory: %v\n%s", err, out)
	}
}
