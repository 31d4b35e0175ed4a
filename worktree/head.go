package worktree

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// DamagedError reports a store that cannot be opened as it is — HEAD
// missing or unreadable, no objects directory — and how to repair it. It
// wraps ErrDamaged.
type DamagedError struct {
	Path string // the file or directory, such as .circuitvc/HEAD
	What string // what is wrong with it
	Hint string // how to repair it
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("%v: %s (%s); %s", ErrDamaged, e.What, e.Path, e.Hint)
}

// headHint is how a user repairs HEAD.
const headHint = "'circuitvc init' repairs HEAD"

// Unwrap makes errors.Is(err, ErrDamaged) hold.
func (e *DamagedError) Unwrap() error { return ErrDamaged }

// BranchError reports a HEAD naming a branch that does not exist while
// other branches hold history, as in a store cloned from a remote whose
// branch is master. It wraps ErrDamaged: using the store as it is would
// start a new history beside the one it holds.
type BranchError struct {
	Head   string   // the branch HEAD names
	Others []string // the branches that exist
}

func (e *BranchError) Error() string {
	msg := fmt.Sprintf("no current version: HEAD names %s, which does not exist, but %s hold%s the history; ",
		e.Head, strings.Join(e.Others, ", "), map[bool]string{true: "s"}[len(e.Others) == 1])
	if b, ok := pickBranch(e.Others); ok {
		return msg + "'circuitvc init' points HEAD at " + b
	}
	return msg + "point HEAD at one with 'circuitvc init --branch NAME'"
}

// Unwrap makes errors.Is(err, ErrDamaged) hold.
func (e *BranchError) Unwrap() error { return ErrDamaged }

// pickBranch chooses the branch to point HEAD at among those that
// exist: main, else master, else the only one.
func pickBranch(branches []string) (string, bool) {
	for _, b := range []string{refs.Main, "refs/heads/master"} {
		if slices.Contains(branches, b) {
			return b, true
		}
	}
	if len(branches) == 1 {
		return branches[0], true
	}
	return "", false
}

// checkHead fails with a *DamagedError when HEAD is missing or
// unreadable, and with a *BranchError when it names a branch that does
// not exist while others do. Anything else (a damaged branch, an I/O
// error) is left for the command that reads it to report.
func (r *Repo) checkHead() error {
	name, _, err := r.refs.Resolve(refs.HEAD)
	var ce *refs.CorruptError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, refs.ErrNotFound) && name == refs.HEAD:
		return &DamagedError{Path: filepath.Join(r.dir, refs.HEAD), What: "HEAD is missing", Hint: headHint}
	case errors.As(err, &ce) && ce.Ref == refs.HEAD:
		return &DamagedError{Path: filepath.Join(r.dir, refs.HEAD), What: "HEAD is unreadable: " + ce.Err.Error(), Hint: headHint}
	case errors.Is(err, refs.ErrNotFound):
		if others, lerr := r.branches(); lerr == nil && len(others) > 0 {
			return &BranchError{Head: name, Others: others}
		}
	}
	return nil
}

// branches lists the branches (refs/heads/*) that exist.
func (r *Repo) branches() ([]string, error) {
	list, err := r.refs.List("refs/heads/")
	if err != nil {
		return nil, err
	}
	out := make([]string, len(list))
	for i, ref := range list {
		out[i] = ref.Name
	}
	return out, nil
}

// InitResult says what InitOrRepair found and did.
type InitResult struct {
	// Existed reports that a store was there already.
	Existed bool
	// Branch is the branch HEAD names afterwards; empty when HEAD holds
	// a commit hash (detached, as git may leave it).
	Branch string
	// Versions counts the versions in the current history.
	Versions int
	// Repaired says what was wrong with HEAD, or that it was pointed at
	// the branch asked for; empty when HEAD was left alone.
	Repaired string
}

