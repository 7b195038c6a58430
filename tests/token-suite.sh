# The checks every token stack goes through, as functions over:
#   MODULE  the PKCS#11 module      LABEL  the token's label
#   URI     pkcs11:token=LABEL?module-path=MODULE
# with KSKIT_PIN / KSKIT_SO_PIN set.  Source after tests/lib.sh.

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kskit-suite.XXXXXX")
trap 'standin_stop; umount "$WORK/full" 2>/dev/null; rm -rf "$WORK"' EXIT

token_uri() { # LABEL
	URI="pkcs11:token=$1?module-path=$MODULE"
}

# suite_list: the token is listed, initialised, with its algorithms.
suite_list() {
	rc_is 0 "token list" "$KSKIT" token list --module "$MODULE"
	out_has "token: \"$LABEL\"" "token list shows the token \"$LABEL\""
	out_has "state: initialised.*login-required" "token list shows the state"
	out_has "dnssec:.*RSASHA256" "token list shows RSASHA256 among the algorithms"
}

# suite_import_bind ALG BITS: a key made by BIND's dnssec-keygen goes onto
# the token, and token show gives the key tag BIND gave it.
suite_import_bind() {
	_alg=$1 _bits=$2
	# shellcheck disable=SC2086
	_k=$(cd "$WORK" && dnssec-keygen -q -a "$_alg" ${_bits:+-b $_bits} -f KSK -K "$WORK" example.com)
	_tag=$(key_tag "$_k")
	rc_is 0 "import a BIND $_alg key ($_k)" "$KSKIT" token import --label "$_k" "$WORK/$_k.private" "$URI"
	rc_is 0 "token show after importing $_k" "$KSKIT" token show "pkcs11:token=$LABEL;object=$_k;type=private?module-path=$MODULE"
	out_has "key tag $_tag as KSK" "token show gives BIND's key tag $_tag for $_k"
	out_has "sensitive=yes extractable=no" "$_k is sensitive and not extractable"
	rc_is 1 "importing $_k twice is refused" "$KSKIT" token import --label again "$WORK/$_k.private" "$URI"
	err_has "already on the token" "importing twice: says why"
	rc_is 0 "the imported $_k signs and verifies" \
		"$KSKIT" token test --count 5 --rng-bytes 0 "pkcs11:token=$LABEL;object=$_k;type=private?module-path=$MODULE"
	# shellcheck disable=SC2034 # the label of the key, for the caller
	IMPORTED=$_k
}

# suite_import_ldns ALG: the same with ldns-keygen's key.
suite_import_ldns() {
	_k=$(cd "$WORK" && ldns-keygen -a "$1" -k example.net)
	_tag=$(key_tag "$_k")
	rc_is 0 "import an ldns $1 key ($_k)" "$KSKIT" token import --label "$_k" "$WORK/$_k.private" "$URI"
	out_has "key tag $_tag as KSK" "token import shows ldns's key tag $_tag"
}

# suite_import_pem: a PKCS#8 PEM made by openssl, extractable on request.
suite_import_pem() {
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/pem.key" 2>/dev/null
	rc_is 0 "import a PKCS#8 PEM key, extractable" \
		"$KSKIT" token import --extractable --label pemkey --id 0102 "$WORK/pem.key" "$URI"
	out_has "extractable=yes" "the PEM key is extractable as asked"
	out_has "id=%01%02" "the PEM key has the id asked for"
	openssl pkey -in "$WORK/pem.key" -aes-256-cbc -passout pass:correct-horse -out "$WORK/enc.key"
	KSKIT_KEY_PASSPHRASE=wrong rc_is 1 "an encrypted PEM with the wrong passphrase" \
		"$KSKIT" token import --label encw "$WORK/enc.key" "$URI"
	err_has "wrong passphrase" "wrong passphrase: says so"
	printf 'Private-key-format: v1.3\nAlgorithm: 8 (RSASHA256)\nModulus: AAAA\n' >"$WORK/bad.private"
	rc_is 1 "a BIND file missing its fields" "$KSKIT" token import "$WORK/bad.private" "$URI"
	err_has "malformed key file \(no PublicExponent" "missing field: names it"
	err_one_line "missing field: one error line"
	_k=$(cd "$WORK" && dnssec-keygen -q -a RSASHA256 -b 2048 -K "$WORK" damaged.example)
	sed 's/^\(PrivateExponent: ..........\)A/\1B/; t; s/^\(PrivateExponent: ..........\)./\1A/' \
		"$WORK/$_k.private" >"$WORK/damaged.private"
	! cmp -s "$WORK/$_k.private" "$WORK/damaged.private"
	check $? "a key file damaged in one character"
	rc_is 1 "a BIND key with a damaged private exponent" "$KSKIT" token import --label damaged "$WORK/damaged.private" "$URI"
	err_has "inconsistent private key" "damaged key: says so"
	printf 'hello\n' >"$WORK/junk.key"
	rc_is 1 "a file that is no key" "$KSKIT" token import "$WORK/junk.key" "$URI"
	err_has "neither a BIND .private file nor PEM" "no key: says so"
	rc_is 1 "a key file that does not exist" "$KSKIT" token import "$WORK/none.private" "$URI"
	err_has "No such file" "missing key file: says so"
}

