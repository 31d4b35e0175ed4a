package worktree

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/circuitvc/circuitvc/internal/gittest"
	"github.com/circuitvc/circuitvc/refs"
)

func TestCheckTagName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"v1", true},
		{"rev-a", true},
		{"release/1.0", true},
		{"abc", true},    // 3 hex digits: too short to be a hash
		{"cafe-1", true}, // not all hex
		{strings.Repeat("a", 41), true},
		{"cafe", false},
		{"deadbeef", false},
		{"DEADBEEF", false},
		{strings.Repeat("0123456789", 4), false},
		{"refs/heads/main", false},
		{"refs/tags/v1", false},
		{"current", false},
		{"backup", false},
		{"-x", false},
		{"a..b", false},
		{"", false},
	}
	for _, tt := range tests {
		err := CheckTagName(tt.name)
		if tt.ok != (err == nil) || (err != nil && !errors.Is(err, ErrBadTagName)) {
			t.Errorf("CheckTagName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
	if err := CheckTagName("deadbeef"); err == nil || !strings.Contains(err.Error(), "tag name looks like a hash") {
		t.Errorf("hex name: %v", err)
	}
}

func TestSetAndDeleteTag(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1"))
	first := mustSave(t, r, "v1").Commit
	writeWorkFile(t, r, "a.circuit.json", circuitV("2"))
	second := mustSave(t, r, "v2").Commit

	if h, prev, err := r.SetTag(ctx, TagOptions{Name: "rev-a", Rev: "current~1", Who: testSig}); err != nil || h != first || !prev.IsZero() {
		t.Fatalf("new tag: %v %v %v", h, prev, err)
	}
	_, _, err := r.SetTag(ctx, TagOptions{Name: "rev-a", Who: testSig})
	if !errors.Is(err, ErrTagExists) || !strings.Contains(err.Error(), "already exists") || !strings.Contains(err.Error(), "use -f") {
		t.Fatalf("re-tag without force: %v", err)
	}
	if h, _ := r.Resolve("rev-a"); h != first {
		t.Fatalf("a refused re-tag moved the tag to %s", h)
	}
	if h, prev, err := r.SetTag(ctx, TagOptions{Name: "rev-a", Force: true, Who: testSig}); err != nil || h != second || prev != first {
		t.Fatalf("forced re-tag: %v %v %v", h, prev, err)
	}
	if h, _ := r.Resolve("rev-a"); h != second {
		t.Fatalf("forced re-tag left the tag at %s", h)
	}
	if _, _, err := r.SetTag(ctx, TagOptions{Name: "refs/heads/main", Who: testSig}); !errors.Is(err, ErrBadTagName) {
		t.Fatalf("tag refs/heads/main: %v", err)
	}
	if _, err := r.refs.Read(refs.TagPrefix + "refs/heads/main"); !errors.Is(err, refs.ErrNotFound) {
		t.Fatalf("refs/tags/refs/heads/main was made: %v", err)
	}

	if h, err := r.DeleteTag(ctx, "rev-a"); err != nil || h != second {
		t.Fatalf("delete: %v %v", h, err)
	}
	for _, name := range []string{"rev-a", "never", "a..b"} {
		_, err := r.DeleteTag(ctx, name)
		if !errors.Is(err, ErrNoSuchTag) || !errors.Is(err, ErrRevisionNotFound) || !strings.Contains(err.Error(), name) {
			t.Errorf("delete missing tag %q: %v", name, err)
		}
	}
	gittest.Fsck(t, r.Dir())
}

// TestDecorations: current, backup and tags name their versions, and a
// tag list that cannot be read is an error, not a silent omission.
func TestDecorations(t *testing.T) {
	ctx := context.Background()
	f := fsxtest.NewFaultFS(fsxtest.NewMemFS())
	r := newRepo(t, f)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1"))
	first := mustSave(t, r, "v1").Commit
	if _, _, err := r.SetTag(ctx, TagOptions{Name: "rev-a", Who: testSig}); err != nil {
		t.Fatal(err)
	}
	writeWorkFile(t, r, "a.circuit.json", circuitV("2"))
	res, err := r.Restore(ctx, RestoreOptions{To: "rev-a", Author: testSig})
	if err != nil {
		t.Fatal(err)
	}
	deco, err := r.Decorations()
	if err != nil {
		t.Fatal(err)
	}
	// Restoring the current version makes no new one: current is rev-a.
	want := map[Hash][]string{first: {"current", "tag: rev-a"}, res.Backup: {"backup"}}
	if !reflect.DeepEqual(deco, want) {
		t.Errorf("Decorations = %v, want %v", deco, want)
	}
	f.Inject(fsxtest.Fault{Op: "readdir", Path: "refs/tags", Err: syscall.EIO})
	if _, err := r.Decorations(); !errors.Is(err, syscall.EIO) {
		t.Errorf("Decorations with refs/tags unreadable = %v; want EIO", err)
	}
}
