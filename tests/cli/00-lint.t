#!/bin/sh
# Style as STYLE.md asks: shellcheck-clean shell, clang-format-clean C.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1

for f in scripts/install-deps scripts/start-* scripts/stop-standin scripts/demo scripts/lib-ock.sh \
	scripts/image-* scripts/qemu-* tests/image/run \
	ceremony/* bench/token-sign bench/ksr-sign bench/zone-sign tests/lib.sh tests/demo.sh tests/token-suite.sh tests/knot.sh tests/cli/*.t tests/fuzz/replay.t; do
	[ -f "$f" ] || continue
	run shellcheck -x -s sh -e SC1091 "$f"
	[ "$RC" -eq 0 ]
	_report $? "shellcheck $f"
done
c_files=$(find tools tests bench -name '*.[ch]' | sort)
# shellcheck disable=SC2086
run clang-format --dry-run -Werror $c_files
[ "$RC" -eq 0 ]
_report $? "clang-format: $(printf '%s\n' "$c_files" | wc -l) C files follow .clang-format"
done_testing
