// Package textdiff computes line diffs and renders them as git-style
// unified hunks.
//
// The diff itself is github.com/sergi/go-diff's line mode: every distinct
// line is mapped to one rune (DiffLinesToChars), the rune strings are
// diffed (DiffMain) and each rune of the result stands for one line again
// (the mapping DiffCharsToLines performs, done here by position so that a
// large unchanged stretch is never copied into one joined string).
//
// Lines are compared and printed byte for byte: a CRLF line keeps its
// "\r", invalid UTF-8 is passed through, and a last line without a newline
// is marked with git's "\ No newline at end of file".
package textdiff

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// maxLines bounds the lines go-diff's rune encoding can hold: it maps
// each distinct line to one Unicode code point and panics past the last
// one. Inputs with more lines get a coarser but still correct diff.
const maxLines = 1_000_000

// noNewline is git's marker after a line that ends the file without "\n".
const noNewline = "\\ No newline at end of file\n"

type opKind byte

const (
	opEqual  opKind = ' '
	opDelete opKind = '-'
	opInsert opKind = '+'
)

// op is one line of the edit script; ai and bi are the 0-based line
// numbers in a and b the op stands at (the next line for the side it does
// not consume).
type op struct {
	kind   opKind
	line   []byte
	ai, bi int
}

// Unified writes the differences between a and b to w as a git-style
// unified diff with context lines of context around each change:
// "--- a/oldName", "+++ b/newName", then "@@ -l,n +l,n @@" hunks. A name
// of "/dev/null" is written as is (a created or deleted file). Nothing is
// written and changed is false when a and b are equal. A negative context
// counts as 0. err is the first write error of w.
func Unified(w io.Writer, oldName, newName string, a, b []byte, context int) (changed bool, err error) {
	if bytes.Equal(a, b) {
		return false, nil
	}
	context = max(context, 0)
	ops := lineOps(a, b)
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "--- %s\n+++ %s\n", prefixed("a/", oldName), prefixed("b/", newName))
	for start := 0; start < len(ops); {
		first := nextChange(ops, start)
		if first < 0 {
			break
		}
		lo, hi := hunkBounds(ops, first, context)
		writeHunk(bw, ops[lo:hi])
		start = hi
	}
	return true, bw.Flush()
}

// Stat counts the lines a diff from a to b inserts and deletes.
func Stat(a, b []byte) (added, deleted int) {
	if bytes.Equal(a, b) {
		return 0, 0
	}
	for _, o := range lineOps(a, b) {
		switch o.kind {
		case opInsert:
			added++
		case opDelete:
			deleted++
		}
	}
	return added, deleted
}

func prefixed(prefix, name string) string {
	if name == "/dev/null" {
		return name
	}
	return prefix + strings.TrimLeft(name, "/") // as git does for absolute paths
}

// splitLines cuts data after every "\n"; a last line without one is kept.
func splitLines(data []byte) [][]byte {
	lines := make([][]byte, 0, bytes.Count(data, []byte{'\n'})+1)
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			lines = append(lines, data)
			break
		}
		lines = append(lines, data[:i+1:i+1])
		data = data[i+1:]
	}
	return lines
}

// lineOps returns the edit script turning a into b, one op per line,
// deletions before insertions within each changed block as git prints them.
func lineOps(a, b []byte) []op {
	la, lb := splitLines(a), splitLines(b)
	if len(la)+len(lb) >= maxLines {
		return coarseOps(la, lb)
	}
	dmp := diffmatchpatch.New()
	ca, cb, _ := dmp.DiffLinesToChars(string(a), string(b))
	diffs := dmp.DiffMain(ca, cb, false)
	ops := make([]op, 0, max(len(la), len(lb))+8)
	ai, bi := 0, 0
	for _, d := range diffs {
		// Each rune is one line, in order, of the side(s) the diff consumes.
		n := utf8.RuneCountInString(d.Text)
		for range n {
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				ops = append(ops, op{opEqual, la[ai], ai, bi})
				ai++
				bi++
			case diffmatchpatch.DiffDelete:
				ops = append(ops, op{opDelete, la[ai], ai, bi})
				ai++
			case diffmatchpatch.DiffInsert:
				ops = append(ops, op{opInsert, lb[bi], ai, bi})
				bi++
			}
		}
	}
	return ops
}

// coarseOps is the fallback for inputs too large for go-diff's encoding:
// common leading and trailing lines are kept, everything between is
// replaced. Correct, though not minimal.
func coarseOps(la, lb [][]byte) []op {
	p := 0
	for p < len(la) && p < len(lb) && bytes.Equal(la[p], lb[p]) {
		p++
	}
	s := 0
	for s < len(la)-p && s < len(lb)-p && bytes.Equal(la[len(la)-1-s], lb[len(lb)-1-s]) {
		s++
	}
	ops := make([]op, 0, len(la)+len(lb)-p-s)
	for i := range p {
		ops = append(ops, op{opEqual, la[i], i, i})
	}
	for i := p; i < len(la)-s; i++ {
		ops = append(ops, op{opDelete, la[i], i, p})
	}
	for j := p; j < len(lb)-s; j++ {
		ops = append(ops, op{opInsert, lb[j], len(la) - s, j})
	}
	for k := range s {
		i, j := len(la)-s+k, len(lb)-s+k
		ops = append(ops, op{opEqual, la[i], i, j})
	}
	return ops
}

// nextChange returns the index of the first non-equal op at or after i, or -1.
func nextChange(ops []op, i int) int {
	for ; i < len(ops); i++ {
		if ops[i].kind != opEqual {
			return i
		}
	}
	return -1
}

// hunkBounds returns the op range [lo, hi) of the hunk whose first change
// is at first: changes separated by at most 2*context equal lines share a
// hunk, as in git, so their context would otherwise overlap or touch.
func hunkBounds(ops []op, first, context int) (lo, hi int) {
	lo = max(first-context, 0)
	end := first // one past the last change in the hunk
	for {
		for end < len(ops) && ops[end].kind != opEqual {
			end++
		}
		next := nextChange(ops, end)
		if next < 0 || next-end > 2*context {
			break
		}
		end = next
	}
	return lo, min(end+context, len(ops))
}

// writeHunk writes one "@@" header and its lines. Write errors are sticky
// in the bufio.Writer and reported by Flush.
func writeHunk(w *bufio.Writer, ops []op) {
	var na, nb int
	for _, o := range ops {
		if o.kind != opInsert {
			na++
		}
		if o.kind != opDelete {
			nb++
		}
	}
	fmt.Fprintf(w, "@@ -%s +%s @@\n", hunkRange(ops[0].ai, na), hunkRange(ops[0].bi, nb))
	for _, o := range ops {
		w.WriteByte(byte(o.kind))
		w.Write(o.line)
		if len(o.line) == 0 || o.line[len(o.line)-1] != '\n' {
			w.WriteByte('\n')
			w.WriteString(noNewline)
		}
	}
}

// hunkRange formats one side of a hunk header the way git's xdiff does:
// "start,count", with ",1" left out, and an empty side numbered by the
// line before it.
func hunkRange(start, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, count)
}
