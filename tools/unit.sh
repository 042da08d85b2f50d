#!/usr/bin/env bash
# make unit: every package's tests. The root package's (the page's
# end-to-end tests in Chromium, most of the suite's time) run in two go test
# processes side by side, half of the tests each (alternately by name), so
# that both cores work while the other packages' tests are done: one
# process left a core idle for most of the run.
set -euo pipefail
export CORSPLAY_WASM_BUILT=1
GO=${GO:-go}
mapfile -t tests < <($GO test -list '^Test' . | grep '^Test')
half() { # the tests at even (0) or odd (1) places, as a -run pattern
	local names=() i
	for i in "${!tests[@]}"; do
		if (( i % 2 == $1 )); then names+=("${tests[$i]}"); fi
	done
	local IFS='|'
	echo "^(${names[*]})\$"
}
pids=()
$GO test -count=1 -timeout 14m $($GO list ./... | grep -vx corsplay) & pids+=($!)
$GO test -count=1 -timeout 14m -run "$(half 0)" . & pids+=($!)
$GO test -count=1 -timeout 14m -run "$(half 1)" . & pids+=($!)
status=0
for pid in "${pids[@]}"; do
	wait "$pid" || status=1
done
exit $status
