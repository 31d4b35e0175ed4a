#!/usr/bin/env bash
# Mutation testing of the durable write paths (issue 17).
#
#   [JOBS=N] scripts/mutate.sh [-full] [NAME...]
#
# Each file scripts/mutations/NAME.patch plants one plausible bug: its
# first lines say what ("Bug: …") and which packages' tests must catch it
# ("Packages: …"), then comes a unified diff. For each (or each NAME
# given), the script applies the patch to a temporary copy of the tree —
# never to the tree itself — runs those packages' tests (go test -short,
# as the gate does; -full drops -short), and records the tests that fail.
# It prints a Markdown table (docs/mutations.md holds the last one) and
# exits non-zero when a planted bug survives, when one is caught by fewer
# than MIN_KILLERS tests (default 2, the issue's bar), or when a patch no
# longer applies or builds (the code moved: rewrite the patch).
#
# Not part of scripts/test.sh (a full run takes tens of minutes); run it
# before resolving any change to fsx, objects, refs or the write paths of
# worktree and persist. An unmutated run of the same packages must pass
# first, else every bug would look killed; MUTATE_SKIP_BASELINE=1 skips it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
mutdir="$root/scripts/mutations"
min_killers=${MIN_KILLERS:-2}
short=-short
if [[ ${1:-} == -full ]]; then
	short=
	shift
fi

names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
	for p in "$mutdir"/*.patch; do
		n=$(basename "$p" .patch)
		names+=("$n")
	done
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/circuitvc-mutate.XXXXXX")
trap 'rm -rf "$work"' EXIT
tree="$work/tree"
mkdir "$tree"
# The tree as it is now (committed or not), without .git and ignored files.
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do [[ -e $f ]] && printf '%s\0' "$f"; done |
	tar --null -T - -cf -) | tar -xf - -C "$tree"

field() { sed -n "s/^$1: //p" "$2" | head -1; }

# run_tests PKGS... : go test in the unmutated copy; output in $work/out.
run_tests() {
	(cd "$tree" && go test $short -count=1 -timeout 20m "$@") >"$work/out" 2>&1
}

if [[ -z ${MUTATE_SKIP_BASELINE:-} ]]; then
	pkgs=$(for n in "${names[@]}"; do field Packages "$mutdir/$n.patch"; done | tr ' ' '\n' | sort -u | tr '\n' ' ')
	echo "baseline: go test $short $pkgs" >&2
	# shellcheck disable=SC2086
	if ! run_tests $pkgs; then
		cat "$work/out" >&2
		echo "mutate: the unmutated tree fails its tests; fix that first" >&2
		exit 2
	fi
fi

# mutate_one NAME TREE: plants NAME in TREE, runs its tests, takes the
# bug out again and prints its table row.
mutate_one() {
	local n=$1 tree=$2 out="$2.out"
	local patch="$mutdir/$n.patch" desc pkgs start=$SECONDS verdict=survived killers="" count
	desc=$(field Bug "$patch")
	pkgs=$(field Packages "$patch")
	if ! (cd "$tree" && git apply "$patch") 2>"$out"; then
		echo "| $n | $desc | $pkgs | **stale patch** | $(tr '\n' ' ' <"$out") |"
		return
	fi
	# shellcheck disable=SC2086
	if ! (cd "$tree" && go test $short -count=1 -timeout 20m $pkgs) >"$out" 2>&1; then
		if grep -q -e '\[build failed\]' -e '\[setup failed\]' "$out"; then
			verdict="**does not build**"
		else
			# Top-level tests only ("--- FAIL: TestX (…)" unindented; a
			# child process's output without a newline can precede it on
			# the line), as package.TestX; a package that fails without
			# one (panic, timeout) counts once, as package.(package).
			killers=$(awk '
				match($0, /(^|[^ ])--- FAIL: [^ ]+/) {
					s = substr($0, RSTART, RLENGTH); sub(/.*--- FAIL: /, "", s); t[++n] = s
				}
				/^(FAIL|ok)\t/ {
					pkg = $2; sub(/.*\//, "", pkg)
					if ($1 == "FAIL" && n == 0) print pkg ".(package)"
					for (i = 1; i <= n; i++) print pkg "." t[i]
					n = 0
				}' "$out" | sort -u | tr '\n' ' ')
			verdict="killed"
		fi
	fi
	(cd "$tree" && git apply -R "$patch")
	count=$(wc -w <<<"$killers")
	case $verdict in
	killed)
		if ((count < min_killers)); then
			verdict="killed by $count (<$min_killers)"
		else
			verdict="killed by $count"
		fi
		;;
	survived) verdict="**SURVIVED**" ;;
	esac
	echo "| $n | $desc | $pkgs | $verdict | ${killers% } |"
	echo "mutate: $n: $verdict in $((SECONDS - start))s" >&2
}

# JOBS workers, each on its own copy of the tree: the tests spend much
# of their time waiting (lock timeouts, retry back-off), so two or three
# at once finish sooner even on two cores.
# The copies are made before any worker starts: a copy taken while the
# first worker has its bug planted would carry that bug.
jobs=${JOBS:-1}
for ((w = 1; w < jobs; w++)); do
	cp -a "$tree" "$work/tree$w"
done
for ((w = 0; w < jobs; w++)); do
	(
		dir=$tree
		((w > 0)) && dir="$work/tree$w"
		for ((i = w; i < ${#names[@]}; i += jobs)); do
			mutate_one "${names[i]}" "$dir"
		done >"$work/rows$w"
	) &
done
wait
echo "| planted bug | what it does | packages | verdict | killing tests |"
echo "|---|---|---|---|---|"
sort "$work"/rows*
! grep -q -e 'SURVIVED' -e 'stale patch' -e 'does not build' -e '(<' "$work"/rows*
