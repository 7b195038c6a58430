#!/bin/sh
# Key backup between tokens: a DKEK split 3 of 5 among custodians, rebuilt
# into SoftHSM tokens and the opencryptoki soft token; KSKs wrapped under it
# (and, token to token, under a transport key) and restored, signing DNSKEY
# RRsets that ldns verifies with the original DNSKEY; every bad share,
# passphrase and backup file refused with nothing written.
. "$(dirname "$0")/../lib.sh"
standin_start ocksw

OCK=$KSKIT_TEST_MODULE
OCK_SLOT=$KSKIT_TEST_SLOT
FACTORY=$KSKIT_TEST_FACTORY_SO_PIN
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kskit-backup.XXXXXX")
trap 'cd /; umount "$WORK/full" 2>/dev/null; rm -rf "$WORK"; standin_stop' EXIT
cd "$WORK" || exit 1
"$TOP/scripts/start-softhsm" "$WORK/hsm" >/dev/null
export SOFTHSM2_CONF="$WORK/hsm/softhsm2.conf"
HSM=/usr/lib/softhsm/libsofthsm2.so
export KSKIT_PIN=12345678 KSKIT_SO_PIN=12345678
uri() { echo "pkcs11:token=$1?module-path=$2"; }
A=$(uri A $HSM) B=$(uri B $HSM) D=$(uri D $HSM) E=$(uri E $HSM) C=$(uri C "$OCK")

for t in A B D E; do
	softhsm2-util --init-token --free --label "$t" --so-pin "$KSKIT_SO_PIN" \
		--pin "$KSKIT_PIN" >/dev/null || exit 1
done
KSKIT_CURRENT_SO_PIN=$FACTORY rc_is 0 "the opencryptoki soft token" \
	"$KSKIT" token init --label C "pkcs11:slot-id=$OCK_SLOT?module-path=$OCK"

# keygen DIR ALG ARGS...: kskit keygen for example.com into DIR.
keygen() {
	_d=$1 _a=$2
	shift 2
	mkdir -p "$_d" && "$KSKIT" keygen --zone example.com --algorithm "$_a" --output-dir "$_d" \
		"$@" >/dev/null
}
keygen rsa RSASHA256 --backupable --label ksk-rsa "$A" &&
	keygen ec ECDSAP256SHA256 --backupable --label ksk-ec "$A" &&
	keygen locked ECDSAP256SHA256 --label locked "$A" &&
	keygen zsk-rsa RSASHA256 --zsk "$A" && keygen zsk-ec ECDSAP256SHA256 --zsk "$A"
