#!/bin/sh
# kskit bundle: the self-contained ceremony's keybundles.  A KSK on SoftHSM
# signs a request kskit ksr made for two software ZSKs rolled over; kskit
# bundle seal encrypts each period's bundle for a passphrase and for the
# online signer's certificates (RSA and EC); stock OpenSSL opens both kinds
# and sha256sum checks the manifest; kskit bundle verify checks them all;
# every tampering, wrong secret and bad input is one error line, and a seal
# that fails leaves nothing behind.
. "$(dirname "$0")/../lib.sh"
standin_start softhsm

export KSKIT_PIN=123456
PASS="correct horse battery staple"
LABEL=bundle
URI="pkcs11:token=$LABEL?module-path=$KSKIT_TEST_MODULE"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kskit-bundle.XXXXXX")
trap 'cd /; umount "$WORK/full" 2>/dev/null; rm -rf "$WORK"; standin_stop' EXIT
cd "$WORK" || exit 1

rc_is 0 "a SoftHSM token" softhsm2-util --init-token --free --label "$LABEL" \
	--so-pin 12345678 --pin "$KSKIT_PIN"
# keygen DIR ARGS...: kskit keygen into the new directory DIR.
keygen() {
	_d=$1
	shift
	mkdir -p "$_d" && "$KSKIT" keygen --zone example.com --algorithm ECDSAP256SHA256 \
		--output-dir "$_d" "$@" "$URI" >/dev/null
}
keygen ksk && keygen zsk1 --zsk && keygen zsk2 --zsk && keygen other-ksk
check $? "a KSK on the token, two ZSKs from its randomness, and a second KSK"
KSK=$(ls ksk/*.key)
Z1=$(ls zsk1/*.private)
Z2=$(ls zsk2/*.private)
T1=$(key_tag "$Z1")
T2=$(key_tag "$Z2")
START=$((($(date +%s) / 3600 + 1) * 3600))
"$KSKIT" ksr --zsk "${Z1%.private}.key,bundles=-2" --zsk "${Z2%.private}.key,bundles=2-" \
	--periods 3 --start "$START" --output req.ksr >/dev/null &&
	"$KSKIT" sign --yes --ksk "$KSK" --output resp.skr "$URI" req.ksr >/dev/null
check $? "kskit ksr and kskit sign: 3 periods, ZSK $T1 rolled to $T2 in the second"

# --- a passphrase ------------------------------------------------------------
mkdir pw
export KSKIT_BUNDLE_PASSPHRASE="$PASS"
rc_is 0 "bundle seal with a passphrase" "$KSKIT" bundle seal --skr resp.skr --zsk "$Z1" \
	--zsk "$Z2" --passphrase --iterations 100000 --ksk "${KSK%.key}.ds" --output-dir pw
out_has "^  2  .*  $T1 $T2\(published\)\$" "the table: the new ZSK is published only in period 2"
n=$(find pw -name "*.kb" | wc -l)
[ "$n" -eq 3 ] && [ "$(stat -c %a pw/*.kb | sort -u)" = 600 ]
check $? "3 keybundles, mode 0600"
M=$(ls pw/*.manifest)
out_has "^$M \([0-9]+ bytes\)\$" "the manifest's digest is printed"
(cd pw && sha256sum --quiet -c "$(basename "$M")")
check $? "sha256sum -c checks the manifest"
first=$(find pw -name "*.kb" | sort | head -1)
second=$(find pw -name "*.kb" | sort | sed -n 2p)
rc_is 0 "stock OpenSSL opens a passphrase bundle" openssl cms -decrypt -inform DER \
	-in "$first" -pwri_password "$PASS"
out_has "^;; kskit keybundle 1\.0\$" "it is a keybundle"
out_has "^;; zsk $T1 active\$" "ZSK $T1 is active in the first period"
out_has "^PrivateKey: " "with its private key"
rc_is 0 "openssl cms -cmsout -print" openssl cms -cmsout -print -inform DER -in "$first"
out_has "algorithm: PBKDF2" "the key is derived by PBKDF2"
out_has "INTEGER +:0186A0" "with the iterations asked for (100000)"
out_has "aes-256-cbc" "AES-256-CBC"
rc_is 0 "openssl decrypts the second period" openssl cms -decrypt -inform DER -in "$second" \
	-pwri_password "$PASS"
out_has "^;; zsk $T2 published\$" "the second period: $T2 published"
[ "$(printf '%s\n' "$OUT" | grep -c '^PrivateKey: ')" -eq 1 ]
check $? "the second period carries one private key: the pre-published ZSK's stays out"
rc_is 0 "bundle verify: the whole manifest, from the KSK's DS" \
	"$KSKIT" bundle verify --ksk "${KSK%.key}.ds" "$M"
out_has "^all 3 keybundles verified\$" "all 3 verified"
printf '%s\n' "$PASS" >pass.txt
rc_is 0 "bundle open, the passphrase from a file (a relative path)" env -u KSKIT_BUNDLE_PASSPHRASE \
	"$KSKIT" bundle open --passphrase-file pass.txt --output - "$first"
out_has "^;; kskit keybundle 1\.0\$" "--passphrase-file: opened"
rc_is 1 "bundle open, a passphrase file that is not there" env -u KSKIT_BUNDLE_PASSPHRASE \
	"$KSKIT" bundle open --passphrase-file nothere.txt --output - "$first"
err_has "nothere.txt: No such file or directory" "a missing passphrase file: says so"
rc_is 0 "bundle inspect" "$KSKIT" bundle inspect "$first"
out_has "^  EnvelopedData \(not authenticated\)\$" "inspect: EnvelopedData"
out_has "^  recipient: password \(PBKDF2\)\$" "inspect: a password recipient"
rc_is 0 "bundle open" "$KSKIT" bundle open --output opened.txt "$first"
[ "$(stat -c %a opened.txt)" = 600 ] && grep -q "^;; zsk $T1 active\$" opened.txt
check $? "bundle open writes the keybundle, mode 0600"

# --- certificates --------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.crt -subj /CN=signer-rsa \
	-days 30 2>/dev/null &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key \
		-out ec.crt -subj /CN=signer-ec -days 30 2>/dev/null
check $? "two online signers' certificates, RSA and EC"
mkdir certs
rc_is 0 "bundle seal for the two certificates" env -u KSKIT_BUNDLE_PASSPHRASE \
	"$KSKIT" bundle seal --skr resp.skr --zsk "$Z1" --zsk "$Z2" --recipient rsa.crt \
	--recipient ec.crt --output-dir certs
cf=$(find certs -name "*.kb" | sort | head -1)
CM=$(ls certs/*.manifest)
for k in rsa ec; do
	rc_is 0 "stock OpenSSL opens it with the $k key" openssl cms -decrypt -inform DER \
		-in "$cf" -inkey "$k.key" -recip "$k.crt"
	out_has "^;; kskit keybundle 1\.0\$" "$k: a keybundle"
	rc_is 0 "bundle verify with the $k key" "$KSKIT" bundle verify --key "$k.key" \
		--cert "$k.crt" --ksk "$KSK" "$CM"
done
rc_is 0 "openssl cms -cmsout -print" openssl cms -cmsout -print -inform DER -in "$cf"
out_has "contentType: id-smime-ct-authEnvelopedData" "AuthEnvelopedData"
out_has "aes-256-gcm" "AES-256-GCM"
out_has "rsaesOaep" "the RSA recipient by RSAES-OAEP"
out_has "dhSinglePass-stdDH-sha256kdf-scheme" "the EC recipient by ECDH with the SHA-256 KDF"
rc_is 0 "bundle inspect" "$KSKIT" bundle inspect "$cf"
out_has "^  AuthEnvelopedData \(AES-256-GCM, authenticated\)\$" "inspect: AuthEnvelopedData"
[ "$(printf '%s\n' "$OUT" | grep -c '^  recipient: certificate ')" -eq 2 ] &&
	printf '%s\n' "$OUT" | grep -q "of /CN=signer-ec\$"
check $? "inspect: the two certificate recipients, by serial and issuer"

# flip FILE OFFSET-FROM-END OUT: FILE with one byte flipped.
flip() {
	cp "$1" "$3" && size=$(stat -c %s "$1") &&
		printf '%b' "\\0$(printf '%03o' $(($(od -An -tu1 -j $((size - $2)) -N1 "$1") ^ 1)))" |
		dd of="$3" bs=1 seek=$((size - $2)) conv=notrunc 2>/dev/null
}
flip "$cf" 20 gcm-flipped.kb
rc_is 4 "stock OpenSSL refuses a GCM bundle with one byte flipped" openssl cms -decrypt \
	-inform DER -in gcm-flipped.kb -inkey ec.key -recip ec.crt -out flipped.out
rc_is 1 "bundle open refuses it" "$KSKIT" bundle open --key ec.key --cert ec.crt \
	--output flipped.txt gcm-flipped.kb
err_has "cannot decrypt" "bundle open: cannot decrypt"
err_one_line "bundle open: one error line"
[ ! -e flipped.txt ]
check $? "bundle open: nothing written"

# --- what verify and open refuse --------------------------------------------------
# refused DESC REGEX CMD...: exit 1, REGEX on stderr, one line.
refused() {
	_d=$1 _r=$2
	shift 2
	rc_is 1 "$_d" "$@"
	err_has "$_r" "$_d: says why"
	err_one_line "$_d: one error line"
}
KSKIT_BUNDLE_PASSPHRASE="wrong horse battery" refused "a wrong passphrase" \
	"cannot decrypt.*not with this passphrase" "$KSKIT" bundle verify "$M"
refused "another recipient's key" "cannot decrypt" "$KSKIT" bundle verify --key rsa.key \
	--cert rsa.crt "$M"
mkdir tampered
cp pw/* tampered/
flip "$first" 40 "tampered/$(basename "$first")"
refused "a CBC bundle with one byte flipped: the manifest says so" \
	"not the file the manifest lists" "$KSKIT" bundle verify "tampered/$(basename "$M")"
# (certificate bundles from here on: PBKDF2 is slow under ASan)
mkdir gap
cp certs/* gap/
sed -i '2d' "gap/$(basename "$CM")"
refused "a period left out of the manifest" "does not start where the one before ends" \
	"$KSKIT" bundle verify --key ec.key "gap/$(basename "$CM")"
refused "another KSK as trust anchor" "the trust anchor's KSK signs no DNSKEY RRset" \
	"$KSKIT" bundle verify --key ec.key --ksk "$(ls other-ksk/*.ds)" "$CM"
printf 'not a manifest\n' >bad.manifest
refused "a malformed manifest" "line 1 is not" "$KSKIT" bundle verify bad.manifest
printf 'not CMS\n' >junk.kb
refused "bundle open: not a CMS file" "not a CMS envelope" "$KSKIT" bundle open --output x junk.kb
refused "bundle inspect: not a CMS file" "not a CMS envelope" "$KSKIT" bundle inspect junk.kb
refused "bundle open over an existing file" "exists" "$KSKIT" bundle open --output opened.txt "$first"

# --- what seal refuses: nothing left behind ------------------------------------------
# seal_refused DESC REGEX ARGS...: bundle seal fails, says why, writes nothing.
seal_refused() {
	_d=$1 _r=$2
	shift 2
	rm -rf out && mkdir out
	refused "$_d" "$_r" "$KSKIT" bundle seal --skr resp.skr --output-dir out "$@"
	[ -z "$(ls -A out)" ]
	check $? "$_d: nothing written"
}
seal_refused "the active ZSK's key missing" "bundle 1: no private key for the active ZSK $T1" \
	--zsk "$Z2" --passphrase --iterations 100000
seal_refused "another KSK as trust anchor" "the trust anchor's KSK signs no DNSKEY RRset" \
	--zsk "$Z1" --zsk "$Z2" --passphrase --iterations 100000 --ksk "$(ls other-ksk/*.ds)"
KSKIT_BUNDLE_PASSPHRASE=short seal_refused "a short passphrase" "at least 12 characters" \
	--zsk "$Z1" --zsk "$Z2" --passphrase --iterations 100000
seal_refused "a request instead of a response" "is a request, not a response" \
	--zsk "$Z1" --zsk "$Z2" --passphrase --iterations 100000 --skr req.ksr
seal_refused "a certificate that is no certificate" "rsa.key: not a PEM certificate" \
	--zsk "$Z1" --zsk "$Z2" --recipient rsa.key
rm -rf out && mkdir out && cp "$first" out/
rc_is 1 "bundle seal where a bundle's file exists" "$KSKIT" bundle seal --skr resp.skr \
	--zsk "$Z1" --zsk "$Z2" --passphrase --iterations 100000 --output-dir out
[ "$(ls out)" = "$(basename "$first")" ] && cmp -s "$first" "out/$(basename "$first")"
check $? "nothing written, the existing file untouched"
rc_is 2 "bundle seal: a passphrase and certificates" "$KSKIT" bundle seal --skr resp.skr \
	--zsk "$Z1" --passphrase --recipient ec.crt --output-dir out
mkdir -p full
if mount -t tmpfs -o size=8k tmpfs full 2>/dev/null; then
	rc_is 1 "bundle seal onto a disk that fills up" "$KSKIT" bundle seal --skr resp.skr \
		--zsk "$Z1" --zsk "$Z2" --recipient ec.crt --output-dir full
	err_has "No space left on device" "a full disk: says so"
	[ -z "$(ls -A full)" ]
	check $? "a full disk: the bundles already written are removed, nothing is left"
	umount full
else
	check 0 "# SKIP cannot mount a tmpfs here"
fi
done_testing
