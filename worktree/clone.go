package worktree

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// CloneOptions say what to clone where.
type CloneOptions struct {
	TransferOptions
	// URL is the remote: a path, file://, http(s)://, ssh:// or
	// user@host:path.
	URL string
	// Dir is the new working directory; "" means the last element of
	// the URL's path without .git. It must not exist, or be empty.
	Dir string
	// Base is the directory relative paths (URL, Dir) start from.
	Base string
	// FS is the file system; nil means the operating system's.
	FS fsx.FS
}

// CloneResult says what a clone made.
type CloneResult struct {
	Dir    string // the new working directory, absolute
	Fetch  *FetchResult
	Branch string       // the branch current names ("refs/heads/main"): the remote's default branch
	Head   objects.Hash // the current version; ZeroHash for an empty remote
	Files  []string     // the working files written
	// NoCircuits reports a history whose current version holds no
	// circuit file that the store tracks: a git repository, not a
	// circuitvc history. It was cloned all the same.
	NoCircuits bool
}

// Clone makes a new working directory holding a copy of a remote's
// history: a store with the remote as origin, its branches fetched, its
// default branch (whatever its name) as current, and the working files
// of that version. Everything is built in a temporary sibling directory
// and renamed into place at the end, so that Dir either does not appear
// or appears whole; an interrupted clone leaves at most a
// ".NAME.clone-*" directory beside it.
func Clone(ctx context.Context, opts CloneOptions) (*Repo, *CloneResult, error) {
	fsys := opts.FS
	if fsys == nil {
		fsys = fsx.OS()
	}
	url, err := normaliseURL(opts.URL, opts.Base)
	if err != nil {
		return nil, nil, err
	}
	dir := opts.Dir
	if dir == "" {
		dir = cloneDirName(url)
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(opts.Base, dir)
	}
	if err := checkCloneTarget(fsys, dir); err != nil {
		return nil, nil, err
	}
	tmp, err := makeTempDir(fsys, filepath.Dir(dir), "."+filepath.Base(dir)+".clone-")
	if err != nil {
		return nil, nil, fmt.Errorf("clone into %s: %w", dir, err)
	}
	res, err := cloneInto(ctx, fsys, tmp, url, opts.TransferOptions)
	if err == nil {
		err = moveIntoPlace(fsys, tmp, dir)
	}
	if err != nil {
		_ = removeAll(fsys, tmp)
		return nil, nil, err
	}
	res.Dir = dir
	r, err := Find(dir, OpenOptions{FS: fsys})
	if err != nil {
		return nil, nil, err
	}
	return r, res, nil
}

// cloneDirName is the directory a clone of url makes by default.
func cloneDirName(url string) string {
	p := strings.TrimRight(strings.ReplaceAll(url, "\\", "/"), "/")
	if i := strings.LastIndexAny(p, "/:"); i >= 0 {
		p = p[i+1:]
	}
	p = strings.TrimSuffix(strings.TrimSuffix(p, ".git"), DirName)
	if p == "" || p == "." || p == ".." {
		return "clone"
	}
	return path.Clean(p)
}

// checkCloneTarget refuses a directory that exists and is not empty.
func checkCloneTarget(fsys fsx.FS, dir string) error {
	entries, err := fsys.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("clone into %s: %w", dir, err)
	case len(entries) > 0:
		return fmt.Errorf("clone into %s: %w: it exists and is not empty", dir, ErrExists)
	}
	return nil
}

func cloneInto(ctx context.Context, fsys fsx.FS, root, url string, opts TransferOptions) (*CloneResult, error) {
	r, err := Init(root, OpenOptions{FS: fsys})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if err := r.AddRemote(ctx, DefaultRemote, url, root); err != nil {
		return nil, err
	}
	opts.Remote = DefaultRemote
	fr, err := r.Fetch(ctx, opts)
	if err != nil {
		return nil, err
	}
	for _, ch := range fr.Changes {
		if ch.Err != nil {
			return nil, fmt.Errorf("clone: %s: %w", ch.Ref, ch.Err)
		}
	}
	res := &CloneResult{Fetch: fr, Branch: refs.Main}
	if !slices.Contains(fr.Branches, fr.Head) {
		// HEAD names a branch that does not exist (a bare store made
		// with master as default, then pushed main): main, else master,
		// else the only branch, as init repairs a store.
		var ok bool
		if fr.Head, ok = pickBranch(fr.Branches); !ok {
			if len(fr.Branches) > 0 {
				return nil, fmt.Errorf("clone: %w: the remote's HEAD names no branch, and it has several: %s", ErrRevisionNotFound, strings.Join(fr.Branches, ", "))
			}
			return res, nil // an empty remote: an empty clone, as git makes
		}
	}
	res.Branch = fr.Head
	tracking := trackingRef(DefaultRemote, fr.Head)
	if res.Head, err = r.readRef(tracking); err != nil {
		return nil, err
	}
	if err := r.refs.Update(ctx, fr.Head, objects.ZeroHash, res.Head, opts.Author, "clone: from "+url); err != nil {
		return nil, err
	}
	if err := r.refs.SetSymbolic(ctx, refs.HEAD, fr.Head); err != nil {
		return nil, err
	}
	if err := r.refs.SetSymbolic(ctx, RemoteRefPrefix+DefaultRemote+"/HEAD", tracking); err != nil {
		return nil, err
	}
	return res, r.checkout(ctx, res)
}

// checkout writes the working files of the cloned version.
func (r *Repo) checkout(ctx context.Context, res *CloneResult) error {
	snap, err := r.snapshot(res.Head)
	if err != nil {
		return err
	}
	plan, err := r.planRestore(Snapshot{}, snap, snap, nil)
	if err != nil {
		return err
	}
	var done RestoreResult
	if err := r.apply(ctx, plan, &done); err != nil {
		return err
	}
	res.Files = done.Written
	res.NoCircuits = true
	for _, p := range res.Files {
		if r.matchTracked(p) {
			res.NoCircuits = false
		}
	}
	return nil
}

// makeTempDir makes a new directory in dir named prefix and a random
// suffix.
func makeTempDir(fsys fsx.FS, dir, prefix string) (string, error) {
	if err := fsx.MkdirAll(fsys, dir, 0o755); err != nil {
		return "", err
	}
	var b [6]byte
	for range 100 {
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		name := filepath.Join(dir, prefix+hex.EncodeToString(b[:]))
		err := fsys.Mkdir(name, 0o755)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return name, err
	}
	return "", &fs.PathError{Op: "mkdirtemp", Path: filepath.Join(dir, prefix+"*"), Err: fs.ErrExist}
}

// moveIntoPlace renames the finished clone to its name (an empty
// directory there is replaced) and fsyncs the parent.
func moveIntoPlace(fsys fsx.FS, tmp, dir string) error {
	if err := fsys.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("clone into %s: %w", dir, err)
	}
	if err := fsys.Rename(tmp, dir); err != nil {
		return fmt.Errorf("clone into %s: %w", dir, err)
	}
	return fsys.SyncDir(filepath.Dir(dir))
}

// removeAll removes a directory tree, for giving up a clone.
func removeAll(fsys fsx.FS, dir string) error {
	entries, err := fsys.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			if err := removeAll(fsys, p); err != nil {
				return err
			}
			continue
		}
		if err := fsys.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return fsys.Remove(dir)
}
