package worktree

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strconv"
	"time"

	gitconfig "github.com/go-git/go-git/v5/plumbing/format/config"

	"github.com/circuitvc/circuitvc/fsx"
)

// Config is the [circuitvc] section of .circuitvc/config, in git-config
// syntax so that `git config --file .circuitvc/config` edits it.
type Config struct {
	// Track lists the patterns of files saved without being named
	// (circuitvc.track, one per line). A pattern without "/" matches a
	// base name anywhere; with "/" it matches the path from the root.
	// "!PATTERN" leaves out what the patterns before it matched.
	Track []string
	// LockTimeout bounds waits for the store's locks (circuitvc.lockTimeout).
	LockTimeout time.Duration
	// Validate refuses to save invalid circuits (circuitvc.validate).
	Validate bool
	// AutoGC packs loose objects after a save once more than this many
	// exist (circuitvc.autoGC; 0 turns automatic gc off).
	AutoGC int
	// AutosaveLimit bounds the local history's size in bytes
	// (circuitvc.autosaveLimit: 100MiB, 500k, 2g…; 0: no bound); see
	// PruneAutosave for how it is measured.
	AutosaveLimit int64
	// AutosaveKeep says which snapshots pruning keeps by age
	// (circuitvc.autosaveKeep, see ParseKeepPolicy).
	AutosaveKeep KeepPolicy
	// PruneExpire is how old an unreachable object must be before gc
	// deletes it (circuitvc.pruneExpire, see ParsePruneExpire).
	PruneExpire time.Duration
}

// DefaultConfig is what init writes.
func DefaultConfig() Config {
	return Config{
		// KiCad boards are tracked as files (diffed as text); *.net is
		// left out: netlists are exports, and other tools' too.
		Track:       []string{"*.circuit.json", "circuit.json", "diagram.json", "*.kicad_sch", "*.kicad_pcb", "!_autosave-*"},
		LockTimeout: 5 * time.Second,
		Validate:    true,
		AutoGC:      2000,
		// KiCad's default for its local history's size.
		AutosaveLimit: 100 << 20,
		AutosaveKeep:  DefaultKeepPolicy(),
		PruneExpire:   DefaultPruneExpire,
	}
}

func configPath(dir string) string { return filepath.Join(dir, "config") }

func writeConfig(fsys fsx.FS, dir string, c Config) error {
	cfg := gitconfig.New()
	cfg.Section("core").
		SetOption("repositoryformatversion", FormatVersion).
		SetOption("filemode", "true").
		SetOption("bare", "true")
	s := cfg.Section("circuitvc")
	for _, p := range c.Track {
		s.AddOption("track", p)
	}
	s.SetOption("lockTimeout", c.LockTimeout.String())
	s.SetOption("validate", strconv.FormatBool(c.Validate))
	s.SetOption("autoGC", strconv.Itoa(c.AutoGC))
	return fsx.WriteFileAtomic(fsys, configPath(dir), 0o644, func(w io.Writer) error {
		return gitconfig.NewEncoder(w).Encode(cfg)
	})
}

func readConfig(fsys fsx.FS, dir string) (Config, error) {
	c := DefaultConfig()
	data, err := fsx.ReadFile(fsys, configPath(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil // a bare repo made by git: defaults serve
	}
	if err != nil {
		return c, err
	}
	cfg := gitconfig.New()
	if err := gitconfig.NewDecoder(bytes.NewReader(data)).Decode(cfg); err != nil {
		return c, fmt.Errorf("%s: %w", configPath(dir), err)
	}
	s := cfg.Section("circuitvc")
	if v := s.OptionAll("track"); len(v) > 0 {
		c.Track = v
	}
	for _, pat := range c.Track {
		// A malformed pattern would match nothing, silently.
		if _, err := path.Match(pat, ""); err != nil {
			return c, fmt.Errorf("%s: circuitvc.track %q: %w", configPath(dir), pat, err)
		}
	}
	if err := parseOpt(s, "lockTimeout", time.ParseDuration, &c.LockTimeout); err != nil {
		return c, fmt.Errorf("%s: %w", configPath(dir), err)
	}
	if err := parseOpt(s, "validate", strconv.ParseBool, &c.Validate); err != nil {
		return c, fmt.Errorf("%s: %w", configPath(dir), err)
	}
	if err := parseOpt(s, "autoGC", strconv.Atoi, &c.AutoGC); err != nil {
		return c, fmt.Errorf("%s: %w", configPath(dir), err)
	}
	if err := parseOpt(s, "autosaveLimit", parseSize, &c.AutosaveLimit); err != nil {
		return c, fmt.Errorf("%s: %w", configPath(dir), err)
	}
	if err := parseOpt(s, "autosaveKeep", ParseKeepPolicy, &c.AutosaveKeep); err != nil {
		return c, fmt.Errorf("%s: %w", configPath(dir), err)
	}
	if err := parseOpt(s, "pruneExpire", ParsePruneExpire, &c.PruneExpire); err != nil {
		return c, fmt.Errorf("%s: %w", configPath(dir), err)
	}
	return c, nil
}

func parseOpt[T any](s *gitconfig.Section, key string, parse func(string) (T, error), dst *T) error {
	if !s.HasOption(key) {
		return nil
	}
	v, err := parse(s.Option(key))
	if err != nil {
		return fmt.Errorf("circuitvc.%s: %w", key, err)
	}
	*dst = v
	return nil
}
