// Package worktree is circuitvc's porcelain: a working directory of circuit
// files and the store beside it in .circuitvc/.
//
// A Repo finds its root by walking up from a directory, decides which files
// are tracked (every file ever saved plus configured patterns), saves them
// as commits (validating circuits first), restores any revision atomically
// after backing up unsaved work, and reports status, history and problems.
// It composes the plumbing packages objects and refs; all file I/O goes
// through fsx.
//
// The persistence API of the original circuit persistence module (JSON
// files with atomic writes, backups, locks) is package persist.
package worktree
