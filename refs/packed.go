package refs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/circuitvc/circuitvc/objects"
)

// packedRef is one entry of packed-refs. Peeled lines ("^<hex>", the
// object an annotated tag points at) are checked but not kept.
type packedRef struct {
	Ref
	line int // 1-based line number, for errors and rewriting
}

// loadPacked reads and parses packed-refs; a missing file is an empty
// list.
func (s *Store) loadPacked(ctx context.Context) ([]packedRef, []byte, error) {
	data, err := s.readFile(ctx, s.packedPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("refs: read %s: %w", s.packedPath(), err)
	}
	refs, err := parsePacked(data)
	if err != nil {
		return nil, nil, &CorruptError{Path: s.packedPath(), Err: err}
	}
	return refs, data, nil
}

// readPacked looks one ref up in packed-refs.
func (s *Store) readPacked(ctx context.Context, name string) (objects.Hash, bool, error) {
	refs, _, err := s.loadPacked(ctx)
	if err != nil {
		return objects.ZeroHash, false, err
	}
	for _, r := range refs {
		if r.Name == name {
			return r.Hash, true, nil
		}
	}
	return objects.ZeroHash, false, nil
}

// parsePacked parses packed-refs as Git writes it:
//
//	# pack-refs with: peeled fully-peeled sorted
//	<40 hex> SP <refname> LF
//	^<40 hex> LF          (peeled value of the tag above)
//
// A name listed twice is an error: deleting one line would resurrect the
// other's value.
func parsePacked(data []byte) ([]packedRef, error) {
	var refs []packedRef
	seen := map[string]int{}
	for n := 1; len(data) > 0; n++ {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		switch {
		case len(line) == 0 && len(data) == 0:
			// the end
		case n == 1 && len(line) > 0 && line[0] == '#':
			// the header naming the file's traits
		case len(line) > 0 && line[0] == '^':
			if len(refs) == 0 {
				return nil, fmt.Errorf("line %d: peeled value without a ref", n)
			}
			if _, err := parseFullHex(line[1:]); err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
		default:
			r, err := parsePackedLine(line)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			if prev, dup := seen[r.Name]; dup {
				return nil, fmt.Errorf("line %d: %s is listed twice (first on line %d)", n, r.Name, prev)
			}
			seen[r.Name] = n
			refs = append(refs, packedRef{Ref: r, line: n})
		}
	}
	return refs, nil
}

func parsePackedLine(line []byte) (Ref, error) {
	hexPart, name, ok := bytes.Cut(line, []byte(" "))
	if !ok {
		return Ref{}, fmt.Errorf("want \"<hash> <refname>\", got %s", quote(line))
	}
	h, err := parseFullHex(hexPart)
	if err != nil {
		return Ref{}, err
	}
	if err := ValidRefName(string(name)); err != nil {
		return Ref{}, err
	}
	return Ref{Name: string(name), Hash: h}, nil
}

// parseFullHex parses exactly 40 hex digits.
func parseFullHex(b []byte) (objects.Hash, error) {
	h, err := parseHex(b)
	if err == nil && len(b) != 40 {
		err = fmt.Errorf("trailing garbage after hash: %s", quote(b))
	}
	return h, err
}

// withoutPacked returns packed-refs' bytes without the lines of ref (its
// own line and the peeled line after it), every other byte unchanged.
func withoutPacked(data []byte, ref packedRef) []byte {
	out := make([]byte, 0, len(data))
	skipPeeled := false
	for n := 1; len(data) > 0; n++ {
		end := bytes.IndexByte(data, '\n') + 1
		if end == 0 {
			end = len(data)
		}
		line := data[:end]
		data = data[end:]
		switch {
		case n == ref.line:
			skipPeeled = true
			continue
		case skipPeeled && line[0] == '^':
			skipPeeled = false
			continue
		}
		skipPeeled = false
		out = append(out, line...)
	}
	return out
}
