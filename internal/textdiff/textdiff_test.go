package textdiff

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/internal/gittest"
)

func TestUnified(t *testing.T) {
	tests := []struct {
		name    string
		a, b    string
		context int
		want    string // "" means no change
	}{
		{name: "equal", a: "x\ny\n", b: "x\ny\n", context: 3},
		{name: "both empty", context: 3},
		{
			name: "from empty", a: "", b: "one\ntwo\n", context: 3,
			want: "--- a/f\n+++ b/f\n@@ -0,0 +1,2 @@\n+one\n+two\n",
		},
		{
			name: "to empty", a: "one\n", b: "", context: 3,
			want: "--- a/f\n+++ b/f\n@@ -1 +0,0 @@\n-one\n",
		},
		{
			name: "one line changed mid file", a: "1\n2\n3\n4\n5\n6\n7\n8\n9\n", b: "1\n2\n3\n4\nfive\n6\n7\n8\n9\n", context: 3,
			want: "--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
		},
		{
			name: "zero context", a: "1\n2\n3\n", b: "1\nX\n3\n", context: 0,
			want: "--- a/f\n+++ b/f\n@@ -2 +2 @@\n-2\n+X\n",
		},
		{
			name: "pure insertion zero context", a: "1\n2\n", b: "1\nnew\n2\n", context: 0,
			want: "--- a/f\n+++ b/f\n@@ -1,0 +2 @@\n+new\n",
		},
		{
			name: "two hunks", a: "a\nb\nc\nd\ne\nf\ng\nh\n", b: "A\nb\nc\nd\ne\nf\ng\nH\n", context: 1,
			want: "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a\n+A\n b\n@@ -7,2 +7,2 @@\n g\n-h\n+H\n",
		},
		{
			name: "close changes merge", a: "a\nb\nc\nd\n", b: "A\nb\nc\nD\n", context: 1,
			want: "--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n-a\n+A\n b\n c\n-d\n+D\n",
		},
		{
			name: "newline added at end", a: "x\ny", b: "x\ny\n", context: 3,
			want: "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+y\n",
		},
		{
			name: "no newline either side unchanged last line", a: "x\ny\nz", b: "X\ny\nz", context: 3,
			want: "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n-x\n+X\n y\n z\n\\ No newline at end of file\n",
		},
		{
			name: "crlf kept", a: "a\r\nb\r\n", b: "a\r\nB\r\n", context: 3,
			want: "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+B\r\n",
		},
		{
			name: "line endings only", a: "a\nb\n", b: "a\r\nb\n", context: 3,
			want: "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a\n+a\r\n b\n",
		},
		{
			name: "invalid utf8 passed through", a: "ok\n\xff\xfe\n", b: "ok\n\xff\n", context: 3,
			want: "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n ok\n-\xff\xfe\n+\xff\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			changed, err := Unified(&buf, "f", "f", []byte(tt.a), []byte(tt.b), tt.context)
			if err != nil {
				t.Fatal(err)
			}
			if changed != (tt.want != "") {
				t.Errorf("changed = %v, want %v", changed, tt.want != "")
			}
			if got := buf.String(); got != tt.want {
				t.Errorf("Unified output\n got: %q\nwant: %q", got, tt.want)
			}
		})
	}
}

func TestUnifiedDevNull(t *testing.T) {
	var buf bytes.Buffer
	if _, err := Unified(&buf, "/dev/null", "new.json", nil, []byte("{}\n"), 3); err != nil {
		t.Fatal(err)
	}
	want := "--- /dev/null\n+++ b/new.json\n@@ -0,0 +1 @@\n+{}\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}

type failWriter struct{}

var errWrite = errors.New("disk on fire")

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestUnifiedWriteError(t *testing.T) {
	changed, err := Unified(failWriter{}, "f", "f", []byte("a\n"), []byte("b\n"), 3)
	if !changed || !errors.Is(err, errWrite) {
		t.Errorf("Unified to failing writer = %v, %v; want true, %v", changed, err, errWrite)
	}
}

func TestStat(t *testing.T) {
	tests := []struct {
		name           string
		a, b           string
		added, deleted int
	}{
		{"equal", "a\n", "a\n", 0, 0},
		{"from empty", "", "a\nb\n", 2, 0},
		{"to empty", "a\nb\nc", "", 0, 3},
		{"replace one", "a\nb\nc\n", "a\nB\nc\n", 1, 1},
		{"missing final newline", "a\nb", "a\nb\n", 1, 1},
		{"crlf", "a\r\n", "a\n", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			added, deleted := Stat([]byte(tt.a), []byte(tt.b))
			if added != tt.added || deleted != tt.deleted {
				t.Errorf("Stat = +%d -%d, want +%d -%d", added, deleted, tt.added, tt.deleted)
			}
		})
	}
}

