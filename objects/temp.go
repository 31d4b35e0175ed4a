package objects

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"time"
)

// RemoveStaleTemps deletes temp files (tmp_obj_*, tmp_pack_*, tmp_idx_*)
// last modified more than age ago: leftovers of writers killed mid-write,
// which nothing refers to. Younger ones may belong to a live writer, git
// or circuitvc, and are kept (git's own gc waits too). It returns how
// many were removed.
func (s *Store) RemoveStaleTemps(age time.Duration) (int, error) {
	cutoff := time.Now().Add(-age)
	removed := 0
	var errs []error
	for _, dir := range []string{s.objDir, s.packDir()} {
		entries, err := s.fsys.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return removed, err
		}
		for _, e := range entries {
			if !isTempName(e.Name()) || e.IsDir() {
				continue
			}
			info, err := e.Info()
			if err != nil || !info.ModTime().Before(cutoff) {
				continue
			}
			if err := s.removeReadOnly(filepath.Join(dir, e.Name())); err != nil {
				errs = append(errs, err)
				continue
			}
			removed++
		}
	}
	return removed, errors.Join(errs...)
}

func isTempName(name string) bool {
	for _, p := range []string{looseTempPrefix, "tmp_pack_", "tmp_idx_"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
