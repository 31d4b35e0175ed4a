package worktree

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/transport"
	"golang.org/x/crypto/ssh"

	"github.com/circuitvc/circuitvc/internal/gittest"
)

// gitBare makes an empty bare repository with stock git (HEAD names
// master there, git's old default) that accepts pushes over http.
func gitBare(t *testing.T, root, name string) string {
	t.Helper()
	dir := filepath.Join(root, name)
	gittest.Run(t, "", nil, "init", "-q", "--bare", "--initial-branch=master", dir)
	gittest.Run(t, dir, nil, "config", "http.receivepack", "true")
	return dir
}

// httpGit serves the repositories under root with git http-backend,
// run by net/http/cgi, behind basic auth when user is set.
func httpGit(t *testing.T, root, user, pass string) *httptest.Server {
	t.Helper()
	gittest.Need(t)
	execPath, err := gittest.Output("", nil, "--exec-path")
	if err != nil {
		t.Fatal(err)
	}
	backend := &cgi.Handler{
		Path: filepath.Join(strings.TrimSpace(execPath), "git-http-backend"),
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + root},
		// The backend's complaints ("Not a git repository") belong in the
		// test's log, not glued to go test's own output lines.
		Stderr: testWriter{t},
		Logger: log.New(testWriter{t}, "cgi: ", 0),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if user != "" {
			u, p, ok := req.BasicAuth()
			if !ok || u != user || p != pass {
				w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
		}
		backend.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// testWriter writes each Write as one line of t's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Logf("%s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// gitDaemon serves the repositories under root with git daemon on a
// free loopback port, pushes enabled, and returns its git:// base URL.
func gitDaemon(t *testing.T, root string) string {
	t.Helper()
	gittest.Need(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := gittest.Command("", "daemon", "--export-all", "--enable=receive-pack", "--reuseaddr",
		"--listen=127.0.0.1", fmt.Sprintf("--port=%d", port), "--base-path="+root, root)
	if err := cmd.Start(); err != nil {
		t.Skipf("git daemon: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for {
		select {
		case err := <-exited:
			t.Skipf("git daemon exited: %v", err)
		default:
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "git://" + addr
		}
	}
}

// shareOver runs the two-person story against a remote URL: push, clone
// (the remote's HEAD names master, which does not exist: main is
// current), diverge, rejected push, pull with a semantic merge, push,
// fast-forward pull; git fsck agrees on the remote's store.
func shareOver(t *testing.T, url, bareDir string, auth Auth) {
	ctx := context.Background()
	opts := TransferOptions{Author: testSig, Auth: auth}
	a := newRepo(t, nil)
	writeWorkFile(t, a, "amp.circuit.json", board("1k", "2k"))
	mustSave(t, a, "v1")
	if err := a.AddRemote(ctx, "origin", url, a.Root()); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Push(ctx, PushOptions{TransferOptions: opts}); err != nil {
		t.Fatal(err)
	}
	b, res, err := Clone(ctx, CloneOptions{TransferOptions: opts, URL: url, Dir: filepath.Join(t.TempDir(), "b")})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if res.Branch != "refs/heads/main" || len(res.Files) != 1 {
		t.Fatalf("clone: %+v", res)
	}
	writeWorkFile(t, a, "amp.circuit.json", board("4k7", "2k"))
	mustSave(t, a, "A")
	writeWorkFile(t, b, "amp.circuit.json", board("1k", "22k"))
	mustSave(t, b, "B")
	if _, err := a.Push(ctx, PushOptions{TransferOptions: opts}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Push(ctx, PushOptions{TransferOptions: opts}); !errors.Is(err, ErrRejected) {
		t.Fatalf("B's push: %v, want rejected", err)
	}
	if pr, err := b.Pull(ctx, PullOptions{TransferOptions: opts}); err != nil || pr.Merge.Commit.IsZero() {
		t.Fatalf("B's pull: %+v, %v", pr, err)
	}
	if _, err := b.Push(ctx, PushOptions{TransferOptions: opts}); err != nil {
		t.Fatal(err)
	}
	if pa, err := a.Pull(ctx, PullOptions{TransferOptions: opts}); err != nil || !pa.Merge.FastForward {
		t.Fatalf("A's pull: %+v, %v", pa, err)
	}
	if got := readWorkFile(t, a, "amp.circuit.json"); !strings.Contains(got, "4k7") || !strings.Contains(got, "22k") {
		t.Fatalf("A lacks an edit:\n%s", got)
	}
	checkStores(t, []*Repo{a, b}, bareDir)
	ha, _ := a.Head()
	if out := strings.TrimSpace(gittest.Text(t, bareDir, "rev-parse", "refs/heads/main")); out != ha.String() {
		t.Fatalf("the remote's main is %s, A's current %s", out, ha)
	}
}

func TestShareOverHTTP(t *testing.T) {
	root := t.TempDir()
	bare := gitBare(t, root, "board.git")
	srv := httpGit(t, root, "", "")
	shareOver(t, srv.URL+"/board.git", bare, Auth{})
}

func TestShareOverHTTPBasicAuth(t *testing.T) {
	root := t.TempDir()
	bare := gitBare(t, root, "board.git")
	srv := httpGit(t, root, "ada", "s3cret")
	env := func(m map[string]string) Auth {
		return Auth{Getenv: func(k string) string { return m[k] }}
	}
	shareOver(t, srv.URL+"/board.git", bare, env(map[string]string{"CIRCUITVC_USERNAME": "ada", "CIRCUITVC_PASSWORD": "s3cret"}))

	// A token serves as the password.
	r := newRepo(t, nil)
	ctx := context.Background()
	if err := r.AddRemote(ctx, "origin", srv.URL+"/board.git", r.Root()); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Fetch(ctx, TransferOptions{Auth: env(map[string]string{"CIRCUITVC_USERNAME": "ada", "CIRCUITVC_TOKEN": "s3cret"})}); err != nil {
		t.Fatalf("fetch with a token: %v", err)
	}
	// Wrong or no credentials: an authentication error, whatever git's
	// credential helpers say (HOME points where there are none).
	t.Setenv("HOME", t.TempDir())
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	for _, auth := range []Auth{env(map[string]string{"CIRCUITVC_USERNAME": "ada", "CIRCUITVC_PASSWORD": "wrong"}), {}} {
		if _, err := r.Fetch(ctx, TransferOptions{Auth: auth}); !errors.Is(err, ErrAuth) || KindOf(err) != AuthFailed {
			t.Fatalf("fetch with bad credentials: %v (kind %v), want authentication failed", err, KindOf(err))
		}
	}
}

// TestRemoteErrorKinds: a repository that is not there, and a port
// nobody listens on, are errors of their own kind.
func TestRemoteErrorKinds(t *testing.T) {
	root := t.TempDir()
	srv := httpGit(t, root, "", "")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	ctx := context.Background()
	for _, c := range []struct {
		url  string
		kind Kind
	}{
		{srv.URL + "/nothing-here.git", NoRemoteRepo},
		{"http://" + closed + "/board.git", Unreachable},
		{filepath.Join(root, "no", "such", "dir"), NoRemoteRepo},
	} {
		_, _, err := Clone(ctx, CloneOptions{TransferOptions: xfer(), URL: c.url, Dir: filepath.Join(t.TempDir(), "x")})
		if KindOf(err) != c.kind {
			t.Errorf("clone %s: %v (kind %v), want %v", c.url, err, KindOf(err), c.kind)
		}
	}
}

func TestShareOverGitDaemon(t *testing.T) {
	root := t.TempDir()
	bare := gitBare(t, root, "board.git")
	base := gitDaemon(t, root)
	shareOver(t, base+"/board.git", bare, Auth{})
}

// TestGitCredentialFill: with no credentials in the environment, those
// of git's credential helper are used.
func TestGitCredentialFill(t *testing.T) {
	root := t.TempDir()
	bare := gitBare(t, root, "board.git")
	srv := httpGit(t, root, "ada", "fromhelper")
	home := t.TempDir()
	store := filepath.Join(home, "creds")
	u := strings.Replace(srv.URL, "http://", "http://ada:fromhelper@", 1)
	if err := os.WriteFile(store, []byte(u+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(home, ".gitconfig")
	if err := os.WriteFile(cfg, []byte("[credential]\n\thelper = store --file="+store+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("GIT_CONFIG_GLOBAL", cfg)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
	shareOver(t, srv.URL+"/board.git", bare, Auth{})
}

// TestSSHAuthAndErrors: ssh credentials come from a key file, the agent
// or ~/.ssh, and a missing one or an unreachable host is an error of
// its kind. (No ssh server is started: the protocol itself is go-git's.)
func TestSSHAuthAndErrors(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	key := filepath.Join(home, "key")
	if err := os.WriteFile(key, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().(*net.TCPAddr).Port
	l.Close()
	known := filepath.Join(home, "known_hosts")
	if err := os.WriteFile(known, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SSH_KNOWN_HOSTS", known)
	ctx := context.Background()
	r := newRepo(t, nil)
	for _, c := range []struct {
		name string
		url  string
		env  map[string]string
		kind Kind
	}{
		{"key file, host down", fmt.Sprintf("ssh://git@127.0.0.1:%d/board.git", closed), map[string]string{"CIRCUITVC_SSH_KEY": key}, Unreachable},
		{"no agent, no key", "git@127.0.0.1:board.git", map[string]string{"HOME": home}, AuthFailed},
		{"unreadable key", "git@127.0.0.1:board.git", map[string]string{"CIRCUITVC_SSH_KEY": filepath.Join(home, "none")}, AuthFailed},
		{"no known_hosts", fmt.Sprintf("ssh://git@127.0.0.1:%d/board.git", closed), map[string]string{"CIRCUITVC_SSH_KEY": key, "unset": "SSH_KNOWN_HOSTS"}, AuthFailed},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := r.SetRemoteURL(ctx, "origin", c.url, r.Root()); errors.Is(err, ErrNoSuchRemote) {
				err = r.AddRemote(ctx, "origin", c.url, r.Root())
			} else if err != nil {
				t.Fatal(err)
			}
			if c.env["unset"] != "" {
				t.Setenv("SSH_KNOWN_HOSTS", filepath.Join(home, "missing"))
				t.Setenv("HOME", home)
			}
			_, err := r.Fetch(ctx, TransferOptions{Auth: Auth{Getenv: func(k string) string { return c.env[k] }}})
			if KindOf(err) != c.kind {
				t.Fatalf("fetch: %v (kind %v), want %v", err, KindOf(err), c.kind)
			}
		})
	}
	// The key found in ~/.ssh is the one used.
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(key, filepath.Join(home, ".ssh", "id_ed25519")); err != nil {
		t.Fatal(err)
	}
	ep, _ := transport.NewEndpoint("git@example.com:me/board.git")
	auth, err := sshAuth(ep, Auth{Getenv: func(k string) string { return map[string]string{"HOME": home}[k] }})
	if err != nil || auth.Name() != "ssh-public-keys" {
		t.Fatalf("sshAuth with ~/.ssh/id_ed25519: %v, %v", auth, err)
	}
}
