package cli

import (
	"fmt"
	"regexp"
	"strings"

	ucli "github.com/urfave/cli/v2"
)

// unknownCommand is the usage error for a command that does not exist,
// with the closest command name when one is near enough.
func unknownCommand(app *ucli.App, name string) error {
	var names []string
	for _, c := range app.Commands {
		if !c.Hidden {
			names = append(names, c.Names()...)
		}
	}
	if s := closest(name, names); s != "" {
		return usagef("unknown command %q (did you mean %q?)", name, s)
	}
	return usagef("unknown command %q", name)
}

// closest is the candidate nearest to typed, or "" when none is within
// a third of its length (at least one edit): close enough to be a typo.
func closest(typed string, candidates []string) string {
	best, bestDist := "", max(1, len([]rune(typed))/3)+1
	for _, c := range candidates {
		if d := editDistance(typed, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance counts the insertions, deletions, substitutions and
// swaps of adjacent letters that turn a into b (optimal string
// alignment distance): "savee" is 1 from "save", "stauts" 1 from
// "status".
func editDistance(a, b string) int {
	s, t := []rune(a), []rune(b)
	// d[i][j] is the distance between s[:i] and t[:j].
	d := make([][]int, len(s)+1)
	for i := range d {
		d[i] = make([]int, len(t)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(s); i++ {
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(s)][len(t)]
}

// flagInError finds the flag named in an error of Go's flag package,
// which always writes it with one dash ("-mesage").
var flagInError = regexp.MustCompile(`(flag provided but not defined: |flag needs an argument: |for flag |for )-([^\s:=]+)`)

// usageReporter turns flag-parsing errors into usage errors that show
// each flag as the user typed it (--mesage, not -mesage) and suggest the
// nearest flag of the command.
type usageReporter struct {
	args []string // the command line, as parsed
}

func (u usageReporter) onUsageError(c *ucli.Context, err error, _ bool) error {
	msg := err.Error()
	m := flagInError.FindStringSubmatchIndex(msg)
	if m == nil {
		return usageError{msg: msg}
	}
	name := msg[m[4]:m[5]]
	typed := u.typed(name)
	root := c.Command == nil || c.Command.Name == "" || c.Command.Name == c.App.Name
	flags := c.App.Flags
	if !root {
		flags = c.Command.Flags
	}
	if strings.HasPrefix(msg, "flag provided but not defined") {
		msg = "unknown flag " + typed
		if s := closest(name, flagNames(flags)); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", dashed(s))
		}
	} else {
		msg = msg[:m[4]-1] + typed + msg[m[5]:] // -name → as typed
	}
	if !root {
		msg = c.Command.Name + ": " + msg
	}
	return usageError{msg: msg}
}

// typed is the flag as it appears in the arguments, dashes and all.
func (u usageReporter) typed(name string) string {
	for _, a := range u.args {
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "-") {
			bare, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if bare == name {
				return strings.SplitN(a, "=", 2)[0]
			}
		}
	}
	return dashed(name)
}

func flagNames(flags []ucli.Flag) []string {
	var out []string
	for _, f := range flags {
		out = append(out, f.Names()...)
	}
	return out
}

// dashed writes a flag name as it is documented: -n, --message.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}
