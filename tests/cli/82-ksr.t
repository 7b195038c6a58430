#!/bin/sh
# kskit ksr: the self-contained ceremony's Key Signing Request, from ZSKs
# kskit keygen made with the token's randomness.  Knot's own KSK side
# (keymgr sign-ksr) reads the Knot form and signs it as kskit sign does;
# the XML form's proofs of possession verify with ldns from each ZSK, and
# kskit sign signs it under the root's policy into bundles ldns verifies
# from the KSK.  Every bad input: one error line, nothing written.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/knot.sh"
knot_require 2>/dev/null || skip_all "$(knot_require 2>&1)"
standin_start softhsm

export KSKIT_PIN=123456
LABEL=ksr
URI="pkcs11:token=$LABEL?module-path=$KSKIT_TEST_MODULE"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kskit-ksr.XXXXXX")
D=$WORK/knot
trap 'umount "$WORK/full" 2>/dev/null; rm -rf "$WORK"; standin_stop' EXIT

rc_is 0 "a SoftHSM token" softhsm2-util --init-token --free --label "$LABEL" \
	--so-pin 12345678 --pin "$KSKIT_PIN"

# zsk NAME ALG: a ZSK from kskit keygen --zsk in $WORK/NAME; its .key in $ZSK.
zsk() {
	mkdir -p "$WORK/$1"
	rc_is 0 "kskit keygen --zsk: $1, $2" "$KSKIT" keygen --zsk --zone example.com \
		--algorithm "$2" --output-dir "$WORK/$1" "$URI"
	ZSK=$(ls "$WORK/$1"/K*.key)
}
zsk old ECDSAP256SHA256
OLD=$ZSK
zsk cur ECDSAP256SHA256
CUR=$ZSK
zsk next ECDSAP256SHA256
NEXT=$ZSK

# tag FILE: the key tag of a .key file, as BIND computes it.
tag() {
	dnssec-dsfromkey -2 "$1" | awk '{ print $4 }'
}

# A day from now on the hour, so that Knot's KSK (back-dated a day) is
# active at the first bundle.
START=$((($(date +%s) / 3600 + 24) * 3600))

# --- Knot's form, read and signed by Knot's own KSK side ---------------------
mkdir -p "$D"
rc_is 0 "kskit ksr: Knot's form, a ZSK rollover over 9 bundles 10 days apart" \
	"$KSKIT" ksr --zsk "$OLD,bundles=1" --zsk "$CUR" --zsk "$NEXT,bundles=9" \
	--start "$START" --output "$D/ksr"
out_has "^  1  .*  $(tag "$OLD") $(tag "$CUR")\$" "the table: bundle 1 holds the old and the current ZSK"
out_has "^  9  .*  $(tag "$CUR") $(tag "$NEXT")\$" "the table: bundle 9 the current and the next"
out_has "^  SHA-256   $(sha256sum "$D/ksr" | cut -d' ' -f1)\$" "the file's SHA-256 is shown"
[ "$(grep -c '^;; KeySigningRequest 1.0 [0-9]\{10\} ' "$D/ksr")" -eq 9 ] &&
	[ "$(grep '^;; KeySigningRequest 1.0 [0-9]' "$D/ksr" | head -1 | cut -d' ' -f4)" -eq "$START" ]
check $? "9 bundles with unix-second headers, the first at --start"
[ "$(stat -c %a "$D/ksr")" = 644 ]
check $? "the request is public: mode 0644"
printf 'example.com.\n' >"$D/zone.name"
fn_ok "Knot's KSK side: keymgr makes a KSK on the token" \
	knot_ksk_keygen "$D" ECDSAP256SHA256 "$KSKIT_TEST_MODULE" "$LABEL"
fn_ok "Knot's KSK side: keymgr sign-ksr signs kskit's request" knot_sign_keymgr "$D"
fn_ok "kskit sign signs it with the same KSK" knot_sign_kskit "$D" "$URI" "$D/skr.kskit"
for f in skr skr.kskit; do
	grep '^;; SignedKeyResponse 1.0 [0-9]' "$D/$f" | cut -d' ' -f4 >"$WORK/$f.times"
	ldns-read-zone -z "$D/$f" | awk '$4 == "RRSIG" { print $5, $9, $10, $11 }' | sort >"$WORK/$f.sigs"
	ldns-read-zone -z "$D/$f" | awk '$4 == "DNSKEY"' | sort -u >"$WORK/$f.keys"
done
[ "$(wc -l <"$WORK/skr.times")" -eq 9 ] && cmp -s "$WORK/skr.times" "$WORK/skr.kskit.times"
check $? "keymgr's response has the request's 9 bundle times, as kskit's"
diff -u "$WORK/skr.sigs" "$WORK/skr.kskit.sigs" >&2
check $? "keymgr's RRSIGs have kskit's inceptions, expirations and key tag"
[ "$(awk '$5 == 256' "$WORK/skr.keys" | wc -l)" -eq 3 ] && diff -u "$WORK/skr.keys" "$WORK/skr.kskit.keys" >&2
check $? "keymgr publishes the request's 3 ZSKs and its KSK, as kskit does"

