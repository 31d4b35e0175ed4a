package refs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/circuitvc/circuitvc/objects"
)

func writeFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

const hexA = "3f2a9c0e1b7d5a4c3f2a9c0e1b7d5a4c3f2a9c0e"

func TestReadLoose(t *testing.T) {
	tests := []struct {
		name, content string
		want          string // hex, or "" for an error
		wantErr       string // substring of the error
	}{
		{"newline", hexA + "\n", hexA, ""},
		{"no newline", hexA, hexA, ""},
		{"crlf", hexA + "\r\n", hexA, ""},
		{"upper case", strings.ToUpper(hexA) + "\n", hexA, ""},
		{"trailing space and more", hexA + " whatever\n", hexA, ""},
		{"empty", "", "", "empty ref file"},
		{"truncated", hexA[:17], "", "truncated ref: 17 of 40 hex digits"},
		{"truncated with newline", hexA[:39] + "\n", "", "truncated ref: 39 of 40"},
		{"garbage", "hello world\n", "", "not a hash"},
		{"binary", "\x00\x01\x02", "", "not a hash"},
		{"trailing garbage", hexA + "xyz\n", "", "trailing garbage"},
		{"bad symref", "ref: refs/heads/../x\n", "", "bad symbolic ref target"},
		{"symref outside refs", "ref: /etc/passwd\n", "", "bad symbolic ref target"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, dir := newStore(t, Options{})
			file := filepath.Join(dir, "refs", "tags", "t")
			writeFile(t, file, tt.content)
			got, err := s.Read("refs/tags/t")
			if tt.wantErr == "" {
				if err != nil || got.String() != tt.want {
					t.Fatalf("Read = %s, %v; want %s", got, err, tt.want)
				}
				return
			}
			var ce *CorruptError
			if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Read = %s, %v; want a *CorruptError", got, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantErr) || !strings.Contains(msg, file) || !strings.Contains(msg, "refs/tags/t") {
				t.Fatalf("error %q should name %s and say %q", msg, file, tt.wantErr)
			}
			if !got.IsZero() {
				t.Fatalf("Read returned %s with an error", got)
			}
		})
	}
}

func TestReadNotFound(t *testing.T) {
	s, dir := newStore(t, Options{})
	tests := []struct{ name, wantMsg string }{
		{HEAD, "HEAD (-> refs/heads/main)"},
		{Main, "refs/heads/main"},
		{Backup, "refs/circuitvc/backup"},
		{"refs/tags/nope", "refs/tags/nope"},
		{"refs/heads", "refs/heads"}, // a directory is no ref
	}
	for _, tt := range tests {
		_, err := s.Read(tt.name)
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), tt.wantMsg) {
			t.Errorf("Read(%q) = %v; want ErrNotFound naming %q", tt.name, err, tt.wantMsg)
		}
	}
	// An empty packed-refs with only a header changes nothing.
	writeFile(t, filepath.Join(dir, "packed-refs"), "# pack-refs with: peeled fully-peeled sorted \n")
	if _, err := s.Read(Main); !errors.Is(err, ErrNotFound) {
		t.Errorf("Read(main) with empty packed-refs = %v", err)
	}
}

func TestReadInvalidName(t *testing.T) {
	s, _ := newStore(t, Options{})
	for _, name := range []string{"", "main", "refs/../HEAD", "refs/heads/../../config", "refs/heads/a.lock", "/etc/passwd", "refs//x"} {
		if _, err := s.Read(name); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Read(%q) = %v; want ErrInvalidName", name, err)
		}
	}
}

func TestReadSymrefs(t *testing.T) {
	s, dir := newStore(t, Options{})
	writeFile(t, filepath.Join(dir, "refs", "heads", "main"), hexA+"\n")
	writeFile(t, filepath.Join(dir, "refs", "circuitvc", "alias"), "ref: refs/heads/main\n")
	writeFile(t, filepath.Join(dir, "refs", "circuitvc", "loop1"), "ref: refs/circuitvc/loop2\n")
	writeFile(t, filepath.Join(dir, "refs", "circuitvc", "loop2"), "ref: refs/circuitvc/loop1\n")
	for _, name := range []string{HEAD, Main, "refs/circuitvc/alias"} {
		if h, err := s.Read(name); err != nil || h.String() != hexA {
			t.Errorf("Read(%s) = %s, %v", name, h, err)
		}
	}
	target, _, err := s.Resolve(HEAD)
	if err != nil || target != Main {
		t.Errorf("Resolve(HEAD) = %s, %v", target, err)
	}
	if _, err := s.Read("refs/circuitvc/loop1"); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("Read(loop) = %v; want a cycle error", err)
	}
	if err := s.Update(bg, "refs/circuitvc/loop1", objects.ZeroHash, fakeHashes(1)[0], sig(), "x"); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Update(loop) = %v; want a cycle error", err)
	}
}

func TestReadPacked(t *testing.T) {
	const hexB = "0123456789abcdef0123456789abcdef01234567"
	packed := "# pack-refs with: peeled fully-peeled sorted \n" +
		hexA + " refs/heads/main\n" +
		hexB + " refs/tags/annotated\n" +
		"^" + hexA + "\n" +
		hexB + " refs/tags/v1\n"
	tests := []struct {
		name, packed, loose string // loose: value of loose refs/tags/v1, if any
		ref, want, wantErr  string
	}{
		{"branch", packed, "", Main, hexA, ""},
		{"through HEAD", packed, "", HEAD, hexA, ""},
		{"annotated tag is the tag object", packed, "", "refs/tags/annotated", hexB, ""},
		{"loose shadows packed", packed, hexA + "\n", "refs/tags/v1", hexA, ""},
		{"no header", hexA + " refs/tags/v1\n", "", "refs/tags/v1", hexA, ""},
		{"no final newline", hexA + " refs/tags/v1", "", "refs/tags/v1", hexA, ""},
		{"garbage line", "# pack-refs with: peeled \nhello\n", "", "refs/tags/v1", "", "line 2"},
		{"truncated hash", hexA[:20] + " refs/tags/v1\n", "", "refs/tags/v1", "", "truncated"},
		{"bad name", hexA + " refs/tags/a..b\n", "", "refs/tags/v1", "", "line 1"},
		{"orphan peeled", "^" + hexA + "\n", "", "refs/tags/v1", "", "peeled value without a ref"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, dir := newStore(t, Options{})
			writeFile(t, filepath.Join(dir, "packed-refs"), tt.packed)
			if tt.loose != "" {
				writeFile(t, filepath.Join(dir, "refs", "tags", "v1"), tt.loose)
			}
			h, err := s.Read(tt.ref)
			if tt.wantErr != "" {
				if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "packed-refs") {
					t.Fatalf("Read = %v; want a corrupt packed-refs error saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || h.String() != tt.want {
				t.Fatalf("Read = %s, %v; want %s", h, err, tt.want)
			}
		})
	}
}

func TestPackedDuplicate(t *testing.T) {
	s, dir := newStore(t, Options{})
	writeFile(t, filepath.Join(dir, "packed-refs"), hexA+" refs/tags/x\n"+hexA+" refs/tags/x\n")
	if _, err := s.Read("refs/tags/x"); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "listed twice") {
		t.Errorf("Read = %v; want a duplicate error", err)
	}
}
