#!/usr/bin/env bash
# The big-diff measurement: `circuitvc diff a b` of a generated native
# circuit of 200,000 parts against a copy with three edits, run RUNS times
# (default 7); prints each run's wall time, processor time (user + sys)
# and peak RSS (GNU time) and the medians. Processor time is the figure to
# compare on a shared machine, where wall time mostly measures the others.
# Needs /usr/bin/time.
#
#   ./bench/bigdiff.sh            # 200,000 parts, 7 runs
#   N=50000 RUNS=3 ./bench/bigdiff.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${N:=200000}" "${RUNS:=7}"
work=$(mktemp -d "${TMPDIR:-/tmp}/circuitvc-bigdiff.XXXXXX")
trap 'rm -rf "$work"' EXIT
go build -o "$work/circuitvc" .
go run ./bench/biggen -n "$N" -out "$work"
for i in $(seq "$RUNS"); do
  /usr/bin/time -f "%e %U %S %M" -o "$work/raw.$i" "$work/circuitvc" diff "$work/a.circuit.json" "$work/b.circuit.json" > "$work/out.txt"
  read -r wall user sys rss < "$work/raw.$i"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  echo "$wall $cpu $rss" > "$work/time.$i"
  awk -v i="$i" -v w="$wall" -v c="$cpu" -v r="$rss" 'BEGIN { printf "run %d: %s s wall, %s s CPU, %.0f MiB\n", i, w, c, r / 1024 }'
done
median() { cut -d' ' -f"$1" "$work"/time.* | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"; }
awk -v n="$RUNS" -v w="$(median 1)" -v c="$(median 2)" -v r="$(median 3)" -v b="$(wc -c < "$work/out.txt")" \
  'BEGIN { printf "median of %d: %s s wall, %s s CPU, %.0f MiB (diff output %d bytes)\n", n, w, c, r / 1024, b }'
