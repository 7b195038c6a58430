#!/bin/sh
# kskit sign on SoftHSM: Knot's and BIND's request forms, what the operator
# is shown, and every way a request, a token or a disk can fail, each with
# one error line and nothing written; then the ceremony script around it.
# Knot interop end to end is 70-knot.t; signatures are checked by ldns in
# the unit tests.
. "$(dirname "$0")/../lib.sh"
standin_start softhsm

MODULE=$KSKIT_TEST_MODULE
LABEL=ksk-sign
export KSKIT_PIN=123456
URI="pkcs11:token=$LABEL?module-path=$MODULE"
DATA=$TESTS_DIR/unit/data/ksr
KNOT=$DATA/knot-3.2.6.ksr
NOW=1795330869 # the Knot request's first bundle; its signatures are current then
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kskit-sign.XXXXXX")
trap 'umount "$WORK/full" 2>/dev/null; rm -rf "$WORK"; standin_stop' EXIT

rc_is 0 "a SoftHSM token" softhsm2-util --init-token --free --label "$LABEL" \
	--so-pin 12345678 --pin "$KSKIT_PIN"
rc_is 0 "kskit keygen: an ECDSAP256SHA256 KSK for example.com" "$KSKIT" keygen --zone example.com \
	--algorithm ECDSAP256SHA256 --output-dir "$WORK" "$URI"
KEY=$(ls "$WORK"/Kexample.com.+013+*.key)
TAG=$(key_tag "$KEY")
# a second, RSA KSK that is not in any request's way
rc_is 0 "kskit keygen: an RSASHA256 KSK too" "$KSKIT" keygen --zone example.com \
	--algorithm RSASHA256 --output-dir "$WORK" "$URI"

# sign OUT ARGS...: kskit sign --yes --now $NOW --output OUT ARGS...
sign() {
	_out=$1
	shift
	run "$KSKIT" sign --yes --now "$NOW" --output "$_out" "$@"
}

# --- Knot's form ------------------------------------------------------------
sign "$WORK/knot.skr" --ksk "$KEY" "$URI" "$KNOT"
[ "$RC" -eq 0 ]
check $? "kskit sign: Knot's request"
out_has "^  SHA-256   $(sha256sum "$KNOT" | cut -d' ' -f1)\$" \
	"the request's SHA-256 is shown as sha256sum prints it"
out_has "^  PGP words [A-Za-z]+( [A-Za-z]+){7}\$" "and as PGP words, eight a line"
rows=$(printf '%s\n' "$OUT" | grep -Ec "^ +[0-9]+  20[0-9-]+T[0-9:]+Z  20")
[ "$rows" -eq "$(grep -c '^;; SignedKeyResponse 1.0 [0-9]' "$WORK/knot.skr")" ] && [ "$rows" -eq 14 ]
check $? "the table has a row for each of the 14 response bundles (Knot's count)"
out_has "^  1  2026-11-22T05:31:09Z  2026-12-06T07:01:09Z  41051 +$TAG S\$" \
	"row 1: inception 90 minutes back, 14 days of validity, the ZSK and the KSK signing"
out_has "^wrote $WORK/knot.skr" "kskit names what it wrote, with its digest"
[ "$(stat -c %a "$WORK/knot.skr")" = 644 ]
check $? "the response is mode 0644 (it holds no secret)"
n=$(ldns-read-zone "$WORK/knot.skr" | awk '$4 == "RRSIG" && $5 == "DNSKEY" && $11 == '"$TAG"'' | wc -l)
[ "$n" -eq 14 ]
check $? "ldns-read-zone reads it: 14 DNSKEY RRSIGs by KSK $TAG"

sign "$WORK/cds.skr" --cds both --ksk "$TAG" "$URI" "$KNOT"
[ "$RC" -eq 0 ]
check $? "kskit sign --cds both, the KSK by its key tag"
cds=$(ldns-read-zone "$WORK/cds.skr" | awk '$4 == "CDS" && $2 == 0 { print $7 }' | sort -u | tr '\n' ' ')
[ "$cds" = "2 4 " ]
check $? "CDS with SHA-256 and SHA-384 digests, TTL 0 as Knot writes them"
dnssec-dsfromkey -2 "$KEY" | awk '{ print toupper($NF) }' >"$WORK/ds"
ldns-read-zone "$WORK/cds.skr" | awk '$4 == "CDS" && $7 == 2 { print toupper($NF) }' | sort -u |
	cmp -s - "$WORK/ds"
check $? "the CDS digest is dnssec-dsfromkey's DS of the KSK"
n=$(ldns-read-zone "$WORK/cds.skr" | awk '$4 == "RRSIG" && ($5 == "CDS" || $5 == "CDNSKEY")' | wc -l)
[ "$n" -eq 28 ]
check $? "CDS and CDNSKEY are signed in every bundle"

