package refs

import (
	"errors"
	"fmt"
	"strings"
)

// ValidRefName checks a full ref name ("HEAD" or "refs/…") against the
// rules of git-check-ref-format. Names that pass are also safe to use as
// paths below the store: no component is empty, ".", ".." or starts with
// a dot.
func ValidRefName(name string) error {
	if name == HEAD {
		return nil
	}
	if !strings.HasPrefix(name, "refs/") {
		return fmt.Errorf("refs: %q: %w: must be HEAD or start with refs/", name, ErrInvalidName)
	}
	if err := checkRefFormat(name); err != nil {
		return fmt.Errorf("refs: %q: %w: %v", name, ErrInvalidName, err)
	}
	return nil
}

// reservedTag says what a name means in circuitvc's revision syntax, so
// that a tag of that name, which could never be reached, is refused.
func reservedTag(name string) (meaning string, reserved bool) {
	switch name {
	case HEAD, "current", "main", "@":
		return "the current version", true
	case "backup":
		return "the backup", true
	case "autosave":
		return "the newest snapshot of the local history", true
	}
	return "", false
}

// ValidTagName checks a tag name (without refs/tags/) the way `git tag`
// does — git-check-ref-format on refs/tags/NAME, and no leading "-" — and
// refuses the names circuitvc's revision syntax reserves (HEAD, current,
// main, backup, autosave).
func ValidTagName(name string) error {
	if what, ok := reservedTag(name); ok {
		return fmt.Errorf("refs: tag %q: %w: the name means %s", name, ErrInvalidName, what)
	}
	if strings.HasPrefix(name, "-") {
		return fmt.Errorf("refs: tag %q: %w: must not start with '-'", name, ErrInvalidName)
	}
	if name == "" {
		return fmt.Errorf("refs: tag %q: %w: empty name", name, ErrInvalidName)
	}
	if err := checkRefFormat(TagPrefix + name); err != nil {
		return fmt.Errorf("refs: tag %q: %w: %v", name, ErrInvalidName, err)
	}
	return nil
}

// checkRefFormat applies git-check-ref-format's rules to a full name.
func checkRefFormat(name string) error {
	if name == "@" {
		return errors.New(`must not be "@"`)
	}
	if strings.Contains(name, "@{") {
		return errors.New(`must not contain "@{"`)
	}
	if strings.Contains(name, "..") {
		return errors.New(`must not contain ".."`)
	}
	if strings.HasSuffix(name, ".") {
		return errors.New(`must not end with "."`)
	}
	for _, c := range []byte(name) {
		if c < 0x20 || c == 0x7f {
			return errors.New("must not contain control characters")
		}
		if strings.IndexByte(" ~^:?*[\\", c) >= 0 {
			return fmt.Errorf("must not contain %q", c)
		}
	}
	for comp := range strings.SplitSeq(name, "/") {
		switch {
		case comp == "":
			return errors.New(`must not start or end with "/" or contain "//"`)
		case strings.HasPrefix(comp, "."):
			return fmt.Errorf("component %q must not start with \".\"", comp)
		case strings.HasSuffix(comp, ".lock"):
			return fmt.Errorf("component %q must not end with \".lock\"", comp)
		}
	}
	return nil
}
