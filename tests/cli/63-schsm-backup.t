#!/bin/sh
# Backup cards, the seeds' SmartCard-HSM way, driven by kskit through the
# real OpenSC (opensc-pkcs11.so, sc-hsm-tool, pkcs15-tool) against two
# emulated SmartCard-HSMs (scripts/start-schsm): custodian shares made from
# card 1's RNG give both cards the same DKEK (the card's KCV is kskit's), a
# KSK made on card 1 is wrapped by the card, unwrapped on card 2, and signs
# a DNSKEY RRset there that ldns verifies with the original DNSKEY; a card
# given another DKEK (from an sc-hsm-tool share file whose n-of-m password
# starts with a zero byte) refuses the wrapped key.
. "$(dirname "$0")/../lib.sh"
[ "$(id -u)" -eq 0 ] || skip_all "pcscd's socket is machine-wide: needs root"
: "${KSKIT_SCHSM_EMU:=$(dirname "$KSKIT")/cards/sc-hsm-emu}"
export KSKIT_SCHSM_EMU
KSKIT_SCHSM_CARDS=2
export KSKIT_SCHSM_CARDS
standin_start schsm
MODULE=$KSKIT_TEST_MODULE
PY=/usr/bin/python3
REF=$TESTS_DIR/tools/schsm-share.py
SO=3537363231383830
export KSKIT_PIN=648219
URI1="pkcs11:token=KSK-one%20(UserPIN)?module-path=$MODULE"
URI2="pkcs11:token=KSK-two%20(UserPIN)?module-path=$MODULE"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kskit-schsm-backup.XXXXXX")
trap 'cd /; rm -rf "$WORK"; standin_stop' EXIT
cd "$WORK" || exit 1
kcv() { printf '%s' "$1" | xxd -r -p | sha256sum | cut -c1-16; }
kcv_of_output() { printf '%s\n' "$OUT" | sed -n 's/.*key-check value (KCV): \([0-9a-f]*\)$/\1/p' | tail -n 1; }

# tokens N: wait until OpenSC lists N tokens (the cards after a change).
tokens() {
	_i=100
	until [ "$(pkcs11-tool --module "$MODULE" -L 2>/dev/null | grep -c 'token label')" -eq "$1" ]; do
		_i=$((_i - 1))
		[ "$_i" -gt 0 ] || return 1
		sleep 0.1
	done
}
tokens 2
rc_is 0 "sc-hsm-tool --initialize card 1 for one DKEK share" sc-hsm-tool -r 0 --initialize \
	--so-pin "$SO" --pin "$KSKIT_PIN" --dkek-shares 1 --label KSK-one
rc_is 0 "sc-hsm-tool --initialize card 2 for one DKEK share" sc-hsm-tool -r 1 --initialize \
	--so-pin "$SO" --pin "$KSKIT_PIN" --dkek-shares 1 --label KSK-two

# --- the custodians' DKEK into both cards -----------------------------------------
mkdir pass shares
for c in alice bob carol; do echo "passphrase of $c, long enough" >"pass/$c"; done
rc_is 0 "dkek create: 2 of 3, from card 1's RNG" "$KSKIT" dkek create \
	--custodians alice,bob,carol --threshold 2 -d shares --passphrase-dir pass --scrypt-log2n 14 \
	"$URI1"
KCV=$(kcv_of_output)
rc_is 0 "dkek status of card 1 before" "$KSKIT" dkek status "$URI1"
out_has "a DKEK of 1 share, 1 missing" "card 1 waits for its one share"
rc_is 0 "dkek import: alice and bob into card 1 (through sc-hsm-tool)" \
	"$KSKIT" dkek import --passphrase-dir pass shares/alice.share shares/bob.share "$URI1"
out_has "imported into the SmartCard-HSM" "... as the card's one share"
rc_is 0 "dkek import: bob and carol into card 2" \
	"$KSKIT" dkek import --passphrase-dir pass shares/bob.share shares/carol.share "$URI2"
for n in 1 2; do
	rc_is 0 "dkek status of card $n" "$KSKIT" dkek status "$(eval echo "\$URI$n")"
	out_has "a DKEK of 1 share, 0 missing" "card $n has its DKEK"
	[ "$(kcv_of_output)" = "$KCV" ]
	check $? "card $n shows the KCV kskit printed at dkek create ($KCV)"
done
rc_is 0 "sc-hsm-tool agrees" sc-hsm-tool -r 1
out_has "DKEK key check value : $(echo "$KCV" | tr a-f A-F)" "... card 2's KCV, in its own words"

# --- a KSK made on card 1, wrapped by it, unwrapped on card 2 ---------------------
mkdir keys zsk
rc_is 0 "kskit keygen: an ECDSAP256SHA256 KSK on card 1" "$KSKIT" keygen --zone example.com \
	--algorithm ECDSAP256SHA256 --label ksk --output-dir keys "$URI1"