# --- BIND's form -------------------------------------------------------------
rc_is 0 "kskit ksr: BIND's form" "$KSKIT" ksr --format bind --zsk "$CUR" --start "$START" \
	--periods 3 --period 1w --ttl 7200 --output "$WORK/bind.ksr"
[ "$(grep -c '^;; KeySigningRequest 1.0 [0-9]\{14\} ' "$WORK/bind.ksr")" -eq 3 ] &&
	grep -q "^;; KeySigningRequest 1.0 $(date -u -d "@$((START + 7 * 86400))" +%Y%m%d%H%M%S) " "$WORK/bind.ksr" &&
	[ "$(grep -c '	7200	IN	DNSKEY	256 3 13 ' "$WORK/bind.ksr")" -eq 3 ]
check $? "3 bundles a week apart, YYYYMMDDhhmmss headers, the DNSKEY TTL asked for"
rc_is 0 "kskit sign reads it" "$KSKIT" sign --yes --ksk "$(cat "$D/ksk.tag")" \
	--output "$WORK/bind.skr" "$URI" "$WORK/bind.ksr"

# --- IANA XML: proofs of possession, then the root's policy ----------------------
for k in old cur next; do
	zsk "rsa-$k" RSASHA256
	eval "RSA_$k=\$ZSK"
done
# shellcheck disable=SC2154 # set by eval above
ROLL="--zsk $RSA_old,bundles=1 --zsk $RSA_cur --zsk $RSA_next,bundles=9-"
# shellcheck disable=SC2086 # ROLL is three options
rc_is 0 "kskit ksr --format xml: the root's schedule (9 bundles, 10 days, 21 days valid)" \
	"$KSKIT" ksr --format xml $ROLL --start "$START" --output "$WORK/req.xml"
