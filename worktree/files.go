package worktree

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/objects"
)

// skipDirs are never searched for tracked files.
var skipDirs = map[string]bool{DirName: true, ".git": true, "node_modules": true}

// RelPath turns a path given by the user (absolute, or relative to cwd)
// into a slash-separated path relative to the root, refusing paths outside
// the working tree or inside the store.
func (r *Repo) RelPath(cwd, p string) (string, error) {
	abs := p
	if !filepath.IsAbs(p) {
		abs = filepath.Join(cwd, p)
	}
	rel, err := filepath.Rel(r.root, filepath.Clean(abs))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", &PathError{Path: p, Err: fmt.Errorf("%w: outside the working tree %s", ErrUnsafePath, r.root)}
	}
	rel = filepath.ToSlash(rel)
	if err := checkPath(rel); err != nil {
		return "", &PathError{Path: p, Err: err}
	}
	return rel, nil
}

// checkPath refuses a tree path that could escape the working tree or
// overwrite a store: empty, absolute, "..", ".", ".circuitvc" or ".git"
// anywhere, backslashes or NUL.
func checkPath(p string) error {
	if p == "" || strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") || (len(p) > 1 && p[1] == ':') {
		return fmt.Errorf("%w: %q is not a relative path", ErrUnsafePath, p)
	}
	for _, part := range strings.Split(p, "/") {
		switch strings.ToLower(part) {
		case "", ".", "..":
			return fmt.Errorf("%w: %q has an empty, . or .. component", ErrUnsafePath, p)
		case DirName, ".git":
			return fmt.Errorf("%w: %q is inside a store", ErrUnsafePath, p)
		}
	}
	return nil
}

// abs is the OS path of a tree path.
func (r *Repo) abs(p string) string { return filepath.Join(r.root, filepath.FromSlash(p)) }

// matchTracked reports whether p is tracked by the configured patterns:
// the last pattern that matches decides, and one written "!PATTERN"
// leaves out what it matches (KiCad's _autosave-* copies). readConfig
// checked the patterns, so Match cannot fail.
func (r *Repo) matchTracked(p string) bool {
	tracked := false
	for _, pat := range r.cfg.Track {
		pat, exclude := strings.CutPrefix(pat, "!")
		subject := path.Base(p)
		if strings.Contains(pat, "/") {
			subject = p
		}
		if ok, _ := path.Match(pat, subject); ok {
			tracked = !exclude
		}
	}
	return tracked
}

// walkMatching lists the working files that match the tracked patterns.
func (r *Repo) walkMatching() ([]string, error) {
	var out []string
	var walk func(rel string) error
	walk = func(rel string) error {
		entries, err := r.fs.ReadDir(r.abs(rel))
		if err != nil {
			return err
		}
		for _, e := range entries {
			p := path.Join(rel, e.Name())
			switch {
			case e.IsDir():
				if !skipDirs[e.Name()] {
					if err := walk(p); err != nil {
						return err
					}
				}
			case e.Type().IsRegular() && r.matchTracked(p):
				out = append(out, p)
			}
		}
		return nil
	}
	if err := walk(""); err != nil {
		return nil, err
	}
	return out, nil
}

