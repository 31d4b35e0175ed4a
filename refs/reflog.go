package refs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/circuitvc/circuitvc/objects"
)

// ReflogEntry is one line of a reflog: the ref went from Old to New
// (ZeroHash when it did not exist), done by Who at Who.When, because of
// Message.
type ReflogEntry struct {
	Old, New objects.Hash
	Who      objects.Signature
	Message  string
}

// Reflog returns the reflog of a ref, newest entry first. A ref without
// a reflog has none (no error). HEAD's own log is logs/HEAD, as in Git.
// Lines that cannot be parsed — such as a last line cut short by a crash
// before its update was acknowledged — are skipped, as Git skips them;
// CheckReflog reports them.
func (s *Store) Reflog(name string) ([]ReflogEntry, error) {
	ctx := context.Background() // a read waits only to retry a transient error
	if err := ValidRefName(name); err != nil {
		return nil, err
	}
	data, err := s.readFile(ctx, s.logPath(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("refs: read reflog of %s: %w", name, err)
	}
	entries, _ := parseReflog(data)
	for i, j := 0, len(entries)-1; i < j; i, j = i+1, j-1 {
		entries[i], entries[j] = entries[j], entries[i]
	}
	return entries, nil
}

// CheckReflog returns one *CorruptError per damaged line of a ref's
// reflog (none when there is no reflog). An unterminated last line is
// reported too: it is what a crash in the middle of an append leaves.
func (s *Store) CheckReflog(name string) ([]error, error) {
	ctx := context.Background() // a read waits only to retry a transient error
	if err := ValidRefName(name); err != nil {
		return nil, err
	}
	p := s.logPath(name)
	data, err := s.readFile(ctx, p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("refs: read reflog of %s: %w", name, err)
	}
	_, bad := parseReflog(data)
	errs := make([]error, len(bad))
	for i, b := range bad {
		errs[i] = &CorruptError{Ref: name, Path: p, Err: b}
	}
	return errs, nil
}

// ReflogAt returns the value a ref had n updates ago, with Git's meaning
// of ref@{n}: n = 0 is the newest entry's new value (normally the ref's
// current value), n = 1 the value before it, and so on. n equal to the
// number of entries gives the oldest entry's old value when the ref
// existed before its log began. Beyond that the error wraps ErrNotFound
// and says how many entries there are.
func (s *Store) ReflogAt(name string, n int) (objects.Hash, error) {
	entries, err := s.Reflog(name)
	if err != nil {
		return objects.ZeroHash, err
	}
	switch {
	case n < 0:
		return objects.ZeroHash, fmt.Errorf("refs: %s@{%d}: negative reflog index", name, n)
	case n < len(entries):
		return entries[n].New, nil
	case n == len(entries) && n > 0 && !entries[n-1].Old.IsZero():
		return entries[n-1].Old, nil
	}
	return objects.ZeroHash, fmt.Errorf("refs: %s@{%d}: %w: the reflog has only %d entries", name, n, ErrNotFound, len(entries))
}

// parseReflog parses a whole reflog, oldest first, and lists the lines
// it had to skip.
func parseReflog(data []byte) ([]ReflogEntry, []error) {
	var (
		entries []ReflogEntry
		bad     []error
	)
	for n := 1; len(data) > 0; n++ {
		line, rest, terminated := bytes.Cut(data, []byte("\n"))
		data = rest
		if !terminated {
			bad = append(bad, fmt.Errorf("line %d: unterminated (cut short by a crash?): %s", n, quote(line)))
			break
		}
		e, err := parseReflogLine(line)
		if err != nil {
			bad = append(bad, fmt.Errorf("line %d: %w", n, err))
			continue
		}
		entries = append(entries, e)
	}
	return entries, bad
}

// parseReflogLine parses Git's reflog line (without its newline):
//
//	<old hex> SP <new hex> SP <name> SP "<" <email> ">" SP <unix> SP <+hhmm> [TAB <message>]
func parseReflogLine(line []byte) (ReflogEntry, error) {
	var e ReflogEntry
	if len(line) < 82 || line[40] != ' ' || line[81] != ' ' {
		return e, fmt.Errorf("want \"<old> <new> <identity>\", got %s", quote(line))
	}
	var err error
	if e.Old, err = parseFullHex(line[:40]); err != nil {
		return e, fmt.Errorf("old value: %w", err)
	}
	if e.New, err = parseFullHex(line[41:81]); err != nil {
		return e, fmt.Errorf("new value: %w", err)
	}
	ident, msg, _ := bytes.Cut(line[82:], []byte("\t"))
	e.Message = string(msg)
	if e.Who, err = parseIdent(ident); err != nil {
		return e, err
	}
	return e, nil
}

// parseIdent parses "Name <email> 1700000000 +0100".
func parseIdent(b []byte) (objects.Signature, error) {
	var sig objects.Signature
	lt := bytes.LastIndexByte(b, '<')
	gt := bytes.LastIndexByte(b, '>')
	if lt < 0 || gt < lt {
		return sig, fmt.Errorf("identity without <email>: %s", quote(b))
	}
	sig.Name = string(bytes.TrimSpace(b[:lt]))
	sig.Email = string(b[lt+1 : gt])
	fields := strings.Fields(string(b[gt+1:]))
	if len(fields) != 2 {
		return sig, fmt.Errorf("want \"<unix time> <+hhmm>\" after the email, got %s", quote(b[gt+1:]))
	}
	secs, err := strconv.ParseInt(fields[0], 10, 64)
	if err != nil {
		return sig, fmt.Errorf("bad time %q", fields[0])
	}
	loc, err := parseZone(fields[1])
	if err != nil {
		return sig, err
	}
	sig.When = time.Unix(secs, 0).In(loc)
	return sig, nil
}

func parseZone(z string) (*time.Location, error) {
	if len(z) != 5 || (z[0] != '+' && z[0] != '-') {
		return nil, fmt.Errorf("bad time zone %q", z)
	}
	hh, err1 := strconv.Atoi(z[1:3])
	mm, err2 := strconv.Atoi(z[3:5])
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 {
		return nil, fmt.Errorf("bad time zone %q", z)
	}
	off := hh*3600 + mm*60
	if z[0] == '-' {
		off = -off
	}
	return time.FixedZone("", off), nil
}

// formatReflogLine renders an entry in Git's format, newline included.
// Git's own clean-ups keep the line parseable whatever the input: the
// identity loses '<', '>' and newlines, the message has its whitespace
// runs (newlines included) folded to single spaces.
func formatReflogLine(e ReflogEntry) []byte {
	b := make([]byte, 0, 128+len(e.Message))
	b = append(b, e.Old.String()...)
	b = append(b, ' ')
	b = append(b, e.New.String()...)
	b = append(b, ' ')
	b = appendIdent(b, e.Who)
	if msg := strings.Join(strings.Fields(e.Message), " "); msg != "" {
		b = append(b, '\t')
		b = append(b, msg...)
	}
	return append(b, '\n')
}

func appendIdent(b []byte, who objects.Signature) []byte {
	b = append(b, sanitizeIdent(who.Name)...)
	b = append(b, " <"...)
	b = append(b, sanitizeIdent(who.Email)...)
	b = append(b, "> "...)
	b = strconv.AppendInt(b, who.When.Unix(), 10)
	b = append(b, ' ')
	return appendZone(b, who.When)
}

func appendZone(b []byte, t time.Time) []byte {
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	off /= 60
	return append(b, sign, byte('0'+off/600%10), byte('0'+off/60%10), byte('0'+off%60/10), byte('0'+off%10))
}

// sanitizeIdent drops what would break the identity's syntax and trims
// the spaces Git trims.
func sanitizeIdent(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '<', '>', '\n', '\r', '\t', 0:
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}
