package worktree

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// localConn is a remote on a local path, served in process: the objects
// to send are found and packed from the remote's own store, and what
// is pushed is received there with circuitvc's durability protocol
// (objects.ReceivePack, then refs moved by compare-and-swap with
// reflogs). No git binary and no go-git storage is involved.
type localConn struct {
	path    string
	work    bool // the remote store has working files
	objects *objects.Store
	refs    *refs.Store
	who     objects.Signature // signs the remote's reflog entries
}

func dialLocal(fsys fsx.FS, path string, who objects.Signature) (*localConn, error) {
	dir, work, err := findStoreDir(fsys, path)
	if err != nil {
		return nil, err
	}
	obj, err := objects.Open(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("remote %s: %w", path, err)
	}
	return &localConn{path: path, work: work, objects: obj, refs: refs.Open(fsys, dir, refs.Options{}), who: who}, nil
}

func (c *localConn) close() error { return c.objects.Close() }

func (c *localConn) list(context.Context) (*remoteRefs, error) {
	all, err := c.refs.List("refs/")
	if err != nil {
		return nil, fmt.Errorf("remote %s: %w", c.path, err)
	}
	rr := &remoteRefs{refs: map[string]objects.Hash{}}
	for _, r := range all {
		if strings.HasPrefix(r.Name, "refs/heads/") || strings.HasPrefix(r.Name, refs.TagPrefix) {
			rr.refs[r.Name] = r.Hash
		}
	}
	if name, _, err := c.refs.Resolve(refs.HEAD); err == nil || errors.Is(err, refs.ErrNotFound) {
		rr.head = name
	}
	return rr, nil
}

func (c *localConn) fetch(ctx context.Context, want, have []objects.Hash, recv func(io.Reader) error) error {
	hashes, err := c.objects.Reachable(ctx, want, have)
	if err != nil {
		return fmt.Errorf("remote %s: %w", c.path, err)
	}
	return c.objects.SendStored(ctx, hashes, objects.PackOptions{}, recv)
}

func (c *localConn) push(ctx context.Context, updates []refUpdate, src *objects.Store, hashes []objects.Hash, progress func(int64)) ([]error, error) {
	head := ""
	if c.work {
		head, _, _ = c.refs.Resolve(refs.HEAD)
	}
	for _, u := range updates {
		if u.name == head {
			return nil, fmt.Errorf("%w: %s has working files and %s is its current version: push to a bare store (git init --bare), or pull from the other side", ErrRejected, c.path, u.name)
		}
	}
	err := src.SendStored(ctx, hashes, objects.PackOptions{}, func(r io.Reader) error {
		_, err := c.objects.ReceivePack(ctx, r, progress)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("remote %s: %w", c.path, err)
	}
	results := make([]error, len(updates))
	for i, u := range updates {
		results[i] = c.update(ctx, u)
	}
	return results, nil
}

// update checks that the pushed version is whole in the remote store,
// then moves the ref by compare-and-swap.
func (c *localConn) update(ctx context.Context, u refUpdate) error {
	if _, err := c.objects.Reachable(ctx, []objects.Hash{u.new}, []objects.Hash{u.old}); err != nil {
		return fmt.Errorf("%s: the pushed version is incomplete: %w", u.name, err)
	}
	err := c.refs.Update(ctx, u.name, u.old, u.new, c.who, "push")
	var ce *refs.ConflictError
	if errors.As(err, &ce) {
		return fmt.Errorf("%w: %s moved on the remote while pushing (fetch first)", ErrRejected, u.name)
	}
	return err
}
