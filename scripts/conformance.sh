#!/usr/bin/env bash
# Regenerates internal/circuit/testdata/conformance/table.json: the
# upstream verdict beside each row of spec.json (real corpus files and
# single mutations of them). Needs node, npm and the corpus; CI reads the
# checked-in table (internal/circuit/conformance_test.go).
#
#   CIRCUITVC_CORPUS=../shared/testdata ./scripts/conformance.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CIRCUIT_JSON_VERSION:=0.0.542}"
: "${CIRCUITVC_CORPUS:=$(cd .. && pwd)/shared/testdata}"
dir=internal/circuit/testdata/conformance
tmp=$(mktemp -d "${TMPDIR:-/tmp}/circuit-json.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "circuit-json@$CIRCUIT_JSON_VERSION" >/dev/null)
cp scripts/conformance.mjs "$tmp/"
node "$tmp/conformance.mjs" "$PWD/$dir/spec.json" "$CIRCUITVC_CORPUS" "$PWD/$dir/table.json"
