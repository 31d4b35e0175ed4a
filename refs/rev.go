package refs

import (
	"fmt"
	"strconv"
	"strings"
)

// maxRevNumber bounds the numbers of @{N}, ~N and ^N: larger ones are
// typing mistakes, and would make a resolver walk for ever.
const maxRevNumber = 1_000_000

// Rev is a parsed revision: Base, then optionally a reflog index, then
// ancestry steps, e.g. "current@{3}~2" is {Base: "current", Reflog: 3,
// Steps: [{'~', 2}]}.
type Rev struct {
	// Base is what the revision starts from, as written: "HEAD",
	// "current", "@", "backup", a full ref name ("refs/…"), a tag name
	// or a full or abbreviated hash (which of the last two it is can only
	// be told by looking in the store: refs win, as in Git). A bare
	// "@{N}" has Base "@".
	Base string
	// Reflog is N of "@{N}", or -1 when there is none.
	Reflog int
	// Steps are the "~N" and "^N" suffixes in order.
	Steps []Step
}

// Step is one ancestry suffix: Kind '~' goes N first parents back; Kind
// '^' takes the N-th parent (N = 0: the commit itself).
type Step struct {
	Kind byte
	N    int
}

// String renders the step as written: "~2", "^1".
func (st Step) String() string { return string(st.Kind) + strconv.Itoa(st.N) }

// IsHashLike reports whether Base could be a full or abbreviated hash:
// 4 to 40 hex digits.
func (r *Rev) IsHashLike() bool {
	if len(r.Base) < 4 || len(r.Base) > 40 {
		return false
	}
	for i := 0; i < len(r.Base); i++ {
		if !isHex(r.Base[i]) {
			return false
		}
	}
	return true
}

// String renders the revision in canonical form; ParseRev(r.String())
// gives r back.
func (r *Rev) String() string {
	var b strings.Builder
	b.WriteString(r.Base)
	if r.Reflog >= 0 {
		b.WriteString("@{")
		b.WriteString(strconv.Itoa(r.Reflog))
		b.WriteString("}")
	}
	for _, st := range r.Steps {
		b.WriteString(st.String())
	}
	return b.String()
}

// ParseRev parses a revision: a base — a full or abbreviated (≥ 4 hex)
// hash, "current" or "HEAD" or "@" (the current version), "backup", a tag
// name or a full ref name — optionally followed by "@{N}" (the value N
// updates ago, from the reflog) and by any number of "~N", "~", "^N" and
// "^" suffixes. A bare "@{N}" means "@@{N}". It only checks the syntax;
// malformed input gives a *SyntaxError quoting it.
func ParseRev(s string) (*Rev, error) {
	p := revParser{in: s, rest: s}
	return p.parse()
}

type revParser struct {
	in   string // the whole input, for errors
	rest string // what is left to parse
}

func (p *revParser) fail(format string, args ...any) error {
	return &SyntaxError{Rev: p.in, Msg: fmt.Sprintf(format, args...)}
}

func (p *revParser) parse() (*Rev, error) {
	if p.in == "" {
		return nil, p.fail("empty revision")
	}
	r := &Rev{Reflog: -1}
	end := strings.IndexAny(p.rest, "~^")
	if i := strings.Index(p.rest, "@{"); i >= 0 && (end < 0 || i < end) {
		end = i
	}
	if end < 0 {
		end = len(p.rest)
	}
	r.Base, p.rest = p.rest[:end], p.rest[end:]
	if r.Base == "" && strings.HasPrefix(p.rest, "@{") {
		r.Base = "@"
	}
	if err := p.checkBase(r.Base); err != nil {
		return nil, err
	}
	if strings.HasPrefix(p.rest, "@{") {
		n, err := p.reflogIndex()
		if err != nil {
			return nil, err
		}
		r.Reflog = n
	}
	for p.rest != "" {
		st, err := p.step()
		if err != nil {
			return nil, err
		}
		r.Steps = append(r.Steps, st)
	}
	return r, nil
}

// checkBase accepts the names that can start a revision.
func (p *revParser) checkBase(base string) error {
	switch {
	case base == "":
		return p.fail("missing a name or hash before %q", p.rest[:1])
	case base == HEAD || base == "@" || base == "current" || base == "backup":
		return nil
	case strings.HasPrefix(base, "refs/"):
		if err := checkRefFormat(base); err != nil {
			return p.fail("%q is not a valid ref name: %v", base, err)
		}
		return nil
	case strings.HasPrefix(base, "-"):
		return p.fail("a revision cannot start with '-'")
	}
	if err := checkRefFormat(TagPrefix + base); err != nil {
		return p.fail("%q is neither a hash nor a valid tag name: %v", base, err)
	}
	return nil
}

// reflogIndex parses "@{N}" at the start of p.rest.
func (p *revParser) reflogIndex() (int, error) {
	body, rest, ok := strings.Cut(p.rest[2:], "}")
	if !ok {
		return 0, p.fail("unclosed \"@{\"")
	}
	if strings.HasPrefix(body, "-") {
		return 0, p.fail("@{%s}: previous-branch syntax is not supported", body)
	}
	n, err := p.number(body, "@{…}")
	if err != nil {
		return 0, err
	}
	p.rest = rest
	if strings.HasPrefix(p.rest, "@{") {
		return 0, p.fail("only one @{N} is allowed")
	}
	return n, nil
}

// step parses one "~N", "~", "^N" or "^" at the start of p.rest.
func (p *revParser) step() (Step, error) {
	kind := p.rest[0]
	if kind != '~' && kind != '^' {
		return Step{}, p.fail("unexpected %q; expected ~N, ^N or @{N}", p.rest)
	}
	digits := 1
	for digits < len(p.rest) && '0' <= p.rest[digits] && p.rest[digits] <= '9' {
		digits++
	}
	num := p.rest[1:digits]
	p.rest = p.rest[digits:]
	if num == "" {
		if strings.HasPrefix(p.rest, "{") {
			return Step{}, p.fail("%c{…} peeling is not supported", kind)
		}
		return Step{Kind: kind, N: 1}, nil
	}
	n, err := p.number(num, string(kind)+"N")
	return Step{Kind: kind, N: n}, err
}

// number parses a decimal count within maxRevNumber.
func (p *revParser) number(s, what string) (int, error) {
	if s == "" {
		return 0, p.fail("%s needs a number", what)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, p.fail("%s: %q is not a number (dates are not supported)", what, s)
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > maxRevNumber {
		return 0, p.fail("%s: %s is too large (at most %d)", what, s, maxRevNumber)
	}
	return n, nil
}
