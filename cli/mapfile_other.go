//go:build !linux

package cli

import "github.com/circuitvc/circuitvc/fsx"

// mapFile maps files on Linux only (see mapfile_linux.go); elsewhere
// diff reads them.
func mapFile(fsx.File) (data []byte, unmap func(), ok bool) { return nil, nil, false }
