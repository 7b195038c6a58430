#!/bin/sh
# OpenSC with a card in the reader: a virtual CAC card (libcacard over an NSS
# database, behind pcscd's vpcd reader; scripts/start-cac) holding an
# RSA-2048 key and its certificate.  kskit lists it, shows the key with its
# key tags, signs with it; independent tools agree on the key and the
# signatures; a wrong PIN and a card pulled mid-operation fail cleanly.
. "$(dirname "$0")/../lib.sh"
[ "$(id -u)" -eq 0 ] || skip_all "pcscd's socket is machine-wide: needs root"
pgrep -x pcscd >/dev/null 2>&1 && skip_all "a pcscd is running already; these tests need their own"
: "${KSKIT_CAC_BRIDGE:=$(dirname "$KSKIT")/cards/cac-bridge}"
export KSKIT_CAC_BRIDGE
[ -x "$KSKIT_CAC_BRIDGE" ] || skip_all "no $KSKIT_CAC_BRIDGE (make build/cards/cac-bridge)"
for t in certutil pk12util pkcs11-tool openssl ldns-key2ds dnssec-dsfromkey basenc; do
	command -v "$t" >/dev/null 2>&1 || skip_all "$t missing (scripts/install-deps)"
done

standin_start cac
MODULE=$KSKIT_TEST_MODULE
TOKEN="pkcs11:token=kskit%20CAC%20test%20key"
URI="$TOKEN?module-path=$MODULE"
KEY="$TOKEN;object=CAC%20ID%20Certificate;type=private?module-path=$MODULE"
W=$STANDIN/work
mkdir -p "$W"

# The bridge is the last pid start-cac wrote; pulling the card is killing it.
pull_card() {
	kill -TERM "$(tail -n 1 "$STANDIN/pids")"
}

insert_card() {
	"$KSKIT_CAC_BRIDGE" "$STANDIN/nssdb" "$KSKIT_VPCD_PORT" kskit-rsa \
		</dev/null >>"$STANDIN/cac-bridge.log" 2>&1 &
	echo "$!" >>"$STANDIN/pids"
	_i=50
	until pkcs11-tool --module "$MODULE" -L 2>/dev/null | grep -q 'token label'; do
		_i=$((_i - 1))
		[ "$_i" -gt 0 ] || return 1
		sleep 0.1
	done
}

# wait_for_bytes FILE: until a background kskit has written to FILE (5 s).
wait_for_bytes() {
	_i=50
	until [ -s "$1" ]; do
		_i=$((_i - 1))
		[ "$_i" -gt 0 ] || return 1
		sleep 0.1
	done
}

rc_is 0 "token list with a CAC card" "$KSKIT" token list --module "$MODULE"
out_has 'token: "kskit CAC test key" .*manufacturer Common Access Card' "token list shows the card's token"
out_has 'dnssec: RSASHA256 RSASHA512$' "token list shows its DNSSEC algorithms"
out_has 'slot [0-9]+: kskit virtual reader 00 01' "token list shows the second, empty slot"

rc_is 0 "token show" "$KSKIT" token show "$URI"
out_has '^private-key RSA-2048 label "CAC ID Certificate" id=%00%01' "token show lists the private key"
out_has '^certificate label "CAC ID Certificate" id=%00%01' "token show lists its certificate"
out_has 'dnssec: RSASHA256 \(8\) key tag [0-9]+ as KSK \(flags 257\), [0-9]+ as ZSK \(256\)' \
	"token show gives the key tags"
ksk_tag=$(printf '%s\n' "$OUT" | sed -n 's/.* key tag \([0-9]*\) as KSK.*/\1/p' | head -n 1)
zsk_tag=$(printf '%s\n' "$OUT" | sed -n 's/.* as KSK (flags 257), \([0-9]*\) as ZSK.*/\1/p' | head -n 1)

# The DNSKEY built from the certificate alone (RFC 3110: exponent length,
# exponent, modulus); ldns and BIND compute its key tag.
openssl x509 -in "$STANDIN/rsa-cert.pem" -pubkey -noout >"$W/cert-pub.pem"
modulus=$(openssl rsa -pubin -in "$W/cert-pub.pem" -modulus -noout | sed 's/^Modulus=//')
exponent=$(openssl rsa -pubin -in "$W/cert-pub.pem" -text -noout |
	sed -n 's/^Exponent: [0-9]* (0x\([0-9a-fA-F]*\))$/\1/p')
