package kicad

import (
	"bytes"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// rootLevels is how many directories above a sub-sheet FindRoot looks
// for its root: KiCad projects keep sub-sheets beside the root or in a
// folder below it (sch/power.kicad_sch).
const rootLevels = 2

// maxRootCandidates bounds the schematics FindRoot looks at.
const maxRootCandidates = 200

// FindRoot returns the root schematic whose hierarchy uses the schematic
// name as a sub-sheet, looking at the .kicad_sch files in name's
// directory and up to two directories above it; ok is false when none
// does (name is a root itself, or fsys cannot list directories).
//
// A sub-sheet read alone lacks what its root gives it: the references
// of its symbols for each instance, and the names of the nets its
// hierarchical labels join. Of several roots the one nearest to name
// wins, then the first by name. KiCad's autosave files (_autosave-…)
// are not roots.
func FindRoot(fsys fs.FS, name string) (root string, ok bool) {
	name = path.Clean(name)
	depth := map[string]int{} // candidate → levels above name's directory
	var candidates []string
	dir := path.Dir(name)
	for level := 0; level <= rootLevels && len(candidates) < maxRootCandidates; level++ {
		for _, c := range schematicsIn(fsys, dir) {
			if _, seen := depth[c]; !seen && c != name && len(candidates) < maxRootCandidates {
				depth[c] = level
				candidates = append(candidates, c)
			}
		}
		up := path.Dir(dir)
		if up == dir {
			break
		}
		dir = up
	}
	// Walk up from name through the files that use it, to those that no
	// file uses. Only a file that names a sheet file's base name can use
	// it: the others are read but not parsed.
	users := usersFinder{fsys: fsys, src: map[string][]byte{}, sheets: map[string][]string{}}
	var roots []string
	seen := map[string]bool{name: true}
	queue := []string{name}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		us := users.of(f, candidates)
		if len(us) == 0 && f != name {
			roots = append(roots, f)
		}
		for _, u := range us {
			if !seen[u] {
				seen[u] = true
				queue = append(queue, u)
			}
		}
	}
	if len(roots) == 0 {
		return "", false
	}
	slices.SortFunc(roots, func(a, b string) int {
		if d := depth[a] - depth[b]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return roots[0], true
}

// usersFinder finds the schematics that use a file as a sub-sheet,
// reading and parsing each candidate at most once.
type usersFinder struct {
	fsys   fs.FS
	src    map[string][]byte
	sheets map[string][]string
}

func (u *usersFinder) of(target string, candidates []string) []string {
	needle := []byte(path.Base(target) + `"`)
	var out []string
	for _, c := range candidates {
		if c == target {
			continue
		}
		src, ok := u.src[c]
		if !ok {
			src, _ = fs.ReadFile(u.fsys, c)
			u.src[c] = src
		}
		if !bytes.Contains(src, needle) {
			continue
		}
		subs, ok := u.sheets[c]
		if !ok {
			subs = sheetFiles(c, src)
			u.sheets[c] = subs
		}
		if slices.Contains(subs, target) {
			out = append(out, c)
		}
	}
	return out
}

// schematicsIn lists the .kicad_sch files of dir, or none when it cannot
// be listed.
func schematicsIn(fsys fs.FS, dir string) []string {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && strings.HasSuffix(n, ".kicad_sch") && !strings.HasPrefix(n, "_autosave-") {
			out = append(out, path.Join(dir, n))
		}
	}
	return out
}

// sheetFiles returns the files a schematic's sheet boxes name, resolved
// as ReadSchematic resolves them; a file that cannot be parsed names
// none.
func sheetFiles(name string, src []byte) []string {
	root, err := Parse(name, src)
	if err != nil || root.Head() != "kicad_sch" {
		return nil
	}
	var out []string
	for _, s := range root.Children("sheet") {
		for _, p := range s.Children("property") {
			if k := p.Arg(0); k == "Sheetfile" || k == "Sheet file" {
				file := strings.ReplaceAll(p.Arg(1), `\`, "/")
				if file != "" && !path.IsAbs(file) {
					out = append(out, path.Join(path.Dir(name), file))
				}
			}
		}
	}
	return out
}