# --- BIND's form --------------------------------------------------------------
sign "$WORK/bind.skr" --ksk "$KEY" "$URI" "$DATA/bind-style.ksr"
[ "$RC" -eq 0 ]
check $? "kskit sign: a request in BIND 9.20's form"
! grep '^;; SignedKeyResponse 1.0 ' "$WORK/bind.skr" | grep -v ' generated at ' |
	grep -Evq '^;; SignedKeyResponse 1.0 [0-9]{14} \('
check $? "the response's headers have BIND's YYYYMMDDhhmmss times (named reads no other)"
! grep -v -e '^;; SignedKeyResponse 1.0 ' -e '^$' "$WORK/bind.skr" | grep -q -e '^;' -e '^[[:space:]]'
check $? "nothing but headers, blank lines and one-line records (named refuses comments)"
first=$(ldns-read-zone "$WORK/bind.skr" | awk '$4 == "RRSIG" { print $10; exit }')
[ "$first" = 20261122060109 ]
check $? "BIND's inception: one hour back"
n=$(grep -c '^;; SignedKeyResponse 1.0 2' "$WORK/bind.skr")
[ "$n" -eq 17 ]
check $? "BIND's refresh of 5 days: a bundle every 9 days in each gap, 17 for the 90-day request"
sign "$WORK/bind-as-knot.skr" --format knot --ksk "$KEY" "$URI" "$DATA/bind-style.ksr"
grep '^;; SignedKeyResponse 1.0 [0-9]\{10\} ' "$WORK/bind-as-knot.skr" >/dev/null
check $? "--format knot writes unix-second headers for a requester that is Knot"

# --- refusals: one error line, nothing written --------------------------------
# refused DESC REGEX ARGS...: kskit sign fails, says REGEX, writes nothing.
refused() {
	_d=$1 _r=$2
	shift 2
	rm -f "$WORK/refused.skr"
	sign "$WORK/refused.skr" "$@"
	[ "$RC" -eq 1 ]
	_report $? "$_d: exit 1"
	err_has "$_r" "$_d: says why"
	err_one_line "$_d: one error line"
	[ ! -e "$WORK/refused.skr" ] && [ -z "$(find "$WORK" -name '*.tmp*' -o -name '.*.skr*')" ]
	check $? "$_d: nothing written"
}

head -n -1 "$KNOT" >"$WORK/truncated.ksr"
refused "a truncated request" "malformed key signing request" --ksk "$KEY" "$URI" "$WORK/truncated.ksr"
printf 'domain example.net\n' >"$WORK/other-zone.conf"
refused "another zone than the policy's" "KSR-DOMAIN: example.com. is not a zone" \
	--policy "$WORK/other-zone.conf" --ksk "$KEY" "$URI" "$KNOT"
sed '0,/DNSKEY 256 3 13/s//DNSKEY 256 3 16/' "$KNOT" >"$WORK/alg16.ksr"
refused "a ZSK of an unknown algorithm" "KSR-POLICY-ALG: bundle 1: algorithm 16 is not supported" \
	--ksk "$KEY" "$URI" "$WORK/alg16.ksr"
sed '0,/DNSKEY 256 3 13/s//DNSKEY 256 3 5/' "$KNOT" >"$WORK/alg5.ksr"
refused "a ZSK of a deprecated algorithm" "KSR-POLICY-ALG: .*RSASHA1|algorithm 5 is deprecated" \
	--ksk "$KEY" "$URI" "$WORK/alg5.ksr"
sed -e 's/^;; KeySigningRequest 1.0 1797922869/;; KeySigningRequest 1.0 1799999999/' "$KNOT" \
	>"$WORK/order.ksr"
refused "bundle times out of order" "line 18: .*time" --ksk "$KEY" "$URI" "$WORK/order.ksr"
sed 's/DNSKEY 256 3 13 (/DNSKEY 257 3 13 (/' "$KNOT" >"$WORK/ksk-in-request.ksr"
refused "a KSK in the request" "KSR-BUNDLE-KEYS: bundle 1: key [0-9]+ has flags 257" \
	--ksk "$KEY" "$URI" "$WORK/ksk-in-request.ksr"
refused "a KSK that is not on the token" "KSK 1 is not on the token" --ksk 1 "$URI" "$KNOT"
sed 's/^example\.com\./example.net./' "$KNOT" >"$WORK/example.net.ksr"
refused "a KSK of another zone" "KSK $TAG is for another zone than example.net." \
	--ksk "$KEY" "$URI" "$WORK/example.net.ksr"
refused "a response given as the request" "is a response, not a request" \
	--ksk "$KEY" "$URI" "$WORK/knot.skr"
refused "the same request again (--previous)" "KSR-ID: the request starts at" \
	--previous "$WORK/knot.skr" --ksk "$KEY" "$URI" "$KNOT"
