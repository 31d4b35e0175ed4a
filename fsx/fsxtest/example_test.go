package fsxtest_test

// These examples are the patterns the tests of objects, refs and worktree
// follow: run an operation once per fault point or crash point, each time
// on a fresh copy of one base file system, and check the invariants.

import (
	"fmt"
	"syscall"

	"github.com/circuitvc/circuitvc/fsx"
	"github.com/circuitvc/circuitvc/fsx/fsxtest"
)

// Cut power after every call of WriteFile, explore what the disk could
// hold after each cut, and check the file is never torn.
func ExampleCrashFS() {
	base := fsxtest.NewMemFS()
	_ = fsx.MkdirAll(base, "/repo", 0o755)
	_ = fsx.WriteFile(base, "/repo/HEAD", []byte("old\n"), 0o644)

	points, states := 0, 0
	for n := 0; ; n++ {
		c := fsxtest.NewCrashFS(base)
		c.CrashAfter(n)
		err := fsx.WriteFile(c, "/repo/HEAD", []byte("new\n"), 0o644)
		points++
		for desc, after := range c.CrashStates(64) {
			states++
			b, _ := fsx.ReadFile(after, "/repo/HEAD")
			if s := string(b); s != "old\n" && s != "new\n" {
				fmt.Printf("torn after op %d: %s\n", n, desc)
			}
		}
		if !c.Cut() {
			fmt.Println("finished:", err)
			break
		}
	}
	fmt.Printf("%d crash points, %d crash states\n", points, states)
	// Output:
	// finished: <nil>
	// 9 crash points, 17 crash states
}

// Fail each call of WriteFile in turn with "no space left on device" and
// see what the file holds afterwards.
func ExampleFaultFS() {
	base := fsxtest.NewMemFS()
	_ = fsx.WriteFile(base, "/f", []byte("old"), 0o644)
	for n := 1; ; n++ {
		mem := base.Clone()
		f := fsxtest.NewFaultFS(mem)
		f.FailAt(n, syscall.ENOSPC)
		err := fsx.WriteFile(f, "/f", []byte("new"), 0o644)
		if len(f.Fired()) == 0 {
			break
		}
		b, _ := fsx.ReadFile(mem, "/f")
		fmt.Printf("%-7s fails: %s, file %q\n", f.Fired()[0].Name, map[bool]string{true: "ENOSPC reported", false: "error lost"}[err != nil], b)
	}
	// Output:
	// stat    fails: ENOSPC reported, file "old"
	// open    fails: ENOSPC reported, file "old"
	// write   fails: ENOSPC reported, file "old"
	// sync    fails: ENOSPC reported, file "old"
	// close   fails: ENOSPC reported, file "old"
	// chmod   fails: ENOSPC reported, file "old"
	// rename  fails: ENOSPC reported, file "old"
	// syncdir fails: ENOSPC reported, file "new"
}
