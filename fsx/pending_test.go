package fsx_test

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
)

// commitFunc is one way to commit a PendingFile.
type commitFunc func(p *fsx.PendingFile, final string) error

var commits = map[string]commitFunc{
	"CommitRename": (*fsx.PendingFile).CommitRename,
	"CommitLink":   (*fsx.PendingFile).CommitLink,
}

func TestPendingFileCommit(t *testing.T) {
	for fsName, mk := range fileSystems(t) {
		for name, commit := range commits {
			t.Run(fsName+"/"+name, func(t *testing.T) {
				fsys, dir := mk(t)
				final := filepath.Join(dir, "f")
				p, err := fsx.NewPendingFile(fsys, dir, ".f.tmp-", 0o644)
				mustDo(t, err)
				tmp := p.Name()
				if _, err := p.Write([]byte("new")); err != nil {
					t.Fatal(err)
				}
				if got := readString(t, fsys, tmp); got != "new" {
					t.Fatalf("temp file holds %q before the commit", got)
				}
				if _, err := fsys.Stat(final); !errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("final name exists before the commit: %v", err)
				}
				mustDo(t, commit(p, final))
				if !p.Committed() || readString(t, fsys, final) != "new" {
					t.Fatalf("after commit: committed %v, final %q", p.Committed(), readString(t, fsys, final))
				}
				if _, err := fsys.Stat(tmp); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("temp name %s left after the commit: %v", tmp, err)
				}
				mustDo(t, p.Cleanup()) // a no-op once committed
				if got := readString(t, fsys, final); got != "new" {
					t.Errorf("Cleanup after commit changed the file: %q", got)
				}
				if _, err := p.Write([]byte("more")); err == nil {
					t.Error("Write after commit succeeded")
				}
			})
		}
	}
}

// TestPendingFileLinkTaken: CommitLink never replaces an existing file; the
// file stays pending, so the caller can rename instead or give up.
func TestPendingFileLinkTaken(t *testing.T) {
	m := fsxtest.NewMemFS()
	mustDo(t, m.Mkdir("/d", 0o755), fsx.WriteFile(m, "/d/f", []byte("old"), 0o644))
	p, err := fsx.NewPendingFile(m, "/d", ".f.tmp-", 0o644)
	mustDo(t, err)
	_, err = p.Write([]byte("new"))
	mustDo(t, err)
	if err := p.CommitLink("/d/f"); !errors.Is(err, fs.ErrExist) || p.Committed() {
		t.Fatalf("CommitLink over a file = %v, committed %v; want fs.ErrExist", err, p.Committed())
	}
	if got := readString(t, m, "/d/f"); got != "old" {
		t.Fatalf("refused link changed the file: %q", got)
	}
	mustDo(t, p.CommitRename("/d/f"))
	if got := readString(t, m, "/d/f"); got != "new" {
		t.Fatalf("rename after a refused link: %q", got)
	}
	if tmps := tempFiles(t, m, "/d"); len(tmps) > 0 {
		t.Errorf("temp files left: %v", tmps)
	}
}

// TestPendingFileFaults fails each call of a pending file's life in turn:
// the commit reports it; after Cleanup no temp file is left; the final
// name holds the whole new file exactly when Committed says so, else the
// old one.
func TestPendingFileFaults(t *testing.T) {
	for name, commit := range commits {
		t.Run(name, func(t *testing.T) {
			for n := 1; ; n++ {
				m := fsxtest.NewMemFS()
				mustDo(t, m.Mkdir("/d", 0o755))
				f := fsxtest.NewFaultFS(m)
				f.FailAt(n, syscall.EIO)
				err := func() error {
					p, err := fsx.NewPendingFile(f, "/d", ".f.tmp-", 0o644)
					if err != nil {
						return err
					}
					defer p.Cleanup()
					if _, err := p.Write([]byte("new")); err != nil {
						return err
					}
					err = commit(p, "/d/f")
					if got, rerr := fsx.ReadFile(m, "/d/f"); p.Committed() != (rerr == nil && string(got) == "new") {
						t.Fatalf("%v: committed %v, but /d/f = %q, %v", f.Fired(), p.Committed(), got, rerr)
					}
					return err
				}()
				fired := f.Fired()
				if len(fired) == 0 {
					mustDo(t, err)
					break
				}
				if !errors.Is(err, syscall.EIO) {
					t.Fatalf("%v: err = %v, want EIO", fired[0], err)
				}
				if tmps := tempFiles(t, m, "/d"); len(tmps) > 0 {
					t.Fatalf("%v: temp files left: %v", fired[0], tmps)
				}
			}
		})
	}
}

