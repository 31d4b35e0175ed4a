#!/usr/bin/env bash
# Install Debian's Chromium for the browser test of the visual diff
# report (cli/browser_test.go, through internal/browsertest), unless a
# Chromium is already on the PATH or named by CIRCUITVC_CHROMIUM. Needs
# root and Debian's package archive; does nothing else. The test finds
# the browser the same way. .ci/run calls it.
#
# The test starts Chromium with the flags this machine needs:
#   --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
#   --disable-background-networking --disable-component-update --disable-sync
#   --user-data-dir=<new empty folder>
# (--no-sandbox because CI runs as root; the networking flags because the
# machine has no network and Chromium would otherwise retry its background
# connections, and fail to look up its update hosts, at every start.)
set -euo pipefail

if [ -n "${CIRCUITVC_CHROMIUM:-}" ] && [ -x "${CIRCUITVC_CHROMIUM}" ]; then
  echo "chromium: using $CIRCUITVC_CHROMIUM"
  exit 0
fi
for b in chromium chromium-browser google-chrome google-chrome-stable; do
  if command -v "$b" >/dev/null 2>&1; then
    echo "chromium: using $(command -v "$b")"
    exit 0
  fi
done
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium: not found, and cannot install it here (needs root and apt-get); the browser test will be skipped" >&2
  exit 0
fi
echo "chromium: installing Debian's chromium"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium
