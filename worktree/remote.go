package worktree

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	gitconfig "github.com/go-git/go-git/v5/plumbing/format/config"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
)

// Errors of remotes and of the commands that talk to them.
var (
	// ErrNoSuchRemote: no remote of that name is configured.
	ErrNoSuchRemote error = kindError{msg: "no such remote", kind: ErrRefused}
	// ErrRemoteExists: remote add found one of that name.
	ErrRemoteExists error = kindError{msg: "remote already exists", kind: ErrRefused}
	// ErrBadRemote: a remote name or URL that cannot be used.
	ErrBadRemote error = kindError{msg: "invalid remote", kind: ErrRefused}
	// ErrRefused is what the request errors above are instances of.
	ErrRefused = errors.New("refused")
	// ErrRejected: the remote refused a ref update, or it would lose
	// versions (not a fast-forward) and --force was not given.
	ErrRejected = errors.New("rejected")
	// ErrUnreachable: the remote could not be reached (host unknown or
	// down, connection refused, timeout).
	ErrUnreachable = errors.New("remote unreachable")
	// ErrAuth: the remote asked for credentials, or refused those given.
	ErrAuth = errors.New("authentication failed")
	// ErrRemoteNotFound: the remote answered, but holds no repository there.
	ErrRemoteNotFound = errors.New("repository not found")
)

// RemoteRefPrefix starts the names of remote-tracking refs:
// refs/remotes/NAME/BRANCH is NAME's BRANCH as last fetched.
const RemoteRefPrefix = "refs/remotes/"

// Remote is a named remote store, as `git remote -v` lists it.
type Remote struct {
	Name string
	URL  string
}

// Remotes lists the configured remotes, sorted by name.
func (r *Repo) Remotes() ([]Remote, error) {
	cfg, err := r.readGitConfig()
	if err != nil {
		return nil, err
	}
	var out []Remote
	for _, sub := range cfg.Section("remote").Subsections {
		out = append(out, Remote{Name: sub.Name, URL: sub.Option("url")})
	}
	slices.SortFunc(out, func(a, b Remote) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// RemoteNamed returns the remote called name (wrapping ErrNoSuchRemote
// when there is none).
func (r *Repo) RemoteNamed(name string) (Remote, error) {
	all, err := r.Remotes()
	if err != nil {
		return Remote{}, err
	}
	for _, rm := range all {
		if rm.Name == name {
			if rm.URL == "" {
				return rm, fmt.Errorf("remote %q: %w: it has no url", name, ErrBadRemote)
			}
			return rm, nil
		}
	}
	return Remote{}, fmt.Errorf("remote %q: %w ('circuitvc remote add %s URL' adds it)", name, ErrNoSuchRemote, name)
}

// CheckRemoteName refuses names git would refuse as a remote, and
// names with "/" (which would make refs/remotes/NAME/BRANCH ambiguous).
func CheckRemoteName(name string) error {
	if name == "" || strings.ContainsAny(name, "/\\") || strings.HasPrefix(name, "-") {
		return fmt.Errorf("remote name %q: %w: a name has no '/' and does not start with '-'", name, ErrBadRemote)
	}
	if err := refs.ValidRefName(RemoteRefPrefix + name + "/x"); err != nil {
		return fmt.Errorf("remote name %q: %w: %v", name, ErrBadRemote, err)
	}
	return nil
}

// AddRemote adds remote name with url, and git's fetch refspec
// (+refs/heads/*:refs/remotes/NAME/*), so that git sees the same remote.
// A local path is stored absolute, relative to base.
func (r *Repo) AddRemote(ctx context.Context, name, url, base string) error {
	if err := CheckRemoteName(name); err != nil {
		return err
	}
	url, err := normaliseURL(url, base)
	if err != nil {
		return err
	}
	return r.editGitConfig(ctx, func(cfg *gitconfig.Config) error {
		if cfg.Section("remote").HasSubsection(name) {
			return fmt.Errorf("remote %q: %w ('circuitvc remote set-url %s URL' changes its URL)", name, ErrRemoteExists, name)
		}
		cfg.Section("remote").Subsection(name).
			SetOption("url", url).
			SetOption("fetch", "+refs/heads/*:"+RemoteRefPrefix+name+"/*")
		return nil
	})
}

// SetRemoteURL changes the URL of remote name.
func (r *Repo) SetRemoteURL(ctx context.Context, name, url, base string) error {
	url, err := normaliseURL(url, base)
	if err != nil {
		return err
	}
	return r.editGitConfig(ctx, func(cfg *gitconfig.Config) error {
		if !cfg.Section("remote").HasSubsection(name) {
			return fmt.Errorf("remote %q: %w", name, ErrNoSuchRemote)
		}
		cfg.Section("remote").Subsection(name).SetOption("url", url)
		return nil
	})
}

// RemoveRemote removes remote name from the config, then its
// remote-tracking refs (refs/remotes/NAME/*), as git does; it returns how
// many refs it removed.
func (r *Repo) RemoveRemote(ctx context.Context, name string) (int, error) {
	err := r.editGitConfig(ctx, func(cfg *gitconfig.Config) error {
		if !cfg.Section("remote").HasSubsection(name) {
			return fmt.Errorf("remote %q: %w", name, ErrNoSuchRemote)
		}
		cfg.Section("remote").RemoveSubsection(name)
		return nil
	})
	if err != nil {
		return 0, err
	}
	tracking, err := r.refs.List(RemoteRefPrefix + name + "/")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ref := range tracking {
		if err := r.refs.Delete(ctx, ref.Name, objects.ZeroHash); err != nil && !errors.Is(err, refs.ErrNotFound) {
			return n, err
		}
		n++
	}
	return n, nil
}

// readGitConfig reads the whole store config, every section.
func (r *Repo) readGitConfig() (*gitconfig.Config, error) {
	cfg := gitconfig.New()
	data, err := fsx.ReadFile(r.fs, configPath(r.dir))
	if err != nil {
		return nil, err
	}
	if err := gitconfig.NewDecoder(bytes.NewReader(data)).Decode(cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", configPath(r.dir), err)
	}
	return cfg, nil
}

// editGitConfig changes the store config under the store lock and
// replaces it atomically; sections it does not touch are kept.
func (r *Repo) editGitConfig(ctx context.Context, edit func(*gitconfig.Config) error) error {
	release, err := r.lock(ctx)
	if err != nil {
		return err
	}
	defer release()
	cfg, err := r.readGitConfig()
	if err != nil {
		return err
	}
	if err := edit(cfg); err != nil {
		return err
	}
	return fsx.WriteFileAtomic(r.fs, configPath(r.dir), 0o644, func(w io.Writer) error {
		return gitconfig.NewEncoder(w).Encode(cfg)
	})
}