// TestCoarseOps checks the fallback for huge inputs produces a diff that
// rebuilds both sides.
func TestCoarseOps(t *testing.T) {
	la := splitLines([]byte("a\nb\nc\nd\ne\n"))
	lb := splitLines([]byte("a\nX\nY\nd\ne\n"))
	ops := coarseOps(la, lb)
	if got := rebuild(ops, opInsert); got != "a\nb\nc\nd\ne\n" {
		t.Errorf("old side rebuilt as %q", got)
	}
	if got := rebuild(ops, opDelete); got != "a\nX\nY\nd\ne\n" {
		t.Errorf("new side rebuilt as %q", got)
	}
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	writeHunk(w, ops)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "@@ -1,5 +1,5 @@\n a\n-b\n-c\n+X\n+Y\n d\n e\n"
	if buf.String() != want {
		t.Errorf("hunk %q, want %q", buf.String(), want)
	}
}

// rebuild joins the lines of every op except those of kind skip.
func rebuild(ops []op, skip opKind) string {
	var sb strings.Builder
	for _, o := range ops {
		if o.kind != skip {
			sb.Write(o.line)
		}
	}
	return sb.String()
}

// TestMatchesGit compares headers and bodies with git diff --no-index -U3.
func TestMatchesGit(t *testing.T) {
	gittest.Need(t)
	num := func(n int, edit func(i int) string) string {
		var sb strings.Builder
		for i := 1; i <= n; i++ {
			sb.WriteString(edit(i))
		}
		return sb.String()
	}
	plain := func(i int) string { return "  line " + strconv.Itoa(i) + "\n" }
	tests := []struct {
		name string
		a, b string
	}{
		{"one edit", num(20, plain), num(20, func(i int) string {
			if i == 10 {
				return "  changed\n"
			}
			return plain(i)
		})},
		{"edits near both ends", num(30, plain), num(30, func(i int) string {
			if i == 1 || i == 30 {
				return "  edge " + strconv.Itoa(i) + "\n"
			}
			return plain(i)
		})},
		{"two separate hunks", num(40, plain), num(40, func(i int) string {
			if i == 5 || i == 30 {
				return ""
			}
			return plain(i)
		})},
		{"merged hunks", num(20, plain), num(20, func(i int) string {
			if i == 5 || i == 11 {
				return plain(i) + "  extra\n"
			}
			return plain(i)
		})},
		{"no trailing newline", "  a\n  b\n  c", "  a\n  B\n  c"},
		{"newline removed", "  a\n  b\n", "  a\n  b"},
		{"crlf", "  a\r\n  b\r\n  c\r\n", "  a\r\n  b2\r\n  c\r\n"},
		{"from empty", "", "  a\n  b\n"},
		{"to empty", "  a\n  b\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := gitDiff(t, tt.a, tt.b)
			var buf bytes.Buffer
			if _, err := Unified(&buf, "old", "new", []byte(tt.a), []byte(tt.b), 3); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != want {
				t.Errorf("differs from git\n got: %q\ngit: %q", got, want)
			}
		})
	}
}

// gitDiff runs git diff --no-index -U3 on files "old" and "new" and
// returns its output from the "---" line on, without the function context
// git appends to hunk headers.
func gitDiff(t *testing.T, a, b string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range map[string]string{"old": a, "new": b} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := gittest.Command("", "-c", "core.autocrlf=false", "diff", "--no-index", "--no-color", "-U3", "old", "new")
	cmd.Dir = dir
	out, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
		t.Fatalf("git diff: %v", err)
	}
	s := string(out)
	i := strings.Index(s, "\n--- ")
	if i < 0 {
		t.Fatalf("no --- line in git output %q", s)
	}
	var sb strings.Builder
	for _, line := range strings.SplitAfter(s[i+1:], "\n") {
		if strings.HasPrefix(line, "@@ ") {
			end := strings.Index(line[3:], " @@") + 3
			line = line[:end+3] + "\n"
		}
		sb.WriteString(line)
	}
	return sb.String()
}

func corpusFile(tb testing.TB, name string) []byte {
	tb.Helper()
	dir := os.Getenv("CIRCUITVC_CORPUS")
	if dir == "" {
		tb.Skip("CIRCUITVC_CORPUS unset: skipping test on the real circuit corpus")
	}
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// oneLineEdit changes the line in the middle of data.
func oneLineEdit(data []byte) []byte {
	lines := splitLines(data)
	mid := len(lines) / 2
	edited := bytes.Clone(data)
	off := 0
	for _, l := range lines[:mid] {
		off += len(l)
	}
	edited = append(edited[:off:off], append([]byte("  \"edited\": true,\n"), edited[off+len(lines[mid]):]...)...)
	return edited
}

func TestLargeCorpusFile(t *testing.T) {
	a := corpusFile(t, "tscircuit/led-water-accelerometer.json")
	b := oneLineEdit(a)
	added, deleted := Stat(a, b)
	if added != 1 || deleted != 1 {
		t.Errorf("Stat = +%d -%d, want +1 -1", added, deleted)
	}
	var buf bytes.Buffer
	if _, err := Unified(&buf, "f", "f", a, b, 3); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n@@ "); n != 1 {
		t.Errorf("%d hunks, want 1:\n%s", n, buf.String())
	}
}

func BenchmarkUnifiedLargeOneLineEdit(b *testing.B) {
	a := corpusFile(b, "tscircuit/led-water-accelerometer.json")
	edited := oneLineEdit(a)
	b.SetBytes(int64(len(a)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Unified(io.Discard, "f", "f", a, edited, 3); err != nil {
			b.Fatal(err)
		}
	}
}
