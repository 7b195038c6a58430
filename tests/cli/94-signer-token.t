#!/bin/sh
# kskit signer with its ZSK on a token (the seeds' demos 3 to 5: online
# smartcard or TPM ZSKs, the .cr setup's hourly TPM re-signing), and
# incremental signing: kskit keygen --zsk --on-token makes the ZSK on the
# token, kskit sign signs the request with the KSK, and kskit signer --skr
# --token signs the zone with the token, then keeps every signature that
# still holds and makes only the rest: the SOA's after a run without
# edits, an edited RRset's, a new name's and its neighbour's NSEC, a
# signature someone altered, all of them after the refresh point or with
# --full.  Each signed zone passes ldns-verify-zone, dnssec-verify and
# kzonecheck; threads change nothing but the time.  Bad input (wrong PIN,
# the ZSK missing from the token, options that do not go together): one
# error, the signed zone as it was.  On SoftHSM, then the TPM 2.0
# stand-in (tpm2-pkcs11).
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/knot.sh"
knot_require 2>/dev/null || skip_all "$(knot_require 2>&1)"
standin_start softhsm

export KSKIT_PIN=123456
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kskit-signer-token.XXXXXX")
trap 'cd /; rm -rf "$WORK"; standin_stop' EXIT
cd "$WORK" || exit 1

cat >zone.db <<'EOF'
$ORIGIN example.com.
$TTL 3600
@	SOA	ns1 hostmaster 2026113001 7200 3600 1209600 300
	NS	ns1
	MX	10 mail
ns1	A	192.0.2.1
mail	A	192.0.2.25
www	A	192.0.2.10
	AAAA	2001:db8::10
a.b.c	TXT	"empty non-terminals above"
*.wild	A	192.0.2.99
secure	NS	ns.secure
	DS	12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ns.secure	A	192.0.2.54
EOF

