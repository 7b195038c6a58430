# shellcheck shell=sh disable=SC2154
# Shared by scripts/start-ocksw and scripts/start-tpm12 (sourced, not run).
# opencryptoki keeps its state machine-wide: /etc/opencryptoki/opencryptoki.conf,
# /var/lib/opencryptoki/<token>, /dev/shm/var.lib.opencryptoki.<token>*, the
# pkcsslotd pid file and socket in /var/run. A stand-in moves what it changes
# aside into DIR/saved, and DIR/restore (run by scripts/stop-standin) puts it
# back. The caller sets $me (its name) and $dir (DIR, absolute) first
# (hence SC2154 off).

OCK_CONF=/etc/opencryptoki/opencryptoki.conf
OCK_LIB=/var/lib/opencryptoki
OCK_LOCK=/var/lock/opencryptoki
OCK_RUN=/var/run

fail() {
	echo "$me: $1 (logs in $dir)" >&2
	"$(dirname "$0")/stop-standin" "$dir"
	exit 1
}

# wait_for SECONDS COMMAND...: retry COMMAND every 0.1 s.
wait_for() {
	n=$(($1 * 10))
	shift
	until "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}

# alive PID: running and not a zombie waiting to be reaped.
alive() {
	kill -0 "$1" 2>/dev/null || return 1
	case $(ps -o stat= -p "$1" 2>/dev/null) in
	Z*) return 1 ;;
	esac
}

# ock_module: print the path of opencryptoki's PKCS#11 library.
ock_module() {
	for m in /usr/lib/x86_64-linux-gnu/pkcs11/libopencryptoki.so \
	    /usr/lib/*/pkcs11/libopencryptoki.so \
	    /usr/lib64/opencryptoki/libopencryptoki.so \
	    /usr/lib/opencryptoki/libopencryptoki.so; do
		if [ -f "$m" ]; then
			echo "$m"
			return 0
		fi
	done
	return 1
}

# ock_check_free: refuse to go on while any pkcsslotd runs (the service, a
# developer's own, or the other opencryptoki stand-in): there is only one.
ock_check_free() {
	for pid in $(pgrep -x pkcsslotd || :); do
		if alive "$pid"; then
			echo "$me: pkcsslotd is already running (pid $pid): stop" \
			    "it first (scripts/stop-standin DIR if a stand-in" \
			    "started it; start-ocksw and start-tpm12 cannot run" \
			    "at the same time)" >&2
			exit 1
		fi
	done
}

# free_port: print a TCP port below the ephemeral range such that it and the
# next one are not listened on.
free_port() {
	used=$(ss -Htln | awk '{ n = split($4, a, ":"); print a[n] }')
	p=$(($(od -An -N2 -tu2 /dev/urandom) % 8000 + 20000))
	tries=0
	while printf '%s\n' "$used" | grep -qx -e "$p" -e "$((p + 1))"; do
		p=$((p + 2))
		tries=$((tries + 1))
		[ "$tries" -lt 1000 ] || return 1
	done
	echo "$p"
}

# ock_take_state TOKDIR SLOT STDLL: move aside the configuration and token
# TOKDIR's state, write DIR/restore, and leave an empty token directory and a
# configuration with that one slot. Safe to undo at any point: restore moves
# back only what was moved.
ock_take_state() {
	tok=$1
	saved="$dir/saved"
	mkdir -m 0700 "$saved" "$saved/shm"
	cat >"$dir/restore" <<EOF
#!/bin/sh
# Written by $me: put back the opencryptoki state it moved aside.
set -u
s='$saved'
for pid in \$(pgrep -x pkcsslotd || :); do
	case \$(ps -o stat= -p "\$pid") in
	Z*) ;;
	*) echo "restore: pkcsslotd (pid \$pid) still runs" >&2; exit 1 ;;
	esac
done
if [ -e "\$s/lib-$tok" ] || [ -e "\$s/lib-$tok.absent" ]; then
	rm -rf '$OCK_LIB/$tok'
	if [ -e "\$s/lib-$tok" ]; then
		mv "\$s/lib-$tok" '$OCK_LIB/$tok'
	fi
	rm -f "\$s/lib-$tok.absent"
fi
if [ -e "\$s/shm.moved" ]; then
	rm -f /dev/shm/var.lib.opencryptoki.$tok /dev/shm/var.lib.opencryptoki.$tok.*
	for f in "\$s"/shm/*; do
		if [ -e "\$f" ]; then
			mv "\$f" /dev/shm/
		fi
	done
	rm -f "\$s/shm.moved"
fi
if [ -e "\$s/opencryptoki.conf" ]; then
	mv "\$s/opencryptoki.conf" '$OCK_CONF'
elif [ -e "\$s/opencryptoki.conf.absent" ]; then
	rm -f '$OCK_CONF' "\$s/opencryptoki.conf.absent"
fi
rm -f '$OCK_RUN/pkcsslotd.pid' '$OCK_RUN/pkcsslotd.socket'
EOF

	mkdir -p "$(dirname "$OCK_CONF")"
	if [ -e "$OCK_CONF" ]; then
		cp -p "$OCK_CONF" "$saved/opencryptoki.conf"
	else
		: >"$saved/opencryptoki.conf.absent"
	fi
	cat >"$OCK_CONF.kskit" <<EOF
version opencryptoki-3.1

# Written by kskit's $me for a test; the original is back when
# scripts/stop-standin $dir has run.
slot $2
{
stdll = $3
}
EOF
	chmod 0644 "$OCK_CONF.kskit"
	mv "$OCK_CONF.kskit" "$OCK_CONF"

	if [ -e "$OCK_LIB/$tok" ]; then
		mv "$OCK_LIB/$tok" "$saved/lib-$tok"
	else
		: >"$saved/lib-$tok.absent"
	fi
	install -d -o root -g pkcs11 -m 0770 "$OCK_LIB" "$OCK_LIB/$tok" \
	    "$OCK_LOCK" "$OCK_LOCK/$tok"
	if [ "$tok" = swtok ]; then
		install -d -o root -g pkcs11 -m 0770 "$OCK_LIB/$tok/TOK_OBJ"
	fi

	: >"$saved/shm.moved"
	for f in /dev/shm/var.lib.opencryptoki."$tok" \
	    /dev/shm/var.lib.opencryptoki."$tok".*; do
		if [ -e "$f" ]; then
			mv "$f" "$saved/shm/"
		fi
	done
	rm -f "$OCK_RUN/pkcsslotd.pid" "$OCK_RUN/pkcsslotd.socket"
}

# ock_start_slotd: run pkcsslotd in the foreground, record its pid, and wait
# for its socket.
ock_start_slotd() {
	shm_before=$(ipcs -m | awk '$1 ~ /^0x/ { print $1 }')
	pkcsslotd -f </dev/null >>"$dir/pkcsslotd.log" 2>&1 &
	slotd_pid=$!
	echo "$slotd_pid" >>"$dir/pids"
	wait_for 10 test -S "$OCK_RUN/pkcsslotd.socket" ||
	    fail "pkcsslotd did not start"
	alive "$slotd_pid" || fail "pkcsslotd exited"
	# Its SysV shared memory outlives a SIGKILL: restore removes it.
	for key in $(ipcs -m | awk '$1 ~ /^0x/ { print $1 }'); do
		if ! printf '%s\n' "$shm_before" | grep -qx "$key"; then
			echo "ipcs -m | awk '\$1 == \"$key\" && \$6 == 0 { ok = 1 }" \
			    "END { exit !ok }' && ipcrm -M '$key' || :" >>"$dir/restore"
		fi
	done
}
