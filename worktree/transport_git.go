package worktree

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/sideband"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"

	"github.com/circuitvc/circuitvc/objects"
)

// gitConn is a remote reached through go-git's transport clients
// (http(s), ssh, git): go-git speaks the protocol and carries the pack;
// circuitvc stores what arrives (objects.ReceivePack) and packs what it
// sends (objects.SendPack).
type gitConn struct {
	url  string
	ep   *transport.Endpoint
	tr   transport.Transport
	auth transport.AuthMethod
	ar   *packp.AdvRefs // of the upload-pack session, once listed
	up   transport.UploadPackSession
}

func dialGit(ctx context.Context, url string, a Auth) (*gitConn, error) {
	ep, err := transport.NewEndpoint(url)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", url, ErrBadRemote, err)
	}
	tr, err := client.NewClient(ep)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", url, ErrBadRemote, err)
	}
	c := &gitConn{url: url, ep: ep, tr: tr}
	switch ep.Protocol {
	case "http", "https":
		c.auth = httpAuth(ctx, ep, a)
	case "ssh":
		if c.auth, err = sshAuth(ep, a); err != nil {
			return nil, fmt.Errorf("%s: %w", url, err)
		}
	}
	return c, nil
}

// sshAuth finds ssh credentials: the key file CIRCUITVC_SSH_KEY (its
// passphrase in CIRCUITVC_SSH_PASSPHRASE), else the ssh agent
// (SSH_AUTH_SOCK), else the first of ~/.ssh/id_ed25519, id_ecdsa and
// id_rsa. go-git checks the host's key against ~/.ssh/known_hosts (or
// SSH_KNOWN_HOSTS).
func sshAuth(ep *transport.Endpoint, a Auth) (transport.AuthMethod, error) {
	getenv := a.getenv()
	user := ep.User
	if user == "" {
		user = gitssh.DefaultUsername
	}
	keyFile := getenv("CIRCUITVC_SSH_KEY")
	if keyFile == "" && getenv("SSH_AUTH_SOCK") != "" {
		auth, err := gitssh.NewSSHAgentAuth(user)
		if err != nil {
			return nil, fmt.Errorf("%w: ssh agent: %v", ErrAuth, err)
		}
		return auth, nil
	}
	if keyFile == "" {
		home := getenv("HOME")
		for _, name := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
			if p := filepath.Join(home, ".ssh", name); home != "" && fileExists(p) {
				keyFile = p
				break
			}
		}
	}
	if keyFile == "" {
		return nil, fmt.Errorf("%w: no ssh agent (SSH_AUTH_SOCK) and no key in ~/.ssh; set CIRCUITVC_SSH_KEY to a key file", ErrAuth)
	}
	auth, err := gitssh.NewPublicKeysFromFile(user, keyFile, getenv("CIRCUITVC_SSH_PASSPHRASE"))
	if err != nil {
		return nil, fmt.Errorf("%w: ssh key %s: %v", ErrAuth, keyFile, err)
	}
	return auth, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// httpAuth finds http(s) credentials: CIRCUITVC_TOKEN, or
// CIRCUITVC_USERNAME and CIRCUITVC_PASSWORD, or those in the URL, else
// what `git credential fill` answers (without prompting). nil for other
// schemes and when none is found.
func httpAuth(ctx context.Context, ep *transport.Endpoint, a Auth) transport.AuthMethod {
	getenv := a.getenv()
	switch {
	case getenv("CIRCUITVC_TOKEN") != "":
		user := getenv("CIRCUITVC_USERNAME")
		if user == "" {
			user = "circuitvc" // hosts that take tokens ignore the name but want one
		}
		return &githttp.BasicAuth{Username: user, Password: getenv("CIRCUITVC_TOKEN")}
	case getenv("CIRCUITVC_USERNAME") != "":
		return &githttp.BasicAuth{Username: getenv("CIRCUITVC_USERNAME"), Password: getenv("CIRCUITVC_PASSWORD")}
	case ep.User != "" && ep.Password != "":
		return &githttp.BasicAuth{Username: ep.User, Password: ep.Password}
	}
	return gitCredential(ctx, ep, getenv)
}

