package scale

import (
	"io/fs"

	"github.com/circuitvc/circuitvc/fsx"
)

// NoSync wraps a file system so that Sync and SyncDir do nothing. It is
// for building benchmark fixtures quickly, never for timed work: the
// timed commands are the real binaries with full durability.
func NoSync(fsys fsx.FS) fsx.FS { return noSyncFS{fsys} }

type noSyncFS struct{ fsx.FS }

func (n noSyncFS) OpenFile(name string, flag int, perm fs.FileMode) (fsx.File, error) {
	f, err := n.FS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return noSyncFile{f}, nil
}

func (noSyncFS) SyncDir(string) error { return nil }

type noSyncFile struct{ fsx.File }

func (noSyncFile) Sync() error { return nil }
