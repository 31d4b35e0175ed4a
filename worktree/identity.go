package worktree

import (
	"bytes"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	gitconfig "github.com/go-git/go-git/v5/plumbing/format/config"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/objects"
)

// ParseIdent reads "Name <email>" as git writes it.
func ParseIdent(s string) (name, email string, err error) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name == "" {
		return "", "", fmt.Errorf("author %q: want \"Name <email>\"", s)
	}
	return a.Name, a.Address, nil
}

// Identity decides who is saving: explicit (from --author) first, then
// CIRCUITVC_AUTHOR, then git's user.name and user.email from the global
// git config, then $USER@hostname. getenv is os.Getenv in production.
func Identity(fsys fsx.FS, explicit string, getenv func(string) string, now time.Time) (objects.Signature, error) {
	sig := objects.Signature{When: now}
	for _, s := range []string{explicit, getenv("CIRCUITVC_AUTHOR")} {
		if s != "" {
			name, email, err := ParseIdent(s)
			sig.Name, sig.Email = name, email
			return sig, err
		}
	}
	if name, email := gitIdentity(fsys, getenv); name != "" && email != "" {
		sig.Name, sig.Email = name, email
		return sig, nil
	}
	user := getenv("USER")
	if user == "" {
		user = getenv("USERNAME") // Windows
	}
	if user == "" {
		user = "circuitvc"
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	sig.Name, sig.Email = user, user+"@"+host
	return sig, nil
}

// gitIdentity reads user.name and user.email from the files git reads
// for its global scope.
func gitIdentity(fsys fsx.FS, getenv func(string) string) (name, email string) {
	var files []string
	if x := getenv("XDG_CONFIG_HOME"); x != "" {
		files = append(files, filepath.Join(x, "git", "config"))
	} else if h := getenv("HOME"); h != "" {
		files = append(files, filepath.Join(h, ".config", "git", "config"))
	}
	if h := getenv("HOME"); h != "" {
		files = append(files, filepath.Join(h, ".gitconfig"))
	}
	for _, f := range files {
		data, err := fsx.ReadFile(fsys, f)
		if err != nil {
			continue
		}
		cfg := gitconfig.New()
		if gitconfig.NewDecoder(bytes.NewReader(data)).Decode(cfg) != nil {
			continue
		}
		u := cfg.Section("user")
		if n := strings.TrimSpace(u.Option("name")); n != "" {
			name = n
		}
		if e := strings.TrimSpace(u.Option("email")); e != "" {
			email = e
		}
	}
	return name, email
}
