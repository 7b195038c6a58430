#!/bin/sh
# Knot DNS offline KSK, end to end: Knot's ZSK side writes a KSR, a KSK on
# a SoftHSM token signs it into an SKR, Knot validates, imports and serves
# the zone on 127.0.0.1, and four independent validators accept what it
# serves from the KSK's DS alone; one flipped signature byte is refused by
# Knot and by every validator, and another DS by those that take one as
# trust anchor.  Knot's own keymgr sign-ksr signs the same request with the
# same key first: kskit's response must have its bundles, times and keys.
# Under 5 seconds.  How Knot behaves, and why the helpers do what they do: tests/knot.sh.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/knot.sh"
knot_require 2>/dev/null || skip_all "$(knot_require 2>&1)"

standin_start softhsm
MODULE=$KSKIT_TEST_MODULE
LABEL=knot-ksk
ZONE=example.com.
ALG=ECDSAP256SHA256
export KSKIT_PIN=123456
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kskit-knot.XXXXXX")
D=$WORK/zone
B=$WORK/forged
trap 'knot_stop "$D"; knot_stop "$B"; rm -rf "$WORK"; standin_stop' EXIT

rc_is 0 "a SoftHSM token for the KSK" \
	softhsm2-util --init-token --free --label "$LABEL" --so-pin 12345678 --pin "$KSKIT_PIN"

# The ZSK side asks.
fn_ok "ZSK side: keymgr pregenerate and generate-ksr, 90 days" knot_zsk_side "$D" "$ZONE" "$ALG"
bundles=$(grep -c '^;; KeySigningRequest 1.0 [0-9]' "$D/ksr")
zsks=$(sed -n 's/.*ZSK.* id = \([0-9]*\)$/\1/p' "$D/ksr" | sort -u | wc -l)
[ "$zsks" -eq 3 ] && [ "$bundles" -ge 7 ]
check $? "the KSR holds 3 ZSKs (rolled at 30 and 60 days) in $bundles bundles"

# The KSK side: Knot's KSK on the token.
fn_ok "KSK side: keymgr generates a $ALG KSK on the token" \
	knot_ksk_keygen "$D" "$ALG" "$MODULE" "$LABEL"
TAG=$(cat "$D/ksk.tag")
rc_is 0 "kskit token show reads Knot's token" "$KSKIT" token show "pkcs11:token=$LABEL?module-path=$MODULE"
out_has "key tag $TAG as KSK" "kskit finds Knot's KSK by keymgr's key tag $TAG"
out_has "sensitive=yes extractable=no" "Knot's KSK is sensitive and not extractable"
rc_is 0 "dnssec-dsfromkey reads keymgr's DNSKEY" dnssec-dsfromkey -2 -f "$D/ksk.dnskey" "$ZONE"
[ "$(printf '%s\n' "$OUT" | awk '{ print toupper($NF) }')" = "$(awk '{ print toupper($NF) }' "$D/ksk.ds")" ]
check $? "dnssec-dsfromkey computes keymgr's DS for $TAG"

# Knot's KSK side signs, for comparison.
fn_ok "KSK side: keymgr sign-ksr with the KSK on the token" knot_sign_keymgr "$D"
skr_bundles=$(grep -c '^;; SignedKeyResponse 1.0 [0-9]' "$D/skr")
signed=$(awk -v tag="$TAG" '/RRSIG[ \t]+DNSKEY/ { s = 1; next } s { s = 0; if ($2 == tag) n++ } END { print n + 0 }' "$D/skr")
[ "$skr_bundles" -ge "$bundles" ] && [ "$signed" -eq "$skr_bundles" ]
check $? "the SKR: $skr_bundles bundles ($bundles asked, the rest RRSIG refreshes), each signed by $TAG"

# kskit signs the same request with the same key on the same token.
fn_ok "kskit sign: the same KSR with the same KSK" \
	knot_sign_kskit "$D" "pkcs11:token=$LABEL?module-path=$MODULE" "$D/skr.kskit"
# times and RRSIG validity, one line per record as ldns reads them
for f in skr skr.kskit; do
	grep '^;; SignedKeyResponse 1.0 [0-9]' "$D/$f" | cut -d' ' -f4 >"$WORK/$f.times"
	ldns-read-zone -z "$D/$f" | awk '$4 == "RRSIG" { print $5, $9, $10, $11 }' | sort >"$WORK/$f.sigs"
	ldns-read-zone -z "$D/$f" | awk '$4 == "DNSKEY"' | sort -u >"$WORK/$f.keys"
done
cmp -s "$WORK/skr.times" "$WORK/skr.kskit.times"
check $? "kskit's SKR has keymgr's bundle times ($(wc -l <"$WORK/skr.times") bundles)"
diff -u "$WORK/skr.sigs" "$WORK/skr.kskit.sigs" >&2
check $? "kskit's RRSIGs have keymgr's types, inceptions, expirations and key tag"
diff -u "$WORK/skr.keys" "$WORK/skr.kskit.keys" >&2
check $? "kskit's SKR publishes keymgr's DNSKEYs"

