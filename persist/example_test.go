package persist_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/circuitvc/circuitvc/persist"
)

// exampleDir makes a scratch directory for an example.
func exampleDir() string {
	dir, err := os.MkdirTemp("", "circuitvc-example-")
	if err != nil {
		log.Fatal(err)
	}
	return dir
}

type exampleCircuit struct {
	Version    string   `json:"version"`
	Components []string `json:"components"`
}

func ExampleStore_Save() {
	ctx := context.Background()
	dir := exampleDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "amp.circuit.json")

	p := persist.New(persist.Options{EnableBackups: true})
	if err := p.Save(ctx, name, exampleCircuit{Version: "1.0", Components: []string{"R1"}}); err != nil {
		log.Fatal(err)
	}
	// The second save copies the first version to amp.circuit.json.backup.
	if err := p.Save(ctx, name, exampleCircuit{Version: "2.0", Components: []string{"R1", "C1"}}); err != nil {
		log.Fatal(err)
	}
	data, _ := os.ReadFile(name)
	fmt.Print(string(data))
	var old exampleCircuit
	if err := p.Load(ctx, p.BackupPath(name), &old); err != nil {
		log.Fatal(err)
	}
	fmt.Println("backup holds version", old.Version)
	// Output:
	// {
	//   "version": "2.0",
	//   "components": [
	//     "R1",
	//     "C1"
	//   ]
	// }
	// backup holds version 1.0
}

func ExampleStore_Load() {
	ctx := context.Background()
	dir := exampleDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "amp.circuit.json")
	// CRLF line endings and a byte order mark, as some Windows editors write.
	_ = os.WriteFile(name, []byte("\uFEFF{\r\n  \"version\": \"1.0\",\r\n  \"components\": [\"R1\"]\r\n}\r\n"), 0o644)

	var c exampleCircuit
	p := persist.New(persist.Options{})
	if err := p.Load(ctx, name, &c); err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Version, c.Components)

	_ = os.WriteFile(name, []byte("{\n  \"version\": \"1.0\",\n}\n"), 0o644)
	err := p.Load(ctx, name, &c)
	var bad *persist.DataIntegrityError
	if errors.As(err, &bad) {
		fmt.Printf("line %d, column %d: %v\n", bad.Line, bad.Col, bad.Err)
	}
	// Output:
	// 1.0 [R1]
	// line 3, column 1: invalid character '}' looking for beginning of object key string
}

func ExampleWithValidate() {
	ctx := context.Background()
	dir := exampleDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "amp.circuit.json")

	needsParts := persist.WithValidate(func(v any) error {
		if c, ok := v.(exampleCircuit); !ok || len(c.Components) == 0 {
			return errors.New("a circuit needs at least one component")
		}
		return nil
	})
	p := persist.New(persist.Options{})
	err := p.Save(ctx, name, exampleCircuit{Version: "1.0"}, needsParts)
	fmt.Println(errors.Is(err, persist.ErrPersistence))
	var bad *persist.DataIntegrityError
	if errors.As(err, &bad) {
		fmt.Println("refused:", bad.Err)
	}
	_, statErr := os.Stat(name)
	fmt.Println("file written:", statErr == nil)
	// Output:
	// true
	// refused: a circuit needs at least one component
	// file written: false
}

func ExampleStore_RestoreBackup() {
	ctx := context.Background()
	dir := exampleDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "amp.circuit.json")

	p := persist.New(persist.Options{EnableBackups: true})
	restored, err := p.RestoreBackup(ctx, name)
	fmt.Println("restored:", restored, err)

	_ = p.SaveBytes(ctx, name, []byte("{\"version\": \"good\"}\r\n"))
	_ = p.SaveBytes(ctx, name, []byte("{\"version\": \"bad\"}\r\n"))
	restored, err = p.RestoreBackup(ctx, name)
	fmt.Println("restored:", restored, err)
	data, _ := os.ReadFile(name)
	fmt.Printf("%q\n", data)
	// Output:
	// restored: false <nil>
	// restored: true <nil>
	// "{\"version\": \"good\"}\r\n"
}

func ExampleStore_ComputeFileHash() {
	ctx := context.Background()
	dir := exampleDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "amp.circuit.json")

	p := persist.New(persist.Options{})
	_ = p.SaveBytes(ctx, name, []byte("{}\n"))
	before, _ := p.ComputeFileHash(ctx, name)
	fmt.Println(before)
	_ = p.Save(ctx, name, map[string]string{"version": "2.0"})
	after, _ := p.ComputeFileHash(ctx, name)
	fmt.Println("modified:", before != after)
	// Output:
	// ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356
	// modified: true
}

func ExampleStore_VerifyFileIntegrity() {
	ctx := context.Background()
	dir := exampleDir()
	defer os.RemoveAll(dir)
	good, torn := filepath.Join(dir, "good.json"), filepath.Join(dir, "torn.json")
	_ = os.WriteFile(good, []byte(`{"version": "1.0"}`), 0o644)
	_ = os.WriteFile(torn, []byte(`{"version": "1.`), 0o644)

	p := persist.New(persist.Options{})
	fmt.Println(p.VerifyFileIntegrity(ctx, good), p.VerifyFileIntegrity(ctx, torn))
	fmt.Println(p.CheckIntegrity(ctx, torn) != nil)
	// Output:
	// true false
	// true
}

func ExampleWithFileLock() {
	ctx := context.Background()
	dir := exampleDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "amp.circuit.json")
	p := persist.New(persist.Options{})
	_ = p.Save(ctx, name, map[string]int{"revision": 1})

	// Load, modify and save with no other writer in between.
	err := persist.WithFileLock(ctx, name, 5*time.Second, func() error {
		var c map[string]int
		if err := p.Load(ctx, name, &c); err != nil {
			return err
		}
		c["revision"]++

		// Meanwhile anyone else asking for the lock waits, then gives up.
		err := persist.WithFileLock(ctx, name, 10*time.Millisecond, func() error { return nil })
		var locked *persist.FileLockedError
		fmt.Println("second locker refused:", errors.As(err, &locked))

		return p.Save(ctx, name, c)
	})
	fmt.Println(err)
	var c map[string]int
	_ = p.Load(ctx, name, &c)
	fmt.Println("revision", c["revision"])
	// Output:
	// second locker refused: true
	// <nil>
	// revision 2
}

func ExampleSave() {
	ctx := context.Background()
	dir := exampleDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "amp.circuit.json")

	if err := persist.Save(ctx, name, map[string]any{"version": "1.0"}); err != nil {
		log.Fatal(err)
	}
	var c map[string]any
	if err := persist.Load(ctx, name, &c); err != nil {
		log.Fatal(err)
	}
	fmt.Println(c["version"])
	err := persist.Load(ctx, filepath.Join(dir, "missing.json"), &c)
	fmt.Println(errors.Is(err, persist.ErrPersistence), errors.Is(err, os.ErrNotExist))
	// Output:
	// 1.0
	// true true
}