// gitCredential asks git's credential helpers for a user name and
// password, with prompting turned off; nil when git is absent or has none.
func gitCredential(ctx context.Context, ep *transport.Endpoint, getenv func(string) string) transport.AuthMethod {
	git, err := exec.LookPath("git")
	if err != nil {
		return nil
	}
	host := ep.Host
	if ep.Port != 0 {
		host = fmt.Sprintf("%s:%d", ep.Host, ep.Port)
	}
	in := fmt.Sprintf("protocol=%s\nhost=%s\npath=%s\n", ep.Protocol, host, strings.TrimPrefix(ep.Path, "/"))
	if ep.User != "" {
		in += "username=" + ep.User + "\n"
	}
	cmd := exec.CommandContext(ctx, git, "credential", "fill")
	cmd.Stdin = strings.NewReader(in + "\n")
	cmd.Env = append(cmd.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=", "SSH_ASKPASS=")
	if home := getenv("HOME"); home != "" {
		cmd.Env = append(cmd.Env, "HOME="+home)
	}
	out, err := cmd.Output()
	if err != nil {
		return nil
	}
	var user, pass string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		switch k {
		case "username":
			user = v
		case "password":
			pass = v
		}
	}
	if user == "" && pass == "" {
		return nil
	}
	return &githttp.BasicAuth{Username: user, Password: pass}
}

func (c *gitConn) close() error {
	if c.up != nil {
		return c.up.Close()
	}
	return nil
}

// classify turns a transport failure into one of the errors a user
// acts on: unreachable, authentication, not found.
func (c *gitConn) classify(err error) error {
	var ne net.Error
	var oe *net.OpError
	var de *net.DNSError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return fmt.Errorf("%s: %w", c.url, ErrRemoteNotFound)
	case errors.Is(err, transport.ErrAuthenticationRequired), errors.Is(err, transport.ErrAuthorizationFailed),
		errors.Is(err, transport.ErrInvalidAuthMethod), strings.Contains(err.Error(), "unable to authenticate"):
		return fmt.Errorf("%s: %w (set CIRCUITVC_USERNAME and CIRCUITVC_PASSWORD or CIRCUITVC_TOKEN, or store them with git's credential helper): %v", c.url, ErrAuth, err)
	case strings.Contains(err.Error(), "known_hosts"), strings.Contains(err.Error(), "knownhosts"):
		return fmt.Errorf("%s: %w: the host's key is not known or does not match (connect once with ssh to add it to ~/.ssh/known_hosts): %v", c.url, ErrAuth, err)
	case errors.As(err, &de), errors.As(err, &oe), errors.As(err, &ne):
		return fmt.Errorf("%s: %w: %v", c.url, ErrUnreachable, err)
	}
	return fmt.Errorf("%s: %w", c.url, err)
}

func (c *gitConn) list(ctx context.Context) (*remoteRefs, error) {
	up, err := c.tr.NewUploadPackSession(c.ep, c.auth)
	if err != nil {
		return nil, c.classify(err)
	}
	c.up = up
	rr := &remoteRefs{refs: map[string]objects.Hash{}}
	ar, err := up.AdvertisedReferencesContext(ctx)
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return rr, nil
	}
	if err != nil {
		return nil, c.classify(err)
	}
	c.ar = ar
	for name, h := range ar.References {
		if strings.HasPrefix(name, "refs/heads/") || strings.HasPrefix(name, "refs/tags/") {
			rr.refs[name] = h
		}
	}
	for _, v := range ar.Capabilities.Get(capability.SymRef) {
		if from, to, ok := strings.Cut(v, ":"); ok && from == "HEAD" {
			rr.head = to
		}
	}
	if rr.head == "" && ar.Head != nil {
		// An old server that does not say which branch HEAD names:
		// the branch at the same version, main or master first.
		for _, b := range []string{"refs/heads/main", "refs/heads/master"} {
			if rr.refs[b] == *ar.Head {
				rr.head = b
			}
		}
	}
	return rr, nil
}

