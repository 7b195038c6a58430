#!/bin/sh
# TPM 2.0 through tpm2-pkcs11, on swtpm behind tpm2-abrmd: the TPM in every
# modern laptop.  Token keys only (no session objects), no Ed25519, a
# dictionary-attack lockout after three wrong PINs, no re-initialisation.
. "$(dirname "$0")/../lib.sh"
standin_start tpm2
. "$TESTS_DIR/token-suite.sh"

MODULE=$KSKIT_TEST_MODULE
LABEL=ksk-tpm2
export KSKIT_SO_PIN=so-pin-tpm2 KSKIT_PIN=user-pin-tpm2
token_uri "$LABEL"

rc_is 0 "ceremony/tpm2-init" env KSKIT="$KSKIT" sh "$TOP/ceremony/tpm2-init" "$LABEL"
out_has "a login with each succeeded" "the ceremony proved both PINs"
suite_list
! printf '%s\n' "$OUT" | grep -q "dnssec:.*ED25519"
check $? "token list does not claim ED25519"
k=$(cd "$WORK" && dnssec-keygen -q -a RSASHA256 -b 2048 -K "$WORK" example.com)
rc_is 1 "token import into tpm2-pkcs11" "$KSKIT" token import "$WORK/$k.private" "$URI"
err_has "creates no private keys through C_CreateObject.*tpm2_ptool import" \
	"token import: says why, and the TPM's own way"
err_one_line "token import refused: one error line"
rc_is 1 "backup export from tpm2-pkcs11" "$KSKIT" backup export --dkek -o "$WORK/x.backup" "$URI"
err_has "no C_WrapKey or C_UnwrapKey.*tpm2_duplicate" "backup export: says why, and the TPM's way"
rc_is 1 "dkek import into tpm2-pkcs11" "$KSKIT" dkek import "$WORK/no.share" "$URI"
err_has "no C_WrapKey or C_UnwrapKey" "dkek import: says so before any custodian types"

# Keys the TPM's own way, as the message says (a test may put a PIN on a
# command line; a ceremony never does).
rsa='rsa-key'
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/rsa.pem" 2>/dev/null
tpm2_ptool import --label "$LABEL" --key-label "$rsa" --privkey "$WORK/rsa.pem" \
	--algorithm rsa --userpin "$KSKIT_PIN" >/dev/null
check $? "tpm2_ptool import of an RSA key"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/ec.pem" 2>/dev/null
tpm2_ptool import --label "$LABEL" --key-label ec-key --privkey "$WORK/ec.pem" \
	--algorithm ecc --userpin "$KSKIT_PIN" >/dev/null
check $? "tpm2_ptool import of a P-256 key"
for key in "$rsa" ec-key; do
	rc_is 0 "token test of the imported $key" \
		"$KSKIT" token test --count 5 --rng-bytes 0 "pkcs11:token=$LABEL;object=$key;type=private?module-path=$MODULE"
	out_has "5 signatures, all verified" "$key signs, verified in software"
done
openssl pkey -in "$WORK/rsa.pem" -pubout -out "$WORK/rsa.pub" 2>/dev/null
rc_is 0 "token show the RSA key" "$KSKIT" token show "pkcs11:token=$LABEL;object=$rsa;type=public?module-path=$MODULE"
tag=$(printf '%s\n' "$OUT" | sed -n 's/.*key tag \([0-9]*\) as KSK.*/\1/p')
softhsm=$(mktemp -d)
"$TOP/scripts/start-softhsm" "$softhsm"
(. "$softhsm/env" && "$KSKIT" token init --label cross "pkcs11:?module-path=$KSKIT_TEST_MODULE" >/dev/null &&
	"$KSKIT" token import --label cross "$WORK/rsa.pem" "pkcs11:token=cross?module-path=$KSKIT_TEST_MODULE") >"$WORK/cross" 2>&1
grep -q "key tag $tag as KSK" "$WORK/cross"
check $? "the TPM's public key gives the key tag the same key gives on SoftHSM ($tag)"
rm -rf "$softhsm"
rc_is 0 "token show" "$KSKIT" token show "$URI"
out_has "^private-key RSA-2048" "token show lists the RSA-2048 private key"
out_has "^private-key EC-P-256" "token show lists the P-256 private key"
out_has "sensitive=yes" "token show gives the protection attributes"
suite_test "RSASHA256 RSASHA512 ECDSAP256SHA256 ECDSAP384SHA384"
out_has "as token objects: session objects refused; deleted after" "token test copes without session objects"
rc_is 0 "token show after token test" "$KSKIT" token show "$URI"
! printf '%s\n' "$OUT" | grep -q "kskit-token-test"
check $? "token test left no key behind"
suite_keygen RSASHA256 2048
suite_keygen ECDSAP256SHA256 ""
suite_rng
suite_wrong_pin
suite_selection
suite_delete "$rsa"

rc_is 1 "re-initialising a tpm2-pkcs11 token" "$KSKIT" token init --yes --label other "$URI"
err_has "does not re-initialise tokens; remove it with 'tpm2_ptool rmtoken" "re-init: says what to do"

# Dictionary attack: the suite tried one wrong PIN; two more lock the TPM,
# and then even the right PIN is refused until the lockout is cleared.
KSKIT_PIN=wrong-pin-2 rc_is 1 "wrong PIN, second" "$KSKIT" token show "$URI"
KSKIT_PIN=wrong-pin-3 rc_is 1 "wrong PIN, third" "$KSKIT" token show "$URI"
rc_is 1 "the right PIN on a locked-out TPM" "$KSKIT" token show "$URI"
err_has "PIN is locked" "lockout: says the PIN is locked"
err_one_line "lockout: one error line"
tpm2_dictionarylockout --clear-lockout >/dev/null 2>&1
check $? "the lockout is cleared with tpm2_dictionarylockout"
rc_is 0 "the right PIN works again" "$KSKIT" token show "$URI"

# The TPM (swtpm) dies in the middle of a pump.
suite_pulled 1 swtpm 1024
done_testing
