#!/bin/sh
# Knot DNS offline KSK with the KSK made by kskit keygen on a TPM, end to
# end: on the TPM 2.0 stand-in (tpm2-pkcs11, ECDSAP256SHA256) and on the
# TPM 1.2 one (opencryptoki's TPM token, RSASHA256 2048, root only).  For
# each, Knot's ZSK side writes a KSR for the same algorithm, kskit keygen
# makes the KSK on the TPM (its DS checked by dnssec-dsfromkey), kskit sign
# signs the KSR into an SKR with it, and Knot refuses the SKR with one
# signature byte flipped, imports the genuine one and serves the zone,
# which four independent validators accept from the KSK's DS alone.  One
# stand-in at a time (lib.sh keeps one).  Under 15 seconds.
# How Knot behaves, and the helpers (fn_ok, fn_fails too): tests/knot.sh.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/knot.sh"
knot_require 2>/dev/null || skip_all "$(knot_require 2>&1)"

ZONE=example.com.
WORK=
D=

# tpm_up STACK: the stand-in, a work directory WORK (the zone's in D), and
# an EXIT trap that stops knotd and the stand-in.
tpm_up() {
	standin_start "$1"
	MODULE=$KSKIT_TEST_MODULE
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/kskit-knot-$1.XXXXXX")
	D=$WORK/zone
	trap 'knot_stop "$D"; rm -rf "$WORK"; standin_stop' EXIT
}

# tpm_down: stop knotd and the stand-in, and forget the stand-in's
# environment, so the next one runs as if alone.
tpm_down() {
	knot_stop "$D"
	_vars=$(sed -n 's/^export \([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' "$STANDIN/env")
	for _v in $_vars; do
		unset "$_v"
	done
	standin_stop
	rm -rf "$WORK"
}

# knot_on_tpm NAME ALG BITS: Knot's offline KSK with a KSK that kskit
# keygen makes on the token of $URI (PIN in $KSKIT_PIN); NAME heads each
# description.
knot_on_tpm() {
	n=$1 alg=$2 bits=$3

	fn_ok "$n: ZSK side: keymgr pregenerate and generate-ksr for $alg" knot_zsk_side "$D" "$ZONE" "$alg"
	bundles=$(grep -c '^;; KeySigningRequest 1.0 [0-9]' "$D/ksr")
	[ "$bundles" -ge 7 ] && ! grep '; ZSK, ' "$D/ksr" | grep -qv "; ZSK, $alg "
	check $? "$n: the KSR asks for $bundles bundles of $alg ZSKs"

	mkdir "$WORK/keys"
	rc_is 0 "$n: kskit keygen makes an $alg KSK on the TPM" \
		"$KSKIT" keygen --zone "${ZONE%.}" --algorithm "$alg" ${bits:+--bits "$bits"} \
		--output-dir "$WORK/keys" "$URI"
	set -- "$WORK"/keys/K*.key
	key=$1
	tag=$(key_tag "$key")
	[ "$#" -eq 1 ] && [ -n "$tag" ] && [ -f "${key%.key}.ds" ]
	check $? "$n: one KSK, ${key##*/}, with its .ds"
	out_has "^KSK K${ZONE%.}\.\+[0-9]{3}\+0*$tag on the token: pkcs11:.*;token=$LABEL;" \
		"$n: keygen says the KSK is on the TPM's token $LABEL"
	rc_is 0 "$n: kskit token show" "$KSKIT" token show "$URI"
	out_has "key tag $tag as KSK" "$n: the token holds the KSK $tag"
	out_has "sensitive=yes extractable=no" "$n: the KSK is sensitive and not extractable"

	# The DS Knot's validators are given, as keymgr writes it; BIND agrees.
	awk '$4 == "DS" && $7 == 2' "${key%.key}.ds" >"$D/ksk.ds"
	[ "$(wc -l <"$D/ksk.ds")" -eq 1 ] && [ "$(awk '{ print $1, $2, $3, $5 }' "$D/ksk.ds")" = "$ZONE 3600 IN $tag" ]
	check $? "$n: one SHA-256 DS for $tag, with TTL and class, in ksk.ds"
	rc_is 0 "$n: dnssec-dsfromkey reads the .key file" dnssec-dsfromkey -2 "$key"
	[ "$(printf '%s\n' "$OUT" | awk '{ print $4, $5, $6, toupper($7) }')" = \
		"$(awk '{ print $5, $6, $7, toupper($8) }' "$D/ksk.ds")" ]
	check $? "$n: dnssec-dsfromkey computes kskit's DS"

	fn_ok "$n: kskit sign: the KSR with the KSK on the TPM" knot_sign_kskit "$D" "$URI" "$D/skr.kskit" "$key"
	skr_bundles=$(grep -c '^;; SignedKeyResponse 1.0 [0-9]' "$D/skr.kskit")
	signed=$(ldns-read-zone "$D/skr.kskit" | awk -v tag="$tag" '$4 == "RRSIG" && $5 == "DNSKEY" && $11 == tag { n++ } END { print n + 0 }')
	[ "$skr_bundles" -ge "$bundles" ] && [ "$signed" -eq "$skr_bundles" ]
	check $? "$n: the SKR: $skr_bundles bundles, each signed by $tag"

	knot_flip_rrsig "$D/skr.kskit" "$WORK/forged.skr"
	check $? "$n: a forged SKR: one byte of the first RRSIG flipped"
	fn_fails "$n: knot_import refuses the forged SKR" knot_import "$D" "$WORK/forged.skr"
	err_has "invalid SignedKeyResponse" "$n: knot_import: says why"
	run keymgr -c "$D/zsk.conf" "$ZONE" show-offline
	[ "$RC" -eq 0 ] && [ -z "$OUT" ]
	check $? "$n: nothing was imported from the forged SKR"

	fn_ok "$n: ZSK side: validate-skr and import-skr accept kskit's SKR" knot_import "$D" "$D/skr.kskit"
	fn_ok "$n: knotd serves the zone on 127.0.0.1" knot_serve "$D"
	fn_ok "$n: AXFR of the signed zone" knot_axfr "$D" "$ZONE"
	served=$(awk '$4 == "RRSIG" && $5 == "DNSKEY" { print $NF }' "$D/axfr.zone")
	first=$(ldns-read-zone "$D/skr.kskit" | awk '$4 == "RRSIG" && $5 == "DNSKEY" { print $NF; exit }')
	[ -n "$served" ] && [ "$served" = "$first" ]
	check $? "$n: knotd serves the first SKR bundle's RRSIG verbatim"
	ours=$(awk '$4 == "DNSKEY" { print $8 }' "$key")
	theirs=$(awk '$4 == "DNSKEY" && $5 == 257 { k = ""; for (i = 8; i <= NF; i++) k = k $i; print k }' "$D/axfr.zone")
	[ -n "$ours" ] && [ "$ours" = "$theirs" ]
	check $? "$n: the served KSK is the TPM's, the one DNSKEY with flags 257"
	for tool in $KNOT_CHECKS; do
		fn_ok "$n: $tool validates the served zone from the KSK's DS" knot_check "$tool" "$D" "$ZONE"
	done

	pid=$(cat "$D/knotd.pid")
	knot_stop "$D"
	! kill -0 "$pid" 2>/dev/null &&
		grep -q "DNSSEC, using offline records, DNSKEYs 2, CDNSKEYs 0, CDs 0, RRSIGs 1" "$D/knotd.log"
	check $? "$n: knotd stopped; its log: it used the offline DNSKEY RRset and RRSIG"
}

