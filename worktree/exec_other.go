//go:build !windows

package worktree

// execBit reports whether working files carry an executable bit that
// status compares and restore sets.
const execBit = true