[ $((${#exponent} % 2)) -eq 0 ] || exponent=0$exponent
explen=$(printf '%02X' $((${#exponent} / 2)))
b64=$(printf '%s%s%s' "$explen" "$exponent" "$modulus" | tr 'a-f' 'A-F' | basenc --base16 -d | base64 -w 0)
for flags in 257 256; do
	echo "cac. 3600 IN DNSKEY $flags 3 8 $b64" >"$W/Kcac.$flags.key"
done
ldns_ksk=$(ldns-key2ds -f -n -2 "$W/Kcac.257.key" | awk '{ print $5 }')
ldns_zsk=$(ldns-key2ds -f -n -2 "$W/Kcac.256.key" | awk '{ print $5 }')
bind_ksk=$(dnssec-dsfromkey -2 -f "$W/Kcac.257.key" cac. | awk '{ print $4 }')
[ -n "$ksk_tag" ] && [ "$ksk_tag" = "$ldns_ksk" ] && [ "$ksk_tag" = "$bind_ksk" ]
check $? "KSK key tag $ksk_tag: ldns ($ldns_ksk) and BIND ($bind_ksk) agree from the certificate"
[ -n "$zsk_tag" ] && [ "$zsk_tag" = "$ldns_zsk" ]
check $? "ZSK key tag $zsk_tag: ldns ($ldns_zsk) agrees from the certificate"

# The public key the card's module gives is the certificate's.
run pkcs11-tool --module "$MODULE" --read-object --type pubkey --id 0001 -o "$W/card-pub.der"
openssl pkey -pubin -inform DER -in "$W/card-pub.der" -out "$W/card-pub.pem" 2>/dev/null &&
	cmp -s "$W/card-pub.pem" "$W/cert-pub.pem"
check $? "the module's public key is the certificate's"

rc_is 0 "token test: 5 signatures with the card's key" \
	"$KSKIT" token test --count 5 --rng-bytes 0 "$KEY"
out_has '^  5 signatures, all verified: .* with CKM_RSA_PKCS' "token test: every signature verified"

# A signature made through OpenSC's own tool verifies with the certificate.
printf 'kskit CAC cross-check\n' >"$W/data"
run pkcs11-tool --module "$MODULE" --login --pin "$KSKIT_PIN" --sign --mechanism SHA256-RSA-PKCS \
	--id 0001 -i "$W/data" -o "$W/data.sig"
[ "$RC" -eq 0 ] && openssl dgst -sha256 -verify "$W/cert-pub.pem" -signature "$W/data.sig" \
	"$W/data" >/dev/null 2>&1
check $? "pkcs11-tool's signature verifies with openssl and the certificate"

rc_is 0 "rng: 2048 bytes from the card" "$KSKIT" rng --bytes 2048 --output "$W/rng.bin" "$URI"
[ "$(wc -c <"$W/rng.bin")" -eq 2048 ]
check $? "rng: wrote 2048 bytes"

# libcacard hands VERIFY's PIN to NSS as the database password: it checks it.
rc_is 1 "token show with a wrong PIN" env KSKIT_PIN=11112222 "$KSKIT" token show "$URI"
err_has 'C_Login' "wrong PIN: the error names the login"
err_one_line "wrong PIN: one error line"
rc_is 0 "the right PIN still works (no retry counter)" "$KSKIT" token show "$URI"

# The card pulled mid rng --loop, then mid token test.
setsid -w "$KSKIT" rng --loop --output - "$URI" </dev/null >"$W/loop.bin" 2>"$W/loop.err" &
pid=$!
wait_for_bytes "$W/loop.bin"
check $? "rng --loop is pumping"
pull_card
finished "$pid" "$W/loop.err"
[ "$RC" -eq 1 ]
check $? "rng --loop with the card pulled: exit 1"
err_one_line "rng --loop with the card pulled: one error line"

insert_card
check $? "the card is back in the reader"
setsid -w "$KSKIT" token test --seconds 20 --rng-bytes 0 "$KEY" </dev/null >"$W/test.out" \
	2>"$W/test.err" &
pid=$!
sleep 2
pull_card
finished "$pid" "$W/test.err"
[ "$RC" -eq 1 ]
check $? "token test with the card pulled: exit 1"
err_one_line "token test with the card pulled: one error line"
err_has 'C_[A-Za-z]+: CKR_' "token test with the card pulled: the error names the failed call"
done_testing
