package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/circuitvc/circuitvc/worktree"
	ucli "github.com/urfave/cli/v2"
)

func hashCommand(env *Env) *ucli.Command {
	return &ucli.Command{
		Name:      "hash",
		Usage:     "print a file's Git blob id and SHA-256",
		ArgsUsage: "FILE...",
		Description: `For each FILE prints "<git blob id> <sha256> FILE". The blob id is what
'git hash-object FILE' prints; the SHA-256 is of the bytes alone. No store is
needed.

Examples:
   circuitvc hash amp.circuit.json
   circuitvc hash *.circuit.json | cut -d' ' -f1`,
		Action: func(c *ucli.Context) error {
			if c.NArg() == 0 {
				return usagef("hash takes at least one FILE")
			}
			for _, name := range c.Args().Slice() {
				data, err := readArgFile(env, workDir(c, env), name)
				if err != nil {
					return err
				}
				sum := sha256.Sum256(data)
				fmt.Fprintf(env.Stdout, "%s %s %s\n", worktree.BlobID(data), hex.EncodeToString(sum[:]), name)
			}
			return nil
		},
	}
}
