package cli

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// openReport opens a written report in a browser: the first command of
// $BROWSER that exists (a list separated like PATH; "%s" stands for the
// file, else it is added last), else the platform's opener. Where there
// is none, or it fails, it says so; the report stays written either way.
func openReport(env *Env, path string) {
	name, args, why := browserCommand(env.Getenv, path)
	if name == "" {
		fmt.Fprintf(env.Stderr, "circuitvc: cannot open a browser here (%s); open %s yourself\n", why, path)
		return
	}
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = env.Stderr, env.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(env.Stderr, "circuitvc: %s could not open the report (%v); open %s yourself\n", filepath.Base(name), err, path)
	}
}

// browserCommand is the command that opens path, or why there is none.
func browserCommand(getenv func(string) string, path string) (name string, args []string, why string) {
	for _, entry := range filepath.SplitList(getenv("BROWSER")) {
		f := strings.Fields(entry)
		if len(f) == 0 {
			continue
		}
		if _, err := exec.LookPath(f[0]); err != nil {
			continue
		}
		args, substituted := f[1:], false
		for i, a := range args {
			if strings.Contains(a, "%s") {
				args[i], substituted = strings.ReplaceAll(a, "%s", path), true
			}
		}
		if !substituted {
			args = append(args, path)
		}
		return f[0], args, ""
	}
	name, args, why = platformOpener(getenv, path)
	if b := getenv("BROWSER"); name == "" && b != "" {
		why = fmt.Sprintf("no command of $BROWSER (%s) was found, and %s", b, why)
	}
	return name, args, why
}
