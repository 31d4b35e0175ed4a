#!/usr/bin/env bash
# The scale study: histories up to 10,000 saves, up to 1,000 tracked files,
# circuits up to 50 MB; every command (save, log, diff, restore, status,
# verify, gc) at every size, with wall time and peak RSS. Slow (run by
# hand, not in CI). Needs only Go and git.
#
#   ./bench/scale.sh                        # full study
#   ./bench/scale.sh -sizes bigfile         # one dimension
#   ./bench/scale.sh -quick                 # small sizes
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d "${TMPDIR:-/tmp}/circuitvc-scale-bin.XXXXXX")
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/circuitvc" .
go build -o "$bin/benchcmp" ./bench/benchcmp
"$bin/benchcmp" -scale -circuitvc "$bin/circuitvc" "$@"
