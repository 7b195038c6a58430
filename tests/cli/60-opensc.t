#!/bin/sh
# OpenSC, the smartcard stack: its module loads, and with no reader, or a
# reader with no card, every command says so cleanly.  Cards themselves
# (a SmartCard-HSM emulator behind pcscd) come with a later issue.
. "$(dirname "$0")/../lib.sh"
[ "$(id -u)" -eq 0 ] || skip_all "pcscd's socket is machine-wide: needs root"
pgrep -x pcscd >/dev/null 2>&1 && skip_all "a pcscd is running already; these tests need their own"

MODULE=/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so
URI="pkcs11:token=any-card?module-path=$MODULE"
export KSKIT_PIN=123456

rc_is 0 "token list with no pcscd" "$KSKIT" token list --module "$MODULE"
out_has "OpenSC smartcard framework" "token list names the OpenSC module"
out_has "no slots: no reader connected" "no pcscd: token list says there is no reader"
rc_is 1 "token show with no reader" "$KSKIT" token show "$URI"
err_has "no token matches the URI" "no reader: clear error"
err_one_line "no reader: one error line"

standin_start opensc
rc_is 0 "token list with a reader and no card" "$KSKIT" token list --module "$MODULE"
out_has "slot [0-9]+: kskit virtual reader" "token list shows the reader"
out_has "no token \(no card in the reader\)" "token list says there is no card"
for cmd in "token show" "token test" "rng" "token import /dev/null"; do
	# shellcheck disable=SC2086
	rc_is 1 "$cmd with no card" "$KSKIT" $cmd "$URI"
	err_has "no token matches the URI \([0-9]+ slots without a token: no card inserted\?\)" \
		"$cmd with no card: says no card is inserted"
	err_one_line "$cmd with no card: one error line"
done
rc_is 1 "token init with no card" "$KSKIT" token init --yes --label x "pkcs11:?module-path=$MODULE"
err_has "no card inserted" "token init with no card: says so"
done_testing