check $? "on SoftHSM token A: RSA and EC KSKs made --backupable, one EC KSK not, two ZSKs"
RSA=$(ls rsa/*.key) EC=$(ls ec/*.key)
RSA_TAG=$(key_tag "$RSA") EC_TAG=$(key_tag "$EC")

# --- the DKEK and its custodians ----------------------------------------------
mkdir pass pass-wrong shares other
for c in alice bob carol dave erin frank grace heidi; do
	echo "passphrase of $c, long enough" >"pass/$c"
	echo "not the passphrase of $c" >"pass-wrong/$c"
done
rc_is 0 "dkek create: 3 of 5, a DKEK from token A's and OpenSSL's randomness" \
	"$KSKIT" dkek create --custodians alice,bob,carol,dave,erin --threshold 3 -d shares \
	--passphrase-dir pass --scrypt-log2n 14 "$A"
KCV=$(printf '%s\n' "$OUT" | sed -n 's/^DKEK key-check value (KCV): \([0-9a-f]\{16\}\)$/\1/p')
[ -n "$KCV" ] && [ "$(ls shares)" = "$(printf '%s.share\n' alice bob carol dave erin)" ] &&
	[ "$(stat -c %a shares/alice.share)" = 600 ]
check $? "five share files (0600), the KCV $KCV printed"
out_has "^shares/erin.share \(.* bytes\)" "each share file's digest for the ceremony log"
rc_is 0 "dkek status on share files" "$KSKIT" dkek status shares/*.share
[ "$(printf '%s\n' "$OUT" | grep -c "DKEK key-check value (KCV): $KCV")" -eq 5 ]
check $? "dkek status: all five carry the KCV, unopened"
rc_is 2 "dkek create: a threshold above the custodians is a usage error" \
	"$KSKIT" dkek create --custodians a,b --threshold 3 -d other
rc_is 1 "dkek create: no terminal and no passphrase directory: refused" \
	"$KSKIT" dkek create --custodians x,y --threshold 2 -d other
[ -z "$(ls other)" ]
check $? "... and nothing written"

# every 3-subset rebuilds the same DKEK; every 2-subset does not
all="alice bob carol dave erin"
name() { echo "$all" | cut -d' ' -f"$1"; }
n3=0 ok3=0 n2=0 ok2=0
for i in 1 2 3 4 5; do
	a=$(name "$i")
	for j in $(seq $((i + 1)) 5); do
		b=$(name "$j")
		run "$KSKIT" dkek import --passphrase-dir pass "shares/$a.share" "shares/$b.share" "$E"
		n2=$((n2 + 1))
		[ "$RC" -eq 1 ] && printf '%s\n' "$ERR" | grep -q "2 of the 3 shares needed: 1 missing" &&
			ok2=$((ok2 + 1))
		for k in $(seq $((j + 1)) 5); do
			c=$(name "$k")
			run "$KSKIT" dkek import --passphrase-dir pass "shares/$a.share" \
				"shares/$b.share" "shares/$c.share" "$B"
			n3=$((n3 + 1))
			[ "$RC" -eq 0 ] && printf '%s\n' "$OUT" | grep -q "(KCV): $KCV$" &&
				ok3=$((ok3 + 1))
		done
	done
done
[ "$n3" -eq 10 ] && [ "$ok3" -eq 10 ]
check $? "all $n3 subsets of 3 shares rebuild the DKEK with KCV $KCV ($ok3)"
[ "$n2" -eq 10 ] && [ "$ok2" -eq 10 ]
check $? "all $n2 subsets of 2 shares are refused: '1 missing' ($ok2)"
rc_is 0 "dkek status of token B" "$KSKIT" dkek status "$B"
out_has "^token B: 1 DKEK$" "token B holds one DKEK, however often it was imported"
out_has "\(KCV\): $KCV$" "... with the KCV"
rc_is 0 "dkek import: bob, carol, erin into token A" \
	"$KSKIT" dkek import --passphrase-dir pass shares/bob.share shares/carol.share \
	shares/erin.share "$A"
out_has "opened; 2 more share\(s\) needed" "each custodian is told how many are still missing"
rc_is 0 "dkek import: into the opencryptoki soft token (RFC 5649 over its AES-ECB)" \
	"$KSKIT" dkek import --passphrase-dir pass shares/alice.share shares/dave.share \
	shares/erin.share "$C"
out_has "over the token's AES-ECB" "... which has no AES key wrap of its own"

# --- bad shares: each its own error, nothing on token E ---------------------
rc_is 1 "a wrong passphrase" "$KSKIT" dkek import --passphrase-dir pass-wrong \
	shares/alice.share shares/bob.share shares/carol.share "$E"
err_has "shares/alice.share: wrong passphrase" "... says so, naming the share"
err_one_line "... in one line"
sed 's/^\(sealed: \)0/\11/; t; s/^\(sealed: \)./\10/' shares/bob.share >bob-flipped.share
rc_is 1 "one byte changed in a share file" "$KSKIT" dkek import --passphrase-dir pass \
	shares/alice.share bob-flipped.share shares/carol.share "$E"
err_has "bob-flipped.share: malformed or damaged DKEK share file \(the file is damaged" \
	"... is damaged, not a wrong passphrase"
head -c 200 shares/carol.share >carol-short.share
rc_is 1 "a truncated share file" "$KSKIT" dkek import --passphrase-dir pass \
	shares/alice.share shares/bob.share carol-short.share "$E"
err_has "carol-short.share: malformed or damaged DKEK share file \(line [0-9]+ has no newline" \
	"... says where it breaks off"
rc_is 0 "a second DKEK, 2 of 2" "$KSKIT" dkek create --custodians frank,grace --threshold 2 \
	-d other --passphrase-dir pass --scrypt-log2n 14
rc_is 1 "a share of another DKEK among them" "$KSKIT" dkek import --passphrase-dir pass \
	shares/alice.share shares/bob.share other/frank.share "$E"
err_has "share 1 \(frank\) belongs to another DKEK than share 1 \(alice\)" "... is named"
rc_is 1 "one share given twice" "$KSKIT" dkek import --passphrase-dir pass \
	shares/alice.share shares/bob.share shares/bob.share "$E"
err_has "share 2 given twice" "... says so"
rc_is 0 "after all that, dkek status of token E" "$KSKIT" dkek status "$E"
out_has "^token E: 0 DKEKs$" "... nothing was written to it"

# --- backup under the DKEK ----------------------------------------------------
rc_is 1 "backup export of every key: one is not extractable" \
	"$KSKIT" backup export --dkek -o all.backup "$A"
err_has "key locked \(tag [0-9]+ as KSK\) is not extractable: made without --backupable" \
	"... is named, with why"
[ ! -e all.backup ]
check $? "... and no file written"
rc_is 0 "backup export --dkek of the RSA KSK" \
	"$KSKIT" backup export --dkek -o rsa.backup "pkcs11:token=A;object=ksk-rsa?module-path=$HSM"
out_has "wrapped ksk-rsa: RSASHA256 key tag $RSA_TAG as KSK" "... by its key tag"
out_has "under the DKEK with key-check value \(KCV\): $KCV" "... and the DKEK's KCV"
rc_is 0 "kskit dkek wrap (the same) of the EC KSK" \
	"$KSKIT" dkek wrap --kcv "$KCV" -o ec.backup "pkcs11:token=A;object=ksk-ec?module-path=$HSM"
# every 3-subset of the shares, into a token of its own, restores the KSK
# with its key tag
n3=0 ok3=0
for i in 1 2 3 4 5; do
	for j in $(seq $((i + 1)) 5); do
		for k in $(seq $((j + 1)) 5); do
			n3=$((n3 + 1))
			softhsm2-util --init-token --free --label "S$n3" --so-pin "$KSKIT_SO_PIN" \
				--pin "$KSKIT_PIN" >/dev/null || continue
			u=$(uri "S$n3" $HSM)
			"$KSKIT" dkek import --passphrase-dir pass "shares/$(name "$i").share" \
				"shares/$(name "$j").share" "shares/$(name "$k").share" "$u" >/dev/null &&
				"$KSKIT" backup import rsa.backup "$u" >/dev/null &&
				"$KSKIT" token show "$u" | grep -q "key tag $RSA_TAG as KSK" &&
				ok3=$((ok3 + 1))
		done
	done
done
[ "$n3" -eq 10 ] && [ "$ok3" -eq 10 ]
check $? "each of the $n3 subsets of 3 shares, on a token of its own, restores key tag $RSA_TAG ($ok3)"
rc_is 0 "backup show" "$KSKIT" backup show rsa.backup
out_has "^ksk-rsa: RSASHA256, id [0-9a-f]{40}, key tag $RSA_TAG as KSK" "... label, id, key tags"
out_has "wrapped under the DKEK with KCV $KCV" "... and the KEK"
grep -q "^kek: dkek $KCV$" rsa.backup && ! grep -qi "private" rsa.backup
check $? "the file names its KEK and carries nothing in the clear"
ln -s "$KSKIT" pkcs11-backup
rc_is 0 "the same program as pkcs11-backup" ./pkcs11-backup show ec.backup
out_has "^ksk-ec: ECDSAP256SHA256" "... reads the file"

rc_is 0 "backup import of the RSA KSK into SoftHSM token B" "$KSKIT" backup import rsa.backup "$B"
rc_is 0 "kskit dkek unwrap (the same) of the EC KSK into token B" \
	"$KSKIT" dkek unwrap ec.backup "$B"
out_has "restored ksk-ec: ECDSAP256SHA256 key tag $EC_TAG as KSK.*verified in software" \
	"... token B signs with them, verified in software"
rc_is 0 "backup import of the RSA KSK into the opencryptoki token C" \
	"$KSKIT" backup import rsa.backup "$C"
out_has "restored ksk-rsa: RSASHA256 key tag $RSA_TAG as KSK.*verified in software" \
	"... token C signs with it, verified in software"
before=$("$KSKIT" token show "$C" 2>/dev/null | grep -c '^[a-z-]*-key ')
rc_is 1 "the EC KSK into token C: opencryptoki 3.8 has no ECDSA" \
	"$KSKIT" backup import ec.backup "$C"
err_has "the token does not offer the mechanism needed \(ksk-ec: ECDSAP256SHA256 needs" "... says so"
[ "$("$KSKIT" token show "$C" 2>/dev/null | grep -c '^[a-z-]*-key ')" -eq "$before" ]
check $? "... and leaves nothing on the token"
rc_is 0 "backup import again: nothing to do" "$KSKIT" backup import rsa.backup "$B"
out_has "ksk-rsa: on the token already" "... says the key is there"

# signed SKR ZSK: the KSK's first response bundle verifies with ldns from
# the original DNSKEY file ($OUT of the signing).
START=$((($(date +%s) / 3600 + 1) * 3600))
SOA="example.com. 3600 IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 3600"
signed() {
	_skr=$1 _zsk=$2 _key=$3 _uri=$4
	rm -f "$_skr" "$_skr.ksr"
	"$KSKIT" ksr --zsk "$(ls "$_zsk"/*.key)" --periods 2 --start "$START" \
		--output "$_skr.ksr" >/dev/null &&
		"$KSKIT" sign --yes --ksk "$_key" --output "$_skr" "$_uri" "$_skr.ksr" >/dev/null || return 1
	{
		echo "$SOA"
		awk '/^;; SignedKeyResponse 1\.0 [0-9]+ \(/ { b++; next }
			b != 1 || /^;/ || NF == 0 { next }
			$4 == "DNSKEY" || ($4 == "RRSIG" && $5 == "DNSKEY")' "$_skr"
	} >"$_skr.zone"
	ldns-verify-zone -a -k "$_key" -t "$(date -u -d "@$((START + 3600))" +%Y%m%d%H%M%S)" \
		"$_skr.zone" >"$_skr.ldns" 2>&1
	grep -q "Cannot chase the root: All OK" "$_skr.ldns" && ! grep -q "DNSKEY" "$_skr.ldns"
}
signed B-rsa.skr zsk-rsa "$RSA" "$B"
check $? "token B: the restored RSA KSK signs a DNSKEY RRset; ldns verifies it with $RSA"
signed B-ec.skr zsk-ec "$EC" "$B"
check $? "token B: the restored EC KSK signs a DNSKEY RRset; ldns verifies it with $EC"
signed C-rsa.skr zsk-rsa "$RSA" "$C"
check $? "token C: the restored RSA KSK signs a DNSKEY RRset; ldns verifies it with $RSA"

# --- bad backup files: nothing written ------------------------------------------
count() { "$KSKIT" token show "$1" 2>/dev/null | grep -c '^[a-z-]*-key '; }
before=$(count "$D")
sed 's/^\(wrapped-key: \)A/\1B/; t; s/^\(wrapped-key: \)./\1A/' rsa.backup >flipped.backup
rc_is 1 "one character changed in a backup file" "$KSKIT" backup import flipped.backup "$B"
err_has "malformed or damaged key backup file \(record ending at line [0-9]+ is damaged" \
	"... is damaged"
head -c 600 rsa.backup >short.backup
rc_is 1 "a truncated backup file" "$KSKIT" backup import short.backup "$B"
err_has "malformed or damaged key backup file \(line [0-9]+ has no newline\)" "... says where"
# a wrapped key altered and the check value made anew: the key wrap's own
# integrity check (on token E once it has the DKEK, and on token C)
forge() {
	sed 's/^\(wrapped-key: \)A/\1B/; t; s/^\(wrapped-key: \)./\1A/' "$1" |
		awk '/^check: / { exit } { print }' >"$2"
	echo "check: $(sha256sum "$2" | cut -d' ' -f1)" >>"$2"
}
forge rsa.backup forged-rsa.backup
forge ec.backup forged-ec.backup
rc_is 1 "the EC KSK altered inside its wrap: opencryptoki (RFC 5649 checked by kskit)" \
	"$KSKIT" backup import forged-ec.backup "$C"
err_has "integrity check failed" "... says no"
rc_is 1 "a token without the DKEK" "$KSKIT" backup import rsa.backup "$D"
err_has "no DKEK on the token with that key-check value" "... says so"
[ "$(count "$D")" -eq "$before" ] && [ "$(count "$B")" -eq 5 ] && [ "$(count "$C")" -eq 3 ]
check $? "none of these wrote an object"
full_disk "backup export onto a full disk" "$KSKIT" backup export --dkek -o "$WORK/full/x.backup" \
	"pkcs11:token=A;object=ksk-ec?module-path=$HSM"

# --- token to token: a transport key, no DKEK -----------------------------------
rc_is 0 "backup transport: token D's RSA transport key" \
	"$KSKIT" backup transport -o d-transport.pem "$D"
out_has "^d-transport.pem \([0-9]+ bytes\)" "... its digest, to read out"
rc_is 0 "backup export --to token D, from token A" "$KSKIT" backup export --to d-transport.pem \
	-o to-d.backup "pkcs11:token=A;object=ksk-ec?module-path=$HSM"
grep -q "^kek: rsa-oaep-sha1$" to-d.backup && grep -q "^kek-wrapped: " to-d.backup
check $? "the file carries the AES key wrapped for D's transport key"
rc_is 1 "token E, without that transport key, cannot import it" \
	"$KSKIT" backup import to-d.backup "$E"
err_has "the backup is for a transport key this token does not have" "... says so"
rc_is 0 "token D imports it" "$KSKIT" backup import to-d.backup "$D"
signed D-ec.skr zsk-ec "$EC" "$D"
check $? "token D: the EC KSK signs; ldns verifies it with $EC"
rc_is 0 "backup transport on the opencryptoki token" \
	"$KSKIT" backup transport -o c-transport.pem "$C"
"$KSKIT" token delete --yes "pkcs11:token=C;object=ksk-rsa;type=private?module-path=$OCK" >/dev/null &&
	"$KSKIT" token delete --yes "pkcs11:token=C;object=ksk-rsa;type=public?module-path=$OCK" >/dev/null
check $? "the RSA KSK deleted from token C"
rc_is 0 "backup export --to token C" "$KSKIT" backup export --to c-transport.pem \
	-o to-c.backup "pkcs11:token=A;object=ksk-rsa?module-path=$HSM"
rc_is 0 "token C imports it (OAEP, then RFC 5649 over its AES-ECB)" \
	"$KSKIT" backup import to-c.backup "$C"
signed C2-rsa.skr zsk-rsa "$RSA" "$C"
check $? "token C: the RSA KSK signs again; ldns verifies it with $RSA"

# --- the same DKEK for new custodians ---------------------------------------------
mkdir new
rc_is 0 "dkek resplit: from alice, carol, dave to 2 of 3 new custodians" \
	"$KSKIT" dkek resplit --custodians frank,grace,heidi --threshold 2 -d new \
	--passphrase-dir pass --scrypt-log2n 14 shares/alice.share shares/carol.share \
	shares/dave.share
out_has "DKEK, unchanged, key-check value \(KCV\): $KCV" "... the KCV is unchanged"
rc_is 0 "two new shares rebuild it into token E" "$KSKIT" dkek import --passphrase-dir pass \
	new/grace.share new/heidi.share "$E"
out_has "\(KCV\): $KCV$" "... the same DKEK"
rc_is 1 "the RSA KSK altered inside its wrap: SoftHSM's C_UnwrapKey" \
	"$KSKIT" backup import forged-rsa.backup "$E"
err_has "another wrapping key, or a damaged blob" "... says no"
rc_is 0 "token E restores the old backup" "$KSKIT" backup import ec.backup "$E"
rc_is 1 "an old share and a new one do not mix" "$KSKIT" dkek import --passphrase-dir pass \
	shares/alice.share new/frank.share "$E"
err_has "belongs to another DKEK" "... the sets differ"

# --- the ceremony: a backup token of the KSK ---------------------------------------
mkdir stick
slot=$("$KSKIT" token list --module "$HSM" 2>/dev/null | sed -n 's/^ *uri: \(pkcs11:slot-id=[0-9]*\).*/\1/p' | head -n 1)
run env KSKIT="$KSKIT" "$TOP/ceremony/backup-ksk" -y -P pass -l F stick \
	"pkcs11:token=A;object=ksk-rsa?module-path=$HSM" "$slot?module-path=$HSM" \
	shares/bob.share shares/dave.share shares/erin.share
check "$RC" "ceremony/backup-ksk: the KSK onto a new backup token F"
out_has "^source +DKEK KCV: $KCV +KSK key tags: $RSA_TAG $" "... source: the KCV and key tag"
out_has "^backup +DKEK KCV: $KCV +KSK key tags: $RSA_TAG $" "... backup: the same, side by side"
log=$(ls stick/backup-ksk-*.log) && ls stick/ksk-*.backup >/dev/null &&
	grep -q "the same KSK under the same DKEK" "$log" && [ ! -e "$log.part" ]
check $? "... the log and the wrapped KSK are on the stick"
run env KSKIT="$KSKIT" "$TOP/ceremony/backup-ksk" -y -P pass -l G stick \
	"pkcs11:token=A?module-path=$HSM" "$slot?module-path=$HSM" shares/bob.share
[ "$RC" -eq 1 ] && printf '%s\n' "$ERR" | grep -q "SOURCE must name the KSK"
check $? "ceremony/backup-ksk: a source URI that names no key is refused"

done_testing
