//go:build !windows

package fsx

import (
	"errors"
	"os"
	"syscall"
)

func rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

func syncDir(name string) error {
	d, err := os.Open(name)
	if err != nil {
		return err
	}
	err = d.Sync()
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
		err = nil // some file systems cannot sync directories; nothing more to do
	}
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// transientErrnos are the errors worth retrying: the same call can
// succeed a moment later.
var transientErrnos = []error{syscall.EINTR, syscall.EAGAIN, syscall.EBUSY, syscall.ETXTBSY}
