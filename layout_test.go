package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/circuitvc/circuitvc"

// pkg is what go list says of one package of the module.
type pkg struct {
	ImportPath string
	Imports    []string // direct, without tests
	Deps       []string // transitive, without tests
}

// rel is the package's path in the module ("" for the root).
func (p pkg) rel() string { return strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/") }

// projectDeps lists the module's packages that p depends on, directly
// (Imports) or at all (Deps), by their paths in the module.
func projectDeps(list []string) []string {
	var out []string
	for _, d := range list {
		if d == module || strings.HasPrefix(d, module+"/") {
			out = append(out, strings.TrimPrefix(strings.TrimPrefix(d, module), "/"))
		}
	}
	return out
}

// listPackages runs go list on every package of the module, the one in
// testdata/ included (./... leaves testdata out).
func listPackages(t *testing.T) []pkg {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out, err := exec.Command(goTool, "list", "-json=ImportPath,Imports,Deps", "./...", "./testdata").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// TestImportGraph checks that imports flow one way, as the README's
// Layout section says: cli → worktree → refs → objects → fsx, persist →
// fsx, and internal/ below the porcelain.
func TestImportGraph(t *testing.T) {
	porcelain := []string{"cli", "worktree", "persist"}
	for _, p := range listPackages(t) {
		deps := projectDeps(p.Deps)
		forbid := func(why string, bad ...string) {
			for _, d := range deps {
				if slices.Contains(bad, d) {
					t.Errorf("%s imports %s: %s", p.ImportPath, d, why)
				}
			}
		}
		r := p.rel()
		switch {
		case r == "cli":
			for _, d := range p.Imports {
				if d == module+"/objects" || d == module+"/refs" || strings.HasPrefix(d, "github.com/go-git/") {
					t.Errorf("cli imports %s: the command line talks to the porcelain (worktree) only", d)
				}
			}
		case r == "fsx":
			forbid("fsx is the bottom layer and imports no package of circuitvc", deps...)
		case r == "objects":
			forbid("objects is plumbing below refs and the porcelain", append(porcelain, "refs")...)
		case r == "refs":
			forbid("refs is plumbing below the porcelain", porcelain...)
		case r == "worktree":
			forbid("worktree is below the command line and beside persist", "cli", "persist")
		case r == "persist":
			for _, d := range deps {
				if d != "fsx" {
					t.Errorf("persist imports %s: it stands on fsx alone", d)
				}
			}
		case strings.HasPrefix(r, "internal/"):
			forbid("nothing under internal/ is above the porcelain", porcelain...)
		}
		if r != "objects" {
			// Outside objects, go-git's plumbing types come through
			// objects' names (Hash, Type, FileMode and their constants).
			for _, d := range p.Imports {
				if d == "github.com/go-git/go-git/v5/plumbing" || d == "github.com/go-git/go-git/v5/plumbing/filemode" {
					t.Errorf("%s imports %s: use objects' names for hashes, object types and modes", p.ImportPath, d)
				}
			}
		}
	}
}

// TestREADMELayout checks that the README's Layout section names every
// package of the module.
func TestREADMELayout(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n## Layout\n")
	if !ok {
		t.Fatal("README.md has no ## Layout section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var listed []string
	for _, line := range strings.Split(section, "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.HasSuffix(f[0], "/") {
			listed = append(listed, strings.TrimSuffix(f[0], "/"))
		}
	}
	for _, p := range listPackages(t) {
		if r := p.rel(); r != "" && !slices.Contains(listed, r) {
			t.Errorf("README's Layout section does not list %s/", r)
		}
	}
}
