#!/usr/bin/env bash
# The project's test command: vet, cross-platform builds, unit and script
# tests (with the real circuit corpus when CIRCUITVC_CORPUS is set), the
# example module, a race run over the packages that start goroutines, and
# a short run of every fuzz target. Each step prints its wall time.
#
#   ./scripts/test.sh                      # everything
#   FUZZTIME=30s ./scripts/test.sh         # longer fuzzing
#   KILL_ITERATIONS=1000 ./scripts/test.sh # more SIGKILL crash iterations
#   STEPS="vet test" ./scripts/test.sh     # only some steps
set -euo pipefail
cd "$(dirname "$0")/.."
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
# every failure class, exit codes checked against the README's table) and
# the import-graph test (layout_test.go).
unit() { go test -count=1 ./...; }

# The example module uses the public API from outside, as a user would.
examples() { (cd examples && go vet ./... && go test -count=1 ./...); }

# The packages whose code or tests start goroutines, under the race
# detector. -short samples the crash and fault enumerations (one point in
# sixteen) and skips a few long tests of formats and big files, all of
# which the test step runs in full. internal/stress is not here: the code
# it tests runs in subprocesses, out of the detector's sight.
race() {
  go test -race -short -count=1 ./fsx/... ./objects ./refs ./worktree ./persist ./third_party/jsonschema
}

# Every fuzz target for FUZZTIME, as many at once as there are cores. Go
# 1.26's fuzz coordinator can fail a target with a bare "context deadline
# exceeded" when -fuzztime ends under load (go.dev/issue/75804, fixed in
# Go 1.27): that outcome, with no failing input written, is not a failure.
fuzz() {
  local pkg dir target
  for pkg in $(go list ./...); do
    dir=$(go list -f '{{.Dir}}' "$pkg")
    for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
      echo "$pkg $target"
    done
  done | xargs -P "$jobs" -L 1 sh -c '
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

all() {
  local s
  for s in $STEPS; do
    case $s in
    vet) step "go vet" vet ;;
    cross) step "cross-platform builds" cross ;;
    test) step "go test" unit ;;
    examples) step "example module" examples ;;
    race) step "go test -race -short" race ;;
    fuzz) step "fuzz targets ($FUZZTIME each, $jobs at a time)" fuzz ;;
    *) echo "unknown step $s" >&2; exit 2 ;;
    esac
  done
}

TIMEFORMAT="== all tests passed in %1R s (processor: %1U s user + %1S s system)"
time all
