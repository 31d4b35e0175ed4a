//go:build !unix

package scale

import "os"

// maxRSS is not measured where the platform has no wait4 rusage.
func maxRSS(*os.ProcessState) int64 { return 0 }
