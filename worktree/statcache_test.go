package worktree

import (
	"context"
	"os"
	"testing"
	"time"
)

func TestStatCache(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t, nil)
	writeWorkFile(t, r, "a.circuit.json", circuitV("1"))
	mustSave(t, r, "v1")
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(r.abs("a.circuit.json"), old, old); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, r, map[string]ChangeKind{"a.circuit.json": Unchanged})

	// a fresh Repo reads the cache back and trusts it for the old file
	again, err := Find(r.Root(), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if _, ok := again.statCache().entries["a.circuit.json"]; !ok {
		t.Fatal("stat cache not written or not read back")
	}
	wf, err := again.statWork(ctx, "a.circuit.json")
	if err != nil || wf.loaded {
		t.Fatalf("statWork read the file (loaded=%v, err=%v): the cache was not used", wf.loaded, err)
	}

	// same size, mtime put back: the change time and the content give it away
	writeWorkFile(t, r, "a.circuit.json", circuitV("2"))
	if err := os.Chtimes(r.abs("a.circuit.json"), old, old); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, again, map[string]ChangeKind{"a.circuit.json": Modified})

	// a damaged cache is ignored, not trusted
	if err := os.WriteFile(r.abs(".circuitvc/"+statCacheName), []byte("circuitvc stat cache v1\n0\n1 2 3 4 5 "+
		"0123456789012345678901234567890123456789 a.circuit.json\nsha256 00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	third, err := Find(r.Root(), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	if n := len(third.statCache().entries); n != 0 {
		t.Fatalf("damaged cache gave %d entries", n)
	}
	wantStatus(t, third, map[string]ChangeKind{"a.circuit.json": Modified})
}
