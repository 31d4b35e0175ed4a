package objects

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// Signature is an author or committer: "Name <email> unixtime +hhmm".
type Signature struct {
	Name  string
	Email string
	When  time.Time // stored to the second, with its zone offset
}

// Commit is a Git commit object.
type Commit struct {
	Tree      Hash
	Parents   []Hash
	Author    Signature
	Committer Signature
	// Message is stored verbatim; by git's convention it ends in "\n".
	Message string
}

func validSignature(sig Signature) error {
	if strings.ContainsAny(sig.Name, "<>\n") {
		return fmt.Errorf("name %q contains '<', '>' or a newline", sig.Name)
	}
	if strings.ContainsAny(sig.Email, "<>\n") {
		return fmt.Errorf("email %q contains '<', '>' or a newline", sig.Email)
	}
	return nil
}

func appendSignature(b []byte, sig Signature) []byte {
	b = append(b, sig.Name...)
	b = append(b, " <"...)
	b = append(b, sig.Email...)
	b = append(b, "> "...)
	b = strconv.AppendInt(b, sig.When.Unix(), 10)
	_, off := sig.When.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	off /= 60
	return append(b, ' ', sign,
		byte('0'+off/600%10), byte('0'+off/60%10),
		byte('0'+off%60/10), byte('0'+off%10))
}

// EncodeCommit returns the canonical bytes of c. It refuses a zero tree and
// names or emails that would break the format.
func EncodeCommit(c *Commit) ([]byte, error) {
	if c.Tree.IsZero() {
		return nil, errors.New("objects: commit has no tree")
	}
	for _, sig := range []Signature{c.Author, c.Committer} {
		if err := validSignature(sig); err != nil {
			return nil, fmt.Errorf("objects: commit signature: %w", err)
		}
	}
	b := make([]byte, 0, 200+len(c.Parents)*48+len(c.Message))
	b = append(b, "tree "...)
	b = append(b, c.Tree.String()...)
	b = append(b, '\n')
	for _, p := range c.Parents {
		b = append(b, "parent "...)
		b = append(b, p.String()...)
		b = append(b, '\n')
	}
	b = append(b, "author "...)
	b = appendSignature(b, c.Author)
	b = append(b, "\ncommitter "...)
	b = appendSignature(b, c.Committer)
	b = append(b, "\n\n"...)
	return append(b, c.Message...), nil
}

// errCommit is the cause of every commit decoding failure.
var errCommit = errors.New("malformed commit")

// DecodeCommit parses a commit object's content. Unknown headers (gpgsig,
// encoding, mergetag…) and their continuation lines are skipped. A missing
// or malformed tree or parent line is an error wrapping ErrCorrupt;
// unparsable signature dates decode as the zero time, as git shows them.
func DecodeCommit(data []byte) (*Commit, error) {
	c := &Commit{}
	head, msg, found := bytes.Cut(data, []byte("\n\n"))
	if found {
		c.Message = string(msg)
	} else {
		head = bytes.TrimSuffix(head, []byte("\n"))
	}
	haveTree := false
	// Line by line without splitting into a slice first: log decodes
	// every commit it shows.
	for i, rest := 0, head; len(rest) > 0 || i == 0; i++ {
		line, next, _ := bytes.Cut(rest, []byte("\n"))
		rest = next
		if len(line) > 0 && line[0] == ' ' {
			continue // continuation of a multi-line header
		}
		key, val, _ := bytes.Cut(line, []byte(" "))
		var err error
		switch string(key) {
		case "tree":
			if i != 0 || haveTree {
				err = errors.New("tree line out of place")
				break
			}
			c.Tree, err = parseHex(val)
			haveTree = true
		case "parent":
			var p Hash
			p, err = parseHex(val)
			c.Parents = append(c.Parents, p)
		case "author":
			c.Author = parseSignature(val)
		case "committer":
			c.Committer = parseSignature(val)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w: line %d: %w", ErrCorrupt, errCommit, i+1, err)
		}
	}
	if !haveTree {
		return nil, fmt.Errorf("%w: %w: no tree line", ErrCorrupt, errCommit)
	}
	return c, nil
}

func parseHex(b []byte) (Hash, error) {
	var h Hash
	if len(b) != 2*len(h) || bytes.ContainsAny(b, "ABCDEF") {
		return ZeroHash, fmt.Errorf("bad object name %q", b)
	}
	if _, err := hex.Decode(h[:], b); err != nil {
		return ZeroHash, fmt.Errorf("bad object name %q", b)
	}
	return h, nil
}

// parseSignature parses "Name <email> unixtime +hhmm" leniently.
func parseSignature(b []byte) Signature {
	lt := bytes.IndexByte(b, '<')
	if lt < 0 {
		return Signature{Name: string(bytes.TrimSpace(b))}
	}
	gt := bytes.IndexByte(b[lt:], '>')
	if gt < 0 {
		return Signature{Name: string(bytes.TrimSpace(b[:lt])), Email: string(b[lt+1:])}
	}
	gt += lt
	sig := Signature{Name: string(bytes.TrimRight(b[:lt], " ")), Email: string(b[lt+1 : gt])}
	fields := bytes.Fields(b[gt+1:])
	if len(fields) < 1 {
		return sig
	}
	secs, err := strconv.ParseInt(string(fields[0]), 10, 64)
	if err != nil {
		return sig
	}
	loc := time.UTC
	if len(fields) > 1 {
		if off, ok := parseZone(fields[1]); ok {
			loc = fixedZone(off)
		}
	}
	sig.When = time.Unix(secs, 0).In(loc)
	return sig
}

// zones holds one *time.Location per offset seen, so that decoding the
// commits of a long history does not make one per commit.
var zones sync.Map // int → *time.Location

func fixedZone(off int) *time.Location {
	if loc, ok := zones.Load(off); ok {
		return loc.(*time.Location)
	}
	loc, _ := zones.LoadOrStore(off, time.FixedZone("", off))
	return loc.(*time.Location)
}

// parseZone parses "+hhmm" or "-hhmm" into seconds east of UTC.
func parseZone(b []byte) (int, bool) {
	if len(b) != 5 || (b[0] != '+' && b[0] != '-') {
		return 0, false
	}
	n := 0
	for _, c := range b[1:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	off := (n/100*60 + n%100) * 60
	if b[0] == '-' {
		off = -off
	}
	return off, true
}

// WriteCommit stores c; see EncodeCommit.
func (s *Store) WriteCommit(c *Commit) (Hash, error) {
	data, err := EncodeCommit(c)
	if err != nil {
		return ZeroHash, err
	}
	return s.Write(plumbing.CommitObject, data)
}

// ReadCommit reads and parses commit h. A parse failure is a *CorruptError.
func (s *Store) ReadCommit(h Hash) (*Commit, error) {
	data, err := s.readTyped(h, plumbing.CommitObject)
	if err != nil {
		return nil, err
	}
	c, err := DecodeCommit(data)
	if err != nil {
		return nil, &CorruptError{Hash: h, Path: s.pathOf(h), Err: err}
	}
	return c, nil
}
