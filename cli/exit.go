package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/circuitvc/circuitvc/worktree"
)

// Exit codes. They are part of the interface: scripts rely on them, the
// README lists them, and they never change meaning.
const (
	ExitOK          = 0  // success
	ExitDifferent   = 1  // diff --exit-code found differences; verify found problems; a merge left conflicts
	ExitUsage       = 2  // bad flags or arguments
	ExitInvalid     = 3  // a circuit failed validation (validate, save)
	ExitLocked      = 4  // another process holds the store or a ref past the lock timeout, or moved a ref meanwhile
	ExitNotRepo     = 5  // no .circuitvc here or above
	ExitBadRevision = 6  // a revision names no commit
	ExitNoPath      = 7  // a file is not in the revision, or does not exist
	ExitCorrupt     = 8  // the store holds a damaged object or ref
	ExitIO          = 9  // the file system refused: permission, disk full, read-only, I/O error
	ExitFailure     = 10 // anything else
	ExitPartial     = 11 // a restore failed after changing files and could not put them back
	ExitRejected    = 12 // a push was refused: not a fast-forward, or the remote moved meanwhile
	ExitUnreachable = 13 // a remote could not be reached
	ExitAuth        = 14 // a remote wanted credentials, or refused them
	ExitNoRemote    = 15 // a remote holds no repository at that address
)

// exitCodeDoc documents one exit code.
type exitCodeDoc struct {
	code    int
	kinds   []worktree.Kind // the kinds of failure that end with it (worktree.KindOf)
	short   string          // for the app's help
	meaning string          // for the README
}

// exitCodes is the one list of exit codes and what they mean: errors are
// mapped to codes by their kind with it (exitCode), the app's help is
// made from it, the README's table is checked against it
// (TestREADMEExitCodes), and the contract test checks every command's
// failures against failureClasses, which point into it.
var exitCodes = []exitCodeDoc{
	{ExitOK, nil, "ok", `success (including "nothing to save")`},
	{ExitDifferent, nil, "differences, problems or conflicts found", "differences found (`diff --exit-code`), problems found (`verify`), or conflicts left (`merge`, `merge-file`)"},
	{ExitUsage, []worktree.Kind{worktree.Refused}, "usage", "usage: unknown command or flag, missing or extra argument"},
	{ExitInvalid, []worktree.Kind{worktree.Invalid}, "invalid circuit", "a circuit has errors (`validate`, `save` refusing it, `export` unable to read it; warnings alone exit 0)"},
	{ExitLocked, []worktree.Kind{worktree.Busy}, "locked or busy", "busy: another process holds the store or a ref lock past the lock timeout, or moved the ref while this command ran (nothing was changed; try again); `watch` when another watcher runs on the tree"},
	{ExitNotRepo, []worktree.Kind{worktree.NotRepo}, "not a circuitvc directory", "not inside a circuitvc directory"},
	{ExitBadRevision, []worktree.Kind{worktree.UnknownRevision}, "unknown revision", "unknown revision"},
	{ExitNoPath, []worktree.Kind{worktree.NoSuchFile}, "no such file", "no such file (in the revision asked for, or on disk)"},
	{ExitCorrupt, []worktree.Kind{worktree.Damaged}, "damaged store", "the store is damaged (corrupt or missing object, corrupt ref, HEAD missing or unreadable, HEAD naming a branch that does not exist while another holds the history): nothing was changed"},
	{ExitIO, []worktree.Kind{worktree.FileSystem}, "file-system error", "the file system refused (permission denied, disk full, read-only, I/O error): nothing was changed"},
	{ExitFailure, []worktree.Kind{worktree.Other}, "other failure", "any other failure"},
	{ExitPartial, []worktree.Kind{worktree.Partial}, "restore left files changed (the message names them and the version holding their previous bytes)", "a restore failed after replacing working files and could not put them back (a disk that died half way); the message names them and the version holding their previous bytes (`backup`, or a hash to restore)"},
	{ExitRejected, []worktree.Kind{worktree.Rejected}, "push rejected", "a push was rejected: the remote holds versions not here (`rejected: fetch first`: pull, then push) or the push would drop versions (`not a fast-forward`: pull, or `--force`); nothing was changed there"},
	{ExitUnreachable, []worktree.Kind{worktree.Unreachable}, "remote unreachable", "a remote could not be reached (unknown host, connection refused, timeout)"},
	{ExitAuth, []worktree.Kind{worktree.AuthFailed}, "authentication failed", "a remote wanted credentials or refused those given (`CIRCUITVC_USERNAME`/`CIRCUITVC_PASSWORD`, `CIRCUITVC_TOKEN`, git's credential helpers; ssh: the agent or `~/.ssh` keys)"},
	{ExitNoRemote, []worktree.Kind{worktree.NoRemoteRepo}, "remote repository not found", "a remote holds no repository at that address (a path with no store, a wrong URL)"},
}

// failureClass is a way any command can fail, and the exit code it must
// then end with (the contract test, contract_test.go, runs every command
// against each class).
type failureClass struct {
	name string
	code int
}

// failureClasses are the classes the contract test covers; the README's
// exit-code table lists them under their code.
var failureClasses = []failureClass{
	{"usage error", ExitUsage},
	{"invalid circuit", ExitInvalid},
	{"stale lock on current", ExitLocked},
	{"stale lock on backup", ExitLocked},
	{"store lock held", ExitLocked},
	{"no store", ExitNotRepo},
	{"unknown revision", ExitBadRevision},
	{"missing file", ExitNoPath},
	{"damaged object", ExitCorrupt},
	{"damaged ref", ExitCorrupt},
	{"missing HEAD", ExitCorrupt},
	{"read-only store", ExitIO},
	{"unwritable working file", ExitIO},
}

// exitCodeTable is the README's Markdown table of exit codes.
func exitCodeTable() string {
	var b strings.Builder
	b.WriteString("| code | meaning | failure classes tested against every command |\n|---|---|---|\n")
	for _, d := range exitCodes {
		var classes []string
		for _, c := range failureClasses {
			if c.code == d.code {
				classes = append(classes, c.name)
			}
		}
		fmt.Fprintf(&b, "| %d | %s | %s |\n", d.code, d.meaning, strings.Join(classes, ", "))
	}
	return b.String()
}

// exitCodeHelp is the app's paragraph listing the exit codes, wrapped
// at 78 columns.
func exitCodeHelp() string {
	text := "Exit codes:"
	for i, d := range exitCodes {
		sep := ","
		if i == len(exitCodes)-1 {
			sep = "."
		}
		text += fmt.Sprintf(" %d %s%s", d.code, d.short, sep)
	}
	var b strings.Builder
	col := 0
	for _, w := range strings.Fields(text) {
		if col > 0 && col+1+len(w) > 78 {
			b.WriteString("\n")
			col = 0
		} else if col > 0 {
			b.WriteString(" ")
			col++
		}
		b.WriteString(w)
		col += len(w)
	}
	return b.String()
}

// usageError marks a mistake in how the command was called.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// silentError carries an exit code whose explanation was already printed
// (diff --exit-code, verify's list).
type silentError struct{ code int }

func (e silentError) Error() string { return "" }

// exitCode maps an error to its exit code: the one place that does. A
// mistake in the command line is a usage error; any other error has the
// code of its kind (worktree.KindOf) in exitCodes.
func exitCode(err error) int {
	var se silentError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &se):
		return se.code
	case errors.As(err, new(usageError)):
		return ExitUsage
	}
	k := worktree.KindOf(err)
	for _, d := range exitCodes {
		if slices.Contains(d.kinds, k) {
			return d.code
		}
	}
	return ExitFailure
}
