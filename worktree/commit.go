package worktree

import (
	"context"
	"fmt"
	"strings"

	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// batch gathers the objects of a command so that they reach the disk
// together, with one round of fsyncs (objects.Store.WriteMany), before
// any ref points at them.
type batch struct {
	objs []objects.Object
	// files names the working files whose bytes are queued, for errors.
	files []string
}

// addBlob queues the bytes of working file p; h is their blob id,
// already computed.
func (b *batch) addBlob(p string, data []byte, h objects.Hash) {
	b.objs = append(b.objs, objects.Object{Type: objects.BlobObject, Data: data, Hash: h})
	b.files = append(b.files, p)
}

// addCommit queues the trees of snap and a commit of them on parent,
// returning the commit's hash.
func (b *batch) addCommit(parent objects.Hash, snap Snapshot, who objects.Signature, msg string) (objects.Hash, error) {
	var parents []objects.Hash
	if !parent.IsZero() {
		parents = []objects.Hash{parent}
	}
	return b.addCommitOf(parents, snap, who, msg)
}

// addCommitOf is addCommit with any parents: none for a first version,
// two for a merge.
func (b *batch) addCommitOf(parents []objects.Hash, snap Snapshot, who objects.Signature, msg string) (objects.Hash, error) {
	tree, trees, err := treeObjects(snap)
	if err != nil {
		return objects.ZeroHash, err
	}
	c := &objects.Commit{Tree: tree, Parents: parents, Author: who, Committer: who, Message: strings.TrimRight(msg, "\n") + "\n"}
	data, err := objects.EncodeCommit(c)
	if err != nil {
		return objects.ZeroHash, err
	}
	h := objects.HashObject(objects.CommitObject, data)
	b.objs = append(append(b.objs, trees...), objects.Object{Type: objects.CommitObject, Data: data, Hash: h})
	return h, nil
}

// write stores everything queued; an error names the working files
// being stored, after verb ("save", "back up").
func (b *batch) write(r *Repo, verb string) error {
	if len(b.objs) == 0 {
		return nil
	}
	if _, err := r.objects.WriteMany(b.objs); err != nil {
		return fmt.Errorf("%s: %w", strings.TrimSpace(verb+" "+nameFiles(b.files)), err)
	}
	return nil
}

// nameFiles names up to three files, then how many more.
func nameFiles(files []string) string {
	if len(files) > 3 {
		return fmt.Sprintf("%s and %d more", strings.Join(files[:3], ", "), len(files)-3)
	}
	return strings.Join(files, ", ")
}

// moveHead points the current version at commit, compare-and-swap from
// parent; verb starts the reflog message as git's does ("commit"). If it
// fails after the ref moved (only the directory fsync failed), the ref
// and its reflogs are put back, so that a failed command changed nothing.
func (r *Repo) moveHead(ctx context.Context, parent, commit objects.Hash, who objects.Signature, msg, verb string) error {
	if parent.IsZero() {
		verb += " (initial)"
	}
	p, err := r.refs.Prepare(ctx, refs.HEAD, parent, commit, who, verb+": "+firstLine(msg))
	if err != nil {
		return err
	}
	defer p.Abort()
	err = p.Commit(ctx)
	if err != nil && p.Moved() {
		if uerr := p.Undo(context.WithoutCancel(ctx)); uerr != nil {
			return fmt.Errorf("%w; current is the new version %s: putting it back failed: %v", err, short(commit), uerr)
		}
		return fmt.Errorf("%w; put back: nothing was changed", err)
	}
	return err
}
