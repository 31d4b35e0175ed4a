package cli

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	ucli "github.com/urfave/cli/v2"

	"github.com/circuitvc/circuitvc/worktree"
)

func versionCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:  "version",
		Usage: "print circuitvc's version, the Go version and the store format",
		Description: `Prints the version of circuitvc (its module version, or the commit it was
built from), the Go release that built it, and the store format it reads
and writes. circuitvc --version prints the same.

Examples:
   circuitvc version
   circuitvc --version`,
		Action: func(c *ucli.Context) error {
			if c.NArg() > 0 {
				return usagef("version takes no arguments")
			}
			return writeVersion(env.Stdout)
		},
	}
}

// writeVersion prints the version lines of `version` and `--version`.
func writeVersion(w io.Writer) error {
	fmt.Fprintf(w, "circuitvc %s\n", buildVersion())
	fmt.Fprintf(w, "go: %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	_, err := fmt.Fprintf(w, "store format: %s\n", worktree.StoreFormat)
	return err
}

// buildVersion is the module version go install recorded, else the
// commit the binary was built from (with "+modified" for a dirty tree),
// else "(devel)".
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+modified"
			}
		}
	}
	if rev == "" {
		return "(devel)"
	}
	return "(devel) " + rev[:min(12, len(rev))] + modified
}
