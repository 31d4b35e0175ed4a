#!/usr/bin/env bash
# Installs KiCad 9 (kicad-cli) and its demo projects from Debian's
# bookworm-backports when kicad-cli is missing. internal/kicad's oracle tests
# compare our schematic reader with `kicad-cli sch export netlist` on every
# demo schematic; they skip where kicad-cli is absent.
#
#   ./scripts/install-kicad.sh        # no-op when kicad-cli is on PATH
#
# Recommends are left out: the symbol, footprint and 3D libraries weigh
# gigabytes and netlist export does not need them (a schematic embeds the
# symbols it uses).
set -euo pipefail

if command -v kicad-cli >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1 || ! grep -qs 'VERSION_CODENAME=bookworm' /etc/os-release; then
  echo "install-kicad: not Debian bookworm; kicad-cli oracle tests will skip" >&2
  exit 0
fi

list=/etc/apt/sources.list.d/bookworm-backports.sources
if ! grep -qsr 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  cat >"$list" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

echo "install-kicad: installing kicad and kicad-demos from bookworm-backports"
start=$(date +%s)
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  -t bookworm-backports kicad kicad-demos >/dev/null
echo "install-kicad: $(kicad-cli --version) installed in $(( $(date +%s) - start ))s"
