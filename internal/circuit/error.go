package circuit

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrNotCircuit is wrapped by the *Error that Parse returns for input that
// is not in any circuit format (plain JSON, text).
var ErrNotCircuit = errors.New("circuit: not a circuit file")

// ErrSyntax is wrapped by every *Error that reports malformed JSON.
var ErrSyntax = errors.New("circuit: malformed JSON")

// ErrInvalid is wrapped by every *Error that reports a circuit that is
// well-formed JSON but breaks a rule (schema, references, nets).
var ErrInvalid = errors.New("circuit: invalid circuit")

// Level says how much a finding matters.
type Level int

const (
	// LevelError: the file cannot be read as a circuit, or what it says
	// is ambiguous (wrong JSON types in fields the model reads, duplicate
	// ids, a connection to a part that does not exist). save refuses it
	// unless --no-verify.
	LevelError Level = iota
	// LevelWarning: something a user would want to know that does not
	// make the circuit ambiguous (a dangling reference outside the
	// netlist, an unknown element type or ftype, a value that is not a
	// quantity). Printed; save goes ahead.
	LevelWarning
	// LevelNote: a departure from the format's definition that real
	// tools' files show too (a field the definition does not list).
	// Reported only when asked for (ValidateOptions.Strict).
	LevelNote
)

// String names the level: error, warning or note.
func (l Level) String() string {
	switch l {
	case LevelWarning:
		return "warning"
	case LevelNote:
		return "note"
	}
	return "error"
}

// Errors returns the findings of level error, in order.
func Errors(findings []*Error) []*Error {
	var out []*Error
	for _, e := range findings {
		if e.Level == LevelError {
			out = append(out, e)
		}
	}
	return out
}

// Unique returns findings without repeats (the same level, place and
// message), in order: a KiCad sub-sheet's findings are also its root's.
func Unique(findings []*Error) []*Error {
	type key struct {
		level           Level
		file, path, msg string
		line, col       int
	}
	seen := make(map[key]bool, len(findings))
	var out []*Error
	for _, e := range findings {
		k := key{e.Level, e.File, e.Path, e.Msg, e.Line, e.Col}
		if !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}

// Error is one finding in one file, located precisely.
//
// Line and Col are 1-based; Col counts Unicode characters, not bytes, so
// it matches what an editor shows. Line and Col are 0 when the problem has
// no place in the file (an empty file, an unusable user schema). Path is
// the JSON path of the offending value, like $.components[3].id; it is
// empty for syntax errors. Expected says what would have been valid.
type Error struct {
	File     string
	Line     int
	Col      int
	Path     string
	Msg      string
	Expected string
	// Offset is the byte offset in the file that Line and Col were
	// computed from, or -1.
	Offset int
	// Err is the sentinel this error wraps: ErrSyntax, ErrInvalid or
	// ErrNotCircuit.
	Err error
	// Level is how much the finding matters; the zero value is
	// LevelError.
	Level Level
}

// Error formats the problem as "file:line:col: path: msg (expected …)",
// leaving out the parts that are empty; warnings and notes say so after
// the place ("file:1:2: warning: …").
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(":")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:%d:", e.Line, e.Col)
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	if e.Level != LevelError {
		b.WriteString(e.Level.String())
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Expected != "" {
		b.WriteString(" (expected ")
		b.WriteString(e.Expected)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the sentinel, for errors.Is.
func (e *Error) Unwrap() error { return e.Err }

// lineIndex maps byte offsets of one file to lines and columns. It is
// built only when there is an error to report.
type lineIndex struct {
	data   []byte
	starts []int
}

func newLineIndex(data []byte) *lineIndex {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &lineIndex{data: data, starts: starts}
}

// pos returns the 1-based line and character column of off.
func (li *lineIndex) pos(off int) (line, col int) {
	if off < 0 {
		return 0, 0
	}
	if off > len(li.data) {
		off = len(li.data)
	}
	lo, hi := 0, len(li.starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if li.starts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	start := li.starts[lo]
	return lo + 1, utf8.RuneCount(li.data[start:off]) + 1
}

// errorSink collects located errors for one file. Fatal errors stop
// Parse; problems (duplicate references, dangling pins) only fail
// Validate, so that a diff can still show a broken circuit.
type errorSink struct {
	file   string
	data   []byte
	index  *lineIndex
	errs   []*Error
	fatals []*Error
	// validate asks adapters to record every net pin for the checks
	// that only Validate runs.
	validate bool
	// strict keeps notes.
	strict bool
	// countOnly counts findings without building them (to compare how
	// well an element fits several definitions).
	countOnly bool
	count     int
}

func (s *errorSink) at(off int, path, expected, format string, args ...any) *Error {
	if s.countOnly {
		s.count++
		return &Error{}
	}
	if s.index == nil {
		s.index = newLineIndex(s.data)
	}
	line, col := s.index.pos(off)
	e := &Error{File: s.file, Line: line, Col: col, Path: path, Msg: sprintf(format, args...),
		Expected: expected, Offset: off, Err: ErrInvalid}
	s.errs = append(s.errs, e)
	return e
}

// fatal records an error that makes the model impossible to build.
func (s *errorSink) fatal(off int, path, expected, format string, args ...any) {
	s.fatals = append(s.fatals, s.at(off, path, expected, format, args...))
}

// problem records a rule the circuit breaks.
func (s *errorSink) problem(off int, path, expected, format string, args ...any) {
	s.at(off, path, expected, format, args...)
}

// warn records a finding of level warning.
func (s *errorSink) warn(off int, path, expected, format string, args ...any) {
	s.at(off, path, expected, format, args...).Level = LevelWarning
}

// note records a finding of level note; it is dropped unless the
// validation is strict.
func (s *errorSink) note(off int, path, expected, format string, args ...any) {
	if s.strict {
		s.at(off, path, expected, format, args...).Level = LevelNote
	}
}

// report records a finding of the given level.
func (s *errorSink) report(l Level, off int, path, expected, format string, args ...any) {
	switch l {
	case LevelError:
		s.problem(off, path, expected, format, args...)
	case LevelWarning:
		s.warn(off, path, expected, format, args...)
	default:
		s.note(off, path, expected, format, args...)
	}
}

// syntax records malformed JSON.
func (s *errorSink) syntax(se *syntaxError) {
	e := s.at(se.off, "", se.expected, "malformed JSON: %s", se.msg)
	e.Err = ErrSyntax
	s.fatals = append(s.fatals, e)
}

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}