func (c *gitConn) fetch(ctx context.Context, want, have []objects.Hash, recv func(io.Reader) error) error {
	if c.ar == nil {
		return fmt.Errorf("%s: %w: nothing advertised", c.url, ErrRemoteNotFound)
	}
	req := packp.NewUploadPackRequestFromCapabilities(c.ar.Capabilities)
	// ReceivePack refuses thin packs: every delta base must come along.
	req.Capabilities.Delete(capability.ThinPack)
	if c.ar.Capabilities.Supports(capability.NoProgress) {
		_ = req.Capabilities.Set(capability.NoProgress)
	}
	req.Wants = append(req.Wants, want...)
	req.Haves = append(req.Haves, have...)
	resp, err := c.up.UploadPack(ctx, req)
	if errors.Is(err, transport.ErrEmptyUploadPackRequest) {
		return nil
	}
	if err != nil {
		return c.classify(err)
	}
	defer resp.Close()
	return recv(demux(req.Capabilities, resp))
}

// demux strips the side-band framing when it was negotiated.
func demux(caps *capability.List, r io.Reader) io.Reader {
	switch {
	case caps.Supports(capability.Sideband64k):
		return sideband.NewDemuxer(sideband.Sideband64k, r)
	case caps.Supports(capability.Sideband):
		return sideband.NewDemuxer(sideband.Sideband, r)
	}
	return r
}

func (c *gitConn) push(ctx context.Context, updates []refUpdate, src *objects.Store, hashes []objects.Hash, progress func(int64)) ([]error, error) {
	s, err := c.tr.NewReceivePackSession(c.ep, c.auth)
	if err != nil {
		return nil, c.classify(err)
	}
	defer s.Close()
	ar, err := s.AdvertisedReferencesContext(ctx)
	if err != nil && !errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return nil, c.classify(err)
	}
	caps := capability.NewList()
	if ar != nil {
		caps = ar.Capabilities
	}
	req := packp.NewReferenceUpdateRequestFromCapabilities(caps)
	for _, u := range updates {
		cmd := &packp.Command{Old: u.old, New: u.new}
		setString(&cmd.Name, u.name)
		req.Commands = append(req.Commands, cmd)
	}
	var rs *packp.ReportStatus
	err = pipePack(ctx, func(r io.Reader) error {
		req.Packfile = io.NopCloser(r)
		var err error
		rs, err = s.ReceivePack(ctx, req)
		return c.classify(err)
	}, func(w io.Writer) error {
		// One pack per push: this protocol carries no more.
		_, err := src.SendPack(ctx, &byteCounter{w: w, progress: progress}, hashes, objects.PackOptions{})
		return err
	})
	if err != nil {
		return nil, err
	}
	results := make([]error, len(updates))
	if rs == nil {
		return results, nil
	}
	if rs.UnpackStatus != "ok" {
		return nil, fmt.Errorf("%s: %w: the remote could not unpack: %s", c.url, ErrRejected, rs.UnpackStatus)
	}
	for _, cs := range rs.CommandStatuses {
		if cs.Status == "ok" {
			continue
		}
		for i, u := range updates {
			if u.name == cs.ReferenceName.String() {
				results[i] = fmt.Errorf("%w: %s: the remote says %q (fetch first)", ErrRejected, u.name, cs.Status)
			}
		}
	}
	return results, nil
}

// setString sets a string-typed field (go-git's ReferenceName) without
// naming its type: outside objects, go-git's plumbing package is not
// imported (layout_test.go).
func setString[T ~string](dst *T, s string) { *dst = T(s) }

// getenv is a.Getenv, or a lookup that finds nothing.
func (a Auth) getenv() func(string) string {
	if a.Getenv == nil {
		return func(string) string { return "" }
	}
	return a.Getenv
}

// pipePack runs send and recv at once, joined by a pipe.
func pipePack(ctx context.Context, recv func(io.Reader) error, send func(io.Writer) error) error {
	pr, pw := io.Pipe()
	sent := make(chan error, 1)
	go func() {
		err := send(pw)
		pw.CloseWithError(err)
		sent <- err
	}()
	err := recv(pr)
	pr.CloseWithError(fmt.Errorf("receiver stopped: %w", context.Canceled))
	serr := <-sent
	if err != nil {
		return err
	}
	return serr
}

// byteCounter counts the bytes written through it for progress.
type byteCounter struct {
	w        io.Writer
	n        int64
	progress func(int64)
}

func (b *byteCounter) Write(p []byte) (int, error) {
	n, err := b.w.Write(p)
	b.n += int64(n)
	if b.progress != nil {
		b.progress(b.n)
	}
	return n, err
}
