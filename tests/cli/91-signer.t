#!/bin/sh
# kskit signer, the demo DVD's model A end to end: the ceremony (KSK on
# SoftHSM, ZSKs from its randomness, kskit ksr, kskit sign, kskit bundle
# seal) hands keybundles sealed for the online signer's certificate (and
# for a passphrase) to the online side, which signs a zone with the current
# period's bundle alone.  The zone passes ldns-verify-zone,
# dnssec-verify and kzonecheck (NSEC, NSEC3, NSEC3 opt-out); knotd serves
# it on 127.0.0.1 and delv validates answers and denials from the KSK's DS.
# The clock stepped into later periods: the next bundle takes over, the
# rolled ZSK signs; the daemon on a libfaketime clock switches bundles
# when the period ends.  Model B (the response and ZSK files) signs the same
# way.  Every bad input: one error line, the previous signed zone intact.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/knot.sh"
knot_require 2>/dev/null || skip_all "$(knot_require 2>&1)"
standin_start softhsm

export KSKIT_PIN=123456 KSKIT_BUNDLE_PASSPHRASE="correct horse battery staple"
LABEL=signer
URI="pkcs11:token=$LABEL?module-path=$KSKIT_TEST_MODULE"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kskit-signer.XXXXXX")
D=$WORK/served
dpid=
trap 'cd /; [ -z "$dpid" ] || kill "$dpid" 2>/dev/null; knot_stop "$D"; umount "$WORK/full" 2>/dev/null; rm -rf "$WORK"; standin_stop' EXIT
cd "$WORK" || exit 1

# --- the ceremony ----------------------------------------------------------------
softhsm2-util --init-token --free --label "$LABEL" --so-pin 12345678 --pin "$KSKIT_PIN" >/dev/null
for k in ksk zsk1 zsk2; do
	mkdir "$k" && "$KSKIT" keygen --zone example.com --algorithm ECDSAP256SHA256 \
		--output-dir "$k" "$([ "$k" = ksk ] && echo --ksk || echo --zsk)" "$URI" >/dev/null || exit 1