# token_keys URI: a KSK and a ZSK made on the token, a response signed for
# three periods from an hour ago; ZSK, TAG and ksk.ds set.
token_keys() {
	mkdir -p ksk zsk &&
		"$KSKIT" keygen --zone example.com --algorithm ECDSAP256SHA256 --output-dir ksk "$1" >/dev/null &&
		run "$KSKIT" keygen --zone example.com --algorithm ECDSAP256SHA256 --zsk --on-token \
			--output-dir zsk "$1"
	ZSK=$(ls zsk/*.key 2>/dev/null)
	TAG=$(key_tag "$ZSK")
	awk '$4 == "DS" && $7 == 2' ksk/*.ds >ksk.ds
	START=$((($(date +%s) / 3600 - 1) * 3600))
	[ "$RC" -eq 0 ] && "$KSKIT" ksr --zsk "$ZSK" --periods 3 --start "$START" --output req.ksr >/dev/null &&
		"$KSKIT" sign --yes --ksk ksk/*.key --output resp.skr "$1" req.ksr >/dev/null
}

# sign NAME [OPTIONS]: kskit signer on the token into signed, run as a
# test; MADE and KEPT are what it says.
sign() {
	_n=$1
	shift
	rc_is 0 "$_n" "$KSKIT" signer --zone example.com. --input zone.db --output signed \
		--skr resp.skr --token "$URI" "$@"
	MADE=$(printf '%s\n' "$OUT" | sed -n 's/.*: \([0-9]*\) signatures made, [0-9]* kept$/\1/p')
	KEPT=$(printf '%s\n' "$OUT" | sed -n 's/.*, \([0-9]*\) kept$/\1/p')
}

# zsk_sigs FILE: the ZSK's RRSIG lines, sorted.
zsk_sigs() {
	awk -v tag="$TAG" '$4 == "RRSIG" && $11 == tag' "$1" | sort
}

URI="pkcs11:token=signer?module-path=$KSKIT_TEST_MODULE"
softhsm2-util --init-token --free --label signer --so-pin 12345678 --pin "$KSKIT_PIN" >/dev/null
softhsm2-util --init-token --free --label empty --so-pin 12345678 --pin "$KSKIT_PIN" >/dev/null
token_keys "$URI"
check $? "SoftHSM: a KSK and a ZSK made on the token, the request signed"
out_has "^ZSK Kexample\.com\.\+013\+0*$TAG on the token: pkcs11:.*token=signer" \
	"keygen --zsk --on-token says the ZSK is on the token"
grep -q "^example.com.	3600	IN	DNSKEY	256 3 13 " "$ZSK" && grep -q '^Engine: pkcs11' "${ZSK%.key}.private" &&
	grep -q '^Label: pkcs11:.*type=private' "${ZSK%.key}.private" && ! grep -q PrivateKey: "${ZSK%.key}.private"
check $? "its .key has flags 256; its .private names the token's key, no key material"
rc_is 0 "kskit token show" "$KSKIT" token show "$URI"
out_has "key tag [0-9]+ as KSK \(flags 257\), $TAG as ZSK" "the token holds the ZSK $TAG"
rc_is 2 "keygen --on-token without --zsk: usage error" "$KSKIT" keygen --zone example.com \
	--on-token "$URI"

# --- the first run and the steady state ------------------------------------------
sign "kskit signer --token: the first run"
all=$(zsk_sigs signed | wc -l)
[ "$MADE" -eq "$all" ] && [ "$KEPT" -eq 0 ] && [ "$all" -ge 15 ]
check $? "every one of the $all ZSK signatures made by the token ($MADE made, $KEPT kept)"
zone_valid example.com. ksk.ds signed
check $? "ldns-verify-zone, dnssec-verify and kzonecheck accept the zone"
cp signed first

T1=$((START + 2 * 3600))
sign "an hour later, nothing edited" --now "$T1"
[ "$MADE" -eq 1 ] && [ "$KEPT" -eq $((all - 1)) ]
check $? "only the SOA (its serial moved) signed again: $MADE made, $KEPT kept"
zsk_sigs first | grep -v '	RRSIG	SOA ' >first.sigs
zsk_sigs signed | grep -v '	RRSIG	SOA ' | cmp -s - first.sigs && [ "$(wc -l <first.sigs)" -eq $((all - 1)) ]
check $? "the other signatures are the first run's, unchanged"
zone_valid example.com. ksk.ds signed "$T1"
check $? "the zone validates"

sed -i 's/^www	A	192.0.2.10/www	A	192.0.2.11/' zone.db
sign "www's A record edited" --now "$T1"
[ "$MADE" -eq 2 ] && grep -q "^www.example.com.	3600	IN	A	192.0.2.11" signed
check $? "its RRset and the SOA signed again ($MADE made)"
zone_valid example.com. ksk.ds signed "$T1"
check $? "the zone validates"

echo 'new	A	192.0.2.77' >>zone.db
sign "a new name" --now "$T1"
[ "$MADE" -eq 4 ]
check $? "its A and NSEC, mail's NSEC (its next name changed) and the SOA: $MADE made"
zone_valid example.com. ksk.ds signed "$T1"
check $? "the zone validates"

sed -i 's/^mail	A	192.0.2.25/mail	60	A	192.0.2.25/' zone.db
sign "mail's TTL changed" --now "$T1"
[ "$MADE" -eq 2 ]
check $? "the RRset with its new TTL signed again ($MADE made)"

# one byte of the signature over www's AAAA RRset altered
awk '$4 == "RRSIG" && $5 == "AAAA" { $NF = ($NF ~ /^A/ ? "B" : "A") substr($NF, 2) } { print }' OFS='\t' \
	signed >altered && cp altered signed
sign "a kept signature altered in the signed zone" --now "$T1"
[ "$MADE" -eq 2 ]
check $? "it does not verify, so it is made again, with the SOA's ($MADE made)"
zone_valid example.com. ksk.ds signed "$T1"
check $? "the zone validates"

sign "--threads 1" --now "$T1" --threads 1 --full
grep -v -e RRSIG -e '	SOA	' signed >one.thread
sign "--threads 4" --now "$T1" --threads 4 --full
grep -v -e RRSIG -e '	SOA	' signed | cmp -s - one.thread && [ "$MADE" -eq "$(zsk_sigs signed | wc -l)" ] && [ "$KEPT" -eq 0 ]
check $? "--full makes every signature; 1 or 4 threads write the same records (but the serial), in the same order"
zone_valid example.com. ksk.ds signed "$T1"
check $? "the zone validates"

T8=$((START + 8 * 86400))
sign "8 days later: past the refresh point (half the 14-day validity)" --now "$T8"
[ "$KEPT" -eq 0 ]
check $? "no signature kept ($MADE made)"
zone_valid example.com. ksk.ds signed "$T8"
check $? "the zone validates 8 days on"
T9=$((T8 + 3600))
sign "--refresh 1d an hour later" --now "$T9" --refresh 1d
[ "$MADE" -eq 1 ]
check $? "with a shorter refresh, they are kept again ($MADE made)"

sign "--warn 40d" --now "$T9" --warn 40d
out_has "WARNING: the keys reach only to .*, less than 40 days from now: time for the next ceremony" \
	"the response's bundles reach less than 40 days: a WARNING line"

# --- bad input ----------------------------------------------------------------------
cp signed before
KSKIT_PIN=654321 rc_is 1 "a wrong PIN: exit 1" "$KSKIT" signer --zone example.com. --input zone.db \
	--output signed --skr resp.skr --token "$URI"
err_has "PIN" "it says the PIN is wrong"
cmp -s signed before
check $? "the signed zone is as it was"
rc_is 1 "a token without the ZSK: exit 1" "$KSKIT" signer --zone example.com. --input zone.db \
	--output signed --skr resp.skr --token "pkcs11:token=empty?module-path=$KSKIT_TEST_MODULE"
err_has "no private key for the active ZSK $TAG" "it says which ZSK is missing"
err_one_line "one error line"
cmp -s signed before
check $? "the signed zone is as it was"
rc_is 2 "--token and --zsk together: usage error" "$KSKIT" signer --zone example.com. \
	--input zone.db --output signed --skr resp.skr --token "$URI" --zsk "${ZSK%.key}.private"
rc_is 2 "--module without --token: usage error" "$KSKIT" signer --zone example.com. \
	--input zone.db --output signed --skr resp.skr --zsk x --module /nonexistent.so
rc_is 2 "--threads 0: usage error" "$KSKIT" signer --zone example.com. --input zone.db \
	--output signed --skr resp.skr --token "$URI" --threads 0
rc_is 2 "refresh plus jitter beyond the validity: usage error" "$KSKIT" signer --zone example.com. \
	--input zone.db --output signed --skr resp.skr --token "$URI" --validity 4d --refresh 3d
err_has "refresh plus jitter" "it says why"
cmp -s signed before
check $? "the signed zone is still as it was"

# --- the TPM 2.0 stand-in -----------------------------------------------------------
standin_stop
rm -rf ksk zsk signed ./*.ksr ./*.skr
standin_start tpm2
export KSKIT_SO_PIN=so-pin-tpm2 KSKIT_PIN=user-pin-tpm2
URI="pkcs11:token=signer?module-path=$KSKIT_TEST_MODULE"
rc_is 0 "TPM 2.0: ceremony/tpm2-init" env KSKIT="$KSKIT" sh "$TOP/ceremony/tpm2-init" signer
token_keys "$URI"
check $? "TPM 2.0: a KSK and a ZSK made on the TPM, the request signed"
t0=$(date +%s)
sign "TPM 2.0: kskit signer --token, the first run"
echo "# the TPM 2.0 stand-in made $MADE signatures in $(($(date +%s) - t0)) s"
all=$(zsk_sigs signed | wc -l)
[ "$MADE" -eq "$all" ] && [ "$KEPT" -eq 0 ]
check $? "TPM 2.0: every ZSK signature made by the TPM ($MADE)"
zone_valid example.com. ksk.ds signed
check $? "TPM 2.0: the zone validates"
sed -i 's/^www	A	192.0.2.11/www	A	192.0.2.12/' zone.db
sign "TPM 2.0: an hour later, www's A edited" --now "$((START + 2 * 3600))"
[ "$MADE" -eq 2 ] && [ "$KEPT" -eq $((all - 2)) ]
check $? "TPM 2.0: the edited RRset and the SOA made, the rest kept ($MADE made, $KEPT kept)"
zone_valid example.com. ksk.ds signed "$((START + 2 * 3600))"
check $? "TPM 2.0: the zone validates"

done_testing
