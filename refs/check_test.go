package refs

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/objects"
)

func TestCheck(t *testing.T) {
	s, dir := newStore(t, Options{})
	h := fakeHashes(2)
	if err := s.Update(bg, HEAD, objects.ZeroHash, h[0], sig(), "one"); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(bg, TagPrefix+"v1", objects.ZeroHash, h[1], sig(), "tag"); err != nil {
		t.Fatal(err)
	}
	check := func() (CheckStats, []string) {
		t.Helper()
		var problems []string
		st, err := s.Check(func(err error) { problems = append(problems, err.Error()) })
		if err != nil {
			t.Fatal(err)
		}
		return st, problems
	}
	st, problems := check()
	if len(problems) != 0 || st.Refs != 3 || st.ReflogEntries != 3 {
		t.Fatalf("clean store: %+v, %q", st, problems)
	}
	writeFile(t, filepath.Join(dir, "refs", "tags", "empty"), "")
	writeFile(t, filepath.Join(dir, "refs", "tags", "trunc"), hexA[:12])
	writeFile(t, filepath.Join(dir, "refs", "heads", "main.lock"), "")
	writeFile(t, filepath.Join(dir, "logs", "refs", "tags", "v1"), "garbage\n")
	writeFile(t, filepath.Join(dir, "packed-refs"), "nonsense\n")
	st, problems = check()
	want := []string{"refs/tags/empty", "refs/tags/trunc", "main.lock", "logs/refs/tags/v1", "packed-refs"}
	if st.Problems != len(want) || st.LockFilesFound != 1 {
		t.Fatalf("damaged store: %+v, %q", st, problems)
	}
	for _, w := range want {
		if !strings.Contains(strings.Join(problems, "\n"), w) {
			t.Errorf("no problem names %s: %q", w, problems)
		}
	}
	var locked int
	_, _ = s.Check(func(err error) {
		if errors.Is(err, ErrLocked) {
			locked++
		}
	})
	if locked != 1 {
		t.Errorf("%d lock problems wrap ErrLocked, want 1", locked)
	}
}
