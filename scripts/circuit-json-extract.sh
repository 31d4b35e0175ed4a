#!/usr/bin/env bash
# Regenerates internal/circuit/tscircuit_schema.json from tscircuit's own
# element definitions: installs the pinned circuit-json package with npm
# into a temporary folder and runs circuit-json-extract.mjs there. Needs
# node and npm; CI does not run this, it reads the checked-in output.
#
#   ./scripts/circuit-json-extract.sh            # the pinned version
#   CIRCUIT_JSON_VERSION=0.0.600 ./scripts/circuit-json-extract.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CIRCUIT_JSON_VERSION:=0.0.542}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/circuit-json.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "circuit-json@$CIRCUIT_JSON_VERSION" >/dev/null)
cp scripts/circuit-json-extract.mjs "$tmp/"
node "$tmp/circuit-json-extract.mjs" > internal/circuit/tscircuit_schema.json
echo "wrote internal/circuit/tscircuit_schema.json from circuit-json@$CIRCUIT_JSON_VERSION"
