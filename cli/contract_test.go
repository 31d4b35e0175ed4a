package cli

// The contract test: every command is run against each failure class of
// failureClasses (the list the README's exit-code table is made from),
// and must end with the class's documented exit code, say why in one line
// naming the file or revision, and — when it fails — leave every working
// file and every ref file (HEAD, refs, packed-refs, reflogs) bit for bit
// as it was.

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
)

// contractCommands are the commands under contract, each with the
// arguments that make it use the store and the working files.
var contractCommands = []struct {
	name string
	args []string
}{
	{"init", []string{"init"}},
	{"save", []string{"save", "-m", "v3"}},
	{"log", []string{"log"}},
	{"show", []string{"show", "current"}},
	{"diff", []string{"diff", "current~1", "current"}},
	{"restore", []string{"restore", "--to", "current~1"}},
	{"status", []string{"status"}},
	{"validate", []string{"validate"}},
	{"export", []string{"export", "--format", "bom", "--rev", "current", "amp.circuit.json"}},
	{"verify", []string{"verify"}},
	{"hash", []string{"hash", "amp.circuit.json"}},
	{"tag", []string{"tag", "rc1", "current"}},
	{"gc", []string{"gc"}},
	{"demo", []string{"demo", "--dir", "tour"}},
	{"merge", []string{"merge", "refs/heads/alice"}},
	{"watch", []string{"watch", "--once"}},
	{"remote", []string{"remote", "add", "nas", "nas.git"}},
	{"fetch", []string{"fetch"}},
	{"push", []string{"push"}},
	{"pull", []string{"pull"}},
	{"clone", []string{"clone", "shared", "copy"}},
}

// fixture is a working tree with a store holding two versions (v1 tagged
// v1, then v2) and an unsaved edit, copied fresh for every run.
type fixture struct {
	dir     string
	fsys    fsx.FS
	release func() error // of a lock the class holds, if any
}

func (fx *fixture) store(p string) string {
	return filepath.Join(fx.dir, ".circuitvc", filepath.FromSlash(p))
}

// contractClass says how to bring about a failure class and what each
// command must do then.
type contractClass struct {
	name  string // a failureClasses name
	setup func(t *testing.T, fx *fixture)
	// args replaces a command's arguments for this class; a command
	// missing from it runs with its usual ones.
	args map[string][]string
	// na lists the commands the class cannot apply to, and why.
	na map[string]string
	// code overrides the class's exit code for some commands: 0 where
	// the class does not stop the command, ExitDifferent where the
	// command's job is to report it (verify).
	code map[string]int
	// names is what the message must name: the file, revision or ref.
	names func(fx *fixture) []string
}

// allBut maps each command to code except those listed.
func allBut(code int, except ...string) map[string]int {
	m := map[string]int{}
	for _, c := range contractCommands {
		if !slices.Contains(except, c.name) {
			m[c.name] = code
		}
	}
	return m
}

func names(s ...string) func(*fixture) []string { return func(*fixture) []string { return s } }

