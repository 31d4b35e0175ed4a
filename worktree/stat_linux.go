package worktree

import (
	"io/fs"
	"syscall"
)

// sysStat gives the inode and change time, which catch a file replaced or
// rewritten with its old size and mtime put back.
func sysStat(fi fs.FileInfo) (ino, ctime int64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int64(st.Ino), st.Ctim.Nano()
	}
	return 0, 0
}
