#!/bin/sh
# Two SmartCard-HSMs (our emulator, build/cards/sc-hsm-emu, behind pcscd's
# vpcd reader; scripts/start-schsm) driven by the real OpenSC: sc-hsm-tool
# initialises them and gives both the same DKEK from a share, pkcs11-tool
# and pkcs15-init make RSA and EC keys and sign (openssl verifies), PINs
# count down, lock and are unblocked with the SO-PIN, a key wrapped on one
# card is unwrapped on the other and signs there, and a card with another
# DKEK refuses it.  A card pulled and inserted again keeps its state.
# Then kskit itself: token list, token show, keygen, token test, rng.
. "$(dirname "$0")/../lib.sh"
[ "$(id -u)" -eq 0 ] || skip_all "pcscd's socket is machine-wide: needs root"
pgrep -x pcscd >/dev/null 2>&1 && skip_all "a pcscd is running already; these tests need their own"
: "${KSKIT_SCHSM_EMU:=$(dirname "$KSKIT")/cards/sc-hsm-emu}"
export KSKIT_SCHSM_EMU
# Missing programs are failures, not skips: make and scripts/install-deps provide them.
bail() {
	echo "Bail out! $1"
	exit 1
}
[ -x "$KSKIT_SCHSM_EMU" ] || bail "no $KSKIT_SCHSM_EMU (make build/cards/sc-hsm-emu)"
for t in pcscd pkcs11-tool pkcs15-init pkcs15-tool sc-hsm-tool opensc-tool openssl ldns-key2ds \
	dnssec-dsfromkey; do
	command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] || bail "$t missing (scripts/install-deps)"
done

KSKIT_SCHSM_CARDS=2
export KSKIT_SCHSM_CARDS
standin_start schsm
MODULE=$KSKIT_TEST_MODULE
W=$STANDIN/work
mkdir -p "$W"
SO=3537363231383830
PIN=648219
ONE="KSK-one (UserPIN)"
TWO="KSK-two (UserPIN)"
URI1="pkcs11:token=KSK-one%20(UserPIN)?module-path=$MODULE"
export KSKIT_PIN=$PIN

# tokens N: wait (5 s) until pkcs11-tool lists N tokens.
tokens() {
	_i=50
	until [ "$(pkcs11-tool --module "$MODULE" -L 2>/dev/null | grep -c 'token label')" -eq "$1" ]; do
		_i=$((_i - 1))
		[ "$_i" -gt 0 ] || return 1
		sleep 0.1
	done
}

pull_card() { # N
	kill -TERM "$(cat "$STANDIN/card-$1.pid")"
}

insert_card() { # N
	sh "$STANDIN/insert-$1"
}

# sign LABEL-OF-TOKEN ID MECHANISM IN OUT [PIN]
sign() {
	run pkcs11-tool --module "$MODULE" --token-label "$1" --login --pin "${6:-$PIN}" --sign \
		--id "$2" --mechanism "$3" --signature-format openssl -i "$4" -o "$5"
}

# apdu READER HEX...: raw APDUs through opensc-tool (the SW of each is in $OUT).
apdu() {
	_r=$1
	shift
	_a=
	for _x in "$@"; do
		_a="$_a -s $_x"
	done
	# shellcheck disable=SC2086
	run opensc-tool -r "$_r" $_a
}

printf 'kskit SmartCard-HSM emulator test message\n' >"$W/data"
openssl dgst -sha256 -binary "$W/data" >"$W/data.sha256"
openssl dgst -sha384 -binary "$W/data" >"$W/data.sha384"

# --- Detection and initialisation -------------------------------------------
rc_is 0 "pkcs11-tool -L" pkcs11-tool --module "$MODULE" -L
out_has 'serial num +: KSKEMU00001' "card 1 is listed with its serial"
out_has 'serial num +: KSKEMU00002' "card 2 is listed with its serial"
out_has 'token label +: SmartCard-HSM' "the factory-fresh cards are SmartCard-HSMs"
rc_is 0 "sc-hsm-tool reads a fresh card" sc-hsm-tool -r 0
out_has 'never been initialized' "a fresh card says it was never initialised"
out_has '^Version +: 3\.5' "sc-hsm-tool shows the version from the FCP"

