package refs_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/circuitvc/circuitvc/fsx/fsxtest"
	"github.com/circuitvc/circuitvc/objects"
	"github.com/circuitvc/circuitvc/refs"
	"github.com/go-git/go-git/v5/plumbing"
)

// A save moves HEAD's branch with a compare-and-swap: it succeeds only if
// nobody else moved it since it was read.
func ExampleStore_Update() {
	fsys := fsxtest.NewMemFS()
	if err := refs.Init(fsys, "/proj/.circuitvc"); err != nil {
		panic(err)
	}
	s := refs.Open(fsys, "/proj/.circuitvc", refs.Options{LockTimeout: time.Second})
	who := objects.Signature{Name: "Ada", Email: "ada@example.com", When: time.Unix(1700000000, 0).UTC()}
	v1 := objects.HashObject(plumbing.BlobObject, []byte("v1")) // stands in for a commit
	v2 := objects.HashObject(plumbing.BlobObject, []byte("v2"))

	ctx := context.Background()
	fmt.Println(s.Update(ctx, refs.HEAD, objects.ZeroHash, v1, who, "save: first"))
	fmt.Println(s.Update(ctx, refs.HEAD, v1, v2, who, "save: second"))
	err := s.Update(ctx, refs.HEAD, v1, v2, who, "save: stale")
	fmt.Println(errors.Is(err, refs.ErrConflict))

	log, _ := s.Reflog(refs.HEAD)
	for _, e := range log {
		fmt.Println(e.Message)
	}
	prev, _ := s.ReflogAt(refs.Main, 1)
	fmt.Println(prev == v1)
	// Output:
	// <nil>
	// <nil>
	// true
	// save: second
	// save: first
	// true
}

func ExampleParseRev() {
	for _, s := range []string{"current@{3}~2", "backup", "3f2a^2", "HEAD~x"} {
		r, err := refs.ParseRev(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("base %s, reflog %d, steps %v\n", r.Base, r.Reflog, r.Steps)
	}
	// Output:
	// base current, reflog 3, steps [~2]
	// base backup, reflog -1, steps []
	// base 3f2a, reflog -1, steps [^2]
	// refs: bad revision "HEAD~x": unexpected "x"; expected ~N, ^N or @{N}
}
