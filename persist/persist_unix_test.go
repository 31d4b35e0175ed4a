//go:build !windows

package persist

import "syscall"

// transientErrnos are errnos fsx.IsTransient retries on this platform:
// an interrupted call, a busy resource, a would-block.
var transientErrnos = [3]syscall.Errno{syscall.EINTR, syscall.EAGAIN, syscall.EBUSY}