rc_is 0 "sc-hsm-tool --initialize card 1 (1 DKEK share, retry counter 3)" \
	sc-hsm-tool -r 0 --initialize --so-pin "$SO" --pin "$PIN" --pin-retry 3 --dkek-shares 1 \
	--label KSK-one
rc_is 0 "sc-hsm-tool --initialize card 2" \
	sc-hsm-tool -r 1 --initialize --so-pin "$SO" --pin "$PIN" --dkek-shares 1 --label KSK-two
rc_is 0 "sc-hsm-tool shows card 1" sc-hsm-tool -r 0
out_has 'User PIN tries left +: 3' "card 1: 3 PIN tries"
out_has 'SO-PIN tries left +: 15' "card 1: 15 SO-PIN tries"
out_has 'DKEK import pending, 1 share' "card 1 waits for its DKEK share"
rc_is 0 "pkcs11-tool -L after initialisation" pkcs11-tool --module "$MODULE" -L
out_has 'token label +: KSK-one \(UserPIN\)' "card 1 has the label given"
out_has 'token label +: KSK-two \(UserPIN\)' "card 2 has the label given"

# --- DKEK: one share into both cards ----------------------------------------
rc_is 0 "sc-hsm-tool --create-dkek-share (GET CHALLENGE)" \
	sc-hsm-tool -r 0 --create-dkek-share "$W/share.pbe" --password share-pass-1
[ "$(wc -c <"$W/share.pbe")" -eq 64 ]
check $? "the DKEK share file is 64 bytes"
rc_is 0 "import the share into card 1" \
	sc-hsm-tool -r 0 --import-dkek-share "$W/share.pbe" --password share-pass-1
kcv1=$(printf '%s\n' "$OUT" | sed -n 's/^DKEK key check value : //p')
rc_is 0 "import the share into card 2" \
	sc-hsm-tool -r 1 --import-dkek-share "$W/share.pbe" --password share-pass-1
kcv2=$(printf '%s\n' "$OUT" | sed -n 's/^DKEK key check value : //p')
[ -n "$kcv1" ] && [ "$kcv1" = "$kcv2" ]
check $? "both cards show the same DKEK check value ($kcv1)"

# --- Key generation and signatures ------------------------------------------
rc_is 0 "pkcs11-tool --keypairgen RSA-2048 on card 1" \
	pkcs11-tool --module "$MODULE" --token-label "$ONE" --login --pin "$PIN" --keypairgen \
	--key-type rsa:2048 --id 01 --label rsa1
rc_is 0 "pkcs11-tool --keypairgen EC P-256 on card 1" \
	pkcs11-tool --module "$MODULE" --token-label "$ONE" --login --pin "$PIN" --keypairgen \
	--key-type EC:prime256v1 --id 02 --label ec1
rc_is 0 "pkcs15-init --generate-key EC P-384 on card 1" \
	pkcs15-init -r 0 --generate-key ec/secp384r1 --auth-id 01 --id 03 --label ec384 \
	--pin "$PIN" --verify-pin
rc_is 0 "pkcs11-tool -O lists card 1's objects" \
	pkcs11-tool --module "$MODULE" --token-label "$ONE" --login --pin "$PIN" -O
out_has 'Private Key Object; RSA' "an RSA private key"
out_has 'EC_POINT 256 bits' "a P-256 public key"
out_has 'EC_POINT 384 bits' "a P-384 public key"
for id in 01 02 03; do
	pkcs15-tool -r 0 --read-public-key "$id" -o "$W/pub$id.pem" >/dev/null 2>&1
	openssl pkey -pubin -in "$W/pub$id.pem" -noout 2>/dev/null
	check $? "public key $id read from the card"
done

