//go:build windows

package persist

import "syscall"

// transientErrnos are errnos fsx.IsTransient retries on this platform:
// ERROR_SHARING_VIOLATION and ERROR_LOCK_VIOLATION, what Windows returns
// while another process (an editor, a virus scanner) has the file open.
var transientErrnos = [3]syscall.Errno{32, 33, 32}