// TestPendingFileRetryCommit: a commit whose directory fsync failed is
// retried by calling it again, which only fsyncs: the name moved once.
func TestPendingFileRetryCommit(t *testing.T) {
	for name, commit := range commits {
		t.Run(name, func(t *testing.T) {
			m := fsxtest.NewMemFS()
			mustDo(t, m.Mkdir("/d", 0o755))
			f := fsxtest.NewFaultFS(m)
			f.Inject(fsxtest.Fault{Op: "syncdir", Err: syscall.EINTR})
			p, err := fsx.NewPendingFile(f, "/d", ".f.tmp-", 0o644)
			mustDo(t, err)
			if err := commit(p, "/d/f"); !errors.Is(err, syscall.EINTR) || !p.Committed() {
				t.Fatalf("first commit = %v, committed %v; want EINTR after the move", err, p.Committed())
			}
			before := f.Ops()
			mustDo(t, commit(p, "/d/f"))
			if ops := f.Log()[before:]; len(ops) != 1 || ops[0].Name != "syncdir" {
				t.Errorf("retry did %v; want one syncdir", ops)
			}
		})
	}
}

func TestPendingFileAt(t *testing.T) {
	m := fsxtest.NewMemFS()
	mustDo(t, m.Mkdir("/d", 0o755))
	p, err := fsx.NewPendingFileAt(m, "/d/f.lock", 0o644)
	mustDo(t, err)
	if _, err := fsx.NewPendingFileAt(m, "/d/f.lock", 0o644); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second fsx.NewPendingFileAt = %v; want fs.ErrExist", err)
	}
	_, err = p.Write([]byte("v"))
	mustDo(t, err, p.CommitRename("/d/f"))
	if got := readString(t, m, "/d/f"); got != "v" {
		t.Fatalf("/d/f = %q", got)
	}
	q, err := fsx.NewPendingFileAt(m, "/d/f.lock", 0o644) // free again
	mustDo(t, err, q.Cleanup())
	if _, err := m.Stat("/d/f.lock"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Cleanup left the lock: %v", err)
	}
}

func TestPoll(t *testing.T) {
	ctx := context.Background()
	calls := 0
	done, _, err := fsx.Poll(ctx, time.Minute, func() (bool, error) { calls++; return calls == 4, nil })
	if !done || err != nil || calls != 4 {
		t.Errorf("fsx.Poll until the 4th call: done %v, err %v after %d calls", done, err, calls)
	}
	calls = 0
	done, waited, err := fsx.Poll(ctx, 0, func() (bool, error) { calls++; return false, nil })
	if done || err != nil || calls != 1 || waited > time.Second {
		t.Errorf("fsx.Poll with no timeout: done %v, err %v after %d calls, waited %v", done, err, calls, waited)
	}
	boom := errors.New("boom")
	calls = 0
	if _, _, err := fsx.Poll(ctx, time.Minute, func() (bool, error) { calls++; return false, boom }); err != boom || calls != 1 {
		t.Errorf("failing try: err %v after %d calls", err, calls)
	}
	cctx, cancel := context.WithCancel(ctx)
	calls = 0
	_, _, err = fsx.Poll(cctx, time.Minute, func() (bool, error) {
		calls++
		cancel() // ends the wait that follows
		return false, nil
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("cancelled wait: err %v after %d calls", err, calls)
	}
}

func readString(t *testing.T, fsys fsx.FS, name string) string {
	t.Helper()
	data, err := fsx.ReadFile(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestPendingFileGivenUpNeverCommits: a PendingFile given up (Cleanup)
// whose temporary name could not be removed is never committed: it was
// closed without an fsync, so its bytes may not be on the disk.
func TestPendingFileGivenUpNeverCommits(t *testing.T) {
	for name, commit := range commits {
		t.Run(name, func(t *testing.T) {
			mem := fsxtest.NewMemFS()
			mustDo(t, mem.Mkdir("/d", 0o755))
			f := fsxtest.NewFaultFS(mem)
			p, err := fsx.NewPendingFile(f, "/d", ".f.tmp-", 0o644)
			mustDo(t, err)
			if _, err := p.Write([]byte("unsynced")); err != nil {
				t.Fatal(err)
			}
			f.Inject(fsxtest.Fault{Op: "remove", Err: syscall.EIO, Times: -1})
			if err := p.Cleanup(); !errors.Is(err, syscall.EIO) {
				t.Fatalf("Cleanup = %v, want the removal's EIO", err)
			}
			if err := commit(p, "/d/f"); err == nil {
				t.Errorf("%s after Cleanup succeeded", name)
			}
			if _, err := mem.Stat("/d/f"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the given-up file reached its final name (%v)", err)
			}
		})
	}
}

// TestPendingFileCloseAfterCleanup: Close after Cleanup does not report
// success: the file was closed without an fsync, and a caller that closes
// to learn whether its bytes are durable must not be told they are.
func TestPendingFileCloseAfterCleanup(t *testing.T) {
	mem := fsxtest.NewMemFS()
	mustDo(t, mem.Mkdir("/d", 0o755))
	p, err := fsx.NewPendingFile(mem, "/d", ".f.tmp-", 0o644)
	mustDo(t, err)
	if _, err := p.Write([]byte("unsynced")); err != nil {
		t.Fatal(err)
	}
	mustDo(t, p.Cleanup())
	if err := p.Close(); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("Close after Cleanup = %v, want fs.ErrClosed", err)
	}
}