sign "$ONE" 01 SHA256-RSA-PKCS "$W/data" "$W/rsa.sig"
[ "$RC" -eq 0 ] && openssl dgst -sha256 -verify "$W/pub01.pem" -signature "$W/rsa.sig" "$W/data" >/dev/null
check $? "RSA SHA256-RSA-PKCS signature (raw RSA on the card) verifies with openssl"
sign "$ONE" 02 ECDSA-SHA256 "$W/data" "$W/ec.sig"
[ "$RC" -eq 0 ] && openssl dgst -sha256 -verify "$W/pub02.pem" -signature "$W/ec.sig" "$W/data" >/dev/null
check $? "ECDSA-SHA256 (the card hashes) verifies with openssl"
sign "$ONE" 02 ECDSA "$W/data.sha256" "$W/ec-raw.sig"
[ "$RC" -eq 0 ] && openssl dgst -sha256 -verify "$W/pub02.pem" -signature "$W/ec-raw.sig" "$W/data" >/dev/null
check $? "ECDSA over a SHA-256 hash verifies with openssl"
sign "$ONE" 03 ECDSA "$W/data.sha384" "$W/ec384.sig"
[ "$RC" -eq 0 ] && openssl dgst -sha384 -verify "$W/pub03.pem" -signature "$W/ec384.sig" "$W/data" >/dev/null
check $? "P-384 ECDSA over a SHA-384 hash verifies with openssl"
printf 'forged\n' >"$W/other"
! openssl dgst -sha256 -verify "$W/pub01.pem" -signature "$W/rsa.sig" "$W/other" >/dev/null 2>&1
check $? "the RSA signature does not verify for another message"

rc_is 0 "pkcs11-tool --keypairgen RSA-4096 on card 1" \
	pkcs11-tool --module "$MODULE" --token-label "$ONE" --login --pin "$PIN" --keypairgen \
	--key-type rsa:4096 --id 04 --label rsa4k
pkcs15-tool -r 0 --read-public-key 04 -o "$W/pub04.pem" >/dev/null 2>&1
sign "$ONE" 04 SHA256-RSA-PKCS "$W/data" "$W/rsa4k.sig"
[ "$RC" -eq 0 ] && openssl dgst -sha256 -verify "$W/pub04.pem" -signature "$W/rsa4k.sig" "$W/data" >/dev/null
check $? "RSA-4096 signature (extended APDUs) verifies with openssl"
rc_is 0 "pkcs11-tool --delete-object the RSA-4096 key" pkcs11-tool --module "$MODULE" \
	--token-label "$ONE" --login --pin "$PIN" --delete-object --type privkey --id 04
run pkcs15-tool -r 0 -D
! printf '%s\n' "$OUT" | grep -q 'Private RSA Key \[rsa4k\]'
check $? "the deleted key is gone from the card"

rc_is 0 "pkcs11-tool --generate-random 1024" \
	pkcs11-tool --module "$MODULE" --token-label "$ONE" --generate-random 1024 -o "$W/rand1"
pkcs11-tool --module "$MODULE" --token-label "$ONE" --generate-random 1024 -o "$W/rand2" >/dev/null 2>&1
[ "$(wc -c <"$W/rand1")" -eq 1024 ] && ! cmp -s "$W/rand1" "$W/rand2"
check $? "1024 random bytes, different each time"

# --- Card answers to odd requests ----------------------------------------------
apdu 0 00A4040C0BE82B0601040181C31F0201 00200085 00200086 FFCA000000 80680720022A2B \
	0046000005112233445500
printf '%s\n' "$OUT" | grep -c 'SW1=0x6A, SW2=0x88' | grep -qx 2
check $? "VERIFY of PIN pad refs 85/86: 6A88"
out_has 'SW1=0x6D, SW2=0x00' "GET DATA FF CA (UID): 6D00"
printf '%s\n' "$OUT" | grep -c 'SW1=0x69, SW2=0x82' | grep -qx 2
check $? "SIGN and GENERATE without the PIN: 6982"
rc_is 0 "key references out of range (opensc-tool, after VERIFY)" \
	opensc-tool -r 0 -s 00A4040C0BE82B0601040181C31F0201 -s 0020008106363438323139 \
	-s 8068072002AABB -s 0046000005112233445500 -s 8072009200 -s 80840000FF