// trackedPaths is every path save and status look at: the files of the
// current version, the working files matching the patterns, and extra.
func (r *Repo) trackedPaths(head Snapshot, extra []string) ([]string, error) {
	seen := map[string]bool{}
	for p := range head {
		seen[p] = true
	}
	matching, err := r.walkMatching()
	if err != nil {
		return nil, err
	}
	for _, p := range append(matching, extra...) {
		seen[p] = true
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	slices.Sort(out)
	return out, nil
}

// workFile is one working file as found on disk.
type workFile struct {
	Path    string
	Mode    objects.FileMode
	Missing bool
	// Hash is the file's blob id, from the stat cache or from Data.
	Hash objects.Hash
	// Data holds the bytes once loaded (see loadWork).
	Data   []byte
	loaded bool
	info   fs.FileInfo
}

// statWork finds the working file p and its blob id: from the stat cache
// when the file's stat data vouch for it, else by reading it. A file that
// does not exist is reported as Missing, not as an error.
func (r *Repo) statWork(ctx context.Context, p string) (workFile, error) {
	wf := workFile{Path: p, Mode: objects.ModeRegular}
	if err := r.checkParents(p); err != nil {
		return wf, err
	}
	fi, err := r.fs.Lstat(r.abs(p))
	if errors.Is(err, fs.ErrNotExist) {
		wf.Missing = true
		return wf, nil
	}
	if err != nil {
		return wf, err
	}
	if !fi.Mode().IsRegular() {
		return wf, &PathError{Path: p, Err: fmt.Errorf("not a regular file (%v); circuitvc tracks regular files only", fi.Mode().Type())}
	}
	if fi.Mode().Perm()&0o111 != 0 {
		wf.Mode = objects.ModeExecutable
	}
	wf.info = fi
	if h, ok := r.statCache().lookup(p, fi); ok {
		wf.Hash = h
		return wf, nil
	}
	return wf, r.loadWork(ctx, &wf)
}

// loadWork reads the bytes of a file found by statWork, retrying
// transient errors, and records its blob id in the stat cache.
func (r *Repo) loadWork(ctx context.Context, wf *workFile) error {
	if wf.loaded || wf.Missing {
		return nil
	}
	err := fsx.Retry(ctx, fsx.DefaultRetry, func() error {
		var rerr error
		wf.Data, rerr = fsx.ReadFile(r.fs, r.abs(wf.Path))
		return rerr
	})
	if err != nil {
		return err
	}
	wf.loaded = true
	wf.Hash = objects.HashObject(objects.BlobObject, wf.Data)
	r.statCache().remember(wf.Path, wf.info, wf.Hash)
	return nil
}

// readWork is statWork with the bytes always loaded.
func (r *Repo) readWork(ctx context.Context, p string) (workFile, error) {
	wf, err := r.statWork(ctx, p)
	if err != nil {
		return wf, err
	}
	return wf, r.loadWork(ctx, &wf)
}

// writeWork replaces the working file p atomically with data, with the
// permissions of a file of that mode (filePerm). It refuses
// to write through a symbolic link in any parent directory, so a hostile
// tree cannot reach outside the working tree.
func (r *Repo) writeWork(ctx context.Context, p string, data []byte, mode objects.FileMode) error {
	if err := checkPath(p); err != nil {
		return &PathError{Path: p, Err: err}
	}
	if err := r.checkParents(p); err != nil {
		return err
	}
	name := r.abs(p)
	if err := fsx.MkdirAll(r.fs, filepath.Dir(name), 0o755); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	return fsx.Retry(ctx, fsx.DefaultRetry, func() error {
		return fsx.ReplaceFile(r.fs, name, filePerm(mode), func(w io.Writer) error {
			_, err := w.Write(data)
			return err
		})
	})
}

// removeWork deletes the working file p if it exists.
func (r *Repo) removeWork(p string) error {
	if err := checkPath(p); err != nil {
		return &PathError{Path: p, Err: err}
	}
	if err := r.checkParents(p); err != nil {
		return err
	}
	name := r.abs(p)
	if err := r.fs.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := r.fs.SyncDir(filepath.Dir(name)); err != nil {
		return fmt.Errorf("remove %s: %w", p, err)
	}
	return nil
}

// checkParents refuses a path whose parent directories include a
// symbolic link or a non-directory.
func (r *Repo) checkParents(p string) error {
	parts := strings.Split(p, "/")
	at := r.root
	for _, part := range parts[:len(parts)-1] {
		at = filepath.Join(at, part)
		fi, err := r.fs.Lstat(at)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // created fresh by MkdirAll
		}
		if err != nil {
			return err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return &PathError{Path: p, Err: fmt.Errorf("%w: %s is a symbolic link", ErrUnsafePath, at)}
		}
		if !fi.IsDir() {
			return &PathError{Path: p, Err: fmt.Errorf("%s is not a directory", at)}
		}
	}
	return nil
}
