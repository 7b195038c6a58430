#!/bin/sh
# Replay each fuzz target's corpus (tests/fuzz/corpus/NAME) as a regression
# test: a crash or sanitizer report fails it.
. "$(dirname "$0")/../lib.sh"
: "${FUZZ_BIN:=$TOP/build/fuzz}"
for corpus in "$TESTS_DIR"/fuzz/corpus/*/; do
	name=$(basename "$corpus")
	# shellcheck disable=SC2046
	run "$FUZZ_BIN/fuzz-$name" $(find "$corpus" -type f | sort)
	[ "$RC" -eq 0 ] && ! printf '%s\n' "$OUT" | grep -q '^not ok'
	check $? "fuzz-$name replays its corpus ($(find "$corpus" -type f | wc -l) inputs)"
done
done_testing