out_has 'SW1=0x90, SW2=0x00' "VERIFY with the PIN: 9000"
out_has 'SW1=0x6A, SW2=0x88' "SIGN with a key reference that holds no key: 6A88"
printf '%s\n' "$OUT" | grep -c 'SW1=0x6A, SW2=0x86' | grep -qx 2
check $? "GENERATE and WRAP KEY of key reference 0 (the device key): 6A86"

# --- PINs ------------------------------------------------------------------------
rc_is 1 "a wrong PIN is refused" \
	pkcs11-tool --module "$MODULE" --token-label "$ONE" --login --pin 111111 -O
err_has 'CKR_PIN_INCORRECT' "wrong PIN: CKR_PIN_INCORRECT"
rc_is 0 "sc-hsm-tool after a wrong PIN" sc-hsm-tool -r 0
out_has 'User PIN tries left +: 2' "2 tries left"
rc_is 0 "the right PIN" pkcs11-tool --module "$MODULE" --token-label "$ONE" --login --pin "$PIN" -O
rc_is 0 "sc-hsm-tool after the right PIN" sc-hsm-tool -r 0
out_has 'User PIN tries left +: 3' "the counter is back at 3"
rc_is 0 "pkcs11-tool --change-pin" pkcs11-tool --module "$MODULE" --token-label "$ONE" --login \
	--pin "$PIN" --change-pin --new-pin 123456
rc_is 1 "the old PIN no longer works" \
	pkcs11-tool --module "$MODULE" --token-label "$ONE" --login --pin "$PIN" -O
rc_is 0 "the new PIN works" \
	pkcs11-tool --module "$MODULE" --token-label "$ONE" --login --pin 123456 -O
for _ in 1 2 3; do
	run pkcs11-tool --module "$MODULE" --token-label "$ONE" --login --pin 000000 -O
done
err_has 'CKR_PIN_LOCKED|CKR_PIN_INCORRECT' "three wrong PINs in a row are refused"
rc_is 0 "sc-hsm-tool on a locked card" sc-hsm-tool -r 0
out_has 'User PIN locked' "the user PIN is locked"
rc_is 1 "the right PIN is refused once locked" \
	pkcs11-tool --module "$MODULE" --token-label "$ONE" --login --pin 123456 -O
err_has 'CKR_PIN_LOCKED' "locked: CKR_PIN_LOCKED"
rc_is 1 "unblocking with a wrong SO-PIN" pkcs11-tool --module "$MODULE" --token-label "$ONE" \
	--login --login-type so --so-pin 0000000000000000 --init-pin --new-pin "$PIN"
rc_is 0 "sc-hsm-tool after a wrong SO-PIN" sc-hsm-tool -r 0
out_has 'SO-PIN tries left +: 14' "the SO-PIN counter went down"
rc_is 0 "unblock with the SO-PIN (pkcs11-tool --init-pin --login-type so)" \
	pkcs11-tool --module "$MODULE" --token-label "$ONE" --login --login-type so --so-pin "$SO" \
	--init-pin --new-pin "$PIN"
rc_is 0 "the PIN set by the SO works" \
	pkcs11-tool --module "$MODULE" --token-label "$ONE" --login --pin "$PIN" -O
rc_is 0 "sc-hsm-tool after unblocking" sc-hsm-tool -r 0
out_has 'User PIN tries left +: 3' "the PIN counter is back at 3"
out_has 'SO-PIN tries left +: 15' "the SO-PIN counter is back at 15"
rc_is 0 "SO-PIN change (pkcs11-tool --change-pin --login-type so)" \
	pkcs11-tool --module "$MODULE" --token-label "$ONE" --login --login-type so --so-pin "$SO" \
	--change-pin --new-pin 3132333435363738
rc_is 1 "the old SO-PIN no longer unblocks" pkcs11-tool --module "$MODULE" --token-label "$ONE" \
	--login --login-type so --so-pin "$SO" --init-pin --new-pin "$PIN"
