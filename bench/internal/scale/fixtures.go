package scale

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	gitconfig "github.com/go-git/go-git/v5/plumbing/format/config"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/worktree"
)

// Epoch is the author date of a fixture's first save; save i is dated
// i seconds later, so histories are identical from run to run.
var Epoch = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

// Who signs fixture saves.
func Who(i int) objects.Signature {
	return objects.Signature{Name: "Bench", Email: "bench@example.com", When: Epoch.Add(time.Duration(i) * time.Second)}
}

// Version is the content of every file changed by save i of a fixture
// history, keyed by path relative to the root, and its message.
type Version func(i int) (files map[string][]byte, msg string, err error)

// Builder makes circuitvc working trees in-process through the worktree
// API, without fsync (fixtures only; the timed runs are real binaries).
type Builder struct {
	// AutoGC is written to the store's circuitvc.autoGC; 0 keeps every
	// object loose, as the size rows need.
	AutoGC int
}

// Init makes dir (created if needed) a circuitvc working tree.
func (b Builder) Init(dir string) (*worktree.Repo, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	fsys := NoSync(fsx.OS())
	repo, err := worktree.Init(dir, worktree.OpenOptions{FS: fsys})
	if err != nil {
		return nil, fmt.Errorf("init %s: %w", dir, err)
	}
	repo.Close()
	if err := SetConfig(filepath.Join(dir, worktree.DirName), "circuitvc", "autoGC", strconv.Itoa(b.AutoGC)); err != nil {
		return nil, err
	}
	return worktree.Find(dir, worktree.OpenOptions{FS: fsys})
}

// History saves n versions in the working tree of repo, writing each
// version's files and saving them; it returns the commit of every save,
// oldest first. Save numbers start at first, so a history can be extended.
func (b Builder) History(ctx context.Context, repo *worktree.Repo, first, n int, v Version) ([]objects.Hash, error) {
	var out []objects.Hash
	for i := first; i < first+n; i++ {
		files, msg, err := v(i)
		if err != nil {
			return out, err
		}
		paths := make([]string, 0, len(files))
		for p, data := range files {
			if err := WriteFile(filepath.Join(repo.Root(), filepath.FromSlash(p)), data); err != nil {
				return out, err
			}
			paths = append(paths, p)
		}
		res, err := repo.Save(ctx, worktree.SaveOptions{Paths: paths, Message: msg, Author: Who(i), NoVerify: true})
		if err != nil {
			return out, fmt.Errorf("fixture save %d in %s: %w", i, repo.Root(), err)
		}
		out = append(out, res.Commit)
	}
	return out, nil
}

// WriteFile writes a working file, making its directory.
func WriteFile(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, data, 0o644)
}

// SetConfig sets one option in a git-config file, keeping the rest.
func SetConfig(dir, section, key, value string) error {
	name := filepath.Join(dir, "config")
	cfg := gitconfig.New()
	data, err := os.ReadFile(name)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := gitconfig.NewDecoder(bytes.NewReader(data)).Decode(cfg); err != nil {
		return fmt.Errorf("config %s: %w", name, err)
	}
	cfg.Section(section).SetOption(key, value)
	return fsx.WriteFileAtomic(fsx.OS(), name, 0o644, func(w io.Writer) error {
		return gitconfig.NewEncoder(w).Encode(cfg)
	})
}

// Git runs stock git for fixtures and oracles.
type Git struct {
	// Env is the environment git runs with (see BaseEnv).
	Env []string
}

// Run runs git in dir and returns its standard output.
func (g Git) Run(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Env = g.Env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("git %s (in %s): %w: %s", strings.Join(args, " "), dir, err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// Mirror makes gitDir a git working tree holding exactly the history of
// the circuitvc working tree cvcDir (same commits, same hashes), checked
// out at the same version. Objects arrive loose, written by git itself
// with its default loose compression, as if the history had been made
// with git commit; the repository is configured with core.fsync=all and
// no automatic gc, like the timed runs.
func (g Git) Mirror(ctx context.Context, cvcDir, gitDir string) error {
	if err := os.MkdirAll(gitDir, 0o755); err != nil {
		return err
	}
	steps := [][]string{
		{"init", "-q", "-b", "main"},
		{"config", "core.fsync", "all"},
		{"config", "core.fsyncMethod", "fsync"},
		{"config", "gc.auto", "0"},
		{"config", "core.autocrlf", "false"},
		{"config", "commit.gpgSign", "false"},
		// The transfer pack is only a carrier: no deltas and the fastest
		// compression make it cheap; unpack-objects then writes every
		// object loose exactly as git add and git commit would.
		{"-c", "fetch.unpackLimit=2147483647", "fetch", "-q", "--update-head-ok",
			"--upload-pack=git -c pack.window=0 -c pack.compression=1 upload-pack",
			filepath.Join(cvcDir, worktree.DirName), "+refs/heads/main:refs/heads/main"},
		{"reset", "-q", "--hard", "main"},
	}
	for _, s := range steps {
		if _, err := g.Run(ctx, gitDir, s...); err != nil {
			return err
		}
	}
	return nil
}

// DirSize is the total size of the regular files under dir.
func DirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			n += fi.Size()
		}
		return nil
	})
	return n, err
}
