package worktree_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/circuitvc/circuitvc/worktree"
)

// persistExampleDir makes a scratch directory for an example.
func persistExampleDir() string {
	dir, err := os.MkdirTemp("", "circuitvc-example-")
	if err != nil {
		log.Fatal(err)
	}
	return dir
}

type persistExampleCircuit struct {
	Version    string   `json:"version"`
	Components []string `json:"components"`
}

func ExamplePersistence_Save() {
	dir := persistExampleDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "amp.circuit.json")

	p := worktree.NewPersistence(worktree.Options{EnableBackups: true})
	if err := p.Save(name, persistExampleCircuit{Version: "1.0", Components: []string{"R1"}}); err != nil {
		log.Fatal(err)
	}
	// The second save copies the first version to amp.circuit.json.backup.
	if err := p.Save(name, persistExampleCircuit{Version: "2.0", Components: []string{"R1", "C1"}}); err != nil {
		log.Fatal(err)
	}
	data, _ := os.ReadFile(name)
	fmt.Print(string(data))
	var old persistExampleCircuit
	if err := p.Load(p.BackupPath(name), &old); err != nil {
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

func ExamplePersistence_Load() {
	dir := persistExampleDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "amp.circuit.json")
	// CRLF line endings and a byte order mark, as some Windows editors write.
	_ = os.WriteFile(name, []byte("\uFEFF{\r\n  \"version\": \"1.0\",\r\n  \"components\": [\"R1\"]\r\n}\r\n"), 0o644)

	var c persistExampleCircuit
	p := worktree.NewPersistence(worktree.Options{})
	if err := p.Load(name, &c); err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Version, c.Components)

	_ = os.WriteFile(name, []byte("{\n  \"version\": \"1.0\",\n}\n"), 0o644)
	err := p.Load(name, &c)
	var bad *worktree.DataIntegrityError
	if errors.As(err, &bad) {
		fmt.Printf("line %d, column %d: %v\n", bad.Line, bad.Col, bad.Err)
	}
	// Output:
	// 1.0 [R1]
	// line 3, column 1: invalid character '}' looking for beginning of object key string
}

func ExampleWithValidate() {
	dir := persistExampleDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "amp.circuit.json")

	needsParts := worktree.WithValidate(func(v any) error {
		if c, ok := v.(persistExampleCircuit); !ok || len(c.Components) == 0 {
			return errors.New("a circuit needs at least one component")
		}
		return nil
	})
	p := worktree.NewPersistence(worktree.Options{})
	err := p.Save(name, persistExampleCircuit{Version: "1.0"}, needsParts)
	fmt.Println(errors.Is(err, worktree.ErrPersistence))
	var bad *worktree.DataIntegrityError
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

func ExamplePersistence_RestoreBackup() {
	dir := persistExampleDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "amp.circuit.json")

	p := worktree.NewPersistence(worktree.Options{EnableBackups: true})
	restored, err := p.RestoreBackup(name)
	fmt.Println("restored:", restored, err)

	_ = p.SaveBytes(name, []byte("{\"version\": \"good\"}\r\n"))
	_ = p.SaveBytes(name, []byte("{\"version\": \"bad\"}\r\n"))
	restored, err = p.RestoreBackup(name)
	fmt.Println("restored:", restored, err)
	data, _ := os.ReadFile(name)
	fmt.Printf("%q\n", data)
	// Output:
	// restored: false <nil>
	// restored: true <nil>
	// "{\"version\": \"good\"}\r\n"
}

func ExamplePersistence_ComputeFileHash() {
	dir := persistExampleDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "amp.circuit.json")

	p := worktree.NewPersistence(worktree.Options{})
	_ = p.SaveBytes(name, []byte("{}\n"))
	before, _ := p.ComputeFileHash(name)
	fmt.Println(before)
	_ = p.Save(name, map[string]string{"version": "2.0"})
	after, _ := p.ComputeFileHash(name)
	fmt.Println("modified:", before != after)
	// Output:
	// ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356
	// modified: true
}

func ExamplePersistence_VerifyFileIntegrity() {
	dir := persistExampleDir()
	defer os.RemoveAll(dir)
	good, torn := filepath.Join(dir, "good.json"), filepath.Join(dir, "torn.json")
	_ = os.WriteFile(good, []byte(`{"version": "1.0"}`), 0o644)
	_ = os.WriteFile(torn, []byte(`{"version": "1.`), 0o644)

	p := worktree.NewPersistence(worktree.Options{})
	fmt.Println(p.VerifyFileIntegrity(good), p.VerifyFileIntegrity(torn))
	fmt.Println(p.CheckIntegrity(torn) != nil)
	// Output:
	// true false
	// true
}

func ExampleWithFileLock() {
	dir := persistExampleDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "amp.circuit.json")
	p := worktree.NewPersistence(worktree.Options{})
	_ = p.Save(name, map[string]int{"revision": 1})

	// Load, modify and save with no other writer in between.
	err := worktree.WithFileLock(name, 5*time.Second, func() error {
		var c map[string]int
		if err := p.Load(name, &c); err != nil {
			return err
		}
		c["revision"]++

		// Meanwhile anyone else asking for the lock waits, then gives up.
		err := worktree.WithFileLock(name, 10*time.Millisecond, func() error { return nil })
		var locked *worktree.FileLockedError
		fmt.Println("second locker refused:", errors.As(err, &locked))

		return p.Save(name, c)
	})
	fmt.Println(err)
	var c map[string]int
	_ = p.Load(name, &c)
	fmt.Println("revision", c["revision"])
	// Output:
	// second locker refused: true
	// <nil>
	// revision 2
}

func ExampleSaveCircuit() {
	dir := persistExampleDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "amp.circuit.json")

	if err := worktree.SaveCircuit(name, map[string]any{"version": "1.0"}); err != nil {
		log.Fatal(err)
	}
	var c map[string]any
	if err := worktree.LoadCircuit(name, &c); err != nil {
		log.Fatal(err)
	}
	fmt.Println(c["version"])
	err := worktree.LoadCircuit(filepath.Join(dir, "missing.json"), &c)
	fmt.Println(errors.Is(err, worktree.ErrPersistence), errors.Is(err, os.ErrNotExist))
	// Output:
	// 1.0
	// true true
}
