#!/bin/sh
# SoftHSM2, the stand-in for an HSM: every token subcommand, and its errors.
. "$(dirname "$0")/../lib.sh"
standin_start softhsm
. "$TESTS_DIR/token-suite.sh"

MODULE=$KSKIT_TEST_MODULE
LABEL=ksk-softhsm
export KSKIT_SO_PIN=12345678 KSKIT_PIN=123456
token_uri "$LABEL"

rc_is 0 "token list before init" "$KSKIT" token list --module "$MODULE"
out_has "state: not-initialised" "an empty slot is listed as not initialised"
out_has "uri: pkcs11:slot-id=" "an empty slot is listed by slot-id"
rc_is 0 "token init" "$KSKIT" token init --label "$LABEL" "pkcs11:?module-path=$MODULE"
out_has "initialised: pkcs11:.*token=$LABEL" "token init prints the new token's URI"
suite_list
rc_is 1 "re-init without --yes and no terminal" "$KSKIT" token init --label other "$URI"
err_has "canceled" "re-init without confirmation is canceled"
rc_is 0 "the token is still there" "$KSKIT" token show "$URI"
KSKIT_SO_PIN=87654321 rc_is 1 "re-init with a wrong SO PIN" "$KSKIT" token init --yes --label other "$URI"
err_has "wrong PIN" "re-init with a wrong SO PIN: says so"

suite_import_bind RSASHA256 2048
rsa=$IMPORTED
suite_import_bind ECDSAP256SHA256 ""
suite_import_bind ED25519 ""
suite_import_ldns ECDSAP384SHA384
suite_import_pem
suite_show
suite_test "RSASHA256 RSASHA512 ECDSAP256SHA256 ECDSAP384SHA384 ED25519"
suite_keygen RSASHA256 3072
suite_keygen ECDSAP256SHA256 ""
suite_keygen ECDSAP384SHA384 ""
suite_keygen ED25519 ""
suite_zsk RSASHA256
suite_zsk ECDSAP256SHA256
suite_zsk ED25519
suite_rng
suite_full_disk
suite_wrong_pin
suite_selection
suite_delete "$rsa"

# A second token makes a URI without token= ambiguous.
rc_is 1 "init with a URI matching the token and the empty slot" \
	"$KSKIT" token init --label second "pkcs11:?module-path=$MODULE"
err_has "several tokens match the URI; add token=, serial= or slot-id=" "init: ambiguous URI says what to add"
run "$KSKIT" token list --module "$MODULE"
empty=$(printf '%s\n' "$OUT" | sed -n 's/.*uri: \(pkcs11:slot-id=[0-9]*\)?.*/\1/p' | head -n 1)
rc_is 0 "init a second token by the slot-id token list gives" \
	"$KSKIT" token init --label second "$empty?module-path=$MODULE"
rc_is 1 "a URI matching two tokens" "$KSKIT" token show "pkcs11:?module-path=$MODULE"
err_has "several tokens match the URI" "ambiguous token: says so"
rc_is 1 "a label already in use is refused" "$KSKIT" token init --yes --label second "$URI"
err_has "already|labelled" "label in use: says so"
rc_is 0 "re-init with --yes erases the token" "$KSKIT" token init --yes --label "$LABEL" "$URI"
rc_is 0 "token show after re-init" "$KSKIT" token show "$URI"
out_has "0 objects" "the re-initialised token is empty"
done_testing
