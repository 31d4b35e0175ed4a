#!/usr/bin/env bash
# The project's test command: vet, unit and script tests (with the real
# circuit corpus when CIRCUITVC_CORPUS is set), cross-platform builds, and
# a short run of every fuzz target.
#
#   ./scripts/test.sh              # everything
#   FUZZTIME=30s ./scripts/test.sh # longer fuzzing
#   KILL_ITERATIONS=1000 ./scripts/test.sh # more SIGKILL crash iterations
set -euo pipefail
cd "$(dirname "$0")/.."
: "${FUZZTIME:=5s}"

if [ -z "${CIRCUITVC_CORPUS:-}" ] && [ -d ../shared/testdata ]; then
  export CIRCUITVC_CORPUS="$(cd ../shared/testdata && pwd)"
fi

echo "== go vet"
go vet ./...

echo "== cross-platform build and vet"
for os in linux darwin windows; do
  for arch in amd64 arm64; do
    GOOS=$os GOARCH=$arch go build ./... 
    GOOS=$os GOARCH=$arch go vet ./... 
  done
done

# Includes the contract test (cli/contract_test.go: every command against
# every failure class, exit codes checked against the README's table).
echo "== go test"
go test -count=1 ./...

echo "== fuzz targets ($FUZZTIME each)"
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
    echo "-- $pkg $target"
    if ! out=$(go test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" "$pkg" 2>&1); then echo "$out"; exit 1; fi
  done
done
echo "== all tests passed"
