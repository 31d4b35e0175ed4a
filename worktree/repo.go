package worktree

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// Hash names a version, or a file's bytes: a Git object name.
type Hash = objects.Hash

// Signature is who made a version, and when.
type Signature = objects.Signature

// Commit is a version as stored: its tree, parents, author, committer and
// message.
type Commit = objects.Commit

// FileMode is the mode of a file in a version, as Git writes it
// (0o100644 for a file, 0o100755 for an executable one).
type FileMode = objects.FileMode

// BlobID is the name Git gives a file holding data, as git hash-object
// prints it.
func BlobID(data []byte) Hash { return objects.HashObject(objects.BlobObject, data) }

// DirName is the name of the store directory at the root of a working tree.
const DirName = ".circuitvc"

// lockName is the whole-command lock inside the store: save, restore and
// gc hold it; readers do not.
const lockName = "circuitvc.lock"

// Repo is a working directory and its store.
type Repo struct {
	fs      fsx.FS
	root    string // absolute path of the working tree
	dir     string // root/.circuitvc
	objects *objects.Store
	refs    *refs.Store
	cfg     Config
	cache   *statCache // loaded on first use
}

// OpenOptions tune how a Repo is found and opened.
type OpenOptions struct {
	// FS is the file system; nil means the operating system's.
	FS fsx.FS
	// LockTimeout overrides the configured wait for locks when non-zero.
	LockTimeout time.Duration
}

func (o OpenOptions) fsys() fsx.FS {
	if o.FS == nil {
		return fsx.OS()
	}
	return o.FS
}

// Init makes a new store in dir (which must exist) and opens it.
func Init(dir string, opts OpenOptions) (*Repo, error) {
	fsys := opts.fsys()
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	store := filepath.Join(root, DirName)
	if _, err := fsys.Stat(filepath.Join(store, "HEAD")); err == nil {
		return nil, fmt.Errorf("%s: %w", store, ErrExists)
	}
	if err := fsx.MkdirAll(fsys, store, 0o755); err != nil {
		return nil, err
	}
	if err := objects.Init(fsys, store); err != nil {
		return nil, err
	}
	if err := writeConfig(fsys, store, DefaultConfig()); err != nil {
		return nil, err
	}
	// HEAD last: its presence is what marks a complete store.
	if err := refs.Init(fsys, store); err != nil {
		return nil, err
	}
	return open(fsys, root, opts)
}

// Find opens the store of the working tree containing dir, walking up
// through its parents as git does. A store whose HEAD is missing or
// unreadable, or names a branch that does not exist while another holds
// the history, is found but not opened: the error (wrapping ErrDamaged)
// says what is wrong and how to repair it.
func Find(dir string, opts OpenOptions) (*Repo, error) {
	fsys := opts.fsys()
	start, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for d := start; ; {
		fi, err := fsys.Stat(filepath.Join(d, DirName))
		if err == nil && fi.IsDir() {
			return openChecked(fsys, d, opts)
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) {
			return nil, err
		}
		parent := filepath.Dir(d)
		if parent == d {
			return nil, fmt.Errorf("%s: %w", start, ErrNotRepo)
		}
		d = parent
	}
}

// openChecked opens the store of root for a command: its HEAD must lead
// to the history (checkHead).
func openChecked(fsys fsx.FS, root string, opts OpenOptions) (*Repo, error) {
	r, err := open(fsys, root, opts)
	if err != nil {
		return nil, err
	}
	if err := r.checkHead(); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func open(fsys fsx.FS, root string, opts OpenOptions) (*Repo, error) {
	dir := filepath.Join(root, DirName)
	cfg, err := readConfig(fsys, dir)
	if err != nil {
		return nil, err
	}
	if opts.LockTimeout > 0 {
		cfg.LockTimeout = opts.LockTimeout
	}
	obj, err := objects.Open(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &DamagedError{Path: filepath.Join(dir, "objects"), What: "the objects directory is missing",
			Hint: "'circuitvc init' makes it again, empty"}
	}
	if err != nil {
		return nil, err
	}
	return &Repo{
		fs:      fsys,
		root:    root,
		dir:     dir,
		objects: obj,
		refs:    refs.Open(fsys, dir, refs.Options{LockTimeout: cfg.LockTimeout}),
		cfg:     cfg,
	}, nil
}

// Root is the absolute path of the working tree.
func (r *Repo) Root() string { return r.root }

// Dir is the absolute path of the store (.circuitvc).
func (r *Repo) Dir() string { return r.dir }

// Config is the store's configuration as read at open.
func (r *Repo) Config() Config { return r.cfg }

// Close releases what the store holds open.
func (r *Repo) Close() error { return r.objects.Close() }

// lock takes the whole-command lock, waiting up to the lock timeout.
func (r *Repo) lock(ctx context.Context) (func() error, error) {
	release, err := fsx.Lock(ctx, r.fs, filepath.Join(r.dir, lockName), r.cfg.LockTimeout)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.dir, err)
	}
	return release, nil
}

// Head is the current commit, or ZeroHash before the first save.
func (r *Repo) Head() (objects.Hash, error) {
	h, err := r.refs.Read(refs.HEAD)
	if errors.Is(err, refs.ErrNotFound) {
		return objects.ZeroHash, nil
	}
	return h, err
}
