package cli

import (
	"strings"

	"github.com/circuitvc/circuitvc/fsx"
)

// readArgFile reads a file named on the command line, relative to dir.
func readArgFile(env *Env, dir, name string) ([]byte, error) {
	return fsx.ReadFile(env.FS, resolveDir(dir, name))
}

// colourUnified colours a unified diff's lines for a terminal.
func colourUnified(on bool, s string) string {
	if !on || s == "" {
		return s
	}
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		code := ""
		switch {
		case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
			code = bold
		case strings.HasPrefix(l, "@@"):
			code = cyan
		case strings.HasPrefix(l, "+"):
			code = green
		case strings.HasPrefix(l, "-"):
			code = red
		}
		if code != "" {
			lines[i] = paint(true, code, strings.TrimSuffix(l, "\n")) + "\n"
		}
	}
	return strings.Join(lines, "")
}