rc_is 0 "the new SO-PIN does" pkcs11-tool --module "$MODULE" --token-label "$ONE" \
	--login --login-type so --so-pin 3132333435363738 --init-pin --new-pin "$PIN"
rc_is 0 "re-initialising with a wrong SO-PIN" \
	sc-hsm-tool -r 1 --initialize --so-pin 3537363231383831 --pin "$PIN" --label gone
err_has 'Security status not satisfied' "re-initialising with a wrong SO-PIN is refused"
rc_is 0 "pkcs11-tool -L after the refused initialisation" pkcs11-tool --module "$MODULE" -L
out_has 'token label +: KSK-two \(UserPIN\)' "card 2 kept its label"

# --- Wrap on card 1, unwrap on card 2 --------------------------------------------
rc_is 0 "sc-hsm-tool --wrap-key RSA key 1 on card 1" \
	sc-hsm-tool -r 0 --wrap-key "$W/rsa1.wrap" --key-reference 1 --pin "$PIN"
rc_is 0 "sc-hsm-tool --wrap-key EC key 2 on card 1" \
	sc-hsm-tool -r 0 --wrap-key "$W/ec1.wrap" --key-reference 2 --pin "$PIN"
rc_is 0 "sc-hsm-tool --unwrap-key the RSA key into card 2" \
	sc-hsm-tool -r 1 --unwrap-key "$W/rsa1.wrap" --key-reference 1 --pin "$PIN"
out_has 'Key successfully imported' "unwrap: the key is on card 2"
rc_is 0 "sc-hsm-tool --unwrap-key the EC key into card 2" \
	sc-hsm-tool -r 1 --unwrap-key "$W/ec1.wrap" --key-reference 2 --pin "$PIN"
rc_is 1 "unwrapping onto a used key reference is refused" \
	sc-hsm-tool -r 1 --unwrap-key "$W/ec1.wrap" --key-reference 2 --pin "$PIN"
sign "$TWO" 01 SHA256-RSA-PKCS "$W/data" "$W/rsa2.sig"
[ "$RC" -eq 0 ] && openssl dgst -sha256 -verify "$W/pub01.pem" -signature "$W/rsa2.sig" "$W/data" >/dev/null
check $? "card 2's unwrapped RSA key signs; card 1's public key verifies"
sign "$TWO" 02 ECDSA-SHA256 "$W/data" "$W/ec2.sig"
[ "$RC" -eq 0 ] && openssl dgst -sha256 -verify "$W/pub02.pem" -signature "$W/ec2.sig" "$W/data" >/dev/null
check $? "card 2's unwrapped EC key signs; card 1's public key verifies"

# --- Pull a card and insert it again -------------------------------------------
run pkcs11-tool --module "$MODULE" --token-label "$ONE" --login --pin 111111 -O
pull_card 1
tokens 1
check $? "card 1 pulled: one token left"
rc_is 1 "kskit token show with card 1 pulled" "$KSKIT" token show "$URI1"
err_has 'no token matches the URI' "card pulled: kskit says no token matches"
insert_card 1
tokens 2
check $? "card 1 inserted again"
rc_is 0 "sc-hsm-tool after re-insertion" sc-hsm-tool -r 0
out_has 'User PIN tries left +: 2' "the PIN counter survived (2 tries)"
out_has "DKEK key check value : $kcv1" "the DKEK survived"
sign "$ONE" 01 SHA256-RSA-PKCS "$W/data" "$W/rsa3.sig"
[ "$RC" -eq 0 ] && openssl dgst -sha256 -verify "$W/pub01.pem" -signature "$W/rsa3.sig" "$W/data" >/dev/null
check $? "the re-inserted card's RSA key still signs"

# Pulled in the middle of kskit rng --loop.
setsid -w "$KSKIT" rng --loop --interval 0 --output - "$URI1" </dev/null >"$W/loop.bin" \
	2>"$W/loop.err" &
