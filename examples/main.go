// Command circuitvc-example uses circuitvc as a library from another
// module, through its public packages only: it keeps a circuit's history
// with package worktree (open a store, save, log, compare, restore) and
// edits the circuit file with package persist (load, validated atomic
// save with backup, lock, integrity check, hash, restore from backup).
//
// It runs in a temporary folder, prints what it does, and fails if any
// step does not give the result it should. scripts/test.sh runs it (go
// test in this folder).
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/circuitvc/circuitvc/persist"
	"github.com/circuitvc/circuitvc/worktree"
)

func main() {
	if err := run(context.Background(), os.Stdout, filepath.Join("..", "testdata", "blinker.circuit.json")); err != nil {
		fmt.Fprintln(os.Stderr, "circuitvc-example:", err)
		os.Exit(1)
	}
}

// circuit is the part of a native circuit file this program edits; the
// rest of the file is kept as it is.
type circuit map[string]any

// run copies the circuit in src into a new store in a temporary folder,
// edits and saves it, and then goes back to the first version.
func run(ctx context.Context, w io.Writer, src string) error {
	dir, err := os.MkdirTemp("", "circuitvc-example-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "blinker.circuit.json")
	files := persist.New(persist.Options{EnableBackups: true})

	// The working file: the circuit, loaded and saved through persist.
	var c circuit
	if err := persist.Load(ctx, src, &c); err != nil {
		return err
	}
	if err := files.Save(ctx, file, c, persist.WithValidate(hasComponents)); err != nil {
		return err
	}

	repo, err := worktree.Init(dir, worktree.OpenOptions{})
	if err != nil {
		return err
	}
	defer repo.Close()
	who := worktree.Signature{Name: "Example", Email: "example@example.com", When: time.Unix(1700000000, 0).UTC()}
	first, err := repo.Save(ctx, worktree.SaveOptions{Message: "first blinker", Author: who})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "saved %s: %s\n", first.Commit.String()[:7], first.Message)

	// Slow the blink, under the file's lock as another editor would.
	err = persist.WithFileLock(ctx, file, 5*time.Second, func() error {
		var c circuit
		if err := files.Load(ctx, file, &c); err != nil {
			return err
		}
		if err := setValue(c, "R2", "47k"); err != nil {
			return err
		}
		return files.Save(ctx, file, c, persist.WithValidate(hasComponents))
	})
	if err != nil {
		return err
	}
	second, err := repo.Save(ctx, worktree.SaveOptions{Author: who}) // the message is a semantic summary
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "saved %s: %s\n", second.Commit.String()[:7], second.Message)

	n := 0
	err = repo.Log(ctx, worktree.LogOptions{}, func(e worktree.LogEntry) error {
		n++
		fmt.Fprintf(w, "log: %s %s\n", e.Hash.String()[:7], strings.TrimSpace(e.Commit.Message))
		return nil
	})
	if err != nil {
		return err
	}
	if n != 2 {
		return fmt.Errorf("log lists %d versions, want 2", n)
	}

	pairs, err := repo.Compare(ctx, first.Commit, second.Commit, nil)
	if err != nil {
		return err
	}
	if len(pairs) != 1 || !bytes.Contains(pairs[0].New, []byte(`"47k"`)) {
		return fmt.Errorf("compare found %d changed files, want blinker.circuit.json with R2 = 47k", len(pairs))
	}
	fmt.Fprintf(w, "changed: %s\n", pairs[0].Path)

	if _, err := repo.Resolve("no-such-tag"); worktree.KindOf(err) != worktree.UnknownRevision {
		return fmt.Errorf("resolving an unknown revision: %v", err)
	}

	res, err := repo.Restore(ctx, worktree.RestoreOptions{To: "current~1", Author: who})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "restored %s: %v\n", res.Target.String()[:7], res.Written)
	return checkRestored(ctx, w, files, file)
}

// checkRestored checks the working file after the restore: it is the
// first version, valid, and the same as persist's backup of it.
func checkRestored(ctx context.Context, w io.Writer, files *persist.Store, file string) error {
	var c circuit
	if err := files.Load(ctx, file, &c); err != nil {
		return err
	}
	if v, err := value(c, "R2"); err != nil || v != "10k" {
		return fmt.Errorf("after the restore R2 = %q, %v; want 10k", v, err)
	}
	if !files.VerifyFileIntegrity(ctx, file, persist.WithValidate(hasComponents)) {
		return errors.New("the restored file does not pass the integrity check")
	}
	sum, err := files.ComputeFileHash(ctx, file)
	if err != nil {
		return err
	}
	// persist backed the first version up before the edit overwrote it.
	ok, err := files.RestoreBackup(ctx, file)
	if err != nil || !ok {
		return fmt.Errorf("restore from backup: %v, %v", ok, err)
	}
	after, err := files.ComputeFileHash(ctx, file)
	if err != nil {
		return err
	}
	if after != sum {
		return fmt.Errorf("the backup (sha256 %s) differs from the restored version (%s)", after, sum)
	}
	fmt.Fprintf(w, "backup and restored version agree: sha256 %s…\n", sum[:12])
	return nil
}

// hasComponents is a validation function: a circuit must list components.
func hasComponents(v any) error {
	var comps []any
	switch c := v.(type) {
	case circuit:
		comps, _ = c["components"].([]any)
	case map[string]any:
		comps, _ = c["components"].([]any)
	}
	if len(comps) == 0 {
		return errors.New("a circuit needs components")
	}
	return nil
}

// component finds the component with the reference id.
func component(c circuit, id string) (map[string]any, error) {
	comps, _ := c["components"].([]any)
	for _, x := range comps {
		if m, ok := x.(map[string]any); ok && m["id"] == id {
			return m, nil
		}
	}
	return nil, fmt.Errorf("no component %s", id)
}

func value(c circuit, id string) (string, error) {
	m, err := component(c, id)
	if err != nil {
		return "", err
	}
	v, _ := m["value"].(string)
	return v, nil
}

func setValue(c circuit, id, v string) error {
	m, err := component(c, id)
	if err == nil {
		m["value"] = v
	}
	return err
}
