// Package objects is circuitvc's content-addressed object store, in Git's
// exact on-disk format, so that the store is a valid bare Git repository.
//
// Loose objects live in objects/xx/<38 hex> as zlib("<type> <size>\x00" +
// content), named by the collision-detecting SHA-1 of the uncompressed
// bytes. Packs written by `git gc` or by [Store.Pack] live in objects/pack
// and are read through go-git's packfile and idxfile readers.
//
// Writes follow the durability protocol of DESIGN.md: a temp file in
// objects/ created with O_EXCL, written and fsynced, hard-linked to its
// final name (an existing object is never overwritten, only reused), then
// the objects/xx directory is fsynced. All file I/O goes through fsx.FS.
//
// A Store may be used from several goroutines: the set of packs is guarded
// by a mutex and loose objects need no locking. Several processes may use
// one store at the same time, each with its own Store; packs that another
// process adds are picked up the first time an object is not found.
//
// objects is plumbing, as go-git's plumbing packages are: for tools that
// read or write a store's objects directly. Programs that save, restore
// and read versions use the porcelain, package worktree.
package objects