pid=$!
_i=50
until [ -s "$W/loop.bin" ] || [ "$_i" -eq 0 ]; do
	_i=$((_i - 1))
	sleep 0.1
done
pull_card 1
finished "$pid" "$W/loop.err"
[ "$RC" -eq 1 ] && [ -s "$W/loop.bin" ]
check $? "rng --loop with the card pulled: exit 1 after some output"
err_one_line "rng --loop with the card pulled: one error line"
tokens 1
insert_card 1
tokens 2
check $? "card 1 inserted again"

# --- A slow card: --delay --------------------------------------------------------
pull_card 1
tokens 1
sed 's/--delay [0-9]*/--delay 50/' "$STANDIN/insert-1" >"$STANDIN/insert-slow"
sh "$STANDIN/insert-slow"
tokens 2
start=$(date +%s%N)
pkcs11-tool --module "$MODULE" --token-label "$ONE" --generate-random 16 >/dev/null 2>&1
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -ge 100 ]
check $? "--delay 50: a random number takes ${ms} ms (>= 2 APDUs' delay)"
pull_card 1
tokens 1
insert_card 1
tokens 2
check $? "card 1 back without delay"

# --- kskit -------------------------------------------------------------------------
rc_is 0 "kskit token list" "$KSKIT" token list --module "$MODULE"
out_has 'token: "KSK-one \(UserPIN\)" +serial KSKEMU00001' "token list shows card 1"
out_has 'token: "KSK-two \(UserPIN\)" +serial KSKEMU00002' "token list shows card 2"
out_has 'dnssec: RSASHA256 RSASHA512 ECDSAP256SHA256 ECDSAP384SHA384' "token list: the DNSSEC algorithms"
rc_is 0 "kskit token show" "$KSKIT" token show "$URI1"
out_has '^private-key RSA-2048 label "rsa1" id=%01' "token show: the RSA key"
out_has '^private-key EC-P-256 label "ec1" id=%02' "token show: the P-256 key"
out_has '^private-key EC-P-384 label "ec384" id=%03' "token show: the P-384 key"

for alg in RSASHA256 ECDSAP256SHA256; do
	out=$W/keygen-$alg
	mkdir -p "$out"
	rc_is 0 "kskit keygen: a $alg KSK on the card" \
		"$KSKIT" keygen --zone example.com --algorithm "$alg" --ds sha256 --output-dir "$out" "$URI1"
	k=$(find "$out" -name "K*.key" -exec basename {} .key \;)
	ours=$(awk '$4 == "DS" && $7 == 2 { print tolower($8) }' "$out/$k.ds")
	bind=$(dnssec-dsfromkey -2 "$out/$k.key" | awk '{ print tolower($NF) }')
	ldns=$(cd "$out" && ldns-key2ds -n -2 "$k.key" | awk '{ print tolower($NF) }')
	[ -n "$ours" ] && [ "$ours" = "$bind" ] && [ "$ours" = "$ldns" ]
	check $? "keygen $alg: the DS equals dnssec-dsfromkey's and ldns-key2ds's"
	tag=$(key_tag "$k")
	rc_is 0 "keygen $alg: token show finds the key by its label" \
		"$KSKIT" token show "pkcs11:token=KSK-one%20(UserPIN);object=$k;type=private?module-path=$MODULE"
	out_has "key tag $tag as KSK" "keygen $alg: the card's key has the key tag of the files"
	rc_is 0 "kskit token test of the $alg KSK" "$KSKIT" token test --count 5 --rng-bytes 0 \
		"pkcs11:token=KSK-one%20(UserPIN);object=$k;type=private?module-path=$MODULE"
	out_has '5 signatures, all verified' "token test $alg: every signature verified"
done
rc_is 0 "kskit token test (its own session keys)" "$KSKIT" token test --count 3 --rng-bytes 4096 \
	--algorithm RSASHA256,ECDSAP256SHA256 "$URI1"
