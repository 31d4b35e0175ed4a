package circuit

import (
	"fmt"
	"io/fs"
	"path"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/circuitvc/circuitvc/internal/kicad"
)

// Source is one version of a circuit file, with the files beside it at
// the same version. Most formats are one file; a KiCad schematic is a
// hierarchy of files, and a sub-sheet reads right only through the root
// schematic that uses it.
type Source struct {
	// Name names the file in messages and becomes Circuit.Name.
	Name string
	// Data is the file's content; nil means the file is absent (in
	// ParsePair and SummarizeSources).
	Data []byte
	// Files are the other files the circuit may use (KiCad sub-sheets,
	// and the root schematic of a sub-sheet), by slash-separated path, as
	// they were at the same version as Data; nil when there are none to
	// read.
	Files fs.FS
	// Path is the file's own path in Files; "" means Name. Files beside
	// it are named in messages as Name is: relative to Name's directory.
	Path string
	// Reads, when set, is shared by the sources of one version (the same
	// Files), so that a KiCad hierarchy is read once for the root and
	// each of its sub-sheets.
	Reads *Reads
}

// Reads keeps the KiCad hierarchies read from one version's files, for
// the sources that share it (see Source.Reads). The zero value is ready
// to use; it is safe for concurrent use.
type Reads struct {
	mu         sync.Mutex
	schematics map[string]*sharedRead
}

// sharedRead is one hierarchy, read once.
type sharedRead struct {
	once sync.Once
	sch  *kicad.Schematic
	err  error
}

// schematic reads the hierarchy whose root is root from files, once for
// all who ask.
func (rs *Reads) schematic(files fs.FS, root string) (*kicad.Schematic, error) {
	rs.mu.Lock()
	if rs.schematics == nil {
		rs.schematics = map[string]*sharedRead{}
	}
	e := rs.schematics[root]
	if e == nil {
		e = &sharedRead{}
		rs.schematics[root] = e
	}
	rs.mu.Unlock()
	e.once.Do(func() { e.sch, e.err = kicad.ReadSchematic(files, root) })
	return e.sch, e.err
}

func (s Source) path() string {
	if s.Path == "" {
		return path.Clean(strings.ReplaceAll(s.Name, `\`, "/"))
	}
	return path.Clean(s.Path)
}

// displayName names a file of Files the way Name names the source: the
// source itself by Name, another file by its path from Name's directory.
func (s Source) displayName(file string) string {
	own := s.path()
	if file == own || file == "" {
		return s.Name
	}
	return path.Join(path.Dir(strings.ReplaceAll(s.Name, `\`, "/")), relPath(path.Dir(own), file))
}

// relPath is the slash-separated path of to as seen from the directory
// from; both are clean.
func relPath(from, to string) string {
	split := func(p string) []string {
		if p == "." || p == "" {
			return nil
		}
		return strings.Split(p, "/")
	}
	a, b := split(from), split(to)
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	parts := make([]string, 0, len(a)-i+len(b)-i)
	for range a[i:] {
		parts = append(parts, "..")
	}
	return path.Join(append(parts, b[i:]...)...)
}

// ParseSource is Parse for a file that may use others (see Source).
func ParseSource(src Source) (*Circuit, error) {
	if f := kicadFormat(src.Name, src.Data); f != FormatUnknown {
		c, findings := readKiCad(src, f, false)
		if c == nil {
			return nil, findings[0]
		}
		return c, nil
	}
	return Parse(src.Name, src.Data)
}

// CheckSource is Check for a file that may use others (see Source).
//
// A KiCad file is checked as KiCad would: S-expression syntax and
// content the reader cannot use are errors with file:line:column (a
// sub-sheet's own); so are two symbols with one reference and unit. A
// symbol not annotated yet (R?), a pin connected to nothing or alone on
// a labelled net, a sub-sheet that cannot be found and the reader's
// other warnings are warnings. A sub-sheet read through its root reports
// what is placed in it; the root reports its whole hierarchy.
func CheckSource(src Source, opts ValidateOptions) (*Circuit, []*Error) {
	if f := kicadFormat(src.Name, src.Data); f != FormatUnknown {
		return readKiCad(src, f, true)
	}
	return Check(src.Name, src.Data, opts)
}

// ParsePair parses two versions of one file at once (on two cores when
// there are two), for a diff; the sources may have different names (a
// renamed file) and files beside them. A nil Data is an absent side and
// gives a nil circuit. ok is false when a present side is not a circuit
// or the two are of different formats.
func ParsePair(old, new Source) (sides [2]*Circuit, ok bool) {
	var errs [2]error
	var wg sync.WaitGroup
	for i, s := range [2]Source{old, new} {
		if s.Data == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			// The CLI may hand over a mapped file: when it is truncated
			// under the mapping, reading past its new end faults, and
			// the fault is this side's error, not the end of the process.
			defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
			defer func() {
				if r := recover(); r != nil {
					if _, fault := r.(interface{ Addr() uintptr }); !fault {
						panic(r)
					}
					sides[i], errs[i] = nil, fmt.Errorf("%s: %v", s.Name, r)
				}
			}()
			sides[i], errs[i] = ParseSource(s)
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil || (old.Data == nil && new.Data == nil) {
		return sides, false
	}
	if sides[0] != nil && sides[1] != nil && sides[0].Format != sides[1].Format {
		return sides, false
	}
	return sides, true
}

// SummarizeSources is Summarize for two sources (see Source); a nil Data
// is an absent side.
func SummarizeSources(old, new Source) string {
	if kicadFormat(old.Name, old.Data) == FormatUnknown && kicadFormat(new.Name, new.Data) == FormatUnknown {
		return Summarize(new.Name, old.Data, new.Data)
	}
	switch {
	case new.Data == nil && old.Data == nil:
		return ""
	case new.Data == nil:
		return "deleted"
	}
	sides, ok := ParsePair(old, new)
	if !ok {
		return ""
	}
	return SummarizeCircuits(sides[0], sides[1])
}
