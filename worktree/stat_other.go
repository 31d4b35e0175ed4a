//go:build !linux && !darwin

package worktree

import "io/fs"

// sysStat has nothing beyond size, mtime and mode to offer here.
func sysStat(fs.FileInfo) (ino, ctime int64) { return 0, 0 }