var contractClasses = []contractClass{
	{
		name:  "usage error",
		names: names("no-such-flag"),
	},
	{
		name: "invalid circuit",
		setup: func(t *testing.T, fx *fixture) {
			writeFile(t, filepath.Join(fx.dir, "amp.circuit.json"), `{"components": [{"id": "R1", "pins": ["1"]}`)
		},
		args: map[string][]string{
			"export": {"export", "--format", "bom", "amp.circuit.json"},
			"diff":   {"diff", "current"},
		},
		na:    map[string]string{"demo": "it makes its own files"},
		code:  allBut(0, "save", "validate", "export"),
		names: names("amp.circuit.json"),
	},
	{
		name: "stale lock on current",
		setup: func(t *testing.T, fx *fixture) {
			copyFile(t, fx.store("refs/heads/main"), fx.store("refs/heads/main.lock"))
		},
		na:    map[string]string{"demo": "it makes its own store"},
		code:  allBut(0, "save", "restore", "merge"),
		names: names("refs/heads/main.lock"),
	},
	{
		name:  "stale lock on backup",
		setup: func(t *testing.T, fx *fixture) { writeFile(t, fx.store("refs/circuitvc/backup.lock"), "") },
		na:    map[string]string{"demo": "it makes its own store"},
		code:  allBut(0, "restore", "merge"),
		names: names("refs/circuitvc/backup.lock"),
	},
	{
		name: "store lock held",
		setup: func(t *testing.T, fx *fixture) {
			release, err := fsx.OS().TryLock(fx.store("circuitvc.lock"))
			if err != nil {
				t.Fatal(err)
			}
			fx.release = release
		},
		na:    map[string]string{"demo": "it makes its own store"},
		code:  allBut(0, "save", "restore", "gc", "merge", "watch", "remote", "pull"),
		names: func(fx *fixture) []string { return []string{fx.store("")} },
	},
	{
		name:  "no store",
		setup: func(t *testing.T, fx *fixture) { removeAll(t, fx.store("")) },
		na:    map[string]string{"demo": "it makes its own store"},
		code:  map[string]int{"init": 0, "hash": 0, "clone": 0},
		names: func(fx *fixture) []string { return []string{fx.dir} },
	},
	{
		name: "unknown revision",
		args: map[string][]string{
			"log":     {"log", "nosuchrev"},
			"show":    {"show", "nosuchrev"},
			"diff":    {"diff", "nosuchrev", "current"},
			"restore": {"restore", "--to", "nosuchrev"},
			"export":  {"export", "--format", "bom", "--rev", "nosuchrev", "amp.circuit.json"},
			"tag":     {"tag", "rc1", "nosuchrev"},
			"merge":   {"merge", "nosuchrev"},
		},
		na: map[string]string{"init": "takes no revision", "save": "takes no revision", "status": "takes no revision",
			"validate": "takes no revision", "verify": "takes no revision", "hash": "takes no revision",
			"gc": "takes no revision", "demo": "takes no revision", "remote": "takes no revision", "fetch": "takes no revision",
			"push": "takes no revision", "pull": "takes no revision", "clone": "takes no revision", "watch": "takes no revision"},
		names: names("nosuchrev"),
	},
	{
		name: "missing file",
		args: map[string][]string{
			"save":     {"save", "missing.circuit.json"},
			"show":     {"show", "current:missing.circuit.json"},
			"diff":     {"diff", "amp.circuit.json", "missing.circuit.json"},
			"restore":  {"restore", "--to", "current", "missing.circuit.json"},
			"validate": {"validate", "missing.circuit.json"},
			"export":   {"export", "--format", "bom", "missing.circuit.json"},
			"hash":     {"hash", "missing.circuit.json"},
		},
		na: map[string]string{"init": "takes no file", "log": "a file never saved has an empty history, as in git",
			"status": "takes no file", "verify": "takes no file", "tag": "takes no file", "gc": "takes no file",
			"demo": "takes no file", "remote": "takes no file", "fetch": "takes no file", "push": "takes no file",
			"pull": "takes no file", "clone": "takes no file", "merge": "takes no file", "watch": "takes no file"},
		names: names("missing.circuit.json"),
	},
	{
		name: "damaged object",
		setup: func(t *testing.T, fx *fixture) {
			h := readRef(t, fx, "refs/heads/main")
			corrupt(t, fx.store("objects/"+h[:2]+"/"+h[2:]))
		},
		na:   map[string]string{"demo": "it makes its own store"},
		code: map[string]int{"verify": ExitDifferent, "hash": 0, "tag": 0, "remote": 0, "fetch": 0, "clone": 0},
		names: func(fx *fixture) []string {
			h := readRefNoT(fx, "refs/heads/main")
			return []string{h[:7], h[:2] + "/" + h[2:]}
		},
	},
	{
		name:  "damaged ref",
		setup: func(t *testing.T, fx *fixture) { writeFile(t, fx.store("refs/heads/main"), "not a hash\n") },
		na:    map[string]string{"demo": "it makes its own store"},
		// gc must know what every ref reaches before it deletes anything.
		code:  map[string]int{"verify": ExitDifferent, "hash": 0, "remote": 0, "clone": 0},
		names: names("refs/heads/main"),
	},
	{
		name:  "missing HEAD",
		setup: func(t *testing.T, fx *fixture) { removeAll(t, fx.store("HEAD")) },
		na:    map[string]string{"demo": "it makes its own store"},
		code:  map[string]int{"init": 0, "hash": 0, "clone": 0},
		names: names("HEAD"),
	},
	{
		name:  "read-only store",
		setup: readOnlyStore,
		na:    map[string]string{"demo": "it makes its own store"},
		code:  allBut(0, "save", "restore", "tag", "gc", "merge", "watch", "remote"),
		names: func(fx *fixture) []string { return []string{fx.store("")} },
	},
	{
		name: "unwritable working file",
		setup: func(t *testing.T, fx *fixture) {
			f := fsxtest.NewFaultFS(fx.fsys)
			work := filepath.Join(fx.dir, "amp.circuit.json")
			f.Inject(fsxtest.Fault{Op: "open", Path: filepath.Join(fx.dir, ".amp.circuit.json.tmp-"), Times: -1, Err: syscall.EACCES})
			f.Inject(fsxtest.Fault{Op: "rename,remove", Path: work, Times: -1, Err: syscall.EACCES})
			fx.fsys = f
		},
		na:    map[string]string{"demo": "it makes its own files"},
		code:  allBut(0, "restore", "merge"),
		names: names("amp.circuit.json"),
	},
}

