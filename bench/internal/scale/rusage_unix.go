//go:build unix

package scale

import (
	"os"
	"runtime"
	"syscall"
)

// maxRSS reads the child's peak resident set size from wait4's rusage.
func maxRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	// Linux and the BSDs report kilobytes; Darwin reports bytes.
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return int64(ru.Maxrss)
	}
	return int64(ru.Maxrss) * 1024
}