# suite_show: objects listed with their attributes; without login the
# private keys stay hidden.
suite_show() {
	rc_is 0 "token show" "$KSKIT" token show "$URI"
	out_has "^private-key RSA-2048" "token show lists an RSA-2048 private key"
	out_has "always-sensitive=" "token show gives the protection attributes"
	out_has "uri: pkcs11:.*type=private" "token show gives each object's URI"
	rc_is 0 "token show --no-login" "$KSKIT" token show --no-login "$URI"
	! printf '%s\n' "$OUT" | grep -q '^private-key'
	check $? "without login no private key is shown"
}

# suite_test ALGS: token test signs and verifies with each algorithm.
suite_test() {
	rc_is 0 "token test" "$KSKIT" token test --count 20 --rng-bytes 16384 "$URI"
	for _a in $1; do
		out_has "^$_a \(" "token test covers $_a"
	done
	out_has "all verified" "token test verifies in software"
	out_has "RNG: 16384 bytes.*passed" "token test checks the RNG"
}

# suite_rng: the pump to a file, through rngtest, and into the kernel.
suite_rng() {
	rc_is 0 "rng to a file" "$KSKIT" rng --bytes 4096 --output "$WORK/random.bin" "$URI"
	[ "$(stat -c %s "$WORK/random.bin")" -eq 4096 ] && [ "$(stat -c %a "$WORK/random.bin")" = 600 ]
	check $? "rng wrote 4096 bytes, mode 0600"
	cp "$WORK/random.bin" "$WORK/random.before"
	rc_is 1 "rng will not overwrite a file" "$KSKIT" rng --bytes 16 --output "$WORK/random.bin" "$URI"
	err_has "the file exists already" "rng over an existing file: says why"
	cmp -s "$WORK/random.bin" "$WORK/random.before"
	check $? "the existing file is untouched"
	"$KSKIT" rng --bytes 2500 --loop --output - "$URI" 2>"$WORK/rng.err" | rngtest -c 20 >"$WORK/rngtest.out" 2>&1
	_ok=$(sed -n 's/.*FIPS 140-2 successes: \([0-9]*\).*/\1/p' "$WORK/rngtest.out")
	[ "${_ok:-0}" -ge 18 ]
	check $? "rngtest passes the token's stream (${_ok:-0} of 20 FIPS 140-2 blocks)"
	if [ "$(id -u)" -eq 0 ]; then
		rc_is 0 "rng into the kernel" "$KSKIT" rng --bytes 256 "$URI"
		out_has "mixed 256 bytes into the kernel \(credited 512 bits\), reseeded" "rng says what it credited"
	fi
}

# suite_wrong_pin: a wrong PIN is one clear error.
suite_wrong_pin() {
	KSKIT_PIN=0000000 rc_is 1 "a wrong PIN" "$KSKIT" token show "$URI"
	err_has "wrong PIN \(C_Login: CKR_PIN_INCORRECT\)" "wrong PIN: says so"
	printf '%s\n' "$KSKIT_PIN" >"$WORK/pin"
	chmod 600 "$WORK/pin"
	KSKIT_PIN='' rc_is 0 "pin-source=file: gives the PIN" \
		"$KSKIT" token show "pkcs11:token=$LABEL?module-path=$MODULE&pin-source=file:$WORK/pin"
	KSKIT_PIN='' rc_is 1 "a pin-source file that does not exist" \
		"$KSKIT" token show "pkcs11:token=$LABEL?module-path=$MODULE&pin-source=file:$WORK/nopin"
	err_has "cannot read the PIN from pin-source" "missing pin-source: says so"
	head -c 300 /dev/zero | tr '\0' 7 >"$WORK/longpin"
	KSKIT_PIN='' rc_is 1 "a pin-source file without a PIN line" \
		"$KSKIT" token show "pkcs11:token=$LABEL?module-path=$MODULE&pin-source=file:$WORK/longpin"
	err_has "no PIN line" "pin-source without a PIN line: says so"
	KSKIT_PIN='' rc_is 1 "no PIN and no terminal" "$KSKIT" token show "$URI"
	err_has "no PIN: no terminal" "no PIN: says how to give one"
}

