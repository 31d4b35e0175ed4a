package refs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"

	"github.com/circuitvc/circuitvc/objects"
)

// value is what one ref file says: a hash or, for a symbolic ref, the
// name of another ref.
type value struct {
	Hash   objects.Hash
	Target string // non-empty for a symbolic ref
}

// Read returns the hash a ref points at, following symbolic refs (HEAD),
// looking in the loose ref file first and then in packed-refs. A ref that
// does not exist gives an error wrapping ErrNotFound that names it; a
// damaged one a *CorruptError naming the file and the cause.
func (s *Store) Read(name string) (objects.Hash, error) {
	ctx := context.Background() // a read waits only to retry a transient error
	_, h, err := s.resolve(ctx, name)
	return h, err
}

// Resolve returns the ref a name finally designates after following
// symbolic refs (refs/heads/main for HEAD) and its hash. When that ref
// does not exist yet, its name is returned with an error wrapping
// ErrNotFound.
func (s *Store) Resolve(name string) (string, objects.Hash, error) {
	ctx := context.Background() // a read waits only to retry a transient error
	return s.resolve(ctx, name)
}

// resolve follows name through symbolic refs to a direct ref.
func (s *Store) resolve(ctx context.Context, name string) (string, objects.Hash, error) {
	orig := name
	for range maxSymrefDepth + 1 {
		v, err := s.readRaw(ctx, name)
		if err != nil {
			if name != orig && errors.Is(err, ErrNotFound) {
				return name, objects.ZeroHash, fmt.Errorf("refs: %s (-> %s): %w", orig, name, ErrNotFound)
			}
			return name, objects.ZeroHash, err
		}
		if v.Target == "" {
			return name, v.Hash, nil
		}
		name = v.Target
	}
	return name, objects.ZeroHash, &CorruptError{Ref: orig, Path: s.path(orig),
		Err: fmt.Errorf("symbolic refs nested more than %d deep (a cycle?)", maxSymrefDepth)}
}

// readRaw reads one ref without following it: the loose file, else its
// packed-refs line.
func (s *Store) readRaw(ctx context.Context, name string) (value, error) {
	if err := ValidRefName(name); err != nil {
		return value{}, err
	}
	v, found, err := s.readLoose(ctx, name)
	if err != nil || found {
		return v, err
	}
	h, found, err := s.readPacked(ctx, name)
	if err != nil {
		return value{}, err
	}
	if !found {
		return value{}, notFound(name)
	}
	return value{Hash: h}, nil
}

// readLoose reads the loose file of a ref; found is false when there is
// none (a directory of that name counts as none, as in Git).
func (s *Store) readLoose(ctx context.Context, name string) (value, bool, error) {
	p := s.path(name)
	data, err := s.readFile(ctx, p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.ENOTDIR) {
			return value{}, false, nil
		}
		return value{}, false, fmt.Errorf("refs: read %s: %w", name, err)
	}
	v, err := parseLoose(data)
	if err != nil {
		return value{}, false, &CorruptError{Ref: name, Path: p, Err: err}
	}
	return v, true, nil
}

// parseLoose parses a loose ref file: 40 hex digits, optionally followed
// by whitespace (Git writes one newline), or "ref: <name>".
func parseLoose(data []byte) (value, error) {
	if len(data) == 0 {
		return value{}, errors.New("empty ref file")
	}
	if rest, ok := bytes.CutPrefix(data, []byte("ref:")); ok {
		target := strings.TrimSpace(string(rest))
		if err := ValidRefName(target); err != nil {
			return value{}, fmt.Errorf("bad symbolic ref target: %w", err)
		}
		return value{Target: target}, nil
	}
	h, err := parseHex(data)
	if err != nil {
		return value{}, err
	}
	if rest := data[40:]; len(rest) > 0 && !isSpace(rest[0]) {
		return value{}, fmt.Errorf("trailing garbage after hash: %s", quote(data))
	}
	return value{Hash: h}, nil
}

// parseHex parses the 40 hex digits at the start of data, telling a
// truncated hash from garbage.
func parseHex(data []byte) (objects.Hash, error) {
	n := 0
	for n < len(data) && n < 40 && isHex(data[n]) {
		n++
	}
	switch {
	case n == 40:
	case n == len(data) || (n > 0 && isSpace(data[n])):
		return objects.ZeroHash, fmt.Errorf("truncated ref: %d of 40 hex digits: %s", n, quote(data))
	default:
		return objects.ZeroHash, fmt.Errorf("not a hash: %s", quote(data))
	}
	var h objects.Hash
	for i := range h {
		h[i] = unhex(data[2*i])<<4 | unhex(data[2*i+1])
	}
	return h, nil
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// quote shows the start of a damaged file's contents in an error.
func quote(data []byte) string {
	const limit = 60
	if len(data) > limit {
		return fmt.Sprintf("%q…", data[:limit])
	}
	return fmt.Sprintf("%q", data)
}
