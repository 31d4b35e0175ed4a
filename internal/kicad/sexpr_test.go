package kicad

import (
	"errors"
	"strings"
	"testing"
)

func TestParseTree(t *testing.T) {
	src := "(kicad_sch (version 20250114)\n  (property \"Ref\\\"s\" \"a\\\\b\\nc\" (at 1.5 -2 90))\n  (pin passive line hide)\n  ()\n)"
	root, err := Parse("t.kicad_sch", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if root.Head() != "kicad_sch" || root.Child("version").Arg(0) != "20250114" {
		t.Fatalf("head %q version %q", root.Head(), root.Child("version").Arg(0))
	}
	prop := root.Child("property")
	if prop.Arg(0) != `Ref"s` || prop.Arg(1) != "a\\b\nc" || !prop.List[1].Quoted {
		t.Errorf("quoted strings: %q %q", prop.Arg(0), prop.Arg(1))
	}
	if prop.Line != 2 || prop.Col != 3 {
		t.Errorf("property at %d:%d, want 2:3", prop.Line, prop.Col)
	}
	if at := prop.Child("at"); at.Arg(0) != "1.5" || at.Arg(1) != "-2" || at.Arg(2) != "90" || at.Arg(3) != "" {
		t.Errorf("at args %q %q %q", at.Arg(0), at.Arg(1), at.Arg(2))
	}
	if got := src[prop.Start:prop.End]; !strings.HasPrefix(got, "(property") || !strings.HasSuffix(got, "90))") {
		t.Errorf("span of property = %q", got)
	}
	pin := root.Child("pin")
	if !pin.HasAtom("hide") || !pin.Flag("hide", false) || pin.Flag("dnp", false) {
		t.Error("bare atom flags")
	}
	if empty := root.List[4]; !empty.IsList || len(empty.List) != 0 || empty.Head() != "" {
		t.Errorf("empty list: %+v", empty)
	}
}

func TestParseFlags(t *testing.T) {
	root, err := Parse("", []byte(`(symbol (in_bom yes) (on_board no) (dnp) (exclude_from_sim false))`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		def, want bool
	}{
		{"in_bom", false, true},
		{"on_board", true, false},
		{"dnp", false, true},
		{"exclude_from_sim", true, false},
		{"missing", true, true},
	} {
		if got := root.Flag(tc.name, tc.def); got != tc.want {
			t.Errorf("Flag(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestParseEscapes(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`"\t\a\101\x41\'"`, "\t\aAA'"},
		{`"\q"`, `\q`},
		{`"µ{slash}"`, "µ{slash}"},
		{`"multi` + "\n" + `line"`, "multi\nline"},
	} {
		root, err := Parse("", []byte("(x "+tc.in+")"))
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if got := root.Arg(0); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in  string
		line, col int
		msg       string
	}{
		{"empty", "  \n ", 2, 2, "empty file"},
		{"not a list", "kicad_sch", 1, 1, "expected '('"},
		{"unclosed", "(kicad_sch\n  (version 1)", 2, 14, "list opened at 1:1 is not closed"},
		{"unterminated string", "(a\n (b \"xyz\n", 2, 5, "unterminated string"},
		{"trailing", "(a) )", 1, 5, "after the end"},
		{"column counts characters", "(a \"µµ\") x", 1, 10, "after the end"},
		{"merge conflict", "(a)\n<<<<<<< HEAD\n", 2, 1, "after the end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f.kicad_sch", []byte(tc.in))
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrSyntax) {
				t.Fatalf("got %v, want a syntax *Error", err)
			}
			if e.Line != tc.line || e.Col != tc.col || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("got %d:%d %q, want %d:%d …%s…", e.Line, e.Col, e.Msg, tc.line, tc.col, tc.msg)
			}
			if !strings.HasPrefix(err.Error(), "f.kicad_sch:") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

// TestParseDeepNesting guards the iterative parser: a hostile file cannot
// exhaust the stack.
func TestParseDeepNesting(t *testing.T) {
	const depth = 1 << 20
	src := strings.Repeat("(", depth) + strings.Repeat(")", depth)
	root, err := Parse("", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if root.End != len(src) {
		t.Errorf("root ends at %d, want %d", root.End, len(src))
	}
}
