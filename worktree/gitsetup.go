package worktree

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/circuitvc/circuitvc/fsx"
)

// GitPatterns are the files git-setup hands to circuitvc by default:
// native circuits (and tscircuit files named so), Wokwi diagrams, and
// tscircuit's usual output name.
var GitPatterns = []string{"*.circuit.json", "diagram.json", "circuit.json"}

// gitAttrs are the attributes git-setup gives each pattern.
const gitAttrs = "diff=circuit merge=circuit"

// gitMarker is the comment above the lines git-setup adds.
const gitMarker = "# circuitvc: semantic diff and merge of circuit files ('circuitvc git-setup --remove' undoes this)"

// gitConfig is what git-setup writes into git's configuration: the
// external diff command (git's 7-argument protocol), the merge driver
// (%O %A %B %P), and, for the merges of common versions that git's
// recursive merge makes first, a driver that settles conflicts with the
// base's values, so that the outer merge meets them again.
var gitConfig = [][2]string{
	{"diff.circuit.command", "circuitvc diff-driver"},
	{"merge.circuit.name", "circuitvc: circuit files merged item by item"},
	{"merge.circuit.driver", "circuitvc merge-file --git -p %P %O %A %B"},
	{"merge.circuit.recursive", "circuit-base"},
	{"merge.circuit-base.name", "circuitvc: common versions of circuit files, conflicts left at the base"},
	{"merge.circuit-base.driver", "circuitvc merge-file --base -p %P %O %A %B"},
}

// GitSetupOptions say where git-setup writes.
type GitSetupOptions struct {
	// Dir is a directory in the git work tree to set up (unless Global).
	Dir string
	// Global sets up the user's git configuration and global attributes
	// file instead of one repository.
	Global bool
	// Remove undoes what git-setup wrote.
	Remove bool
	// Patterns are more file patterns to hand to circuitvc.
	Patterns []string
	// Getenv reads HOME and XDG_CONFIG_HOME, for the global attributes
	// file.
	Getenv func(string) string
}

// GitSetupResult says what git-setup changed.
type GitSetupResult struct {
	// Attributes is the attributes file written; Config the scope of
	// the configuration ("local" or "global").
	Attributes, Config string
	// Added and Removed are the attribute lines added or removed.
	Added, Removed []string
}

// GitSetup makes plain git use circuitvc for circuit files: attribute
// lines (diff=circuit merge=circuit) in .gitattributes, or in the global
// attributes file, and the diff and merge drivers in git's
// configuration. Running it again changes nothing; with Remove it takes
// out exactly what it adds.
func GitSetup(ctx context.Context, fsys fsx.FS, opts GitSetupOptions) (*GitSetupResult, error) {
	res := &GitSetupResult{Config: "local"}
	scope := []string{"config"}
	dir := opts.Dir
	if opts.Global {
		res.Config, scope = "global", []string{"config", "--global"}
		path, err := globalAttributes(ctx, opts)
		if err != nil {
			return nil, err
		}
		res.Attributes = path
	} else {
		_, top, err := GitRepo(ctx, dir)
		if err != nil {
			return nil, err
		}
		res.Attributes, dir = filepath.Join(top, ".gitattributes"), top
	}
	lines := make([]string, 0, len(GitPatterns)+len(opts.Patterns))
	for _, p := range append(slices.Clone(GitPatterns), opts.Patterns...) {
		lines = append(lines, p+" "+gitAttrs)
	}
	if err := editAttributes(fsys, res, lines, opts.Remove); err != nil {
		return nil, err
	}
	if opts.Remove {
		for _, section := range []string{"diff.circuit", "merge.circuit", "merge.circuit-base"} {
			if _, err := runGit(ctx, dir, append(scope, "--remove-section", section)...); err != nil && !strings.Contains(err.Error(), "no such section") {
				return nil, err
			}
		}
		return res, nil
	}
	for _, kv := range gitConfig {
		if _, err := runGit(ctx, dir, append(scope, kv[0], kv[1])...); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// globalAttributes is git's global attributes file: core.attributesFile,
// else $XDG_CONFIG_HOME/git/attributes, else ~/.config/git/attributes.
func globalAttributes(ctx context.Context, opts GitSetupOptions) (string, error) {
	home := opts.Getenv("HOME")
	if out, err := runGit(ctx, opts.Dir, "config", "--global", "--get", "core.attributesFile"); err == nil && strings.TrimSpace(out) != "" {
		p := strings.TrimSpace(out)
		if strings.HasPrefix(p, "~/") {
			p = filepath.Join(home, p[2:])
		}
		return p, nil
	}
	if x := opts.Getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "git", "attributes"), nil
	}
	if home == "" {
		return "", errors.New("no HOME: cannot find git's global attributes file")
	}
	return filepath.Join(home, ".config", "git", "attributes"), nil
}

// editAttributes adds the lines missing from the attributes file (under
// the marker comment), or removes them and the marker; a file left
// empty is removed. Other lines are kept as they are.
func editAttributes(fsys fsx.FS, res *GitSetupResult, lines []string, remove bool) error {
	data, err := fsx.ReadFile(fsys, res.Attributes)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	text := string(data)
	have := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if text == "" {
		have = nil
	}
	same := func(a, b string) bool {
		return strings.Join(strings.Fields(a), " ") == strings.Join(strings.Fields(b), " ")
	}
	var out []string
	if remove {
		for _, l := range have {
			if l == gitMarker || slices.ContainsFunc(lines, func(x string) bool { return same(x, l) }) {
				res.Removed = append(res.Removed, l)
				continue
			}
			out = append(out, l)
		}
		if len(res.Removed) == 0 {
			return nil
		}
		if strings.TrimSpace(strings.Join(out, "")) == "" {
			return fsys.Remove(res.Attributes)
		}
	} else {
		out = have
		for _, l := range lines {
			if !slices.ContainsFunc(have, func(x string) bool { return same(x, l) }) {
				res.Added = append(res.Added, l)
			}
		}
		if len(res.Added) == 0 {
			return nil
		}
		if !slices.Contains(have, gitMarker) {
			out = append(out, gitMarker)
		}
		out = append(out, res.Added...)
	}
	if err := fsx.MkdirAll(fsys, filepath.Dir(res.Attributes), 0o755); err != nil {
		return err
	}
	if err := fsx.WriteFile(fsys, res.Attributes, []byte(strings.Join(out, "\n")+"\n"), 0o644); err != nil {
		return fmt.Errorf("%s: %w", res.Attributes, err)
	}
	return nil
}
