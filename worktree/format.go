package worktree

// FormatVersion is the core.repositoryformatversion that init writes:
// the store is a Git repository of the original format.
const FormatVersion = "0"

// StoreFormat says in one line what store this version of circuitvc reads
// and writes, for `circuitvc version`.
const StoreFormat = "bare Git repository, repositoryformatversion " + FormatVersion +
	": SHA-1 loose objects and v2 packs, refs, packed-refs and reflogs as Git writes them"
