#!/usr/bin/env bash
# The HTML diff report's size and time, through the command line
# (`circuitvc diff --format html -o FILE`), RUNS runs each (default 3),
# medians of wall time and peak RSS (GNU time), for:
#   - each 1.4 MB tscircuit board of the corpus against a copy with one
#     resistor's value changed;
#   - a generated native circuit of N parts (default 50,000) against a
#     copy with E edits (default 100);
#   - the same circuit added whole: every part is in the change list.
# Then, where Chromium is installed, the time each report takes to open
# and draw in headless Chromium (cli's TestBrowserLoadTime).
# Needs /usr/bin/time and CIRCUITVC_CORPUS (default ../shared/testdata).
#
#   ./bench/htmlreport.sh
#   N=200000 E=3 RUNS=1 ./bench/htmlreport.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${N:=50000}" "${E:=100}" "${RUNS:=3}" "${CIRCUITVC_CORPUS:=../shared/testdata}"
work=$(mktemp -d "${TMPDIR:-/tmp}/circuitvc-htmlreport.XXXXXX")
trap 'rm -rf "$work"' EXIT
go build -o "$work/circuitvc" .
mkdir -p "$work/reports"

# measure NAME DIR ARGS...: runs circuitvc ARGS in DIR RUNS times and
# prints the medians and the report's size.
measure() {
  local name=$1 dir=$2
  shift 2
  for i in $(seq "$RUNS"); do
    (cd "$dir" && /usr/bin/time -f "%e %M" -o "$work/time.$i" "$work/circuitvc" "$@" -o "$work/report.html" > /dev/null)
  done
  cp "$work/report.html" "$work/reports/$(echo "$name" | tr -c 'A-Za-z0-9\n' '-' | tr -s '-').html"
  local wall rss
  wall=$(cut -d' ' -f1 "$work"/time.* | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
  rss=$(cut -d' ' -f2 "$work"/time.* | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
  awk -v name="$name" -v n="$RUNS" -v w="$wall" -v r="$rss" -v b="$(wc -c < "$work/report.html")" \
    'BEGIN { printf "%-44s report %6.2f MB  %5.2f s  %5.0f MiB  (median of %d)\n", name, b / 1e6, w, r / 1024, n }'
  rm -f "$work"/time.*
}

for board in led-water-accelerometer motor-controller; do
  mkdir -p "$work/$board"
  cp "$CIRCUITVC_CORPUS/tscircuit/$board.json" "$work/$board/a.json"
  # the first resistance of 100 Ω or more, times ten
  sed '0,/"resistance": \([1-9][0-9][0-9]*\)/s//"resistance": \10/' "$work/$board/a.json" > "$work/$board/b.json"
  cmp -s "$work/$board/a.json" "$work/$board/b.json" && { echo "no resistor edited in $board" >&2; exit 1; }
  measure "$board (1.4 MB), one value changed" "$work/$board" diff a.json b.json --format html
done

mkdir -p "$work/native" "$work/added"
go run ./bench/biggen -n "$N" -edits "$E" -out "$work/native" > /dev/null
measure "native, $N parts, $E edits" "$work/native" diff a.circuit.json b.circuit.json --format html
cp "$work/native/a.circuit.json" "$work/added/"
(cd "$work/added" && "$work/circuitvc" init > /dev/null)
measure "native, $N parts, added whole" "$work/added" diff --format html

reports=$(find "$work/reports" -name '*.html' | sort | paste -sd: -)
CIRCUITVC_BROWSER_REPORTS="$reports" go test -count=1 -timeout 30m -run '^TestBrowserLoadTime$' -v ./cli | grep -E 'drawn|SKIP|FAIL' || true