// readOnlyStore makes the store read-only: by its permission bits when
// not running as root, else (root ignores them) through fsxtest.ReadOnly.
func readOnlyStore(t *testing.T, fx *fixture) {
	if os.Geteuid() != 0 {
		err := filepath.WalkDir(fx.store(""), func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return err
			}
			return os.Chmod(p, 0o555)
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = filepath.WalkDir(fx.store(""), func(p string, d fs.DirEntry, err error) error {
				if err == nil && d.IsDir() {
					_ = os.Chmod(p, 0o755)
				}
				return nil
			})
		})
		return
	}
	fx.fsys = fsxtest.ReadOnly(fx.fsys, fx.store(""))
}

// TestContract runs every command against every failure class.
func TestContract(t *testing.T) {
	template := makeFixture(t)
	covered := map[string]bool{}
	for _, class := range contractClasses {
		code := -1
		for _, fc := range failureClasses {
			if fc.name == class.name {
				code = fc.code
			}
		}
		if code < 0 {
			t.Fatalf("class %q is not in failureClasses", class.name)
		}
		covered[class.name] = true
		for _, cmd := range contractCommands {
			t.Run(class.name+"/"+cmd.name, func(t *testing.T) {
				if why, ok := class.na[cmd.name]; ok {
					t.Skipf("does not apply: %s %s", cmd.name, why)
				}
				want := code
				if c, ok := class.code[cmd.name]; ok {
					want = c
				}
				args := cmd.args
				if a, ok := class.args[cmd.name]; ok {
					args = a
				}
				if class.name == "usage error" {
					args = append([]string{args[0], "--no-such-flag"}, args[1:]...)
				}
				runContract(t, template, class, cmd.name, args, want)
			})
		}
	}
	for _, fc := range failureClasses {
		if !covered[fc.name] {
			t.Errorf("failure class %q is documented but not tested", fc.name)
		}
	}
}

// runContract runs one command on a fresh copy of the fixture damaged by
// class, and checks the outcome.
func runContract(t *testing.T, template string, class contractClass, cmd string, args []string, want int) {
	fx := &fixture{dir: filepath.Join(t.TempDir(), "board"), fsys: fsx.OS()}
	copyTree(t, template, fx.dir)
	if class.setup != nil {
		class.setup(t, fx)
	}
	if fx.release != nil {
		defer fx.release()
	}
	before := treeState(t, fx.dir)
	var stdout, stderr bytes.Buffer
	env := Env{
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Dir: fx.dir, FS: fx.fsys,
		Now: func() time.Time { return time.Unix(1700000000, 0) },
		Getenv: func(k string) string {
			return map[string]string{"CIRCUITVC_AUTHOR": "Test User <test@example.com>", "NO_COLOR": "1"}[k]
		},
	}
	got := Run(context.Background(), append([]string{"circuitvc", "--lock-timeout", "100ms"}, args...), env)
	var problems []string
	if got != want {
		problems = append(problems, fmt.Sprintf("exit %d, want %d", got, want))
	}
	if got != 0 {
		problems = append(problems, checkMessage(class, cmd, fx, got, stdout.String(), stderr.String())...)
		if after := treeState(t, fx.dir); !equalState(before, after) {
			problems = append(problems, "it failed but changed: "+diffState(before, after))
		}
	}
	report(t, args, problems, stdout.String(), stderr.String())
}

// checkMessage checks what a failed command said: one line on stderr,
// "circuitvc: …", naming the file, revision or ref and no temp file; a
// report (verify's problem list, validate's) names it on its stream.
func checkMessage(class contractClass, cmd string, fx *fixture, code int, stdout, stderr string) []string {
	var problems []string
	named := func(s string) bool {
		for _, n := range class.names(fx) {
			if strings.Contains(s, n) {
				return true
			}
		}
		return false
	}
	if strings.Contains(stdout+stderr, ".tmp-") {
		problems = append(problems, "the output names a temp file")
	}
	report := code == ExitDifferent || (cmd == "validate" && code == ExitInvalid)
	if report {
		if !named(stdout + stderr) {
			problems = append(problems, fmt.Sprintf("the report does not name %v", class.names(fx)))
		}
		return problems
	}
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if code == ExitUsage && len(lines) == 2 && strings.HasPrefix(lines[1], "Run 'circuitvc help'") {
		lines = lines[:1]
	}
	switch {
	case len(lines) != 1 || !strings.HasPrefix(lines[0], "circuitvc: "):
		problems = append(problems, "the message is not one line 'circuitvc: …'")
	case !named(lines[0]):
		problems = append(problems, fmt.Sprintf("the message does not name %v", class.names(fx)))
	}
	return problems
}

// report fails the run on problems.
func report(t *testing.T, args []string, problems []string, stdout, stderr string) {
	t.Helper()
	if len(problems) > 0 {
		t.Errorf("circuitvc %s: %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), strings.Join(problems, "; "), stdout, stderr)
	}
}

// makeFixture builds the template working tree: amp.circuit.json and
// sub/b.circuit.json saved twice (the first version tagged v1), then an
// unsaved edit of amp.circuit.json.
func makeFixture(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "board")
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	circuit := func(v string) string {
		return `{"components": [{"id": "R1", "value": "` + v + `", "pins": ["1", "2"]}], "nets": [{"name": "A", "connections": ["R1.1"]}]}` + "\n"
	}
	run := func(args ...string) { runIn(t, dir, args...) }
	run("init")
	writeFile(t, filepath.Join(dir, "amp.circuit.json"), circuit("1k"))
	writeFile(t, filepath.Join(dir, "sub", "b.circuit.json"), circuit("2k"))
	run("save", "-m", "v1")
	run("tag", "v1")
	addHistory(t, dir, "alice", func(other string) {
		writeFile(t, filepath.Join(other, "amp.circuit.json"), strings.Replace(circuit("1k"), `}],`, `}, {"id": "R9", "value": "9k", "pins": ["1"]}],`, 1))
		writeFile(t, filepath.Join(other, "sub", "b.circuit.json"), circuit("3k"))
	})
	// origin is a bare store inside the tree (so that each copy has its
	// own, named relative to the tree) holding v1: fetch and pull bring
	// nothing new, push sends v2.
	run("-C", "shared", "init")
	run("remote", "add", "origin", "shared/.circuitvc")
	run("push")
	config := filepath.Join(dir, ".circuitvc", "config")
	data, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, config, strings.Replace(string(data), filepath.Join(dir, "shared", ".circuitvc"), "shared/.circuitvc", 1))
	writeFile(t, filepath.Join(dir, "amp.circuit.json"), circuit("4.7k"))
	run("save", "-m", "v2")
	writeFile(t, filepath.Join(dir, "amp.circuit.json"), circuit("unsaved"))
	return dir
}

