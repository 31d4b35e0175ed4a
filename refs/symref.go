package refs

import (
	"context"
	"fmt"
	"strings"
)

// SetSymbolic points the symbolic ref name (HEAD) at target, as git
// symbolic-ref does: under name's lock file, whatever name held — a
// symbolic ref, a hash, damaged bytes or nothing — is replaced by
// "ref: <target>". target need not exist yet.
func (s *Store) SetSymbolic(ctx context.Context, name, target string) error {
	if err := ValidRefName(name); err != nil {
		return err
	}
	if err := ValidRefName(target); err != nil || !strings.HasPrefix(target, "refs/") {
		return fmt.Errorf("refs: %s: %w: a symbolic ref must name a ref under refs/, not %q", name, ErrInvalidName, target)
	}
	lock, err := s.lock(ctx, name, s.path(name))
	if err != nil {
		return err
	}
	defer lock.release()
	if err := lock.write([]byte("ref: " + target + "\n")); err != nil {
		return fmt.Errorf("refs: %s: write %s: %w; nothing was changed", name, lock.path, err)
	}
	if err := lock.commit(ctx); err != nil {
		return fmt.Errorf("refs: %s: %w", name, err)
	}
	return nil
}