KEY=$(ls keys/*.key)
TAG=$(key_tag "$KEY")
rc_is 0 "kskit keygen: a ZSK from card 1's RNG" "$KSKIT" keygen --zsk --zone example.com \
	--algorithm ECDSAP256SHA256 --output-dir zsk "$URI1"
rc_is 0 "backup export --dkek: card 1 wraps the KSK" "$KSKIT" backup export --dkek \
	-o card.backup "pkcs11:token=KSK-one%20(UserPIN);object=ksk?module-path=$MODULE"
out_has "wrapped ksk: ECDSAP256SHA256 key tag $TAG as KSK" "... by its key tag"
grep -q '^wrap: sc-hsm-tool$' card.backup && grep -q "^kek: dkek $KCV$" card.backup
check $? "the file holds the card's own wrapped key, under the DKEK"
rc_is 0 "backup show" "$KSKIT" backup show card.backup
out_has "wrapped by a SmartCard-HSM under the DKEK with KCV $KCV" "... says what wrapped it"
rc_is 0 "backup import onto card 2" "$KSKIT" backup import card.backup "$URI2"
out_has "restored ksk: ECDSAP256SHA256 key tag $TAG as KSK.*by the card; it signs, verified in software" \
	"card 2 holds the KSK, and it signs"
rc_is 0 "token show of card 2" "$KSKIT" token show "$URI2"
out_has "key tag $TAG as KSK" "... the same key tag as card 1's"

START=$((($(date +%s) / 3600 + 1) * 3600))
"$KSKIT" ksr --zsk "$(ls zsk/*.key)" --periods 2 --start "$START" --output req.ksr >/dev/null &&
	"$KSKIT" sign --yes --ksk "$KEY" --output resp.skr "$URI2" req.ksr >/dev/null
check $? "kskit sign with the KSK on card 2"
{
	echo "example.com. 3600 IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 3600"
	awk '/^;; SignedKeyResponse 1\.0 [0-9]+ \(/ { b++; next }
		b != 1 || /^;/ || NF == 0 { next }
		$4 == "DNSKEY" || ($4 == "RRSIG" && $5 == "DNSKEY")' resp.skr
} >bundle.zone
ldns-verify-zone -a -k "$KEY" -t "$(date -u -d "@$((START + 3600))" +%Y%m%d%H%M%S)" bundle.zone \
	>ldns.out 2>&1
grep -q "Cannot chase the root: All OK" ldns.out && ! grep -q "DNSKEY" ldns.out
check $? "ldns-verify-zone: card 2's signature verifies with card 1's DNSKEY ($KEY)"

# --- another DKEK on card 2: an sc-hsm-tool share, n-of-m password 00... ----------
rc_is 0 "sc-hsm-tool --initialize card 2 again" sc-hsm-tool -r 1 --initialize --so-pin "$SO" \
	--pin "$KSKIT_PIN" --dkek-shares 1 --label KSK-two
tokens 2
share=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
pw=00a1b2c3d4e5f607
"$PY" -c '
import sys
p = 2**64 - 59
s = int(sys.argv[1], 16)
a = 0x1234567890abcdef % p
for x in (1, 2):
    y = (s + a * x) % p
    hx = lambda v: ":".join("%02x" % b for b in v.to_bytes(8, "big").lstrip(b"\0"))
    with open("screen%d" % x, "w") as f:
        f.write("Share %d of 2\n\n\nPrime       : %s\nShare ID    : %d\nShare value : %s\n" % (x, hx(p), x, hx(y)))
' "$pw" && mkdir screens && mv screen1 screen2 screens/ &&
	"$PY" "$REF" --iter 1000 --hex-password encrypt "$pw" "$share" other.dkek >/dev/null
check $? "an sc-hsm-tool share file whose password (00a1...) is split 2 of 2"
rc_is 0 "dkek import --sc-hsm of it into card 2, from the two screens" \
	"$KSKIT" dkek import --sc-hsm --iterations 1000 --password-shares 2 --password-screens screens \
	other.dkek "$URI2"
[ "$(kcv_of_output)" = "$(kcv "$share")" ]
check $? "... card 2's KCV is the share's ($(kcv "$share")): the leading zero byte was kept"
rc_is 1 "backup import onto card 2 with the other DKEK" "$KSKIT" backup import card.backup "$URI2"
err_has "the card has not the DKEK the key is wrapped under" "... is refused, saying why"
err_one_line "... in one line"

# --- ceremony/backup-ksk, card to card -----------------------------------------------
mkdir stick
run env KSKIT="$KSKIT" KSKIT_SO_PIN="$SO" KSKIT_CURRENT_SO_PIN="$SO" "$TOP/ceremony/backup-ksk" \
	-y -P pass -l KSK-backup stick "pkcs11:token=KSK-one%20(UserPIN);object=ksk?module-path=$MODULE" \
	"pkcs11:serial=KSKEMU00002?module-path=$MODULE" shares/alice.share shares/carol.share
check "$RC" "ceremony/backup-ksk: card 2 erased, given the DKEK, and the KSK of card 1"
out_has "^source +DKEK KCV: $KCV +KSK key tags: $TAG $" "... source: card 1's KCV and key tag"
out_has "^backup +DKEK KCV: $KCV +KSK key tags: $TAG $" "... backup: card 2 shows the same"
ls stick/backup-ksk-*.log stick/ksk-*.backup >/dev/null
check $? "... the log and the wrapped KSK are on the stick"

done_testing