// addHistory gives the store at dir another history, refs/heads/NAME,
// forked from its current version: a copy of the tree is edited by edit
// and saved, and the copy's objects and branch are brought back, as a
// push would.
func addHistory(t *testing.T, dir, name string, edit func(other string)) {
	other := filepath.Join(t.TempDir(), "other")
	copyTree(t, dir, other)
	edit(other)
	runIn(t, other, "save", "-m", name)
	objs := filepath.Join(other, ".circuitvc", "objects")
	err := filepath.WalkDir(objs, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(objs, p)
		dst := filepath.Join(dir, ".circuitvc", "objects", rel)
		if _, err := os.Stat(dst); err == nil {
			return nil
		}
		copyFile(t, p, dst)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(other, ".circuitvc", "refs", "heads", "main"), filepath.Join(dir, ".circuitvc", "refs", "heads", name))
}

// runIn runs circuitvc in dir, and fails the test if it fails.
func runIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Dir: dir, FS: fsx.OS(), Now: time.Now,
		Getenv: func(k string) string { return map[string]string{"CIRCUITVC_AUTHOR": "Test User <test@example.com>"}[k] }}
	if code := Run(context.Background(), append([]string{"circuitvc"}, args...), env); code != 0 {
		t.Fatalf("fixture: %v: exit %d: %s", args, code, errb.String())
	}
}

// treeState reads every working file and every ref file — HEAD, refs/,
// packed-refs, logs/ — of the tree at dir.
func treeState(t *testing.T, dir string) map[string]string {
	state := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		inStore, sub, _ := strings.Cut(rel, "/")
		if d.IsDir() || (inStore == ".circuitvc" && sub != "HEAD" && sub != "packed-refs" &&
			!strings.HasPrefix(sub, "refs/") && !strings.HasPrefix(sub, "logs/")) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		state[rel] = string(data)
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return state
}

func equalState(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func diffState(before, after map[string]string) string {
	var out []string
	for k, v := range before {
		if w, ok := after[k]; !ok {
			out = append(out, k+" removed")
		} else if w != v {
			out = append(out, k+" changed")
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			out = append(out, k+" appeared")
		}
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, string(data))
}

func removeAll(t *testing.T, name string) {
	t.Helper()
	if err := os.RemoveAll(name); err != nil {
		t.Fatal(err)
	}
}

func readRef(t *testing.T, fx *fixture, name string) string {
	t.Helper()
	h := readRefNoT(fx, name)
	if len(h) != 40 {
		t.Fatalf("%s = %q", name, h)
	}
	return h
}

func readRefNoT(fx *fixture, name string) string {
	data, _ := os.ReadFile(fx.store(name))
	return strings.TrimSpace(string(data))
}

// corrupt flips a byte in the middle of a file, as a failing disk would.
func corrupt(t *testing.T, name string) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x55
	if err := os.Chmod(name, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o444); err != nil {
		t.Fatal(err)
	}
}

// copyTree copies a directory tree, keeping file modes.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(dst, info.Mode().Perm())
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}
