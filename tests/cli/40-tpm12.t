#!/bin/sh
# TPM 1.2 as the seeds ran it in production: swtpm in 1.2 mode, trousers'
# tcsd, tpm-tools, and opencryptoki's TPM token behind pkcsslotd, made by
# ceremony/tpm12-init (tpm_takeownership, tpm_restrictsrk, tpmtoken_init).
# RSA up to 2048 only, no CKM_SHA256_RSA_PKCS, PINs of 4 to 8 characters.
. "$(dirname "$0")/../lib.sh"
[ "$(id -u)" -eq 0 ] || skip_all "the TPM 1.2 stand-in needs root"
standin_start tpm12
. "$TESTS_DIR/token-suite.sh"

MODULE=$KSKIT_TEST_MODULE
export KSKIT_SO_PIN=so-tpm12 KSKIT_PIN=us-tpm12

rc_is 0 "ceremony/tpm12-init" sh "$TOP/ceremony/tpm12-init"
out_has "tpm_takeownership: ok" "the ceremony took ownership"
LABEL="IBM PKCS#11 TPM Token"
rc_is 0 "the token tpmtoken_init made opens with the user PIN" \
	"$KSKIT" token show "pkcs11:token=IBM%20PKCS%2311%20TPM%20Token?module-path=$MODULE"

# kskit re-initialises it with a label of our own: C_InitToken with the
# current SO PIN, then the TPM token's factory user PIN changed by C_SetPIN.
LABEL=ksk-tpm12
token_uri "$LABEL"
KSKIT_CURRENT_SO_PIN=so-tpm12 KSKIT_SO_PIN=so2-tpm1 rc_is 0 "kskit token init on the TPM token" \
	"$KSKIT" token init --yes --label "$LABEL" "pkcs11:token=IBM%20PKCS%2311%20TPM%20Token?module-path=$MODULE"
out_has "a login with each succeeded" "token init proved both PINs on the TPM token"
export KSKIT_SO_PIN=so2-tpm1
suite_list
! printf '%s\n' "$OUT" | grep -q "dnssec:.*ECDSA"
check $? "token list claims no ECDSA for the TPM token"
suite_import_bind RSASHA256 2048
rsa=$IMPORTED
k=$(cd "$WORK" && dnssec-keygen -q -a RSASHA256 -b 4096 -K "$WORK" example.com)
rc_is 1 "an RSA-4096 key is more than a TPM 1.2 takes" "$KSKIT" token import "$WORK/$k.private" "$URI"
err_has "cannot sign with RSASHA256 and a 4096-bit key: not imported" "RSA-4096 refused: says why"
err_one_line "RSA-4096 refused: one error line"
suite_import_pem
suite_show
suite_test "RSASHA256 RSASHA512"
out_has "with CKM_RSA_PKCS" "RSASHA256 signs through CKM_RSA_PKCS with a DigestInfo"
suite_keygen RSASHA256 2048
suite_rng
suite_wrong_pin
suite_selection
suite_delete "$rsa"

# tcsd dies in the middle of a pump: an error line, not a silent SIGPIPE.
suite_pulled 2 tcsd 256
done_testing
