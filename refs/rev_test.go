package refs

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseRev(t *testing.T) {
	tests := []struct {
		in   string
		want Rev
	}{
		{"HEAD", Rev{Base: "HEAD", Reflog: -1}},
		{"current", Rev{Base: "current", Reflog: -1}},
		{"@", Rev{Base: "@", Reflog: -1}},
		{"backup", Rev{Base: "backup", Reflog: -1}},
		{"v1.0", Rev{Base: "v1.0", Reflog: -1}},
		{"release/2024-06", Rev{Base: "release/2024-06", Reflog: -1}},
		{"refs/tags/v1", Rev{Base: "refs/tags/v1", Reflog: -1}},
		{"refs/circuitvc/backup@{1}", Rev{Base: "refs/circuitvc/backup", Reflog: 1}},
		{"3f2a", Rev{Base: "3f2a", Reflog: -1}},
		{"3f2a9c0e1b7d5a4c3f2a9c0e1b7d5a4c3f2a9c0e", Rev{Base: "3f2a9c0e1b7d5a4c3f2a9c0e1b7d5a4c3f2a9c0e", Reflog: -1}},
		{"HEAD~", Rev{Base: "HEAD", Reflog: -1, Steps: []Step{{'~', 1}}}},
		{"HEAD~3", Rev{Base: "HEAD", Reflog: -1, Steps: []Step{{'~', 3}}}},
		{"HEAD~0", Rev{Base: "HEAD", Reflog: -1, Steps: []Step{{'~', 0}}}},
		{"HEAD^", Rev{Base: "HEAD", Reflog: -1, Steps: []Step{{'^', 1}}}},
		{"HEAD^2", Rev{Base: "HEAD", Reflog: -1, Steps: []Step{{'^', 2}}}},
		{"HEAD^0", Rev{Base: "HEAD", Reflog: -1, Steps: []Step{{'^', 0}}}},
		{"HEAD~2^2~", Rev{Base: "HEAD", Reflog: -1, Steps: []Step{{'~', 2}, {'^', 2}, {'~', 1}}}},
		{"HEAD^^", Rev{Base: "HEAD", Reflog: -1, Steps: []Step{{'^', 1}, {'^', 1}}}},
		{"@{2}", Rev{Base: "@", Reflog: 2}},
		{"@{0}", Rev{Base: "@", Reflog: 0}},
		{"@@{1}", Rev{Base: "@", Reflog: 1}},
		{"backup@{1}", Rev{Base: "backup", Reflog: 1}},
		{"current@{3}~2", Rev{Base: "current", Reflog: 3, Steps: []Step{{'~', 2}}}},
		{"@{1}^", Rev{Base: "@", Reflog: 1, Steps: []Step{{'^', 1}}}},
		{"v1~1", Rev{Base: "v1", Reflog: -1, Steps: []Step{{'~', 1}}}},
		{"user@host", Rev{Base: "user@host", Reflog: -1}},
		{"abc", Rev{Base: "abc", Reflog: -1}}, // too short for a hash, fine as a tag
		{"HEAD~1000000", Rev{Base: "HEAD", Reflog: -1, Steps: []Step{{'~', 1000000}}}},
	}
	for _, tt := range tests {
		got, err := ParseRev(tt.in)
		if err != nil {
			t.Errorf("ParseRev(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("ParseRev(%q) = %+v, want %+v", tt.in, *got, tt.want)
		}
		again, err := ParseRev(got.String())
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("ParseRev(%q.String() = %q) = %+v, %v", tt.in, got.String(), again, err)
		}
	}
}

func TestParseRevInvalid(t *testing.T) {
	tests := []struct {
		in, wantMsg string
	}{
		{"", "empty revision"},
		{"~1", "missing a name"},
		{"^", "missing a name"},
		{"HEAD~x", "unexpected"},
		{"HEAD~-1", "unexpected"},
		{"HEAD~1x", "unexpected"},
		{"HEAD@{", "unclosed"},
		{"HEAD@{}", "needs a number"},
		{"HEAD@{x}", "not a number"},
		{"HEAD@{yesterday}", "dates are not supported"},
		{"@{-1}", "previous-branch"},
		{"HEAD@{1}@{2}", "only one"},
		{"HEAD@{1}x", "unexpected"},
		{"HEAD~1@{2}", "unexpected"},
		{"HEAD^{commit}", "peeling is not supported"},
		{"HEAD~99999999999999999999", "too large"},
		{"HEAD~1000001", "too large"},
		{"a..b", `".."`},
		{"a b", `' '`},
		{"x:y", `':'`},
		{"tag.lock", ".lock"},
		{".hidden", `"."`},
		{"a//b", "//"},
		{"a/", "/"},
		{"-x", "'-'"},
		{"refs/heads/", "/"},
		{"a*", `'*'`},
		{"a\x00b", "control"},
		{"x.", `"."`},
	}
	for _, tt := range tests {
		_, err := ParseRev(tt.in)
		var se *SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
			t.Errorf("ParseRev(%q) = %v, want a *SyntaxError", tt.in, err)
			continue
		}
		if msg := err.Error(); !contains(msg, tt.wantMsg) || !contains(msg, quoteGo(tt.in)) {
			t.Errorf("ParseRev(%q) error %q: want it to quote the input and mention %q", tt.in, msg, tt.wantMsg)
		}
	}
}
