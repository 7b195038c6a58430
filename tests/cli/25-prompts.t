#!/bin/sh
# shellcheck disable=SC2016 # the $ in the expect scripts are expect's
# The terminal path, driven by expect on a pseudo-terminal: PINs typed
# twice without echo, a mismatch refused, confirmations typed.
. "$(dirname "$0")/../lib.sh"
command -v expect >/dev/null || skip_all "expect missing (scripts/install-deps)"
standin_start softhsm
unset KSKIT_PIN KSKIT_SO_PIN KSKIT_CURRENT_SO_PIN
M=$KSKIT_TEST_MODULE
export KSKIT M
log=$(mktemp)

# talk SCRIPT: run an expect script; its exit status is the kskit's, or 99
# when a prompt did not come.
talk() {
	expect -c "set timeout 20; log_user 1; $1" >"$log" 2>&1
}

# said STATUS DESC: report, with expect's transcript when it failed.
said() {
	check "$1" "$2"
	[ "$1" -eq 0 ] || sed 's/^/#   /' "$log"
}

talk 'spawn $env(KSKIT) token init --label typed "pkcs11:?module-path=$env(M)"
expect "New SO PIN: " { send "so-secret-1\r" } timeout { exit 99 }
expect "New SO PIN again: " { send "so-secret-1\r" } timeout { exit 99 }
expect "New user PIN: " { send "user-secret-1\r" } timeout { exit 99 }
expect "New user PIN again: " { send "user-secret-1\r" } timeout { exit 99 }
expect eof
lassign [wait] pid spawnid oserr status
exit $status'
said $? "token init with typed PINs"
! grep -q "secret-1" "$log"
check $? "the typed PINs were not echoed"
grep -q "a login with each succeeded" "$log"
check $? "token init proved the typed PINs"

talk 'spawn $env(KSKIT) token show "pkcs11:token=typed?module-path=$env(M)"
expect "User PIN: " { send "user-secret-1\r" } timeout { exit 99 }
expect eof
lassign [wait] pid spawnid oserr status
exit $status'
said $? "token show with the PIN typed at the prompt"

talk 'spawn $env(KSKIT) token init --label other "pkcs11:token=typed?module-path=$env(M)"
expect "Type the token'"'"'s label to go on: " { send "not-the-label\r" } timeout { exit 99 }
expect eof
lassign [wait] pid spawnid oserr status
exit $status'
[ $? -eq 1 ] && grep -q "typed text does not match" "$log"
said $? "re-init: a wrong label typed cancels"

talk 'spawn $env(KSKIT) token init --label other "pkcs11:token=typed?module-path=$env(M)"
expect "Type the token'"'"'s label to go on: " { send "typed\r" } timeout { exit 99 }
expect "Current SO PIN: " { send "so-secret-1\r" } timeout { exit 99 }
expect "New SO PIN: " { send "so-secret-2\r" } timeout { exit 99 }
expect "New SO PIN again: " { send "so-secret-3\r" } timeout { exit 99 }
expect eof
lassign [wait] pid spawnid oserr status
exit $status'
[ $? -eq 1 ] && grep -q "the two entries differ" "$log"
said $? "two different new PINs are refused"
talk 'spawn sh -c "trap \"\" INT; \$KSKIT token show \"pkcs11:token=typed?module-path=\$M\"; echo rc=\$?; stty -a"
expect "User PIN: " { send "\003" } timeout { exit 99 }
expect eof
exit 0'
grep -q "interrupted" "$log" && grep -q "rc=1" "$log" && grep -q " echo " "$log"
said $? "Ctrl-C at the PIN prompt: exit 1, says interrupted, echo back on"

run "$KSKIT" token list "pkcs11:token=typed?module-path=$M"
out_has 'token: "typed"' "and nothing was erased"
rm -f "$log"
done_testing
