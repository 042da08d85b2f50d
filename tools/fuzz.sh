#!/usr/bin/env bash
# make fuzz: each target for FUZZTIME. Go 1.26's fuzzing coordinator can
# fail a target at the end of a duration-based -fuzztime with a bare
# "context deadline exceeded" and no failing input (go.dev/issue/75804,
# fixed in Go 1.27): that is reported and run again once; a failing input
# written, or the same failure twice, fails.
set -uo pipefail
GO=${GO:-go}
for t in "$@"; do
	pkg=${t%%:*} name=${t##*:}
	for try in 1 2; do
		echo "fuzz $name for $FUZZTIME"
		out=$($GO test "./$pkg" -run '^$' -fuzz "^$name\$" -fuzztime "$FUZZTIME" 2>&1)
		status=$?
		echo "$out"
		((status == 0)) && break
		if ((try == 1)) && grep -qx '    context deadline exceeded' <<<"$out" && ! grep -q 'Failing input written' <<<"$out"; then
			echo "fuzz $name: Go's end-of-fuzztime race (go.dev/issue/75804), no failing input: once more"
			continue
		fi
		exit 1
	done
done
