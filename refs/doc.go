// Package refs stores circuitvc's named pointers — HEAD, current
// (refs/heads/main), backup (refs/circuitvc/backup) and tags (refs/tags/*)
// — in Git's exact on-disk format, so that stock git reads and writes the
// same refs.
//
// A ref is a loose file holding 40 hex digits and a newline, or a line of
// packed-refs (written by `git gc` / `git pack-refs`); a loose ref shadows
// a packed one. HEAD is a symbolic ref ("ref: refs/heads/main").
//
// Updates follow Git's lock-file protocol, so circuitvc and git exclude
// each other: <ref>.lock is created with O_CREAT|O_EXCL, the current value
// is compared with the caller's expectation (compare-and-swap), the new
// value is written to the lock and fsynced, the reflog entry is appended
// to logs/<ref> and fsynced *before* the lock is renamed over the ref
// (so an acknowledged ref value always has its reflog entry), and finally
// the ref's directory is fsynced. A held lock is waited on with backoff up
// to Options.LockTimeout, then reported as a *LockedError.
//
// ParseRev parses circuitvc's revision syntax (hashes, current, backup,
// tags, @{N}, ~N, ^N); resolving a revision to a commit needs the object
// store and is done by package worktree with ReflogAt's help.
//
// All file I/O goes through fsx.FS. A Store holds no mutable state and may
// be used from several goroutines and processes at once.
//
// refs is plumbing, as go-git's plumbing packages are: for tools that work
// on a store's refs directly. Programs that save, restore and read
// versions use the porcelain, package worktree, which keeps refs, objects
// and working files consistent.
package refs
