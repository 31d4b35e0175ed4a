package fsx

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// PendingFile is a file written under a temporary name that takes its
// final name only when committed: the durable-write protocol of every
// writer of circuitvc (working files, objects, packs, refs). Write to
// it, then commit it:
//
//   - CommitRename replaces the final name, as rename(2) does;
//   - CommitLink takes the final name only if it is free (a hard link,
//     failing with fs.ErrExist otherwise), and removes the temporary name.
//
// Either first fsyncs and closes the file, and afterwards fsyncs the
// final name's directory, so that the new name survives a power cut.
// Rename and Link do the same without the directory fsync, for a caller
// that commits many files and fsyncs each directory once.
//
// A commit that fails before the name moved leaves the file pending:
// the caller may try again (a rename after a refused link, say) or give
// up. A commit that fails after it (in the directory fsync) may be
// called again to retry only that. Cleanup removes the temporary file
// unless a commit moved it; it is safe to defer.
//
// The shape is that of github.com/google/renameio's PendingFile.
type PendingFile struct {
	fsys  FS
	f     File   // nil once closed
	name  string // the temporary name; "" once it no longer exists
	err   error  // why the fsync or close failed: the file cannot be committed
	moved bool   // the final name holds the file
}

// NewPendingFile creates a temporary file in dir, named prefix and a
// random suffix, with O_EXCL and permissions perm (less the umask).
func NewPendingFile(fsys FS, dir, prefix string, perm fs.FileMode) (*PendingFile, error) {
	f, err := CreateTemp(fsys, dir, prefix, perm)
	if err != nil {
		return nil, err
	}
	return &PendingFile{fsys: fsys, f: f, name: f.Name()}, nil
}

// NewPendingFileAt creates the temporary file name itself, failing with
// fs.ErrExist when it exists. Git's lock files are such files: refs/x.lock
// is where the new refs/x is written, and its existence excludes every
// other writer of refs/x, git's included.
func NewPendingFileAt(fsys FS, name string, perm fs.FileMode) (*PendingFile, error) {
	f, err := fsys.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return nil, err
	}
	return &PendingFile{fsys: fsys, f: f, name: name}, nil
}

// Name is the temporary name.
func (p *PendingFile) Name() string { return p.name }

// File is the open temporary file, for reading back what was written;
// nil once Close or a commit closed it.
func (p *PendingFile) File() File { return p.f }

// Write writes to the temporary file.
func (p *PendingFile) Write(b []byte) (int, error) {
	if p.f == nil {
		return 0, &fs.PathError{Op: "write", Path: p.name, Err: fs.ErrClosed}
	}
	return p.f.Write(b)
}

// Close fsyncs and closes the temporary file, which stays pending. Commit
// does it too; a caller closes first to do something in between (set the
// file's mode) or to fsync several files at once. Once it has failed,
// every later Close and commit returns that error.
func (p *PendingFile) Close() error {
	if p.f == nil {
		return p.err
	}
	f := p.f
	p.f = nil
	if err := f.Sync(); err != nil {
		_ = f.Close()
		p.err = err
		return err
	}
	p.err = f.Close()
	return p.err
}

// Committed reports whether the final name holds the file (even if the
// directory fsync then failed).
func (p *PendingFile) Committed() bool { return p.moved }

// Rename is CommitRename without the directory fsync.
func (p *PendingFile) Rename(final string) error {
	if p.moved {
		return nil
	}
	if err := p.Close(); err != nil {
		return err
	}
	if err := p.fsys.Rename(p.name, final); err != nil {
		return err
	}
	p.moved, p.name = true, ""
	return nil
}

// CommitRename makes the file final, replacing whatever final was, and
// fsyncs final's directory.
func (p *PendingFile) CommitRename(final string) error {
	if err := p.Rename(final); err != nil {
		return err
	}
	return p.fsys.SyncDir(filepath.Dir(final))
}

// Link is CommitLink without the directory fsync.
func (p *PendingFile) Link(final string) error {
	if !p.moved {
		if err := p.Close(); err != nil {
			return err
		}
		if err := p.fsys.Link(p.name, final); err != nil {
			return err
		}
		p.moved = true
	}
	return p.removeTemp()
}

// CommitLink makes the file final only if final does not exist (else it
// fails, wrapping fs.ErrExist, and the file stays pending), removes the
// temporary name and fsyncs final's directory.
func (p *PendingFile) CommitLink(final string) error {
	if err := p.Link(final); err != nil {
		return err
	}
	return p.fsys.SyncDir(filepath.Dir(final))
}

// Cleanup gives the file up: it closes it and removes the temporary name,
// unless a commit moved the file (then it only removes a temporary name
// a link left behind). It reports a failure to remove, and may be called
// again to retry; it is safe to defer, ignoring the result.
func (p *PendingFile) Cleanup() error {
	if p.f != nil {
		_ = p.f.Close()
		p.f = nil
		if p.err == nil {
			p.err = &fs.PathError{Op: "write", Path: p.name, Err: fs.ErrClosed}
		}
	}
	return p.removeTemp()
}

// removeTemp removes the temporary name; a name already gone is fine.
func (p *PendingFile) removeTemp() error {
	if p.name == "" {
		return nil
	}
	if err := p.fsys.Remove(p.name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	p.name = ""
	return nil
}
