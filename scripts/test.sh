#!/usr/bin/env bash
# The project's test command. Two promises:
#
# The gate (the default; CI runs it, every change passes it): vet,
# cross-platform builds, every unit and script test under -short (the
# real circuit corpus when CIRCUITVC_CORPUS is set), the example module,
# a race run over the packages that start goroutines, and a short fuzz of
# the parsers that read bytes from outside (every fuzz target's seed
# corpus already runs as a test). -short samples the crash and fault
# enumerations (fsxtest.Sampled: the first points and one in sixteen of
# the rest) and runs the process-level stress tests at a smaller size;
# scripts/mutate.sh checks that this sample still catches the planted
# durability bugs.
#
# The full run (--full): the same, with go test not -short (every crash,
# fault and power-cut point, git fsck of every crash state, SIGKILLed
# processes, the 50 MB blob, 10,000 autosaves, the long format tests) and
# every fuzz target for FUZZTIME. Run it before resolving durability work
# (fsx, objects, refs, the write paths of worktree and persist).
#
#   ./scripts/test.sh                      # the gate
#   ./scripts/test.sh --full               # everything, in full
#   FUZZTIME=30s ./scripts/test.sh --full  # longer fuzzing
#   KILL_ITERATIONS=1000 ./scripts/test.sh --full # more SIGKILL crash iterations
#   STEPS="vet test" ./scripts/test.sh     # only some steps (also: sweep, fuzz-all)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --full ]; then
  : "${STEPS:=vet cross sweep examples race fuzz-all}"
  shift
fi
if [ $# -gt 0 ]; then
  echo "usage: $0 [--full]" >&2
  exit 2
fi
: "${FUZZTIME:=5s}"
: "${STEPS:=vet cross test examples race fuzz}"
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)

if [ -z "${CIRCUITVC_CORPUS:-}" ] && [ -d ../shared/testdata ]; then
  export CIRCUITVC_CORPUS="$(cd ../shared/testdata && pwd)"
fi

# step NAME CMD...: run one step and print how long it took, and the
# processor time it used (on a shared machine the wall time alone
# misleads).
step() {
  local name=$1
  shift
  echo "== $name"
  local TIMEFORMAT="   $name: %1R s (processor: %1U s user + %1S s system)"
  time "$@"
}

# Vet once: the other platforms are built, not vetted again. ./... leaves
# out the package in testdata/, so it is named.
vet() { go vet ./... ./testdata; }

# Every platform builds. One architecture per other system is enough:
# circuitvc has no architecture-specific code, and its dependencies'
# assembly is exercised by the amd64 test build and the arm64 builds
# here. Windows has test files of its own, so its test packages are
# compiled (go list -export compiles without linking, and compiles the
# packages themselves on the way), so they cannot rot; darwin shares the
# unix ones that the test step compiles.
cross() {
  GOOS=linux GOARCH=arm64 go build ./...
  GOOS=darwin GOARCH=arm64 go build ./...
  GOOS=windows GOARCH=amd64 go list -test -export ./... >/dev/null
}

# Includes the contract test (cli/contract_test.go: every command against
# every failure class, exit codes checked against the README's table), the
# import-graph test (layout_test.go) and every fuzz target's seed corpus.
unit() { go test -short -count=1 ./...; }

# The same without -short: every enumeration point, the SIGKILL tests,
# the big and long tests.
sweep() { go test -count=1 ./...; }

# The example module uses the public API from outside, as a user would.
examples() { (cd examples && go vet ./... && go test -count=1 ./...); }

# The packages whose code or tests start goroutines, under the race
# detector, -short. internal/stress is not here: the code it tests runs in
# subprocesses, out of the detector's sight. The heaviest crash and fault
# enumerations are left out (race_skip): each drives one goroutine
# through the same operations once per cut point, ten times slower under
# the detector, and the detector needs a path run once, not once per
# point. The goroutines the code starts (batched object writes, parallel
# ref syncs, restore's writers, transports) run under it in the tests
# kept, fault and crash file systems included (TestSyncFaults*, refs'
# enumerations, TestRestoreDiskDiesAtEveryOperation); the test step runs
# the skipped ones without the detector.
race_skip='^(TestGCPrunePowerCut|TestPowerCutEveryPrefix|TestPowerCutSaveSequence|TestFaultEveryOperation|TestPackCrash|TestPackCrashIndexHasPack|TestPackKeepCrash|TestPackFaults|TestWriteCrash|TestWriteFaults)$'
race() {
  go test -race -short -count=1 -skip "$race_skip" ./fsx/... ./objects ./refs ./worktree ./persist ./third_party/jsonschema
}

# fuzz: read "PACKAGE TARGET" lines and fuzz each for FUZZTIME, as many
# at once as there are cores. Go 1.26's fuzz coordinator can fail a
# target with a bare "context deadline exceeded" when -fuzztime ends under
# load (go.dev/issue/75804, fixed in Go 1.27): that outcome, with no
# failing input written, is not a failure.
fuzz_each() {
  xargs -P "$jobs" -L 1 sh -c '
    inputs() { ls "$(go list -f "{{.Dir}}" "$0")/testdata/fuzz/$1" 2>/dev/null | wc -l; }
    before=$(inputs "$0" "$1")
    if out=$(go test -run "^\$" -fuzz "^$1\$" -fuzztime "'"$FUZZTIME"'" -parallel 1 "$0" 2>&1); then
      echo "-- ok   $0 $1"
    elif [ "$(inputs "$0" "$1")" = "$before" ] && echo "$out" | grep -q "^    context deadline exceeded$"; then
      echo "-- ok   $0 $1 (the deadline race of go.dev/issue/75804; no failing input)"
    else
      echo "-- FAIL $0 $1"; echo "$out"; exit 255
    fi'
}

# The gate fuzzes the parsers of bytes circuitvc did not write: objects
# and trees (received packs, stores git wrote), packed-refs (git writes
# it), KiCad's s-expressions (a hand-written recursive parser). Each
# package costs a compile with fuzzing instrumentation, so few packages.
fuzz_gate_targets="./objects FuzzLooseObject
./objects FuzzTree
./refs FuzzParsePacked
./internal/kicad FuzzParse"
fuzz() { echo "$fuzz_gate_targets" | fuzz_each; }

# Every fuzz target (--full).
fuzz_all() {
  local pkg dir target
  for pkg in $(go list ./...); do
    dir=$(go list -f '{{.Dir}}' "$pkg")
    for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
      echo "$pkg $target"
    done
  done | fuzz_each
}

all() {
  local s
  for s in $STEPS; do
    case $s in
    vet) step "go vet" vet ;;
    cross) step "cross-platform builds" cross ;;
    test) step "go test -short" unit ;;
    sweep) step "go test (full sweeps)" sweep ;;
    examples) step "example module" examples ;;
    race) step "go test -race -short" race ;;
    fuzz) step "fuzz the outside parsers ($FUZZTIME each, $jobs at a time)" fuzz ;;
    fuzz-all) step "fuzz every target ($FUZZTIME each, $jobs at a time)" fuzz_all ;;
    *) echo "unknown step $s" >&2; exit 2 ;;
    esac
  done
}

TIMEFORMAT="== all tests passed in %1R s (processor: %1U s user + %1S s system)"
time all
