package refs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"syscall"
)

// List returns every ref whose full name starts with prefix ("refs/tags/",
// or "" for all), loose and packed, sorted by name; a loose ref shadows a
// packed one of the same name. Symbolic refs below refs/ are listed with
// the hash they resolve to. HEAD is not listed. Lock files and names Git
// would refuse are ignored; a damaged ref file is an error naming it.
func (s *Store) List(prefix string) ([]Ref, error) {
	ctx := context.Background() // a read waits only to retry a transient error
	found := map[string]Ref{}
	if err := s.walkLoose(ctx, "refs", prefix, found); err != nil {
		return nil, err
	}
	packed, _, err := s.loadPacked(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range packed {
		if _, shadowed := found[r.Name]; !shadowed && strings.HasPrefix(r.Name, prefix) {
			found[r.Name] = r.Ref
		}
	}
	out := make([]Ref, 0, len(found))
	for _, r := range found {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Ref) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// walkLoose adds the loose refs below directory dir (a ref-name prefix
// such as "refs/tags") that match prefix.
func (s *Store) walkLoose(ctx context.Context, dir, prefix string, found map[string]Ref) error {
	// Skip subtrees that cannot hold a match.
	if !strings.HasPrefix(dir+"/", prefix) && !strings.HasPrefix(prefix, dir+"/") {
		return nil
	}
	entries, err := s.fsys.ReadDir(s.path(dir))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("refs: list %s: %w", dir, err)
	}
	for _, e := range entries {
		name := path.Join(dir, e.Name())
		if e.IsDir() {
			if err := s.walkLoose(ctx, name, prefix, found); err != nil {
				return err
			}
			continue
		}
		if !strings.HasPrefix(name, prefix) || ValidRefName(name) != nil {
			continue // lock files, temp files, stray names
		}
		_, h, err := s.resolve(ctx, name)
		if errors.Is(err, ErrNotFound) {
			continue // removed since ReadDir, or a dangling symbolic ref
		}
		if err != nil {
			return err
		}
		found[name] = Ref{Name: name, Hash: h}
	}
	return nil
}
