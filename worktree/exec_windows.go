package worktree

// execBit reports whether working files carry an executable bit that
// status compares and restore sets: not on Windows.
const execBit = false
