package circuit

import (
	"strconv"
	"strings"
)

// pathKey appends an object key to a JSON path: $.a.b, or $["a b"] when
// the key is not a plain identifier.
func pathKey(base, key string) string {
	if isIdent(key) {
		return base + "." + key
	}
	return base + "[" + strconv.Quote(key) + "]"
}

// pathIdx appends an array index to a JSON path.
func pathIdx(base string, i int) string {
	return base + "[" + strconv.Itoa(i) + "]"
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && isDigit(c)) {
			continue
		}
		return false
	}
	return true
}

// pathFromPointer turns JSON-pointer tokens into a $-path.
func pathFromTokens(tokens []string, root *node) string {
	var b strings.Builder
	b.WriteString("$")
	n := root
	for _, t := range tokens {
		if n != nil && n.kind == kArray {
			b.WriteString("[" + t + "]")
			i, err := strconv.Atoi(t)
			if err == nil && i >= 0 && i < len(n.arr) {
				n = &n.arr[i]
			} else {
				n = nil
			}
			continue
		}
		if isIdent(t) {
			b.WriteString("." + t)
		} else {
			b.WriteString("[" + strconv.Quote(t) + "]")
		}
		n = n.get(t)
	}
	return b.String()
}

// nodeAt follows JSON-pointer tokens from root; it returns the deepest
// node reached and, when the last token is an object key, its member.
func nodeAt(root *node, tokens []string) (*node, *member) {
	n := root
	var m *member
	for _, t := range tokens {
		switch n.kind {
		case kArray:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(n.arr) {
				return n, m
			}
			n, m = &n.arr[i], nil
		case kObject:
			mm := n.member(t)
			if mm == nil {
				return n, m
			}
			n, m = &mm.val, mm
		default:
			return n, m
		}
	}
	return n, m
}
