#!/bin/sh
# The seeds' smartcard demos on two emulated SmartCard-HSMs behind the real
# OpenSC (scripts/start-schsm): "offline smart card KSK + online software
# ZSKs" (tests/demo.sh: kskit token init, keygen, ceremony/keybundles, the
# signer, knotd, delv), then "offline smart card KSK + online smart card
# ZSKs": the ZSK made on card 2, its request signed by card 1's KSK through
# ceremony/sign-ksr, the zone signed by card 2; and Knot's offline KSK
# round trip with card 1's KSK (keymgr generate-ksr, kskit sign,
# validate-skr, import-skr, knotd, delv).  Then card 2 slowed down to
# a real card's pace: the signer and kskit sign say how far they are.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/knot.sh"
. "$TESTS_DIR/demo.sh"
[ "$(id -u)" -eq 0 ] || skip_all "pcscd's socket is machine-wide: needs root"
knot_require 2>/dev/null || skip_all "$(knot_require 2>&1)"
: "${KSKIT_SCHSM_EMU:=$(dirname "$KSKIT")/cards/sc-hsm-emu}"
export KSKIT_SCHSM_EMU
KSKIT_SCHSM_CARDS=2
export KSKIT_SCHSM_CARDS
standin_start schsm

# A SmartCard-HSM's SO PIN is 16 hex digits, its user PIN 6 to 16 characters.
export KSKIT_SO_PIN=3537363231383830 KSKIT_PIN=648219 KSKIT_BUNDLE_PASSPHRASE="correct horse battery staple"
MODULE=$KSKIT_TEST_MODULE
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kskit-demo-schsm.XXXXXX")
D=$WORK/served
trap 'cd /; knot_stop "$D"; knot_stop "$WORK/knot"; rm -rf "$WORK"; standin_stop' EXIT

# --- demo 1: offline smart card KSK, online software ZSKs ------------------
demo "SmartCard-HSM" ECDSAP256SHA256 offline-card "pkcs11:serial=KSKEMU00001?module-path=$MODULE" \
	passphrase "offline-card%20(UserPIN)"
KSK=$(ls "$WORK"/keys/K*.key)
CARD1="pkcs11:token=offline-card%20(UserPIN)?module-path=$MODULE"
CARD2="pkcs11:token=online-card%20(UserPIN)?module-path=$MODULE"

# --- demo 3: offline smart card KSK, online smart card ZSKs --------------------
cd "$WORK" || exit 1
rc_is 0 "online card: kskit token init (carderase)" "$KSKIT" token init --yes --label online-card \
	--dkek-shares 0 "pkcs11:serial=KSKEMU00002?module-path=$MODULE"
mkdir zsk stick2
rc_is 0 "online card: kskit keygen --zsk --on-token (genzsk-sc)" "$KSKIT" keygen --zsk \
	--on-token --zone example.com --algorithm ECDSAP256SHA256 --output-dir zsk "$CARD2"
ZSK=$(ls zsk/*.key)
TAG=$(key_tag "$ZSK")
START=$((($(date +%s) / 3600 - 1) * 3600))
"$KSKIT" ksr --zsk "$ZSK" --periods 3 --start "$START" --output stick2/example.com.ksr >/dev/null
check $? "the online side's request for 3 periods, onto the stick"
run env KSKIT="$KSKIT" "$TOP/ceremony/sign-ksr" -y -k "$KSK" "$WORK/stick2" example.com.ksr "$CARD1"
[ "$RC" -eq 0 ] && [ -s stick2/example.com.skr ] && ls stick2/sign-ksr-*.log >/dev/null
check $? "offline card: ceremony/sign-ksr signs it with the KSK (cardsign-sc), log on the stick"
rc_is 0 "online card: kskit signer --token (signemd-sc)" "$KSKIT" signer --zone example.com. \
	--input zone.db --output signed-sc --skr stick2/example.com.skr --token "$CARD2"
sigs=$(awk -v tag="$TAG" '$4 == "RRSIG" && $11 == tag' signed-sc | wc -l)
zone_valid example.com. ksk.ds signed-sc
check $? "ldns-verify-zone, kzonecheck and dnssec-verify accept it: $sigs signatures by the online card"

# --- Knot's offline KSK with the KSK on card 1 ------------------------------------
K=$WORK/knot
mkdir -p "$K"
fn_ok "Knot: ZSK side: keymgr pregenerate and generate-ksr" knot_zsk_side "$K" example.com. \
	ECDSAP256SHA256
fn_ok "Knot: kskit sign, the KSK on card 1" knot_sign_kskit "$K" "$CARD1" "$K/skr" "$KSK"
fn_ok "Knot: validate-skr and import-skr accept it" knot_import "$K" "$K/skr"
fn_ok "Knot: knotd serves the zone" knot_serve "$K"
awk '$4 == "DS" && $7 == 2' "${KSK%.key}.ds" >"$K/ksk.ds"
fn_ok "Knot: delv validates the served zone from card 1's KSK's DS" knot_check delv "$K" example.com.
knot_stop "$K"

# --- a card at a real card's pace ---------------------------------------------
# Card 2 pulled and put back with half a second a command: about two signatures a
# second through OpenSC.
kill "$(cat "$STANDIN/card-2.pid")"
sed 's/--delay [0-9]*/--delay 500/' "$STANDIN/insert-2" >"$STANDIN/insert-2-slow"
sh "$STANDIN/insert-2-slow"
n=100
until "$KSKIT" token show "$CARD2" >/dev/null 2>&1 || [ "$n" -eq 0 ]; do
	n=$((n - 1))
	sleep 0.2
done
rc_is 0 "the slow card: kskit token test (sign rate through OpenSC)" "$KSKIT" token test \
	--count 3 --rng-bytes 0 --algorithm ECDSAP256SHA256 "$CARD2"
rate=$(printf '%s\n' "$OUT" | sed -n 's/.*verified: \([0-9.]*\) sigs\/s.*/\1/p' | head -n 1)
awk -v r="$rate" 'BEGIN { exit !(r > 0.2 && r < 2.5) }'
check $? "... about a real card's rate: $rate signatures/s"
rc_is 0 "the slow card: kskit signer --full signs everything again" "$KSKIT" signer --full \
	--zone example.com. --input zone.db --output signed-sc --skr stick2/example.com.skr \
	--token "$CARD2"
err_has "signatures by the token so far, [0-9.]+/s" "... and says how far it is while it signs"
zone_valid example.com. ksk.ds signed-sc
check $? "... the zone it signed slowly is valid"

# --- the card pulled in the middle of a signature run ------------------------------
cp signed-sc before.signed
"$KSKIT" signer --full --zone example.com. --input zone.db --output signed-sc \
	--skr stick2/example.com.skr --token "$CARD2" >pulled.out 2>pulled.err &
pid=$!
sleep 2
kill "$(cat "$STANDIN/card-2.pid")"
finished "$pid" pulled.err
[ "$RC" -eq 1 ] && cmp -s signed-sc before.signed
check $? "card 2 pulled while the signer signs: exit 1, the signed zone as it was"
err_one_line "... one error line"
sh "$STANDIN/insert-2"

done_testing