# suite_selection: URIs that match no token, or no object.
suite_selection() {
	rc_is 1 "a URI matching no token" "$KSKIT" token show "pkcs11:token=no-such-token?module-path=$MODULE"
	err_has "no token matches the URI" "no token: says so"
	err_one_line "no token: one error line"
	rc_is 1 "rng to a file from a token that is not there" \
		"$KSKIT" rng --output "$WORK/never" "pkcs11:token=no-such-token?module-path=$MODULE"
	[ ! -e "$WORK/never" ] && [ -z "$(find "$WORK" -name 'never.*')" ]
	check $? "a failed rng leaves no file, not even a temporary one"
	rc_is 1 "deleting an object that is not there" \
		"$KSKIT" token delete --yes "pkcs11:token=$LABEL;object=no-such-key?module-path=$MODULE"
	err_has "no object matches the URI" "no object: says so"
	rc_is 2 "token delete needs an object in the URI" "$KSKIT" token delete --yes "$URI"
}

# suite_delete OBJECT: delete one key pair, half by half.
suite_delete() {
	rc_is 1 "token delete without --yes and no terminal" \
		"$KSKIT" token delete "pkcs11:token=$LABEL;object=$1;type=private?module-path=$MODULE"
	err_has "canceled" "delete without confirmation is canceled"
	rc_is 1 "object= alone matches both halves of a key pair" \
		"$KSKIT" token delete --yes "pkcs11:token=$LABEL;object=$1?module-path=$MODULE"
	err_has "several objects match" "two halves: says so"
	rc_is 0 "token delete the private key" \
		"$KSKIT" token delete --yes "pkcs11:token=$LABEL;object=$1;type=private?module-path=$MODULE"
	rc_is 0 "token delete the public key" \
		"$KSKIT" token delete --yes "pkcs11:token=$LABEL;object=$1;type=public?module-path=$MODULE"
	rc_is 0 "token show after delete" "$KSKIT" token show "$URI"
	! printf '%s\n' "$OUT" | grep -q "label \"$1\""
	check $? "the deleted key is gone"
}

# suite_pulled N WHAT BYTES: the stand-in's Nth daemon (a line of
# $STANDIN/pids) dies in the middle of a pump of BYTES-byte blocks: one
# error line naming the failed call, exit 1, and the stream holds only whole
# health-tested blocks; a new process gets one error line too.
suite_pulled() {
	"$KSKIT" rng --loop --bytes "$3" --output - "$URI" >"$WORK/stream" 2>"$WORK/pump.err" &
	_pump=$!
	_wait=0
	while [ ! -s "$WORK/stream" ] && [ "$_wait" -lt 100 ]; do # the pump is running: a block is out
		sleep 0.1
		_wait=$((_wait + 1))
	done
	kill "$(sed -n "$1p" "$STANDIN/pids")"
	finished "$_pump" "$WORK/pump.err"
	[ "$RC" -eq 1 ]
	check $? "rng exits 1 when $2 dies"
	err_has "C_GenerateRandom: CKR_" "$2 gone: the pump names the failed call"
	err_one_line "$2 gone: one error line"
	_size=$(stat -c %s "$WORK/stream")
	[ "$_size" -gt 0 ] && [ $((_size % $3)) -eq 0 ]
	check $? "$2 gone: the stream holds whole health-tested blocks ($_size bytes)"
	rc_is 1 "token show with $2 gone" "$KSKIT" token show "$URI"
	err_one_line "$2 gone, new process: one error line"
}

