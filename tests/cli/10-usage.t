#!/bin/sh
# Command line: help, usage errors (exit 2), and module/URI errors that need
# no token (exit 1, one line).
. "$(dirname "$0")/../lib.sh"

rc_is 0 "kskit --help" "$KSKIT" --help
out_has "token init" "help lists token init"
rc_is 2 "no command is a usage error" "$KSKIT"
rc_is 2 "unknown command is a usage error" "$KSKIT" frobnicate
for c in "token list" "token init" "token show" "token delete" "token import" "token test" "rng" "keygen"; do
	# shellcheck disable=SC2086
	rc_is 0 "kskit $c --help" "$KSKIT" $c --help
	out_has "^usage: kskit $c" "kskit $c --help prints its usage"
	# shellcheck disable=SC2086
	rc_is 2 "kskit $c --bogus is a usage error" "$KSKIT" $c --bogus
done
rc_is 2 "token init without --label" "$KSKIT" token init "pkcs11:"
rc_is 2 "token show without URI" "$KSKIT" token show
rc_is 2 "token test --count 0" "$KSKIT" token test --count 0 "pkcs11:"
rc_is 2 "token test with unknown algorithm" "$KSKIT" token test --algorithm RSAMD5X "pkcs11:"
rc_is 2 "rng --interval without --loop" "$KSKIT" rng --interval 5 "pkcs11:"
rc_is 2 "rng --bytes 0" "$KSKIT" rng --bytes 0 "pkcs11:"
rc_is 2 "keygen without --zone" "$KSKIT" keygen "pkcs11:"
rc_is 2 "keygen --bits for an EC key" "$KSKIT" keygen --zone example.com --algorithm ECDSAP256SHA256 --bits 2048 "pkcs11:"
rc_is 2 "keygen --zsk --label" "$KSKIT" keygen --zsk --zone example.com --label x "pkcs11:"
rc_is 2 "keygen --ds md5" "$KSKIT" keygen --zone example.com --ds md5 "pkcs11:"

mod=/usr/lib/softhsm/libsofthsm2.so
rc_is 1 "pin-value in the URI is refused" "$KSKIT" token show "pkcs11:token=x?pin-value=1234&module-path=$mod"
err_has "pin-value in a URI is refused" "pin-value: the error says why"
err_one_line "pin-value: one error line"
rc_is 1 "a malformed URI" "$KSKIT" token show "http://example.com/"
err_has "malformed PKCS#11 URI" "malformed URI: clear error"
rc_is 1 "an attribute p11-kit does not know" "$KSKIT" token show "pkcs11:token=x;frobnicate=1?module-path=$mod"
err_has "does not understand" "unknown attribute: clear error"
rc_is 1 "a misspelt PIN attribute" "$KSKIT" token show "pkcs11:token=x;PIN-VALUE=S3CR3T9?module-path=$mod"
! printf '%s\n' "$ERR" | grep -q S3CR3T9
check $? "a misspelt PIN attribute: the PIN is not echoed"
rc_is 2 "token init with a label ending in a blank" "$KSKIT" token init --label "ksk " "pkcs11:"
rc_is 2 "token init with a control character in the label" "$KSKIT" token init --label "$(printf 'a\033b')" "pkcs11:"
rc_is 2 "token test: a key URI with several algorithms" \
	"$KSKIT" token test --algorithm RSASHA256,RSASHA512 "pkcs11:token=x;object=k?module-path=/nonexistent.so"
rc_is 2 "--module and module-path= naming different modules" \
	"$KSKIT" token show --module /nonexistent.so "pkcs11:token=x?module-path=$mod"
rc_is 1 "a missing module" "$KSKIT" token show "pkcs11:token=x?module-path=/nonexistent/libnothing.so"
err_has "PKCS#11 module not found \(/nonexistent/libnothing.so\)" "missing module: names the path"
err_one_line "missing module: one error line"
for notmod in /usr/lib/x86_64-linux-gnu/libz.so.1 /lib/x86_64-linux-gnu/libz.so.1; do
	[ -e "$notmod" ] && break
done
rc_is 1 "a library that is not a PKCS#11 module" "$KSKIT" token list --module "$notmod"
err_has "cannot load PKCS#11 module" "not a module: clear error"
err_one_line "not a module: one error line"
rc_is 1 "a text file as module" "$KSKIT" token list --module /etc/hostname
err_has "cannot load PKCS#11 module" "text file as module: clear error"
rc_is 1 "an unknown module-name=" "$KSKIT" token list "pkcs11:?module-name=no-such-module"
err_has "no PKCS#11 module of that name" "unknown module name: clear error"
done_testing