xmllint --noout "$WORK/req.xml" 2>/dev/null &&
	[ "$(grep -c '<RequestBundle id="[0-9a-f-]\{36\}">' "$WORK/req.xml")" -eq 9 ] &&
	[ "$(grep -o '<RequestBundle id="[^"]*"' "$WORK/req.xml" | sort -u | wc -l)" -eq 9 ] &&
	grep -q '<MinValidityOverlap>P11D</MinValidityOverlap>' "$WORK/req.xml"
check $? "well-formed XML, 9 distinct random bundle ids, the schedule's overlap claimed"

# verified ZONE KEY N: ldns-verify-zone chases the DNSKEY RRset of ZONE to
# KEY, at an hour into bundle N (the zone's SOA is unsigned: its exit status
# says so, and does not count).
verified() {
	ldns-verify-zone -a -k "$2" -t "$(date -u -d "@$((START + ($3 - 1) * 864000 + 3600))" +%Y%m%d%H%M%S)" \
		"$1" >"$WORK/ldns.out" 2>&1
	grep -q "Cannot chase the root: All OK" "$WORK/ldns.out" && ! grep -q "DNSKEY" "$WORK/ldns.out"
}

# pop N KEY: bundle N of the XML request verifies with ldns from the ZSK KEY.
pop() {
	{
		echo "example.com. 3600 IN SOA ns.example.com. h.example.com. 1 1800 900 604800 3600"
		awk -v n="$1" -v zone=example.com. -f "$TESTS_DIR/iana-bundle.awk" "$WORK/req.xml"
	} >"$WORK/bundle.zone"
	verified "$WORK/bundle.zone" "$2" "$1"
}
pop 1 "$RSA_old" && pop 1 "$RSA_cur" && pop 5 "$RSA_cur" && pop 9 "$RSA_cur" && pop 9 "$RSA_next"
check $? "ldns-verify-zone: each ZSK's proof of possession verifies, from that ZSK alone"
! pop 5 "$RSA_old"
check $? "ldns-verify-zone: bundle 5 does not verify from a ZSK it does not hold"

printf 'domain example.com\n' >"$WORK/policy"
rc_is 0 "kskit keygen: an RSASHA256 KSK" "$KSKIT" keygen --zone example.com \
	--algorithm RSASHA256 --output-dir "$(mkdir "$WORK/ksk" && echo "$WORK/ksk")" "$URI"
KSK=$(ls "$WORK"/ksk/K*.key)
rc_is 0 "kskit sign: the XML request under the root's policy (zone example.com)" \
	"$KSKIT" sign --yes --now "$START" --policy "$WORK/policy" --ksk "$KSK" \
	--output "$WORK/resp.xml" "$URI" "$WORK/req.xml"
out_has "9 request bundles, 9 response bundles" "9 response bundles"
fails=0
for n in 1 2 3 4 5 6 7 8 9; do
	{
		echo "example.com. 3600 IN SOA ns.example.com. h.example.com. 1 1800 900 604800 3600"
		awk -v n="$n" -v zone=example.com. -f "$TESTS_DIR/iana-bundle.awk" "$WORK/resp.xml"
	} >"$WORK/bundle.zone"
	verified "$WORK/bundle.zone" "$KSK" "$n" || fails=$((fails + 1))
done
check "$fails" "ldns-verify-zone validates all 9 response bundles from the KSK"
awk '!d && /<SignatureData>/ { i = index($0, ">") + 10; c = substr($0, i, 1)
	$0 = substr($0, 1, i - 1) (c == "A" ? "B" : "A") substr($0, i + 1); d = 1 } { print }' \
	"$WORK/req.xml" >"$WORK/forged.xml"
rc_is 1 "kskit sign refuses the request with one proof-of-possession byte changed" \
	"$KSKIT" sign --yes --now "$START" --policy "$WORK/policy" --ksk "$KSK" \
	--output "$WORK/forged-resp.xml" "$URI" "$WORK/forged.xml"
err_has "KSR-BUNDLE-POP: bundle 1: the signature by key [0-9]+ does not verify" "says why, by name"

# --- refusals: one error line, nothing written ------------------------------------
# refused RC DESC REGEX ARGS...: kskit ksr exits RC, says REGEX in one line
# (exit 1) or before its usage (exit 2), writes nothing.
refused() {
	_rc=$1 _d=$2 _r=$3
	shift 3
	rm -f "$WORK/refused.ksr"
	run "$KSKIT" ksr --start "$START" --output "$WORK/refused.ksr" "$@"
	[ "$RC" -eq "$_rc" ]
	_report $? "$_d: exit $_rc"
	err_has "$_r" "$_d: says why"
	[ "$_rc" -ne 1 ] || err_one_line "$_d: one error line"
	[ ! -e "$WORK/refused.ksr" ] && [ -z "$(find "$WORK" -name '.*.ksr*' -o -name '*.tmp*')" ]
	check $? "$_d: nothing written"
}
refused 1 "a bundle without a ZSK" "bundle 1 has no ZSK" --zsk "$CUR,bundles=2-"
refused 1 "bundles past the last" "bundles 10 to 10, of 9 bundles" --zsk "$CUR" --zsk "$NEXT,bundles=10"
refused 2 "a malformed range" "is not bundles=FIRST-LAST" --zsk "$CUR,bundles=3-x"
refused 1 "one key twice" "ZSK $(tag "$CUR") is given twice" --zsk "$CUR" --zsk "$CUR"
refused 1 "a KSK as a ZSK" "not a ZSK \(flags 256\)" --zsk "$KSK"
sed 's/DNSKEY/DNSKEX/' "$CUR" >"$WORK/broken.key"
refused 1 "a malformed .key file" "broken.key: no DNSKEY record" --zsk "$WORK/broken.key"
refused 1 "a missing .key file" "nothere.key: cannot open" --zsk "$WORK/nothere.key"
other=$(cd "$WORK" && dnssec-keygen -q -a ECDSAP256SHA256 example.net)
refused 1 "ZSKs of two zones" "is of another zone" --zsk "$CUR" --zsk "$WORK/$other.key"
refused 2 "a validity in a text form" "carry no signature validity" --zsk "$CUR" --validity 21d
refused 1 "XML: a validity no longer than the period" "leaves gaps" --format xml \
	--zsk "$RSA_cur" --validity 10d
mkdir "$WORK/lone"
cp "$RSA_cur" "$WORK/lone/"
refused 1 "XML: no .private beside the .key" "\.private: cannot read it \(an XML request carries" \
	--format xml --zsk "$WORK/lone/$(basename "$RSA_cur")"
cp "${RSA_next%.key}.private" "$WORK/lone/$(basename "${RSA_cur%.key}").private"
refused 1 "XML: another key's .private" "\.private: not the key of " \
	--format xml --zsk "$WORK/lone/$(basename "$RSA_cur")"
refused 2 "no --start" "--start: not a time" --zsk "$CUR" --start tomorrow
cp "$D/ksr" "$WORK/refused.ksr.keep"
run "$KSKIT" ksr --zsk "$CUR" --start "$START" --output "$D/ksr"
[ "$RC" -eq 1 ] && cmp -s "$D/ksr" "$WORK/refused.ksr.keep"
check $? "an existing request is not overwritten"
err_has "exists" "an existing request: says so"

# shellcheck disable=SC2086 # ROLL is three options
full_disk "a full disk" "$KSKIT" ksr --format xml $ROLL --start "$START" --output "$WORK/full/req.xml"
done_testing
