package worktree

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/objects"
)

// conn is a connection to a remote store, over whichever transport its
// URL names: in process for a local path (localConn), through go-git's
// transport clients otherwise (gitConn).
type conn interface {
	// list returns the remote's branches and tags, and the branch its
	// HEAD names.
	list(ctx context.Context) (*remoteRefs, error)
	// fetch has the remote send the objects reachable from want and not
	// from have, as a pack that recv reads (and stores).
	fetch(ctx context.Context, want, have []objects.Hash, recv func(io.Reader) error) error
	// push sends the objects hashes of src and asks the remote to
	// update refs, each by compare-and-swap from its old value. The
	// result has one entry per update: nil when it was made.
	push(ctx context.Context, updates []refUpdate, src *objects.Store, hashes []objects.Hash, progress func(int64)) ([]error, error)
	close() error
}

// remoteRefs is what a remote advertises.
type remoteRefs struct {
	refs map[string]objects.Hash // full names: refs/heads/*, refs/tags/*
	head string                  // the branch HEAD names ("refs/heads/main"); "" when unknown
}

// refUpdate moves ref name on the remote from old (ZeroHash: it must
// not exist) to new.
type refUpdate struct {
	name     string
	old, new objects.Hash
}

// Auth says where credentials for http(s) and ssh remotes come from.
// For http(s): CIRCUITVC_TOKEN, or CIRCUITVC_USERNAME and
// CIRCUITVC_PASSWORD, then those in the URL, then `git credential fill`
// where git is installed. For ssh: CIRCUITVC_SSH_KEY, the agent
// (SSH_AUTH_SOCK), then the keys in HOME/.ssh; go-git checks the host
// against ~/.ssh/known_hosts.
type Auth struct {
	// Getenv reads those variables; nil reads none.
	Getenv func(string) string
}

// isLocal reports whether url names a path on this machine (a plain
// path or a file:// URL), and returns that path.
func isLocal(url string) (string, bool) {
	if p, ok := strings.CutPrefix(url, "file://"); ok {
		return p, true
	}
	ep, err := transport.NewEndpoint(url)
	if err != nil || ep.Protocol != "file" {
		return "", false
	}
	return url, true // ep.Path would be made absolute from the process's directory
}

// normaliseURL checks url and makes a local path absolute (from base).
func normaliseURL(url, base string) (string, error) {
	if url == "" || strings.HasPrefix(url, "-") {
		return "", fmt.Errorf("url %q: %w", url, ErrBadRemote)
	}
	if p, ok := isLocal(url); ok {
		if !filepath.IsAbs(p) {
			p = filepath.Join(base, p)
		}
		return filepath.Clean(p), nil
	}
	ep, err := transport.NewEndpoint(url)
	if err != nil {
		return "", fmt.Errorf("url %q: %w: %v", url, ErrBadRemote, err)
	}
	switch ep.Protocol {
	case "http", "https", "ssh", "git":
		return url, nil
	}
	return "", fmt.Errorf("url %q: %w: unsupported scheme %q (file paths, file://, http(s)://, ssh://, user@host:path and git:// are)", url, ErrBadRemote, ep.Protocol)
}

// dial connects to the remote at url, a relative local path being taken
// from base (the working tree, as git does for a URL written by hand in
// the config); who signs the reflog entries of a push into a local store.
func dial(ctx context.Context, fsys fsx.FS, url, base string, auth Auth, who objects.Signature) (conn, error) {
	if p, ok := isLocal(url); ok {
		if !filepath.IsAbs(p) {
			p = filepath.Join(base, p)
		}
		return dialLocal(fsys, p, who)
	}
	return dialGit(ctx, url, auth)
}

// findStoreDir finds the store at path: a circuitvc working directory
// (path/.circuitvc), a git working directory (path/.git) or a bare
// repository (path itself). work tells whether it has working files.
func findStoreDir(fsys fsx.FS, path string) (dir string, work bool, err error) {
	isStore := func(d string) bool {
		_, err1 := fsys.Stat(filepath.Join(d, "HEAD"))
		fi, err2 := fsys.Stat(filepath.Join(d, "objects"))
		return err1 == nil && err2 == nil && fi.IsDir()
	}
	for _, sub := range []string{DirName, ".git"} {
		if d := filepath.Join(path, sub); isStore(d) {
			return d, true, nil
		}
	}
	if isStore(path) {
		return path, false, nil
	}
	if _, err := fsys.Stat(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", false, fmt.Errorf("%s: %w", path, err)
	}
	return "", false, fmt.Errorf("%s: %w: no circuitvc or git store there", path, ErrRemoteNotFound)
}
