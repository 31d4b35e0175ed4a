package refs

import (
	"errors"
	"testing"

	"github.com/circuitvc/circuitvc/internal/gittest"
)

var refNameCases = []string{
	"v1", "v1.0", "release/2024-06", "a/b/c", "x@y", "ünïcødé", "with-dash", "under_score", "a.b",
	"", "a..b", "a b", "a~b", "a^b", "a:b", "a?b", "a*b", "a[b", "a\\b", "a\x00b", "a\x7fb", "a\tb",
	".a", "a/.b", "a.", "a/", "/a", "a//b", "a.lock", "a.lock/b", "a@{b", "@", "a/@", "@/a", "a/./b", "a/../b",
	"-x", "x-", "HEAD", "current", "main", "backup", "@{1}", "x.lock.y", "a/.lock",
}

// TestValidTagNameAgreesWithGit: git check-ref-format is the oracle for
// every name circuitvc does not reserve.
func TestValidTagNameAgreesWithGit(t *testing.T) {
	gittest.Need(t)
	for _, name := range refNameCases {
		err := ValidTagName(name)
		if err != nil && !errors.Is(err, ErrInvalidName) {
			t.Errorf("ValidTagName(%q) = %v; want ErrInvalidName", name, err)
		}
		if _, reserved := reservedTag(name); reserved {
			if err == nil {
				t.Errorf("ValidTagName(%q) accepted a reserved name", name)
			}
			continue
		}
		gitOK := gittest.Command("", "check-ref-format", TagPrefix+name).Run() == nil
		if name != "" && name[0] == '-' {
			gitOK = false // `git tag` refuses it although check-ref-format does not
		}
		if gitOK != (err == nil) {
			t.Errorf("ValidTagName(%q) = %v; git check-ref-format says ok=%v", name, err, gitOK)
		}
		refErr := ValidRefName(TagPrefix + name)
		if gitFull := gittest.Command("", "check-ref-format", TagPrefix+name).Run() == nil; gitFull != (refErr == nil) {
			t.Errorf("ValidRefName(refs/tags/%q) = %v; git says ok=%v", name, refErr, gitFull)
		}
	}
}

func TestValidRefName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{HEAD, true}, {Main, true}, {Backup, true}, {"refs/tags/v1", true},
		{"main", false}, {"refs", false}, {"refs/", false}, {"config", false}, {"objects/ab", false},
		{"refs/heads/../../config", false}, {"refs/heads/.x", false}, {"HEAD/x", false},
	}
	for _, tt := range tests {
		if err := ValidRefName(tt.name); (err == nil) != tt.ok {
			t.Errorf("ValidRefName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}