# One flipped signature byte: Knot says so, but only on stderr.
knot_flip_rrsig "$D/skr.kskit" "$WORK/forged.skr"
check $? "a forged SKR: one byte of the first RRSIG flipped"
run keymgr -c "$D/zsk.conf" "$ZONE" validate-skr "$WORK/forged.skr"
err_has "^error: invalid SignedKeyResponse for [0-9]+ \(no valid signature" \
	"validate-skr reports the forged RRSIG on stderr (it exits $RC, and prints $OUT)"
fn_fails "knot_import refuses the forged SKR" knot_import "$D" "$WORK/forged.skr"
err_has "invalid SignedKeyResponse" "knot_import: says why"
rc_is 1 "import-skr refuses the forged SKR" keymgr -c "$D/zsk.conf" "$ZONE" import-skr "$WORK/forged.skr"
err_has "no valid signature" "import-skr: says why"
run keymgr -c "$D/zsk.conf" "$ZONE" show-offline
[ "$RC" -eq 0 ] && [ -z "$OUT" ]
check $? "nothing was imported from the forged SKR"

# kskit's SKR: imported, served, validated.
fn_ok "ZSK side: validate-skr and import-skr accept kskit's SKR" knot_import "$D" "$D/skr.kskit"
fn_ok "knotd serves the zone on 127.0.0.1" knot_serve "$D"
fn_ok "AXFR of the signed zone" knot_axfr "$D" "$ZONE"
served=$(awk '$4 == "RRSIG" && $5 == "DNSKEY" { print $NF }' "$D/axfr.zone")
first=$(ldns-read-zone "$D/skr.kskit" | awk '$4 == "RRSIG" && $5 == "DNSKEY" { print $NF; exit }')
[ -n "$served" ] && [ "$served" = "$first" ]
check $? "knotd serves the first SKR bundle's RRSIG verbatim"
for tool in $KNOT_CHECKS; do
	fn_ok "$tool validates the served zone from the KSK's DS" knot_check "$tool" "$D" "$ZONE"
done
# The trust anchor counts: with another DS (last digest digit changed) the
# tools that take one refuse the genuine zone.
cp "$D/ksk.ds" "$WORK/ksk.ds"
awk '{ d = $NF; $NF = substr(d, 1, length(d) - 1) (substr(d, length(d)) == "0" ? "1" : "0"); print }' \
	"$WORK/ksk.ds" >"$D/ksk.ds"
for tool in ldns-verify-zone delv; do
	fn_fails "$tool refuses the zone under a DS that is not the KSK's" knot_check "$tool" "$D" "$ZONE"
done
cp "$WORK/ksk.ds" "$D/ksk.ds"

# The validators catch one flipped byte in the served DNSKEY RRSIG (import-skr
# would not take it, so a second knotd serves the forged zone from a file).
mkdir -p "$B" && cp "$D/ksk.ds" "$B/" && knot_flip_rrsig "$D/axfr.zone" "$WORK/forged.zone"
check $? "a forged zone: one byte of the DNSKEY RRSIG flipped"
fn_ok "a second knotd serves the forged zone as it is" knot_serve_file "$B" "$ZONE" "$WORK/forged.zone"
fn_ok "AXFR of the forged zone" knot_axfr "$B" "$ZONE"
for tool in $KNOT_CHECKS; do
	fn_fails "$tool rejects the flipped DNSKEY RRSIG" knot_check "$tool" "$B" "$ZONE"
	case $tool in
	dnssec-verify) why="No self-signed KSK DNSKEY found" ;;
	ldns-verify-zone) why="Bogus DNSSEC signature for ${ZONE}[[:space:]]+DNSKEY" ;;
	kzonecheck) why="no valid signature for a record \(record type DNSKEY\)" ;;
	delv) why="no valid RRSIG resolving '${ZONE%.}/DNSKEY/IN'" ;;
	esac
	err_has "$why" "$tool: for the DNSKEY RRSIG, not another reason"
done

pids="$(cat "$D/knotd.pid") $(cat "$B/knotd.pid")"
knot_stop "$D"
knot_stop "$B"
alive=0
for pid in $pids; do
	! kill -0 "$pid" 2>/dev/null || alive=1
done
check "$alive" "both knotd stopped by their pids"
# knotd's log reaches its file when it exits.
grep -q "DNSSEC, using offline records, DNSKEYs 2, CDNSKEYs 0, CDs 0, RRSIGs 1" "$D/knotd.log"
check $? "knotd's log: it used the offline DNSKEY RRset and RRSIG"
done_testing
