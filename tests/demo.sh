# The seeds' first two demos, offline KSK and online software ZSKs, on a
# token of module $MODULE (PINs in KSKIT_SO_PIN and KSKIT_PIN), as
# tests/cli/92-demo-softhsm.t and 93-demo-ocksw.t run them: the token
# initialised (carderase), a KSK made on it (genksk), ceremony/keybundles
# (genzsk, cardsign) onto a stick, then the online side (signzone):
# kskit signer with the keybundle of now, knotd serving the zone, delv
# validating it from the KSK's DS.  Source it after lib.sh and knot.sh;
# WORK is the test's directory, D the knotd directory.

# demo NAME ALG LABEL INIT_URI SEAL [SHOWN]: the whole demo on the token
# INIT_URI names, labelled LABEL, the keybundles sealed with the passphrase
# of KSKIT_BUNDLE_PASSPHRASE (SEAL "passphrase", the seeds' way) or for the
# online signer's certificate (SEAL "certificate"); NAME heads each
# description.  SHOWN is the token's label as the module shows it, in a
# URI (OpenSC: "LABEL%20(UserPIN)"), LABEL when not given.
demo() {
	_n=$1 _alg=$2 _init=$4 _seal='' _open=''
	URI="pkcs11:token=${6:-$3}?module-path=$MODULE"
	if [ "$5" = certificate ]; then
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout "$WORK/signer.key" -out "$WORK/signer.crt" -subj /CN=online-signer \
			-days 30 2>/dev/null
		_seal="-r $WORK/signer.crt" _open="--key $WORK/signer.key --cert $WORK/signer.crt"
	fi
	rc_is 0 "$_n: kskit token init (carderase)" "$KSKIT" token init --yes --label "$3" "$_init"
	mkdir -p "$WORK/keys" "$WORK/stick"
	rc_is 0 "$_n: kskit keygen, a $_alg KSK on the token (genksk)" "$KSKIT" keygen \
		--zone example.com --algorithm "$_alg" --output-dir "$WORK/keys" "$URI"
	_ksk=$(ls "$WORK"/keys/K*.key)
	awk '$4 == "DS" && $7 == 2' "${_ksk%.key}.ds" >"$WORK/ksk.ds"
	_start=$((($(date +%s) / 3600 - 1) * 3600))
	# shellcheck disable=SC2086 # _seal and _open are options or nothing
	rc_is 0 "$_n: ceremony/keybundles (genzsk, cardsign)" env KSKIT="$KSKIT" \
		KSKIT_SECRET_DIR="$WORK" sh "$TOP/ceremony/keybundles" -y -a "$_alg" -n 2 \
		-s "$_start" -i 100000 $_seal -k "$_ksk" "$WORK/stick" example.com "$URI"
	out_has "^Sealed into " "$_n: the ceremony ran to its end"
	_out=$(find "$WORK/stick" -mindepth 1 -maxdepth 1 -type d)
	_log=$(find "$WORK/stick" -name 'keybundles-example.com-*.log')
	[ "$(find "$_out" -name '*.kb' | wc -l)" -eq 2 ] && [ -f "$_log" ] &&
		grep -q "PGP words" "$_log" && grep -q "Sealed into" "$_log"
	check $? "$_n: 2 keybundles, the request, the response and the log on the stick"
	[ -z "$(find "$WORK/stick" -name '*.private')" ] && [ -z "$(find "$WORK" -maxdepth 1 -name 'kskit-zsk.*')" ] &&
		! grep -q "PrivateKey" "$_log"
	check $? "$_n: no ZSK private key on the stick, in the log, or left in RAM"
	cat >"$WORK/zone.db" <<'ZONE'
$ORIGIN example.com.
$TTL 3600
@	SOA	ns1 hostmaster 1 7200 3600 1209600 300
	NS	ns1
ns1	A	192.0.2.1
www	A	192.0.2.10
sub	NS	ns1.sub
ns1.sub	A	192.0.2.53
ZONE
	# shellcheck disable=SC2086
	rc_is 0 "$_n: kskit signer with the keybundle of now (signzone)" "$KSKIT" signer $_open \
		--zone example.com. --input "$WORK/zone.db" --output "$WORK/signed" \
		--manifest "$(find "$_out" -name '*.manifest')" --ksk "$WORK/ksk.ds"
	{ ldns-verify-zone -k "$WORK/ksk.ds" "$WORK/signed" && dnssec-verify -o example.com "$WORK/signed" &&
		kzonecheck -o example.com. -d on "$WORK/signed"; } >"$WORK/verify.log" 2>&1
	check $? "$_n: ldns-verify-zone, dnssec-verify and kzonecheck accept the signed zone"
	fn_ok "$_n: knotd serves it" knot_serve_file "$D" example.com. "$WORK/signed"
	fn_ok "$_n: AXFR" knot_axfr "$D" example.com.
	cp "$WORK/ksk.ds" "$D/ksk.ds"
	fn_ok "$_n: delv validates the served zone from the KSK's DS" knot_check delv "$D" example.com.
	knot_stop "$D"
}