done
KSK=$(ls ksk/*.key)
Z1=$(ls zsk1/*.private)
Z2=$(ls zsk2/*.private)
T1=$(key_tag "$Z1")
T2=$(key_tag "$Z2")
awk '$4 == "DS" && $7 == 2' "${KSK%.key}.ds" >ksk.ds
DAY=86400
START=$((($(date +%s) / 3600 - 1) * 3600))
"$KSKIT" ksr --zsk "${Z1%.private}.key,bundles=-2" --zsk "${Z2%.private}.key,bundles=2-" \
	--periods 3 --start "$START" --output req.ksr >/dev/null &&
	"$KSKIT" sign --yes --ksk "$KSK" --output resp.skr "$URI" req.ksr >/dev/null &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout signer.key \
		-out signer.crt -subj /CN=online-signer -days 30 2>/dev/null &&
	mkdir stick && "$KSKIT" bundle seal --skr resp.skr --zsk "$Z1" --zsk "$Z2" \
	--recipient signer.crt --output-dir stick >/dev/null &&
	mkdir stick-pw && "$KSKIT" bundle seal --skr resp.skr --zsk "$Z1" --zsk "$Z2" --passphrase \
		--iterations 100000 --output-dir stick-pw >/dev/null
check $? "the ceremony: 3 periods of 10 days from an hour ago, ZSK $T1 rolled to $T2, sealed for the signer's certificate and for a passphrase"
MANIFEST=$(ls stick/*.manifest)
# kskit signer with the signer's key and certificate, as a command for rc_is
SIGNER=$WORK/kskit-signer
printf '#!/bin/sh\nexec "%s" signer --key "%s/signer.key" --cert "%s/signer.crt" "$@"\n' \
	"$KSKIT" "$WORK" "$WORK" >"$SIGNER" && chmod +x "$SIGNER"

cat >zone.db <<'EOF'
$ORIGIN example.com.
$TTL 3600
@	SOA	ns1 hostmaster 2026113001 7200 3600 1209600 300
	NS	ns1
	NS	ns2
	MX	10 mail
ns1	A	192.0.2.1
ns2	A	192.0.2.2
mail	A	192.0.2.25
www	A	192.0.2.10
	AAAA	2001:db8::10
a.b.c	TXT	"empty non-terminals above"
*.wild	A	192.0.2.99
alias	CNAME	www
insecure	NS	ns1.insecure
ns1.insecure	A	192.0.2.53
secure	NS	ns.secure
	DS	12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ns.secure	A	192.0.2.54
EOF

# validated FILE [TIME]: the signed zone validates (knot.sh's zone_valid).
validated() {
	zone_valid example.com. ksk.ds "$@"
}

# --- model A: the current period's keybundle --------------------------------------
for denial in nsec "nsec3" "nsec3 --opt-out"; do
	out=signed.$(printf '%s' "$denial" | tr -d ' -')
	# shellcheck disable=SC2046 # the denial's options
	rc_is 0 "kskit signer, $denial, with the keybundle that covers now" "$SIGNER" \
		--zone example.com. --input zone.db --output "$out" --manifest "$MANIFEST" \
		--ksk ksk.ds $([ "$denial" = nsec ] || echo "--$denial")
	validated "$out"
	check $? "$denial: ldns-verify-zone, dnssec-verify and kzonecheck accept the zone"
done
out_has "with the keys of $(date -u -d "@$START" +%Y-%m-%dT%H:%M:%SZ) to " "the first period's keys"
grep -q "SOA	ns1.example.com. hostmaster.example.com. 2026113002 " signed.nsec
check $? "the SOA serial incremented"
grep -q "NSEC3	1 1 0 - " signed.nsec3optout && grep -q "NSEC3PARAM	1 0 0 -" signed.nsec3optout &&
	grep -q "^insecure.example.com.	300	IN	NSEC	.* NS RRSIG NSEC" signed.nsec &&
	! grep -q "RRSIG	NS .* 3 3600" signed.nsec && ! grep -q "^ns1.insecure.*RRSIG" signed.nsec
check $? "NSEC3 with opt-out, no salt, no extra iterations; delegation NS and glue not signed"
grep -q "IN	RRSIG	A 13 3 3600 [0-9]* [0-9]* $T1 example.com. " signed.nsec &&
	! grep -q "IN	RRSIG	A 13 3 3600 [0-9]* [0-9]* $T2 " signed.nsec
check $? "the first period's active ZSK $T1 signs, the next one not yet"
bundle_sig=$(openssl cms -decrypt -inform DER -in "$(find stick -name '*.kb' | sort | head -1)" \
	-inkey signer.key -recip signer.crt | awk '$4 == "RRSIG" && $5 == "DNSKEY" { print $NF }')
[ -n "$bundle_sig" ] && grep -q "RRSIG	DNSKEY .*$bundle_sig" signed.nsec
check $? "the DNSKEY RRSIG is the ceremony's, as the keybundle holds it"

fn_ok "knotd serves the NSEC zone on 127.0.0.1" knot_serve_file "$D" example.com. signed.nsec
fn_ok "AXFR of the served zone" knot_axfr "$D" example.com.
cp ksk.ds "$D/ksk.ds"
for tool in $KNOT_CHECKS; do
	fn_ok "$tool validates the served zone from the KSK's DS" knot_check "$tool" "$D" example.com.
done
port=$(cat "$D/knotd.port")
rc_is 0 "kdig +dnssec DNSKEY" kdig @127.0.0.1 -p "$port" +dnssec +nocomments example.com. DNSKEY
printf '%s\n' "$OUT" | grep "RRSIG.*DNSKEY" | grep -qF -- "$bundle_sig"
check $? "the answer carries the pre-signed DNSKEY RRSIG"
printf 'trust-anchors {\n\texample.com. static-ds %s %s %s "%s";\n};\n' \
	"$(awk '{ print $5 }' ksk.ds)" "$(awk '{ print $6 }' ksk.ds)" "$(awk '{ print $7 }' ksk.ds)" \
	"$(awk '{ print $8 }' ksk.ds)" >anchors.conf
for q in "www.example.com. AAAA" "x.wild.example.com. A" "nothere.example.com. A" "www.example.com. TXT"; do
	# shellcheck disable=SC2086 # name and type
	rc_is 0 "delv $q" delv @127.0.0.1 -p "$port" +tcp -a anchors.conf +root=example.com. $q
	out_has "^; (fully validated|negative response, fully validated)" "delv $q: fully validated"
done
knot_stop "$D"

# --- the clock steps on ------------------------------------------------------------
t=$((START + 10 * DAY + 3600))
rc_is 0 "an hour into the second period" "$SIGNER" --now "$t" --zone example.com. \
	--input zone.db --output signed.p2 --manifest "$MANIFEST"
out_has "with the keys of $(date -u -d "@$((START + 10 * DAY))" +%Y-%m-%dT%H:%M:%SZ) to " \
	"the second keybundle takes over"
validated signed.p2 "$((t + 60))" && grep -q "RRSIG	A 13 3 3600 [0-9]* [0-9]* $T1 " signed.p2 &&
	grep -q "^example.com.	3600	IN	DNSKEY	256 .*" signed.p2 && [ "$(grep -c "IN	DNSKEY	256 " signed.p2)" -eq 2 ]
check $? "the second period: ZSK $T2 published beside $T1, which signs; the zone validates"
! printf '%s\n' "$OUT" | grep -q WARNING
check $? "24 days of keybundles left: no warning"
t=$((START + 20 * DAY + 3600))
rc_is 0 "an hour into the third period" "$SIGNER" --now "$t" --zone example.com. \
	--input zone.db --output signed.p4 --manifest "$MANIFEST" --nsec3
validated signed.p4 "$((t + 60))" && grep -q "RRSIG	A 13 3 3600 [0-9]* [0-9]* $T2 " signed.p4 &&
	! grep -q "	$T1 example.com. " signed.p4
check $? "the third period: ZSK $T2 signs alone, the zone validates"
out_has "WARNING: the keys reach only to $(date -u -d "@$((START + 34 * DAY))" +%Y-%m-%dT%H:%M:%SZ), less than 14 days from now: time for the next ceremony" \
	"the last keybundle ends 14 days after it starts: a WARNING line says the next ceremony is due"

# --- the passphrase the demo DVD used ---------------------------------------------
rc_is 0 "kskit signer with passphrase keybundles" "$KSKIT" signer --zone example.com. \
	--input zone.db --output signed.pw --manifest "$(ls stick-pw/*.manifest)" --ksk ksk.ds
validated signed.pw
check $? "passphrase keybundles: the zone validates"
KSKIT_BUNDLE_PASSPHRASE="wrong horse battery" rc_is 1 "a wrong passphrase" "$KSKIT" signer \
	--zone example.com. --input zone.db --output signed.pw --manifest "$(ls stick-pw/*.manifest)"
err_has "cannot decrypt.*not with this passphrase" "a wrong passphrase: says so"
err_one_line "a wrong passphrase: one error line"
validated signed.pw
check $? "a wrong passphrase: the signed zone intact"

# --- monitoring: how far the keybundles reach -----------------------------------
rc_is 0 "kskit signer status: keybundles for weeks to come" "$KSKIT" signer status \
	--manifest "$MANIFEST"
out_has "^example.com: keybundle 1 of 3 covers now \($(date -u -d "@$START" +%Y-%m-%dT%H:%M:%SZ) to " \
	"status: the first of 3 keybundles covers now"
out_has "^keybundles until [0-9T:Z-]+: 3[34] days [0-9]+ hours left\$" "status: some 34 days left"
rc_is 1 "kskit signer status --warn 40d: the next ceremony is due" "$KSKIT" signer status \
	--manifest "$MANIFEST" --warn 40d
err_has "WARNING: the keybundles end in less than 40 days" "status: warns, on standard error"
rc_is 1 "kskit signer status after the last keybundle" "$KSKIT" signer status \
	--manifest "$MANIFEST" --now "$((START + 40 * DAY))"
err_has "WARNING: no keybundle covers now" "status: no keybundle covers now"
rc_is 1 "kskit signer status of a file that is no manifest" "$KSKIT" signer status \
	--manifest zone.db
err_has "not a manifest of keybundles" "status: says why"

# --- the daemon (signemd) ---------------------------------------------------------
# waited CONDITION: true within 10 seconds.
waited() {
	_i=0
	while [ "$_i" -lt 50 ]; do
		eval "$1" && return 0
		sleep 0.2
		_i=$((_i + 1))
	done
	return 1
}
serial() {
	awk '$4 == "SOA" { print $7; exit }' live.signed
}
# past N: the signed zone's serial is past N.
past() {
	[ "$(serial)" -gt "$1" ]
}
cp zone.db live.db
"$SIGNER" --daemon --poll 1 --zone example.com. --input live.db --output live.signed \
	--manifest "$MANIFEST" --ksk ksk.ds >daemon.log 2>&1 &
dpid=$!
waited 'grep -q "signer running" daemon.log' && validated live.signed
check $? "kskit signer --daemon signs at once; the zone validates"
s1=$(serial)
printf 'new\tA\t192.0.2.77\n' >>live.db
waited 'grep -q "^new.example.com.	3600	IN	RRSIG	A " live.signed' && [ "$(serial)" -gt "$s1" ] &&
	validated live.signed
check $? "an edit of the zone file is signed within seconds, the serial past the last"
cp live.signed live.keep
printf 'oops\tA\t192.0.2.999\n' >>live.db
waited 'grep -q "signing failed, the last signed zone stays: malformed zone" daemon.log' &&
	cmp -s live.signed live.keep
check $? "a broken edit: logged, the signed zone stays as it was"
sed -i '/^oops/d' live.db
s2=$(serial)
waited "past $s2" && validated live.signed
check $? "the edit repaired: signed again"
s3=$(serial)
kill -HUP "$dpid"
waited "past $s3"
check $? "SIGHUP: signed again"
kill -TERM "$dpid"
wait "$dpid"
st=$?
[ "$st" -eq 0 ] && grep -q "signer stopped" daemon.log && ! kill -0 "$dpid" 2>/dev/null
check $? "SIGTERM: the daemon stops, exit 0"
rc_is 2 "--daemon with --now is refused" "$SIGNER" --daemon --now "$START" --zone example.com. \
	--input zone.db --output x --manifest "$MANIFEST"

# The daemon on a clock that libfaketime starts 5 seconds before the first
# period ends: the second keybundle takes over when it does.
P2=$((START + 10 * DAY))
iso() {
	date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ
}
rm -f live.signed
# libfaketime preloaded here rather than through faketime(1), whose own
# process would be the one killed below, leaving the daemon behind.
TZ=UTC FAKETIME="@$(date -u -d "@$((P2 - 5))" '+%Y-%m-%d %H:%M:%S')" \
	LD_PRELOAD="/usr/lib/$(uname -m)-linux-gnu/faketime/libfaketime.so.1${LD_PRELOAD:+ $LD_PRELOAD}" \
	"$SIGNER" --daemon --poll 1 --zone example.com. --input live.db --output live.signed \
	--manifest "$MANIFEST" >boundary.log 2>&1 &
dpid=$!
waited "grep -q 'with the keys of $(iso "$START") ' boundary.log"
check $? "faketime, 5 s before the period's end: the daemon signs with the first keybundle"
waited "grep -q 'with the keys of $(iso "$P2") ' boundary.log" &&
	validated live.signed "$((P2 + 60))" && [ "$(grep -c "IN	DNSKEY	256 " live.signed)" -eq 2 ]
check $? "the period ends: the second keybundle takes over (ZSK $T2 published), the zone validates"
kill -TERM "$dpid"
wait "$dpid"
dpid=

# --- model B: the response and the ZSK files ---------------------------------------
rc_is 0 "kskit signer with the response and the ZSK files" "$KSKIT" signer --zone example.com. \
	--input zone.db --output signed.b --skr resp.skr --zsk "$Z1" --zsk "$Z2" --ksk ksk.ds
validated signed.b
check $? "model B: the zone validates"

# --- what the signer refuses: the signed zone stays as it was ------------------------
cp signed.nsec keep.nsec
# refused DESC REGEX ARGS...: kskit signer over signed.nsec fails, says
# why in one line, and signed.nsec is unchanged.
refused() {
	_d=$1 _r=$2
	shift 2
	rc_is 1 "$_d" "$SIGNER" --zone example.com. --output signed.nsec "$@"
	err_has "$_r" "$_d: says why"
	err_one_line "$_d: one error line"
	cmp -s signed.nsec keep.nsec && [ -z "$(find . -maxdepth 1 -name 'signed.nsec.*')" ]
	check $? "$_d: the signed zone intact, no temporary file"
}
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout stranger.key \
	-out stranger.crt -subj /CN=stranger -days 30 2>/dev/null
refused "another signer's key" "not with this key" --input zone.db --manifest "$MANIFEST" \
	--key stranger.key --cert stranger.crt
mkdir tampered && cp stick/* tampered/
first=$(find tampered -name '*.kb' | sort | head -1)
printf '\001' | dd of="$first" bs=1 seek=100 conv=notrunc 2>/dev/null
refused "a keybundle with one byte changed" "not the file the manifest lists" --input zone.db \
	--manifest "$(ls tampered/*.manifest)"
refused "only expired bundles" "no keybundle covers now: the last one ended at" --input zone.db \
	--manifest "$MANIFEST" --now "$((START + 60 * DAY))"
refused "no bundle yet" "no keybundle covers now: the first one starts at" \
	--input zone.db --manifest "$MANIFEST" --now "$((START - DAY))"
sed 's/^www	A	192.0.2.10$/www	A	192.0.2.300/' zone.db >bad.db
refused "a zone file syntax error" "bad.db: line 10: " --input bad.db --manifest "$MANIFEST"
printf 'alias\tA\t192.0.2.7\n' | cat zone.db - >cname.db
refused "a CNAME beside other data" "a CNAME beside other data at alias.example.com." \
	--input cname.db --manifest "$MANIFEST"
sed 's/example\.com\./example.net./' zone.db >other.db
rc_is 1 "keybundles for another zone" "$SIGNER" --zone example.net. --input other.db \
	--output other.signed --manifest "$MANIFEST"
err_has "the keys are for another zone" "another zone: says why"
awk '{ d = $NF; $NF = substr(d, 1, length(d) - 1) (substr(d, length(d)) == "0" ? "1" : "0"); print }' \
	ksk.ds >other.ds
refused "a trust anchor that is not the KSK's" "signs no DNSKEY RRset" --input zone.db \
	--manifest "$MANIFEST" --ksk other.ds
refused "model B without the active ZSK's key" "no private key for the active ZSK $T1" \
	--input zone.db --skr resp.skr --zsk "$Z2"
rc_is 1 "a failing reload command" "$SIGNER" --zone example.com. --input zone.db \
	--output reload.signed --manifest "$MANIFEST" --reload "exit 3"
err_has "the reload command failed \(exit 3\); the signed zone is written" "reload: says so"
validated reload.signed
check $? "reload failed: the signed zone is written all the same"
rc_is 0 "a reload command that works" "$SIGNER" --zone example.com. --input zone.db \
	--output reload.signed --manifest "$MANIFEST" --reload "touch reloaded"
[ -e reloaded ]
check $? "the reload command ran"
mkdir full
if mount -t tmpfs -o size=32k tmpfs full 2>/dev/null; then
	cp keep.nsec full/signed.nsec && dd if=/dev/zero of=full/filler bs=1k count=32 2>/dev/null
	rc_is 1 "the output disk full" "$SIGNER" --zone example.com. --input zone.db \
		--output full/signed.nsec --manifest "$MANIFEST"
	err_has "No space left on device" "a full disk: says so"
	cmp -s full/signed.nsec keep.nsec && [ "$(find full -type f | wc -l)" -eq 2 ]
	check $? "a full disk: the previous signed zone intact, nothing else left"
	umount full
else
	check 0 "# SKIP cannot mount a tmpfs here"
fi
done_testing
