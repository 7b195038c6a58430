#!/bin/sh
# kskit sign on the root zone's own IANA XML requests, with a KSK on
# SoftHSM under the root's policy (kskit's XML defaults): each response
# bundle verifies with ldns from the KSK alone; the request whose proofs of
# possession were swapped is refused as the root's signer refuses it; a
# duplicated bundle id and the chain with the root's previous SKR (signed
# by KSK-2010, not on this token) are refused by name.
. "$(dirname "$0")/../lib.sh"
standin_start softhsm

export KSKIT_PIN=123456
LABEL=ksk-root
URI="pkcs11:token=$LABEL?module-path=$KSKIT_TEST_MODULE"
IANA=$TESTS_DIR/unit/data/iana
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kskit-iana.XXXXXX")
trap 'rm -rf "$WORK"; standin_stop' EXIT

rc_is 0 "a SoftHSM token" softhsm2-util --init-token --free --label "$LABEL" \
	--so-pin 12345678 --pin "$KSKIT_PIN"
rc_is 0 "an RSASHA256 2048 KSK for the root zone" "$KSKIT" keygen --zone . --algorithm RSASHA256 \
	--output-dir "$WORK" "$URI"
KEY=$(ls "$WORK"/K.+008+*.key)

# inception N FILE: the Nth bundle's Inception in unix seconds.
inception() {
	awk -v n="$1" '/<(Request|Response)Bundle / { b++ } b == n && /<Inception>/ {
		s = $0; sub(/^[^>]*>/, "", s); print substr(s, 1, 19); exit }' "$2" |
		xargs -I{} date -u -d {} +%s
}

# verified FILE N T: bundle N of FILE verifies with ldns at time T from the KSK.
verified() {
	{
		echo ". 86400 IN SOA a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400"
		awk -v n="$2" -v zone=. -f "$TESTS_DIR/iana-bundle.awk" "$1"
	} >"$WORK/bundle.zone"
	ldns-verify-zone -a -k "$KEY" -t "$(date -u -d "@$3" +%Y%m%d%H%M%S)" "$WORK/bundle.zone" \
		>"$WORK/ldns.out" 2>&1
	grep -q "Cannot chase the root: All OK" "$WORK/ldns.out" &&
		! grep -q "DNSKEY" "$WORK/ldns.out"
}

for ksr in softhsm-ksr.xml ksr-root-2017-q2-0.xml; do
	now=$(inception 1 "$IANA/$ksr")
	skr=$WORK/${ksr%.xml}.skr.xml
	rc_is 0 "kskit sign: the root's $ksr, root policy" \
		"$KSKIT" sign --yes --now "$now" --ksk "$KEY" --output "$skr" "$URI" "$IANA/$ksr"
	out_has "9 request bundles, 9 response bundles" "$ksr: nine bundles, as requested"
	n=$(grep -c '<ResponseBundle id=' "$skr")
	ids_in=$(grep -o 'RequestBundle id="[^"]*"' "$IANA/$ksr" | cut -d'"' -f2 | tr '\n' ' ')
	ids_out=$(grep -o 'ResponseBundle id="[^"]*"' "$skr" | cut -d'"' -f2 | tr '\n' ' ')
	[ "$n" -eq 9 ] && [ "$ids_in" = "$ids_out" ]
	check $? "$ksr: the response bundles carry the request's ids, in order"
	grep -q "<KSR id=\"$(grep -o '<KSR[^>]*' "$IANA/$ksr" | grep -o 'id="[^"]*"' | cut -d'"' -f2)\"" "$skr"
	check $? "$ksr: the response carries the request's id"
	fails=0
	i=1
	while [ "$i" -le 9 ]; do
		verified "$skr" "$i" "$(($(inception "$i" "$skr") + 3600))" || fails=$((fails + 1))
		i=$((i + 1))
	done
	check "$fails" "$ksr: ldns-verify-zone validates all 9 DNSKEY RRsets from the KSK"
done
# ldns says no to a changed signature (so the check above can fail).
awk '!d && /<SignatureData>/ { i = index($0, ">") + 10; c = substr($0, i, 1)
	$0 = substr($0, 1, i - 1) (c == "A" ? "B" : "A") substr($0, i + 1); d = 1 } { print }' \
	"$WORK/softhsm-ksr.skr.xml" >"$WORK/forged.xml"
! verified "$WORK/forged.xml" 1 "$(($(inception 1 "$WORK/forged.xml") + 3600))" &&
	grep -q "Bogus DNSSEC signature for .[[:space:]]*DNSKEY" "$WORK/ldns.out"
check $? "ldns-verify-zone refuses a response bundle with one changed signature byte"

now=$(inception 1 "$IANA/softhsm-ksr.bad.xml")
rc_is 1 "the request with swapped proofs of possession is refused" \
	"$KSKIT" sign --yes --now "$now" --ksk "$KEY" --output "$WORK/bad.xml" "$URI" \
	"$IANA/softhsm-ksr.bad.xml"
err_has "KSR-BUNDLE-POP: bundle [0-9]+: the signature by key [0-9]+ does not verify" \
	"refused with the proof-of-possession error"
err_one_line "the proof-of-possession refusal: one error line"
[ ! -e "$WORK/bad.xml" ]
check $? "nothing written for the refused request"

second=$(grep -o 'RequestBundle id="[^"]*"' "$IANA/softhsm-ksr.xml" | sed -n 2p | cut -d'"' -f2)
first=$(grep -o 'RequestBundle id="[^"]*"' "$IANA/softhsm-ksr.xml" | sed -n 1p | cut -d'"' -f2)
sed "s/$second/$first/" "$IANA/softhsm-ksr.xml" >"$WORK/dup.xml"
rc_is 1 "a request with a bundle id twice is refused" "$KSKIT" sign --yes --now "$now" \
	--ksk "$KEY" --output "$WORK/dup.skr" "$URI" "$WORK/dup.xml"
err_has "KSR-BUNDLE-UNIQUE: bundles 1 and 2 share id" "refused as KSR-BUNDLE-UNIQUE"

now=$(inception 1 "$IANA/ksr-root-2017-q2-0.xml")
rc_is 1 "the chain with the root's previous SKR: its KSK is not on this token" \
	"$KSKIT" sign --yes --now "$now" --ksk "$KEY" --previous "$IANA/skr-root-2017-q1-0.xml" \
	--output "$WORK/chain.xml" "$URI" "$IANA/ksr-root-2017-q2-0.xml"
err_has "KSR-CHAIN-KSK: KSK 19036, which signed the previous response's last bundle, is not on the token" \
	"KSR-CHAIN-KEYS and KSR-CHAIN-OVERLAP pass on the root's files; KSR-CHAIN-KSK names KSK-2010"
rc_is 1 "a request given as its own previous response is refused" \
	"$KSKIT" sign --yes --now "$now" --ksk "$KEY" --previous "$IANA/ksr-root-2017-q2-0.xml" \
	--output "$WORK/chain.xml" "$URI" "$IANA/ksr-root-2017-q2-0.xml"
err_has "is a request, not a response" "says so"
done_testing