# TPM 2.0: a token made by the ceremony, as 50-tpm2.t makes it.
tpm_up tpm2
LABEL=knot-tpm2
URI="pkcs11:token=$LABEL?module-path=$MODULE"
export KSKIT_SO_PIN=so-pin-tpm2 KSKIT_PIN=user-pin-tpm2
rc_is 0 "TPM 2.0: ceremony/tpm2-init" env KSKIT="$KSKIT" sh "$TOP/ceremony/tpm2-init" "$LABEL"
out_has "a login with each succeeded" "TPM 2.0: the ceremony proved both PINs"
knot_on_tpm "TPM 2.0" ECDSAP256SHA256 ""
tpm_down

# TPM 1.2: the ceremony, then kskit's own label, as 40-tpm12.t does.
if [ "$(id -u)" -ne 0 ]; then
	check 0 "TPM 1.2 # SKIP the TPM 1.2 stand-in needs root"
	done_testing
fi
tpm_up tpm12
LABEL=knot-tpm12
URI="pkcs11:token=$LABEL?module-path=$MODULE"
export KSKIT_SO_PIN=so-tpm12 KSKIT_PIN=us-tpm12
rc_is 0 "TPM 1.2: ceremony/tpm12-init" sh "$TOP/ceremony/tpm12-init"
out_has "tpm_takeownership: ok" "TPM 1.2: the ceremony took ownership"
KSKIT_CURRENT_SO_PIN=so-tpm12 KSKIT_SO_PIN=so2-tpm1 rc_is 0 "TPM 1.2: kskit token init labels the TPM token" \
	"$KSKIT" token init --yes --label "$LABEL" "pkcs11:token=IBM%20PKCS%2311%20TPM%20Token?module-path=$MODULE"
out_has "a login with each succeeded" "TPM 1.2: token init proved both PINs"
export KSKIT_SO_PIN=so2-tpm1
knot_on_tpm "TPM 1.2" RSASHA256 2048
tpm_down
done_testing