# suite_keygen ALG BITS: a KSK made on the token; its DS checked against
# BIND's dnssec-dsfromkey and ldns-key2ds, its trust anchor against xmllint,
# its key tag against token show.
suite_keygen() {
	_out=$WORK/keygen-$1
	mkdir -p "$_out"
	# shellcheck disable=SC2086
	rc_is 0 "keygen: a $1 KSK on the token" \
		"$KSKIT" keygen --zone example.com --algorithm "$1" ${2:+--bits $2} --ds both \
		--output-dir "$_out" "$URI"
	_k=$(find "$_out" -name "K*.key" -exec basename {} .key \;)
	_tag=$(key_tag "$_k")
	[ "$(stat -c %a "$_out/$_k.private")" = 600 ] && grep -q '^Label: pkcs11:.*type=private' "$_out/$_k.private"
	check $? "keygen $1: the .private (0600) names the token key by URI"
	_ours=$(awk '$4 == "DS" && $7 == 2 { print tolower($8) }' "$_out/$_k.ds")
	_bind=$(dnssec-dsfromkey -2 "$_out/$_k.key" | awk '{ print tolower($NF) }')
	_ldns=$(cd "$_out" && ldns-key2ds -n -2 "$_k.key" | awk '{ print tolower($NF) }')
	[ -n "$_ours" ] && [ "$_ours" = "$_bind" ] && [ "$_ours" = "$_ldns" ]
	check $? "keygen $1: the SHA-256 DS equals dnssec-dsfromkey's and ldns-key2ds's"
	_ours=$(awk '$4 == "DS" && $7 == 4 { print tolower($8) }' "$_out/$_k.ds")
	_bind=$(dnssec-dsfromkey -a SHA-384 "$_out/$_k.key" | awk '{ print tolower($NF) }')
	[ -n "$_ours" ] && [ "$_ours" = "$_bind" ]
	check $? "keygen $1: the SHA-384 DS equals dnssec-dsfromkey's"
	xmllint --noout "$_out/$_k.xml" 2>/dev/null &&
		grep -qi "<Digest>$_ours</Digest>" "$_out/$_k.xml" &&
		grep -q "<KeyTag>$_tag</KeyTag>" "$_out/$_k.xml"
	check $? "keygen $1: the trust anchor is well-formed XML with the DS"
	grep -q "IN	CDNSKEY	257 3" "$_out/$_k.cds" && grep -q "IN	CDS	$_tag " "$_out/$_k.cds"
	check $? "keygen $1: CDS and CDNSKEY written"
	rc_is 0 "keygen $1: token show finds the key by its label" \
		"$KSKIT" token show "pkcs11:token=$LABEL;object=$_k;type=private?module-path=$MODULE"
	out_has "key tag $_tag as KSK" "keygen $1: the token's key has the key tag of the files"
	out_has "extractable=no" "keygen $1: not extractable"
}

# suite_zsk ALG: a ZSK made in software from the token's randomness signs a
# zone with BIND's dnssec-signzone (which must read the .private kskit
# wrote), and dnssec-verify and ldns-verify-zone accept the result.
suite_zsk() {
	_out=$WORK/zsk-$1
	mkdir -p "$_out"
	rc_is 0 "keygen --zsk $1" "$KSKIT" keygen --zsk --zone example.com --algorithm "$1" \
		--output-dir "$_out" "$URI"
	out_has "seeded with 1024 bytes from the token" "keygen --zsk: OpenSSL's RNG seeded from the token"
	_k=$(find "$_out" -name "K*.key" -exec basename {} .key \;)
	[ "$(stat -c %a "$_out/$_k.private")" = 600 ] && [ ! -e "$_out/$_k.ds" ]
	check $? "keygen --zsk $1: .private 0600, no DS for a ZSK"
	cat >"$_out/zone" <<ZONE
\$TTL 3600
example.com. IN SOA ns.example.com. hostmaster.example.com. 1 3600 900 604800 300
example.com. IN NS ns.example.com.
ns.example.com. IN A 192.0.2.1
www.example.com. IN AAAA 2001:db8::1
\$INCLUDE $_out/$_k.key
ZONE
	(cd "$_out" && dnssec-signzone -q -z -K "$_out" -o example.com -f signed zone "$_k" >/dev/null 2>&1) &&
		dnssec-verify -q -z -o example.com "$_out/signed" >/dev/null 2>&1
	check $? "keygen --zsk $1: dnssec-signzone signs with the key files, dnssec-verify agrees"
	ldns-verify-zone "$_out/signed" >/dev/null 2>&1
	check $? "keygen --zsk $1: ldns-verify-zone agrees"
}

# suite_full_disk: output to a full file system (a 64 KiB tmpfs) fails with
# one error line and leaves nothing behind, not even a temporary file.
suite_full_disk() {
	_full=$WORK/full
	mkdir -p "$_full"
	if ! mount -t tmpfs -o size=64k tmpfs "$_full" 2>/dev/null; then
		check 0 "# SKIP cannot mount a tmpfs here"
		return 0
	fi
	rc_is 1 "rng to a full disk" "$KSKIT" rng --bytes 1048576 --output "$_full/random" "$URI"
	err_has "input/output error \(write: No space left on device\)" "full disk: says so"
	err_one_line "full disk: one error line"
	[ -z "$(ls -A "$_full")" ]
	check $? "full disk: nothing left behind"
	dd if=/dev/zero of="$_full/filler" bs=1k count=64 2>/dev/null
	rc_is 1 "keygen onto a full disk" \
		"$KSKIT" keygen --zsk --zone example.com --algorithm RSASHA256 --output-dir "$_full" "$URI"
	err_one_line "keygen onto a full disk: one error line"
	[ "$(ls -A "$_full")" = filler ]
	check $? "keygen onto a full disk: nothing left behind"
	umount "$_full"
}
