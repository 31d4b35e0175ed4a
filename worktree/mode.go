package worktree

import (
	"io/fs"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/objects"
)

// workMode is what a tree entry's mode is as a working file: the one
// rule restore writes by and status compares by, so that a restore is
// always followed by a clean status. Trees made by git may hold modes
// circuitvc never writes: 100664 (old git's group-writable file) is a
// regular file (canonMode), and 120000, a symbolic link, is restored as a
// regular file holding the link's target, as git does with
// core.symlinks=false. Where the file system has no executable bit
// (Windows), 100755 is a regular file too, as with git's
// core.fileMode=false.
func workMode(m objects.FileMode) objects.FileMode {
	if canonMode(m) == objects.ModeExecutable && execBit {
		return objects.ModeExecutable
	}
	return objects.ModeRegular
}

// canonMode is the mode git itself writes for an entry (git's
// canon_mode): any regular file is 100644, or 100755 when its owner may
// execute it; other types keep theirs. New trees are written with it, so
// a version that keeps a file from an old git-made tree stays valid.
func canonMode(m objects.FileMode) objects.FileMode {
	if m&0o170000 != 0o100000 {
		return m
	}
	if m&0o100 != 0 {
		return objects.ModeExecutable
	}
	return objects.ModeRegular
}

// sameFile reports whether two entries are the same working file: the
// same bytes, and the same mode as workMode sees it.
func sameFile(a, b Entry) bool {
	return a.Hash == b.Hash && workMode(a.Mode) == workMode(b.Mode)
}

// workEntry is the entry of a working file as found on disk, or head's
// entry for it when the two are the same file, so that a snapshot of
// unchanged working files equals the version they came from.
func workEntry(wf workFile, head Snapshot) Entry {
	e := Entry{Mode: wf.Mode, Hash: wf.Hash}
	if old, ok := head[wf.Path]; ok && sameFile(old, e) {
		return old
	}
	return e
}

// filePerm gives a working file of mode m the permissions restore
// writes: those of the file it replaces (0644 for a new one) with the
// executable bits set where the file is readable, or cleared.
func filePerm(m objects.FileMode) fsx.PermFunc {
	return func(old fs.FileMode, exists bool) fs.FileMode {
		if !exists {
			old = 0o644
		}
		if workMode(m) == objects.ModeExecutable {
			return old | (old&0o444)>>2
		}
		return old &^ 0o111
	}
}
