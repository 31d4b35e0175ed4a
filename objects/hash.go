package objects

import (
	"errors"
	"fmt"
	"hash"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/pjbgf/sha1cd"
)

// Hash is a Git object name: the SHA-1 of "<type> <size>\x00" + content.
type Hash = plumbing.Hash

// Type is a Git object type.
type Type = plumbing.ObjectType

// The types of object a store holds.
const (
	BlobObject   = plumbing.BlobObject   // a file's bytes
	TreeObject   = plumbing.TreeObject   // a directory listing
	CommitObject = plumbing.CommitObject // a version
	TagObject    = plumbing.TagObject    // an annotated tag
)

// ParseHash parses a full object name, 40 hex digits.
func ParseHash(s string) (Hash, error) {
	if !plumbing.IsHash(s) {
		return ZeroHash, fmt.Errorf("objects: %q is not a full object name (40 hex digits)", s)
	}
	return plumbing.NewHash(s), nil
}

// ZeroHash is the all-zero hash, which names no object.
var ZeroHash = plumbing.ZeroHash

// errCollision is returned when sha1cd detects an attempted SHA-1 collision;
// Git refuses such objects and so do we.
var errCollision = errors.New("SHA-1 collision attack detected")

// hasher computes an object name with collision detection, as Git does.
type hasher struct{ h hash.Hash }

func newHasher(t Type, size int64) hasher {
	h := hasher{sha1cd.New()}
	h.h.Write(header(t, size))
	return h
}

func (h hasher) Write(p []byte) (int, error) { return h.h.Write(p) }

// sum returns the object name and whether sha1cd saw a collision attack.
func (h hasher) sum() (Hash, bool) {
	var out Hash
	if cd, ok := h.h.(interface {
		CollisionResistantSum([]byte) ([]byte, bool)
	}); ok {
		b, collision := cd.CollisionResistantSum(nil)
		copy(out[:], b)
		return out, collision
	}
	copy(out[:], h.h.Sum(nil))
	return out, false
}

// header is the loose-object header "<type> <size>\x00".
func header(t Type, size int64) []byte {
	b := make([]byte, 0, 32)
	b = append(b, t.String()...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, size, 10)
	return append(b, 0)
}

// HashObject returns the name Git gives an object of type t holding data
// (what `git hash-object -t TYPE` prints).
func HashObject(t Type, data []byte) Hash {
	h, _ := hashObject(t, data)
	return h
}

func hashObject(t Type, data []byte) (Hash, bool) {
	h := newHasher(t, int64(len(data)))
	h.Write(data)
	return h.sum()
}

// validType reports whether t is a type that can be stored.
func validType(t Type) bool {
	switch t {
	case plumbing.BlobObject, plumbing.TreeObject, plumbing.CommitObject, plumbing.TagObject:
		return true
	}
	return false
}
