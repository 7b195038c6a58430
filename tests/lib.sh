# TAP helpers for kskit's shell tests.  Source it; end with done_testing.
# KSKIT is the binary under test (set by make check).
set -u

: "${KSKIT:=$(cd "$(dirname "$0")/../.." && pwd)/build/kskit}"
TESTS_DIR=$(cd "$(dirname "$0")/.." && pwd)
TOP=$(cd "$TESTS_DIR/.." && pwd)
_tap_n=0
_tap_failed=0
OUT=
ERR=
RC=0

# run CMD...: run it with stdin from /dev/null and no controlling terminal
# (setsid), so a prompt fails the same way at a developer's terminal as in
# CI; $OUT, $ERR, $RC get the result.
run() {
	_o=$(mktemp) _e=$(mktemp)
	setsid -w "$@" </dev/null >"$_o" 2>"$_e"
	RC=$?
	OUT=$(cat "$_o") ERR=$(cat "$_e")
	rm -f "$_o" "$_e"
}

_report() { # status description
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
		printf '%s\n' "# rc=$RC" "# stdout:" "$(printf '%s\n' "$OUT" | sed 's/^/#   /')" \
			"# stderr:" "$(printf '%s\n' "$ERR" | sed 's/^/#   /')"
	fi
}

# rc_is WANT DESC CMD...: run CMD, pass when its exit status is WANT.
rc_is() {
	_want=$1 _desc=$2
	shift 2
	run "$@"
	[ "$RC" -eq "$_want" ]
	_report $? "$_desc"
}

# out_has REGEX DESC: the last run's stdout matches (grep -E).
out_has() {
	printf '%s\n' "$OUT" | grep -Eq -- "$1"
	_report $? "$2"
}

# err_has REGEX DESC: the last run's stderr matches (grep -E).
err_has() {
	printf '%s\n' "$ERR" | grep -Eq -- "$1"
	_report $? "$2"
}

# key_tag FILE: the key tag a K<zone>+<alg>+<tag>[.key|.private] name
# carries, without the zeros that pad it to five digits.
key_tag() {
	_kt=${1##*+}
	_kt=${_kt%.key}
	printf '%s\n' "${_kt%.private}" | sed 's/^0*\(.\)/\1/'
}

# full_disk DESC CMD...: run CMD, which writes into $WORK/full, on a full
# file system (a 16 KiB tmpfs, filled up): it must exit 1, say "No space
# left on device" and leave nothing behind.  Skipped where no tmpfs can be
# mounted; the caller's EXIT trap unmounts $WORK/full.
full_disk() {
	_fdd=$1
	shift
	mkdir -p "$WORK/full"
	if ! mount -t tmpfs -o size=16k tmpfs "$WORK/full" 2>/dev/null; then
		check 0 "# SKIP $_fdd: cannot mount a tmpfs here"
		return 0
	fi
	dd if=/dev/zero of="$WORK/full/filler" bs=1k count=16 2>/dev/null
	run "$@"
	[ "$RC" -eq 1 ] && [ "$(ls -A "$WORK/full")" = filler ]
	_report $? "$_fdd: exit 1, nothing left behind"
	err_has "No space left on device" "$_fdd: says so"
	umount "$WORK/full"
}

# err_one_line DESC: kskit wrote exactly one line to stderr (a module's
# own diagnostics, like tpm2-pkcs11's "ERROR:" lines, are not kskit's).
err_one_line() {
	[ "$(printf '%s\n' "$ERR" | grep -c '^kskit')" -eq 1 ] &&
		! printf '%s\n' "$ERR" | grep -v -e '^kskit' -e '^ERROR: ' -e '^$' | grep -q .
	_report $? "$1"
}

# finished PID ERRFILE: wait for a background kskit; its exit status and
# stderr become the last run's $RC and $ERR.
finished() {
	wait "$1"
	RC=$?
	ERR=$(cat "$2")
	OUT=
}

# check STATUS DESC: report an arbitrary test.
check() {
	_report "$1" "$2"
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
	exit $?
}

# Start stand-in STACK in a fresh directory; stop it when the test exits.
standin_start() {
	STANDIN=$(mktemp -d "${TMPDIR:-/tmp}/kskit-$1.XXXXXX")
	trap 'standin_stop' EXIT
	trap 'exit 129' HUP INT TERM
	if ! _log=$("$TOP/scripts/start-$1" "$STANDIN" 2>&1); then
		echo "Bail out! cannot start the $1 stand-in: $(printf '%s\n' "$_log" | tail -n 3)"
		exit 1
	fi
	# shellcheck disable=SC1091
	. "$STANDIN/env"
}

standin_stop() {
	[ -n "${STANDIN:-}" ] || return 0
	"$TOP/scripts/stop-standin" "$STANDIN"
	rm -rf "$STANDIN"
	STANDIN=
}
