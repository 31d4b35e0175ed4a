package kicad

import (
	"os"
	"strings"
	"testing"
)

func addFixtureSeeds(f *testing.F, files ...string) {
	for _, name := range files {
		src, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
}

// format writes a tree back as an S-expression, for the round trip below.
func format(b *strings.Builder, n *Expr) {
	if !n.IsList {
		if n.Quoted {
			// Only the quote and the backslash need escaping; any other
			// byte stands for itself inside a KiCad string.
			b.WriteString(`"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(n.Atom) + `"`)
		} else {
			b.WriteString(n.Atom)
		}
		return
	}
	b.WriteByte('(')
	for i, c := range n.List {
		if i > 0 {
			b.WriteByte(' ')
		}
		format(b, c)
	}
	b.WriteByte(')')
}

// checkSpans verifies that each node's span lies inside its parent's,
// after its elder sibling's, and starts with what the node is.
func checkSpans(t *testing.T, src []byte, n *Expr, lo, hi int) int {
	if n.Start < lo || n.End > hi || n.Start >= n.End {
		t.Fatalf("span %d:%d outside %d:%d", n.Start, n.End, lo, hi)
	}
	if n.IsList && (src[n.Start] != '(' || src[n.End-1] != ')') {
		t.Fatalf("list span %q", src[n.Start:n.End])
	}
	if n.Quoted && src[n.Start] != '"' {
		t.Fatalf("string span %q", src[n.Start:n.End])
	}
	next := n.Start + 1
	for _, c := range n.List {
		next = checkSpans(t, src, c, next, n.End-1)
	}
	return n.End
}

func FuzzParse(f *testing.F) {
	addFixtureSeeds(f, "flat/flat.kicad_sch", "v6/legacy.kicad_sch", "hier/hier.net")
	for _, s := range []string{`(a "b\"c" (d 1.5) ())`, `(a "\x41\101\q")`, "(a\n\"µ\")", "(", ")", `"`, "(a) b"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		root, err := Parse("f", src)
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Line < 1 || e.Col < 1 {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		if !root.IsList {
			t.Fatal("root is not a list")
		}
		checkSpans(t, src, root, 0, len(src))
		var b strings.Builder
		format(&b, root)
		again, err := Parse("f", []byte(b.String()))
		if err != nil {
			t.Fatalf("formatted tree does not parse: %v\n%s", err, b.String())
		}
		var b2 strings.Builder
		format(&b2, again)
		if b.String() != b2.String() {
			t.Fatalf("round trip changed the tree:\n%s\n%s", b.String(), b2.String())
		}
	})
}

func FuzzParseSchematic(f *testing.F) {
	addFixtureSeeds(f, "flat/flat.kicad_sch", "v6/legacy.kicad_sch", "hier/amp.kicad_sch")
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := ParseSchematic("f.kicad_sch", src)
		if err != nil {
			return
		}
		names := map[string]bool{}
		for _, n := range s.Nets {
			if names[n.Name] {
				t.Fatalf("net %q twice", n.Name)
			}
			names[n.Name] = true
			for _, nd := range n.Nodes {
				if s.Component(nd.Ref) == nil {
					t.Fatalf("net %q names %s, which is no component", n.Name, nd.Ref)
				}
			}
		}
	})
}

func FuzzParseNetlist(f *testing.F) {
	addFixtureSeeds(f, "flat/flat.net", "hier/hier.net", "v6/legacy.net")
	f.Fuzz(func(t *testing.T, src []byte) {
		nl, err := ParseNetlist("f.net", src)
		if err != nil {
			return
		}
		for i := 1; i < len(nl.Nets); i++ {
			if nl.Nets[i-1].Name > nl.Nets[i].Name {
				t.Fatalf("nets out of order: %q before %q", nl.Nets[i-1].Name, nl.Nets[i].Name)
			}
		}
	})
}
