#!/bin/sh
# opencryptoki's soft token behind pkcsslotd: the demo DVD's "fake HSM".
# RSA only, PINs of 4 to 8 characters, a factory SO PIN, PINs that lock
# after three wrong tries.
. "$(dirname "$0")/../lib.sh"
[ "$(id -u)" -eq 0 ] || skip_all "opencryptoki's stand-in needs root"
standin_start ocksw
. "$TESTS_DIR/token-suite.sh"

MODULE=$KSKIT_TEST_MODULE
LABEL=ksk-ocksw
export KSKIT_SO_PIN=so-12345 KSKIT_PIN=us-12345
token_uri "$LABEL"
slot_uri="pkcs11:slot-id=$KSKIT_TEST_SLOT?module-path=$MODULE"

rc_is 0 "token list before init" "$KSKIT" token list "$slot_uri"
out_has "state: not-initialised" "the new token is not initialised"
KSKIT_PIN=toolongpin rc_is 1 "a user PIN longer than the token takes" \
	"$KSKIT" token init --label "$LABEL" "$slot_uri"
err_has "PIN rejected by the token .*user PIN: 10 characters, the token takes 4 to 8" \
	"PIN too long: says what the token takes"
rc_is 0 "token list after the refused init" "$KSKIT" token list "$slot_uri"
out_has "state: not-initialised" "nothing was erased or half done"
rc_is 0 "token init (factory SO PIN, then ours)" "$KSKIT" token init --label "$LABEL" "$slot_uri"
out_has "a login with each succeeded" "token init proved both PINs"
suite_list
! printf '%s\n' "$OUT" | grep -q "so-pin-to-be-changed"
check $? "the SO PIN is no longer the factory one"
suite_import_bind RSASHA256 2048
rsa=$IMPORTED
suite_import_pem
suite_show
suite_test "RSASHA256 RSASHA512"
out_has "^ECDSAP256SHA256 .*\n?" "token test lists ECDSAP256SHA256"
out_has "not offered by this token" "token test says what the token lacks"
rc_is 1 "token test of an algorithm the token lacks" \
	"$KSKIT" token test --algorithm ECDSAP256SHA256 --count 1 --rng-bytes 0 "$URI"
out_has "ECDSAP256SHA256 .*" "unsupported mechanism: names the algorithm"
out_has "not offered by this token \(mechanisms\)" "unsupported mechanism: says why"
k=$(cd "$WORK" && dnssec-keygen -q -a ECDSAP256SHA256 -K "$WORK" example.com)
rc_is 1 "importing an EC key into an RSA-only token" "$KSKIT" token import "$WORK/$k.private" "$URI"
err_has "the token cannot sign with ECDSAP256SHA256 and a 256-bit key: not imported" "EC import: says why"
err_one_line "EC import: one error line"
suite_keygen RSASHA256 2048
rc_is 1 "keygen of a key the token cannot make" \
	"$KSKIT" keygen --zone example.com --algorithm ECDSAP256SHA256 --output-dir "$WORK" "$URI"
err_has "cannot make ECDSAP256SHA256 keys" "keygen: says what the token cannot make"
err_one_line "keygen refused: one error line"
suite_rng
suite_wrong_pin
suite_selection
suite_delete "$rsa"

# Three wrong PINs lock the user PIN; the flags say how far it has gone.
KSKIT_PIN=bad-pin1 rc_is 1 "wrong PIN, first try" "$KSKIT" token show "$URI"
KSKIT_PIN=bad-pin1 rc_is 1 "wrong PIN, second try" "$KSKIT" token show "$URI"
err_has "one try left" "wrong PIN: the final try is announced"
KSKIT_PIN=bad-pin1 rc_is 1 "wrong PIN, third try" "$KSKIT" token show "$URI"
err_has "PIN locked" "wrong PIN: the lock is announced"
rc_is 1 "the right PIN on a locked token" "$KSKIT" token show "$URI"
err_has "PIN is locked" "locked PIN: says so"
err_one_line "locked PIN: one error line"
rc_is 0 "token list shows the lock" "$KSKIT" token list "$URI"
out_has "user-pin-locked" "token list: user-pin-locked"

# Re-initialising a soft token whose SO PIN was changed would lock the SO
# out for good (C_InitToken says CKR_OK): kskit refuses and says what to do.
KSKIT_CURRENT_SO_PIN=so-12345 rc_is 1 "re-init after the SO PIN was changed is refused" \
	"$KSKIT" token init --yes --label "$LABEL" "$URI"
err_has "cannot be re-initialised: it locks its SO out for good once the SO PIN was changed.*remove /var/lib/opencryptoki/swtok" \
	"re-init refused: says which files to remove"
err_one_line "re-init refused: one error line"
rc_is 0 "the token is untouched" "$KSKIT" token list "$URI"
out_has "token: \"$LABEL\"" "the token keeps its label"
# The service gone: a clear error, no hang.
standin_stop
rc_is 1 "token show with pkcsslotd stopped" "$KSKIT" token show "$URI"
err_has "cannot load PKCS#11 module|no token matches" "service gone: one clear error"
err_one_line "service gone: one error line"
done_testing
