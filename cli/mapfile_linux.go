package cli

import (
	"os"
	"syscall"

	"github.com/circuitvc/circuitvc/fsx"
)

// mapMinSize is the size from which diff maps a file named on the command
// line instead of reading it: reading copies it into fresh memory, page
// by page (for two files of 48 MB, a third of the processor time of the
// whole diff), where a mapping of a file in the page cache is made at
// once. Smaller files are read: for them it makes no difference.
const mapMinSize = 8 << 20

// mapFile maps the regular file f read-only, with its pages populated,
// when it is an operating-system file of at least mapMinSize bytes; ok
// is false otherwise, and the caller reads it. unmap releases the
// mapping: nothing may use the bytes after it.
//
// As git's diff does with working-tree files: a file truncated while it
// is mapped faults on the bytes past its new end; the goroutines that
// read the bytes turn that fault into an error (see guardFaults and
// circuit.ParsePair).
func mapFile(f fsx.File) (data []byte, unmap func(), ok bool) {
	of, isOS := f.(*os.File)
	if !isOS {
		return nil, nil, false
	}
	fi, err := of.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() < mapMinSize || fi.Size() > 1<<40 {
		return nil, nil, false
	}
	data, err = syscall.Mmap(int(of.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_PRIVATE|syscall.MAP_POPULATE)
	if err != nil {
		return nil, nil, false // read instead: the same bytes, only slower
	}
	return data, func() { _ = syscall.Munmap(data) }, true
}
