#!/bin/sh
# An RFC 5011 KSK rollover signed by kskit sign, accepted by Knot and by
# independent validators.  Three KSKs on a SoftHSM token sign Knot's 90-day
# KSR (T its first bundle's time): OLD revoked from T and removed at
# T+10d, CUR publishing and signing throughout, NEXT published only, from
# T+40d.  The SKR has each key where its timers put it, every signature
# in it verifies with ldns from the one key it names (the revoked key's
# too, under its new key tag), Knot validates, imports and serves it, and
# four validators accept the served zone, OLD revoked in its DNSKEY
# RRset, from CUR's DS alone.  KSKs that only publish sign nothing: refused.
# Under 5 seconds.  How Knot behaves: tests/knot.sh.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/knot.sh"
knot_require 2>/dev/null || skip_all "$(knot_require 2>&1)"
command -v ldns-key2ds >/dev/null 2>&1 || skip_all "missing: ldns-key2ds"

standin_start softhsm
LABEL=knot-roll
URI="pkcs11:token=$LABEL?module-path=$KSKIT_TEST_MODULE"
ZONE=example.com.
ALG=ECDSAP256SHA256
DAY=86400
export KSKIT_PIN=123456
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kskit-knot-roll.XXXXXX")
D=$WORK/zone
trap 'knot_stop "$D"; rm -rf "$WORK"; standin_stop' EXIT

rc_is 0 "a SoftHSM token for the KSKs" \
	softhsm2-util --init-token --free --label "$LABEL" --so-pin 12345678 --pin "$KSKIT_PIN"
fn_ok "ZSK side: keymgr pregenerate and generate-ksr, 90 days" knot_zsk_side "$D" "$ZONE" "$ALG"
T=$(grep '^;; KeySigningRequest 1.0 [0-9]' "$D/ksr" | head -n 1 | cut -d' ' -f4)
REMOVE=$((T + 10 * DAY))
PUBLISH=$((T + 40 * DAY))

# The three KSKs: each its .key file, public key and key tag (ldns's).
for k in old cur next; do
	mkdir "$WORK/$k"
	rc_is 0 "kskit keygen: KSK $k" "$KSKIT" keygen --zone "${ZONE%.}" --algorithm "$ALG" \
		--output-dir "$WORK/$k" "$URI"
done
OLD=$(ls "$WORK"/old/K*.key) CUR=$(ls "$WORK"/cur/K*.key) NEXT=$(ls "$WORK"/next/K*.key)
# pubkey FILE: the public key of the DNSKEY in FILE (one base64 word).
pubkey() {
	ldns-read-zone "$1" | awk '$4 == "DNSKEY" { print $8 }'
}
# keytag FILE: the key tag of the DNSKEY in FILE, as ldns-key2ds computes it.
keytag() {
	ldns-key2ds -n -2 "$1" | awk '$4 == "DS" { print $5 }'
}
# OLD as revoked (flags 385): its key tag changes.
ldns-read-zone "$OLD" | awk '$4 == "DNSKEY" { $5 = 385; print $1, $2, $3, $4, $5, $6, $7, $8 }' \
	>"$WORK/old-revoked.key"
K_OLD=$(pubkey "$OLD") K_CUR=$(pubkey "$CUR") K_NEXT=$(pubkey "$NEXT")
OLD_TAG=$(keytag "$OLD") OLDR_TAG=$(keytag "$WORK/old-revoked.key")
CUR_TAG=$(keytag "$CUR") NEXT_TAG=$(keytag "$NEXT")
[ -n "$K_OLD" ] && [ -n "$K_CUR" ] && [ -n "$K_NEXT" ] && [ -n "$OLD_TAG" ] &&
	[ -n "$OLDR_TAG" ] && [ "$OLDR_TAG" != "$OLD_TAG" ] && [ -n "$CUR_TAG" ] && [ -n "$NEXT_TAG" ]
check $? "key tags: OLD $OLD_TAG (revoked: $OLDR_TAG), CUR $CUR_TAG, NEXT $NEXT_TAG"

# The rollover, as the KSK side signs it.
fn_ok "kskit sign: OLD revoked at T, removed T+10d; CUR; NEXT published only from T+40d" \
	knot_sign_kskit "$D" "$URI" "$D/skr" "$OLD,revoke=$T,remove=$REMOVE" "$CUR" \
	"$NEXT,publish=$PUBLISH,publish-only"
out_has "^  1  .*  $OLD_TAG R $CUR_TAG S $NEXT_TAG -\$" "the operator's table: bundle 1, OLD revoked, CUR signs"

