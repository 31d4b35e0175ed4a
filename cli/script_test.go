package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/circuitvc/circuitvc/cli"
)

// TestMain lets the test binary act as the circuitvc command inside
// scripts, the way the Go command tests itself.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"circuitvc": func() { os.Exit(cli.Main()) },
	})
}

// TestScripts runs every CLI scenario in testdata/script. Conditions:
// [git] stock git is installed; [corpus] CIRCUITVC_CORPUS is set.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			e.Setenv("CIRCUITVC_AUTHOR", "Test User <test@example.com>")
			e.Setenv("GIT_AUTHOR_NAME", "Test User")
			e.Setenv("GIT_AUTHOR_EMAIL", "test@example.com")
			e.Setenv("GIT_COMMITTER_NAME", "Test User")
			e.Setenv("GIT_COMMITTER_EMAIL", "test@example.com")
			e.Setenv("NO_COLOR", "1")
			if c := os.Getenv("CIRCUITVC_CORPUS"); c != "" {
				abs, err := filepath.Abs(c)
				if err != nil {
					return err
				}
				e.Setenv("CORPUS", abs)
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "git":
				_, err := exec.LookPath("git")
				return err == nil, nil
			case "corpus":
				return os.Getenv("CIRCUITVC_CORPUS") != "", nil
			}
			return false, nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"gitlog-matches":   gitLogMatches,
			"hash-matches-git": hashMatchesGit,
			"corrupt-object":   corruptObject,
			"replace":          replaceOnce,
			"corpus-copy":      copyCorpus,
			"kicad-oracle":     kicadOracle,
		},
	})
}
