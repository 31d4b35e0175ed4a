//go:build !windows

package worktree

import "syscall"

// persistTransient are errnos fsx.IsTransient retries on this platform:
// an interrupted call, a busy resource, a would-block.
var persistTransient = [3]syscall.Errno{syscall.EINTR, syscall.EAGAIN, syscall.EBUSY}