# One line per bundle: number, time, OLD's, CUR's and NEXT's DNSKEY flags
# (- when absent, several when there twice), and the key tags of the
# DNSKEY RRSIGs, sorted.
awk -v old="$K_OLD" -v cur="$K_CUR" -v nxt="$K_NEXT" '
function key(k) { return k == old ? "old" : k == cur ? "cur" : k == nxt ? "next" : "" }
/^;; SignedKeyResponse 1\.0 [0-9]+ \(/ { n++; t[n] = $4; next }
/^;/ || NF == 0 { next }
$4 == "DNSKEY" && key($NF) != "" { f[n, key($NF)] = f[n, key($NF)] $5 }
$4 == "RRSIG" && $5 == "DNSKEY" { s[n] = s[n] " " $11 }
END {
	for (i = 1; i <= n; i++) {
		m = split(s[i], a, " ")
		for (j = 1; j <= m; j++)
			for (k = j + 1; k <= m; k++)
				if (a[k] + 0 < a[j] + 0) { x = a[j]; a[j] = a[k]; a[k] = x }
		sigs = ""
		for (j = 1; j <= m; j++)
			sigs = sigs (j > 1 ? "," : "") a[j]
		printf "%d %d %s %s %s %s\n", i, t[i], ((i, "old") in f) ? f[i, "old"] : "-",
			((i, "cur") in f) ? f[i, "cur"] : "-", ((i, "next") in f) ? f[i, "next"] : "-",
			(sigs == "") ? "-" : sigs
	}
}' "$D/skr" >"$WORK/bundles"
sed 's/^/# /' "$WORK/bundles"
BUNDLES=$(wc -l <"$WORK/bundles")
[ "$BUNDLES" -ge 8 ] && [ "$(head -n 1 "$WORK/bundles" | cut -d' ' -f2)" -eq "$T" ]
check $? "the SKR: $BUNDLES bundles, the first at T"
# bundles COND: how many bundles meet the awk condition COND, on each
# bundle's time (at), the flags of OLD, CUR and NEXT (fold, fcur, fnext) and
# its signing key tags (sigs); rm and pub are T+10d and T+40d, old, oldr,
# cur and nxt the key tags.
bundles() {
	awk -v rm="$REMOVE" -v pub="$PUBLISH" -v old="$OLD_TAG" -v oldr="$OLDR_TAG" \
		-v cur="$CUR_TAG" -v nxt="$NEXT_TAG" "{ at = \$2; fold = \$3; fcur = \$4; fnext = \$5; sigs = \$6 }
		$1 { n++ } END { print n + 0 }" "$WORK/bundles"
}
[ "$(bundles 'at == rm')" -eq 1 ] && [ "$(bundles 'at == pub')" -eq 1 ]
check $? "OLD's removal and NEXT's publication each start a bundle, at T+10d and T+40d"
n=$(bundles 'at < rm')
[ "$n" -ge 1 ] && [ "$(bundles 'at < rm && fold == "385"')" -eq "$n" ]
check $? "before T+10d ($n bundles): OLD is there once, revoked (flags 385)"
[ "$(bundles 'at < rm && sigs == (cur < oldr ? cur "," oldr : oldr "," cur)')" -eq "$n" ]
check $? "before T+10d: signed by revoked OLD ($OLDR_TAG) and by CUR, nothing else"
n=$(bundles 'at >= rm')
[ "$n" -ge 2 ] && [ "$(bundles 'at >= rm && fold == "-"')" -eq "$n" ]
check $? "from T+10d ($n bundles): OLD's key is gone, revoked or not"
[ "$(bundles 'at >= rm && sigs == cur')" -eq "$n" ]
check $? "from T+10d: signed by CUR alone"
[ "$(bundles 'fcur == "257" && sigs ~ "(^|,)" cur "(,|$)"')" -eq "$BUNDLES" ]
check $? "CUR is published (flags 257) and signs in every bundle"
n=$(bundles 'at >= pub')
[ "$n" -ge 1 ] && [ "$(bundles 'at >= pub && fnext == "257"')" -eq "$n" ] &&
	[ "$(bundles 'at < pub && fnext == "-"')" -eq $((BUNDLES - n)) ]
check $? "NEXT is published (flags 257) in the $n bundles from T+40d, absent before"
[ "$(bundles 'sigs ~ "(^|,)(" nxt "|" old ")(,|$)"')" -eq 0 ]
check $? "no RRSIG by NEXT ($NEXT_TAG) or by OLD unrevoked ($OLD_TAG), in any bundle"

# Every RRSIG on its own: ldns-verify-zone from the one key it names, at
# the bundle's time.  With no SOA signature or NSEC, ldns reports errors
# and exits non-zero; what counts is the DNSKEY RRset's chase.
SOA="$ZONE 3600 IN SOA ns1.$ZONE hostmaster.$ZONE 1 7200 3600 1209600 3600"
# verified SKR N TAG ANCHOR: bundle N of SKR, with only TAG's RRSIG,
# verifies from the DNSKEY in ANCHOR (output in $WORK/ldns.out).
verified() {
	{
		echo "$SOA"
		awk -v n="$2" -v tag="$3" '/^;; SignedKeyResponse 1\.0 [0-9]+ \(/ { b++; next }
			b != n || /^;/ || NF == 0 { next }
			$4 == "DNSKEY" || ($4 == "RRSIG" && $5 == "DNSKEY" && $11 == tag)' "$1"
	} >"$WORK/bundle.zone"
	_t=$(awk -v n="$2" '$1 == n { print $2 + 3600 }' "$WORK/bundles")
	ldns-verify-zone -a -k "$4" -t "$(date -u -d "@$_t" +%Y%m%d%H%M%S)" "$WORK/bundle.zone" \
		>"$WORK/ldns.out" 2>&1
	grep -q "Cannot chase the root: All OK" "$WORK/ldns.out" && ! grep -q "DNSKEY" "$WORK/ldns.out"
}
sigs=0 fails=0 revoked=0 with_next=0
while read -r i _ _ _ nxt tags; do
	for tag in $(echo "$tags" | tr , ' '); do
		case $tag in
		"$CUR_TAG") anchor=$CUR ;;
		"$OLDR_TAG") anchor=$WORK/old-revoked.key revoked=$((revoked + 1)) ;;
		*) anchor=/dev/null ;;
		esac
		[ "$nxt" = - ] || with_next=$((with_next + 1))
		sigs=$((sigs + 1))
		verified "$D/skr" "$i" "$tag" "$anchor" || { fails=$((fails + 1)) && sed 's/^/# /' "$WORK/ldns.out"; }
	done
