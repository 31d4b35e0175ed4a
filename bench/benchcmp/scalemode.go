package main

import (
	"context"
	"errors"

	"github.com/circuitvc/circuitvc/internal/scale"
)

func runScale(ctx context.Context, o options, work string, sp *scale.Spawner) (string, error) {
	return "", errors.New("scale: not yet")
}