out_has 'RSASHA256 \(8\):' "token test: RSASHA256"
out_has '3 signatures, all verified' "token test: signatures verified"
out_has 'health tests .*passed' "token test: the card's RNG passes the health tests"
run pkcs11-tool --module "$MODULE" --token-label "$ONE" --login --pin "$PIN" -O
! printf '%s\n' "$OUT" | grep -q 'kskit-token-test'
check $? "token test leaves no test keys on the card (OpenSC makes its session keys card keys)"
rc_is 0 "kskit rng: 2048 bytes" "$KSKIT" rng --bytes 2048 --output "$W/rng.bin" "$URI1"
[ "$(wc -c <"$W/rng.bin")" -eq 2048 ]
check $? "kskit rng wrote 2048 bytes"
KSKIT_PIN=111111 rc_is 1 "kskit token show with a wrong PIN" "$KSKIT" token show "$URI1"
err_has 'C_Login' "wrong PIN: the error names the login"
err_one_line "wrong PIN: one error line"
rc_is 0 "the right PIN still works" "$KSKIT" token show "$URI1"

k=$(cd "$W" && dnssec-keygen -q -a ECDSAP256SHA256 -K "$W" example.com)
rc_is 1 "kskit token import onto a SmartCard-HSM (cardwrite)" "$KSKIT" token import \
	"$W/$k.private" "$URI1"
err_has "takes a private key only wrapped under its DKEK" "token import: says why, and the card's way"
err_one_line "token import refused: one error line"
rc_is 0 "kskit keygen of a key to delete" "$KSKIT" keygen --zone example.com --label doomed \
	--algorithm ECDSAP256SHA256 --output-dir "$W" "$URI1"
rc_is 0 "kskit token delete of it (carddel)" "$KSKIT" token delete --yes \
	"pkcs11:token=KSK-one%20(UserPIN);object=doomed;type=private?module-path=$MODULE"
rc_is 0 "token show after the delete" "$KSKIT" token show "$URI1"
! printf '%s\n' "$OUT" | grep -q '"doomed"'
check $? "the key is gone from the card"

# --- A card with another DKEK refuses the blob -------------------------------------
rc_is 0 "re-initialise card 2 with a random DKEK" \
	sc-hsm-tool -r 1 --initialize --so-pin "$SO" --pin "$PIN" --label KSK-two
rc_is 0 "sc-hsm-tool on the re-initialised card 2" sc-hsm-tool -r 1
kcv3=$(printf '%s\n' "$OUT" | sed -n 's/^DKEK key check value : //p')
[ -n "$kcv3" ] && [ "$kcv3" != "$kcv1" ]
check $? "card 2 has another DKEK now ($kcv3)"
rc_is 1 "unwrap under another DKEK" \
	sc-hsm-tool -r 1 --unwrap-key "$W/rsa1.wrap" --key-reference 1 --pin "$PIN"
err_has 'Wrapped key does not match DKEK' "another DKEK: sc-hsm-tool says the key does not match"

# kskit token init on a SmartCard-HSM: sc-hsm-tool --initialize, the PINs
# typed at its prompts; card 2 then waits for one DKEK share.
KSKIT_CURRENT_SO_PIN=$SO KSKIT_SO_PIN=$SO rc_is 0 "kskit token init on a SmartCard-HSM" \
	"$KSKIT" token init --yes --label KSK-three "pkcs11:serial=KSKEMU00002?module-path=$MODULE"
out_has "a login with each succeeded" "token init: both PINs proven"
out_has "the card waits for 1 DKEK share" "token init: the card is made for a DKEK"
rc_is 0 "sc-hsm-tool on card 2 after kskit token init" sc-hsm-tool -r 1
out_has "DKEK import pending, 1 share" "sc-hsm-tool: card 2 waits for its DKEK share"
KSKIT_SO_PIN=0123456789abcdeg rc_is 1 "token init: an SO PIN that is not 16 hex digits" \
	"$KSKIT" token init --yes --label KSK-four "pkcs11:serial=KSKEMU00002?module-path=$MODULE"
err_has "16 hexadecimal digits" "... is refused before the card is touched"
done_testing
