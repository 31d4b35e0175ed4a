#!/usr/bin/env bash
# Times circuitvc against stock git on the same work, in one run, and
# prints a Markdown table (medians of -runs runs, ratios, targets of
# issue 5, peak RSS). Needs only Go and git.
#
#   ./bench/compare.sh                      # every row, 1000-save history, 500 files
#   ./bench/compare.sh -quick               # 200 saves, 100 files: a fast check
#   ./bench/compare.sh -rows save,diff      # some rows only
#   ./bench/compare.sh -runs 9 -o bench/last.md
#
# Flags are passed to bench/benchcmp (see `go run ./bench/benchcmp -h`).
# CIRCUITVC_CORPUS (default ../shared/testdata) must hold
# tscircuit/led-water-accelerometer.json.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${CIRCUITVC_CORPUS:-}" ]; then
  export CIRCUITVC_CORPUS=../shared/testdata
fi
command -v git >/dev/null || { echo "compare.sh: git is not on PATH" >&2; exit 1; }
bin=$(mktemp -d "${TMPDIR:-/tmp}/circuitvc-bench-bin.XXXXXX")
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/circuitvc" .
go build -o "$bin/benchcmp" ./bench/benchcmp
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(go version) / $(git --version) / $(nproc 2>/dev/null || echo '?') CPUs" >&2
"$bin/benchcmp" -circuitvc "$bin/circuitvc" "$@"
