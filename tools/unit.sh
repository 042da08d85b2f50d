#!/usr/bin/env bash
# make unit: every package's tests, in lanes that keep both cores busy to
# the end (split by name, the root package's halves ended minutes apart).
#
# - The root package's tests (the page's end-to-end tests in Chromium, most
#   of the suite's time) are compiled once and run one test per process
#   from a queue in UNIT_JOBS (2) workers, longest first by
#   tools/unit-times.txt (LPT). Tests the table does not know (new ones) go
#   first, so that a long one cannot end the run alone.
# - Beside them, one lane runs the other packages' go test, then the make
#   targets given as arguments (make test: wasmtest fuzz), which would
#   otherwise wait for the root's last test.
# - UNIT_WASM=1 builds the page (make wasm) while the other packages' tests
#   already run: only the root's tests need it.
#
# Every run writes the measured table to test-output/unit-times.txt;
# refresh the committed one with
#   make test && cp test-output/unit-times.txt tools/unit-times.txt
set -euo pipefail
export CORSPLAY_WASM_BUILT=1
GO=${GO:-go}
JOBS=${UNIT_JOBS:-2}
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The other packages' lane.
(
	status=0
	$GO test -count=1 -timeout 14m $($GO list ./... | grep -vx corsplay) || status=1
	if (($#)); then make GO="$GO" "$@" || status=1; fi
	exit $status
) &
others=$!

# The root's binary, and the page it serves.
wasm=
if [[ ${UNIT_WASM:-} ]]; then make GO="$GO" wasm & wasm=$!; fi
built=0
$GO test -c -o "$work/corsplay.test" . || built=1
if [[ $wasm ]]; then wait "$wasm" || built=1; fi
if ((built != 0)); then wait "$others"; exit 1; fi
# The binary runs TestMain even to list: CORSPLAY_WASM_BUILT keeps it cheap.
"$work/corsplay.test" -test.list '^Test' | grep '^Test' | sort >"$work/listed"

# The queue: unknown tests, then known ones by measured seconds, longest
# first.
awk 'NR == FNR { if ($1 !~ /^#/ && NF == 2) secs[$2] = $1; next }
     { printf "%s %s\n", ($1 in secs) ? secs[$1] : 1e9, $1 }' \
	tools/unit-times.txt "$work/listed" | sort -k1,1gr -k2 | cut -d' ' -f2 >"$work/queue"

# One test in its own process; its -v output is shown whole when it fails
# (under a lock, so that the workers' outputs do not interleave), a line
# when it passes.
run() {
	local name=$1 log="$work/run.$1" start=${EPOCHREALTIME/./} status=0
	"$work/corsplay.test" -test.paniconexit0 -test.v -test.timeout 10m -test.run "^$name\$" >"$log" 2>&1 || status=$?
	local ds=$(((${EPOCHREALTIME/./} - start) / 100000)) # tenths of a second
	local secs=$((ds / 10)).$((ds % 10))
	if ((status == 0)); then
		flock "$work/lock" printf 'ok  \tcorsplay %s\t%ss\n' "$name" "$secs"
	else
		flock "$work/lock" sh -c 'cat "$1"; printf "FAIL\tcorsplay %s\t%ss (exit %s)\n" "$2" "$3" "$4"' _ "$log" "$name" "$secs" "$status"
	fi
	return $((status != 0)) # 1, whatever the exit: xargs stops at 255
}
export -f run
export work

status=0
start=$SECONDS
xargs -a "$work/queue" -P "$JOBS" -I{} bash -c 'run "$1"' _ {} || status=1
printf 'corsplay: %d tests in %d workers, %ds\n' "$(wc -l <"$work/queue")" "$JOBS" $((SECONDS - start))

# Every listed test ran, once: the union of the shards is go test -list.
cat "$work"/run.* | sed -n 's/^--- \(PASS\|FAIL\|SKIP\): \(Test[^ ]*\) (\([0-9.]*\)s)$/\3 \2/p' >"$work/times"
if ! diff <(cut -d' ' -f2 "$work/times" | sort) "$work/listed" >"$work/diff"; then
	echo "unit.sh: the tests run differ from go test -list ('<' run, '>' listed):" >&2
	cat "$work/diff" >&2
	status=1
fi
mkdir -p test-output
{
	echo "# seconds test: the root package's tests as tools/unit.sh measured them; its"
	echo "# queue's order (longest first; tests not listed go first). Refresh with"
	echo "#   make test && cp test-output/unit-times.txt tools/unit-times.txt"
	sort -k1,1gr "$work/times"
} >test-output/unit-times.txt

wait "$others" || status=1
exit $status
