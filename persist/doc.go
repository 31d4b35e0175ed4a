// Package persist is the persistence API of the original circuit
// persistence module, in Go: it loads and saves JSON files (circuits, or
// any JSON value) with atomic replacement, optional backups, validation,
// retries of transient errors with exponential backoff, integrity checks
// and hashes, file locks, and typed errors.
//
//	p := persist.New(persist.Options{EnableBackups: true})
//	err := p.Load(ctx, "amp.circuit.json", &c)
//	err = p.Save(ctx, "amp.circuit.json", c, persist.WithValidate(check))
//	err = persist.WithFileLock(ctx, "amp.circuit.json", 5*time.Second, func() error { … })
//
// Every failure satisfies errors.Is(err, ErrPersistence); errors.As gives
// *FileLockedError and *DataIntegrityError. Every call takes a context,
// which ends its waits (retries, locks). Files go through an fsx.FS
// (Options.FS), the operating system's unless a test swaps it.
//
// It is independent of circuitvc's store: package worktree is that.
package persist
