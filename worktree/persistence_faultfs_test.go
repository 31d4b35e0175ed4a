package worktree

import (
	"io/fs"
	"sync"
	"syscall"

	"github.com/circuitvc/circuitvc/internal/fsx"
)

// persistFaultFS wraps an FS, logs every operation (including reads,
// writes, syncs and closes of open files) and fails chosen ones with a
// chosen errno. A failed call does not reach the wrapped FS.
type persistFaultFS struct {
	fsx.FS

	mu  sync.Mutex
	log []string // "op name", one per call, in order

	// failAt fails the failAt-th call (1-based) once; 0 disables it.
	failAt int
	// failOp fails the first failTimes calls whose op is failOp.
	failOp    string
	failTimes int
	errno     syscall.Errno
	calls     map[string]int // calls per op
}

func persistNewFaultFS(errno syscall.Errno) *persistFaultFS {
	return &persistFaultFS{FS: fsx.OS(), errno: errno, calls: map[string]int{}}
}

// hit records one call and returns the injected error, if any.
func (f *persistFaultFS) hit(op, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, op+" "+name)
	f.calls[op]++
	fail := f.failAt == len(f.log) || (op == f.failOp && f.calls[op] <= f.failTimes)
	if !fail {
		return nil
	}
	return &fs.PathError{Op: op, Path: name, Err: f.errno}
}

func (f *persistFaultFS) ops() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.log)
}

func (f *persistFaultFS) opAt(i int) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.log[i-1]
}

func (f *persistFaultFS) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

func (f *persistFaultFS) OpenFile(name string, flag int, perm fs.FileMode) (fsx.File, error) {
	if err := f.hit("open", name); err != nil {
		return nil, err
	}
	file, err := f.FS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &persistFaultFile{File: file, fs: f}, nil
}

func (f *persistFaultFS) Stat(name string) (fs.FileInfo, error) {
	if err := f.hit("stat", name); err != nil {
		return nil, err
	}
	return f.FS.Stat(name)
}

func (f *persistFaultFS) Rename(oldpath, newpath string) error {
	if err := f.hit("rename", newpath); err != nil {
		return err
	}
	return f.FS.Rename(oldpath, newpath)
}

func (f *persistFaultFS) Remove(name string) error {
	if err := f.hit("remove", name); err != nil {
		return err
	}
	return f.FS.Remove(name)
}

func (f *persistFaultFS) Chmod(name string, mode fs.FileMode) error {
	if err := f.hit("chmod", name); err != nil {
		return err
	}
	return f.FS.Chmod(name, mode)
}

func (f *persistFaultFS) SyncDir(name string) error {
	if err := f.hit("syncdir", name); err != nil {
		return err
	}
	return f.FS.SyncDir(name)
}

func (f *persistFaultFS) TryLock(name string) (func() error, error) {
	if err := f.hit("lock", name); err != nil {
		return nil, err
	}
	return f.FS.TryLock(name)
}

type persistFaultFile struct {
	fsx.File
	fs *persistFaultFS
}

func (f *persistFaultFile) Read(p []byte) (int, error) {
	if err := f.fs.hit("read", f.Name()); err != nil {
		return 0, err
	}
	return f.File.Read(p)
}

func (f *persistFaultFile) Write(p []byte) (int, error) {
	if err := f.fs.hit("write", f.Name()); err != nil {
		return 0, err
	}
	return f.File.Write(p)
}

func (f *persistFaultFile) Sync() error {
	if err := f.fs.hit("sync", f.Name()); err != nil {
		return err
	}
	return f.File.Sync()
}

func (f *persistFaultFile) Close() error {
	if err := f.fs.hit("close", f.Name()); err != nil {
		return err
	}
	return f.File.Close()
}
