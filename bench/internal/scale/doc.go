// Package scale builds the fixtures of circuitvc's benchmarks and scale
// study, and runs the scale scenario: histories of many saves, many
// tracked files and very large circuits, driving every command (save,
// log, diff, restore, status, verify, gc) and measuring wall time and
// peak memory of each.
//
// It is used by bench/benchcmp (the benchmark against stock git) and by
// this package's tests, which run the scenario at small sizes so CI sees
// every command keep working as sizes grow.
package scale