// InitOrRepair makes a store in dir as Init does or, when there is one,
// repairs what it needs to be opened: its directories, its config when
// missing, and HEAD when it is missing, unreadable or names a branch that
// does not exist while another holds the history (it then names main,
// else master, else the only branch). branch, when not empty, is the
// branch HEAD must name ("master" or "refs/heads/master"); in a store
// that has branches, it must be one of them.
func InitOrRepair(ctx context.Context, dir string, opts OpenOptions, branch string) (*Repo, *InitResult, error) {
	fsys := opts.fsys()
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, err
	}
	if branch != "" && !strings.HasPrefix(branch, "refs/heads/") {
		branch = "refs/heads/" + branch
	}
	store := filepath.Join(root, DirName)
	if _, err := fsys.Stat(store); errors.Is(err, fs.ErrNotExist) {
		return initOn(ctx, root, opts, branch)
	} else if err != nil {
		return nil, nil, err
	}
	if err := completeStore(fsys, store); err != nil {
		return nil, nil, err
	}
	r, err := open(fsys, root, opts)
	if err != nil {
		return nil, nil, err
	}
	res, err := r.repairHead(ctx, branch)
	if err != nil {
		r.Close()
		return nil, nil, err
	}
	return r, res, nil
}

// initOn makes a new store, whose HEAD names branch (main if empty).
func initOn(ctx context.Context, root string, opts OpenOptions, branch string) (*Repo, *InitResult, error) {
	r, err := Init(root, opts)
	if err != nil {
		return nil, nil, err
	}
	res := &InitResult{Branch: refs.Main}
	if branch != "" && branch != refs.Main {
		res.Branch, res.Repaired = branch, "pointed at "+branch+" as asked"
		if err := r.refs.SetSymbolic(ctx, refs.HEAD, branch); err != nil {
			r.Close()
			return nil, nil, err
		}
	}
	return r, res, nil
}

// completeStore makes what an interrupted init may have left out of an
// existing store: its directories and a default config. HEAD is for
// repairHead.
func completeStore(fsys fsx.FS, store string) error {
	if err := objects.Init(fsys, store); err != nil {
		return err
	}
	if err := refs.InitDirs(fsys, store); err != nil {
		return err
	}
	if _, err := fsys.Stat(configPath(store)); errors.Is(err, fs.ErrNotExist) {
		return writeConfig(fsys, store, DefaultConfig())
	} else if err != nil {
		return err
	}
	return nil
}

// repairHead points HEAD at branch, or repairs it as InitOrRepair says,
// and counts the versions it then leads to. The count comes first, so
// that a store too damaged to count is left as it was; HEAD is written
// under the store lock, which is taken only then.
func (r *Repo) repairHead(ctx context.Context, branch string) (*InitResult, error) {
	res := &InitResult{Existed: true}
	branches, err := r.branches()
	if err != nil {
		return nil, err
	}
	problem := r.checkHead()
	now, _, _ := r.refs.Resolve(refs.HEAD)
	if problem == nil && branch == now {
		branch = ""
	}
	switch {
	case branch != "":
		if len(branches) > 0 && !slices.Contains(branches, branch) {
			return nil, fmt.Errorf("%s: %w: the branches are %s", branch, ErrRevisionNotFound, strings.Join(branches, ", "))
		}
		res.Repaired = "pointed at " + branch + " as asked"
	case problem == nil:
	case len(branches) == 0:
		branch = refs.Main
	default:
		var ok bool
		if branch, ok = pickBranch(branches); !ok {
			return nil, fmt.Errorf("%w; choose one with 'circuitvc init --branch NAME'", problem)
		}
	}
	var de *DamagedError
	var be *BranchError
	switch {
	case res.Repaired != "":
	case errors.As(problem, &de):
		res.Repaired = de.What
	case errors.As(problem, &be):
		res.Repaired = "HEAD named " + be.Head + ", which does not exist"
	}
	res.Branch = now
	if branch != "" {
		res.Branch = branch
	}
	if res.Versions, err = r.countVersions(ctx, res.Branch); err != nil {
		return nil, err
	}
	if res.Branch == refs.HEAD {
		res.Branch = "" // detached: HEAD holds a commit
	}
	if branch == "" {
		return res, nil
	}
	release, err := r.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	return res, r.refs.SetSymbolic(ctx, refs.HEAD, branch)
}

// countVersions counts the versions in the history of ref name (none
// when it does not exist).
func (r *Repo) countVersions(ctx context.Context, name string) (int, error) {
	h, err := r.refs.Read(name)
	if errors.Is(err, refs.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := 0
	err = r.Log(ctx, LogOptions{From: h}, func(LogEntry) error { n++; return nil })
	return n, err
}