refused "a KSK that never signs" "no KSK signs the bundle" --ksk "$KEY,publish-only" "$URI" "$KNOT"
refused "an expired request" "KSR-POLICY-SIG-HORIZON: bundle 1 expired" \
	--now 1805000000 --ksk "$KEY" "$URI" "$KNOT"
KSKIT_PIN=654321 refused "a wrong PIN" "wrong PIN" --ksk "$KEY" "$URI" "$KNOT"
refused "no such token" "no token" --ksk "$KEY" "pkcs11:token=nosuch?module-path=$MODULE" "$KNOT"
cp "$WORK/knot.skr" "$WORK/kept"
sign "$WORK/knot.skr" --ksk "$KEY" "$URI" "$KNOT"
[ "$RC" -eq 1 ] && cmp -s "$WORK/knot.skr" "$WORK/kept"
check $? "an existing response is never overwritten"
err_has "exists already" "an existing response: says so"
run "$KSKIT" sign --now "$NOW" --ksk "$KEY" --output "$WORK/refused.skr" "$URI" "$KNOT"
[ "$RC" -eq 1 ] && [ ! -e "$WORK/refused.skr" ]
check $? "without --yes and without a terminal to type yes on, nothing is signed"
err_has "canceled.*no terminal" "no terminal: says so"
# The operator at a terminal: the table comes before the question, and
# only "yes" signs.  expect types on a pseudo-terminal.
for answer in no yes; do
	rm -f "$WORK/typed.skr"
	# shellcheck disable=SC2016 # expect's $
	KSKIT_ARGS="--now $NOW --ksk $KEY --output $WORK/typed.skr $URI $KNOT" expect -c '
	set timeout 30
	eval spawn $env(KSKIT) sign $env(KSKIT_ARGS)
	expect -re " 1  2026-11-22T05:31:09Z.*Type yes to sign these bundles: " {
		send "'"$answer"'\r" } timeout { exit 99 }
	expect eof
	lassign [wait] pid spawnid oserr status
	exit $status' >"$WORK/expect.log" 2>&1
	RC=$?
	# shellcheck disable=SC2034 # OUT and ERR are what _report prints
	OUT=$(cat "$WORK/expect.log") ERR=
	if [ "$answer" = yes ]; then
		[ "$RC" -eq 0 ] && [ -s "$WORK/typed.skr" ]
	else
		[ "$RC" -eq 1 ] && [ ! -e "$WORK/typed.skr" ] &&
			grep -q "typed text does not match" "$WORK/expect.log"
	fi
	check $? "at a terminal, the table, then \"$answer\" typed: $([ "$answer" = yes ] && echo signed || echo nothing signed)"
done

full_disk "a full disk" "$KSKIT" sign --yes --now "$NOW" --output "$WORK/full/knot.skr" \
	--ksk "$KEY" "$URI" "$KNOT"

# --- the ceremony script --------------------------------------------------------
mkdir "$WORK/stick"
cp "$KNOT" "$WORK/stick/example.com-2026q4.ksr"
printf 'domain example.com\n' >"$WORK/policy.conf"
run env KSKIT="$KSKIT" "$TOP/ceremony/sign-ksr" -y -p "$WORK/policy.conf" -k "$KEY" \
	"$WORK/stick" example.com-2026q4.ksr "$URI"
# The request's bundles expire with time; the script uses the clock.  Pin it
# only if the machine's date is past them: the ceremony then refuses, which
# is right, and is what this checks.
if [ "$(date +%s)" -lt 1796540469 ]; then
	[ "$RC" -eq 0 ] && [ -f "$WORK/stick/example.com-2026q4.skr" ]
	check $? "ceremony/sign-ksr: the response is on the stick"
else
	[ "$RC" -eq 1 ] && [ ! -e "$WORK/stick/example.com-2026q4.skr" ]
	check $? "ceremony/sign-ksr: an expired request is refused, nothing on the stick"
fi
log=$(ls "$WORK"/stick/sign-ksr-*.log)
[ -f "$log" ] && ! ls "$WORK"/stick/*.part >/dev/null 2>&1
check $? "ceremony/sign-ksr: the log is on the stick, complete"
grep -q "^\$ $KSKIT sign --yes --output $WORK/stick/example.com-2026q4.skr --ksk $KEY --policy" "$log"
check $? "the log has the commands"
grep -q "^  SHA-256   $(sha256sum "$KNOT" | cut -d' ' -f1)" "$log"
check $? "the log has the request's SHA-256"
[ "$(grep -c '^  PGP words' "$log")" -ge 2 ]
check $? "the log has PGP words"
out_has "^  SHA-256   $(sha256sum "$log" | cut -d' ' -f1)" "the script ends with the log's own digest"
done_testing
