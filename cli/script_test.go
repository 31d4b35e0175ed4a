package cli_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/circuitvc/circuitvc/cli"
	"github.com/circuitvc/circuitvc/internal/gittest"
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
			// circuitvc and git sign as the same person.
			e.Setenv("CIRCUITVC_AUTHOR", gittest.Name+" <"+gittest.Email+">")
			for _, who := range []string{"GIT_AUTHOR", "GIT_COMMITTER"} {
				e.Setenv(who+"_NAME", gittest.Name)
				e.Setenv(who+"_EMAIL", gittest.Email)
			}
			e.Setenv("GIT_CONFIG_NOSYSTEM", "1")
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
				return gittest.Available(), nil
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