done <"$WORK/bundles"
[ "$fails" -eq 0 ] && [ "$sigs" -gt "$BUNDLES" ] && [ "$revoked" -ge 1 ] && [ "$with_next" -ge 1 ]
check $? "ldns-verify-zone: all $sigs RRSIGs verify, $revoked by revoked OLD, $with_next beside NEXT"
# ... and says no to one changed byte in the revoked key's signature.
awk -v tag="$OLDR_TAG" '!d && $4 == "RRSIG" && $11 == tag {
	$NF = (substr($NF, 1, 1) == "A" ? "B" : "A") substr($NF, 2); d = 1 } { print }' \
	"$D/skr" >"$WORK/forged.skr"
! verified "$WORK/forged.skr" 1 "$OLDR_TAG" "$WORK/old-revoked.key" &&
	grep -q "Bogus DNSSEC signature for ${ZONE}[[:space:]]*DNSKEY" "$WORK/ldns.out"
check $? "ldns-verify-zone refuses the revoked key's RRSIG with one byte changed"

# Knot takes it, serves it, and the validators accept it from CUR's DS.
fn_ok "ZSK side: validate-skr and import-skr accept the rollover" knot_import "$D" "$D/skr"
fn_ok "knotd serves the zone on 127.0.0.1" knot_serve "$D"
fn_ok "AXFR of the signed zone" knot_axfr "$D" "$ZONE"
awk '$4 == "DS" && $7 == 2' "${CUR%.key}.ds" >"$D/ksk.ds"
[ "$(wc -l <"$D/ksk.ds")" -eq 1 ] && [ "$(awk '{ print $5 }' "$D/ksk.ds")" = "$CUR_TAG" ]
check $? "the trust anchor: CUR's SHA-256 DS, from kskit keygen's .ds file"
served=$(awk -v old="$K_OLD" '$4 == "DNSKEY" && $NF == old { print $5 }' "$D/axfr.zone")
[ "$served" = 385 ]
check $? "the served DNSKEY RRset has OLD, revoked (flags 385)"
awk '$4 == "RRSIG" && $5 == "DNSKEY" { print $11 }' "$D/axfr.zone" | sort -n | paste -sd, - |
	grep -qx "$(awk 'NR == 1 { print $6 }' "$WORK/bundles")"
check $? "served: the first bundle's RRSIGs, by CUR and by revoked OLD"
for tool in $KNOT_CHECKS; do
	fn_ok "$tool validates the served zone from CUR's DS" knot_check "$tool" "$D" "$ZONE"
	[ "$tool" != dnssec-verify ] ||
		err_has "KSKs: 1 active, 0 stand-by, 1 revoked" "dnssec-verify counts OLD as a revoked KSK"
done
# A validator that still trusts OLD's DS has no key left to trust.
cp "$D/ksk.ds" "$WORK/cur.ds"
awk '$4 == "DS" && $7 == 2' "${OLD%.key}.ds" >"$D/ksk.ds"
for tool in ldns-verify-zone delv; do
	fn_fails "$tool refuses the zone under OLD's DS" knot_check "$tool" "$D" "$ZONE"
done
cp "$WORK/cur.ds" "$D/ksk.ds"

# KSKs that never sign: nothing signed, nothing written.
fn_run knot_sign_kskit "$D" "$URI" "$WORK/refused.skr" "$NEXT,publish-only"
[ "$RC" -eq 1 ]
check $? "kskit sign refuses NEXT as the only KSK, published only: exit 1"
err_has "no KSK signs the bundle" "the refusal says why"
err_one_line "the refusal: one error line"
[ ! -e "$WORK/refused.skr" ] && [ -z "$(find "$WORK" -maxdepth 1 -name '*refused*')" ]
check $? "the refusal: nothing written"

knot_stop "$D"
grep -q "DNSSEC, using offline records, DNSKEYs 3, CDNSKEYs 0, CDs 0, RRSIGs 2" "$D/knotd.log"
check $? "knotd's log: it used the offline DNSKEY RRset (3 keys) and its 2 RRSIGs"
done_testing
