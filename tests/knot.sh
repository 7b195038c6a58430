# Knot DNS offline-KSK interop: Knot's ZSK side writes a Key Signing Request
# (KSR), a KSK side signs it into a Signed Key Response (SKR), the ZSK side
# validates and imports it, and knotd serves the zone for independent
# validators.  Source it (POSIX sh, no other dependency: tests/cli/70-knot.t
# and bench/ksr-sign both use it).  Each function returns 0 on success and
# says what went wrong on stderr otherwise.
#
# Layout of a work directory DIR (every file written here, nothing else):
#   DIR/zone.name          the zone, with its final dot
#   DIR/zsk.conf  DIR/zsk/ the ZSK side: config, kasp-db, zone.db, knotd's rundir
#   DIR/ksk.conf  DIR/ksk/ the KSK side: config (PIN inside, mode 0600), kasp-db
#   DIR/ksr  DIR/skr       the request and the response
#   DIR/ksk.tag  DIR/ksk.ds  DIR/ksk.dnskey   the KSK's key tag, DS (SHA-256), DNSKEY
#   DIR/knotd.{pid,port,log}   the running knotd
#   DIR/axfr.zone          the served zone, as transferred
#
# What was learned on Knot 3.2.6 (Debian 12), for whoever writes kskit sign:
#
# * ZSK side config that works (knot_zsk_side writes it):
#     policy:
#       - id: offline-ksk
#         algorithm: ecdsap256sha256      # lower case; same algorithm as the KSK
#         manual: on
#         offline-ksk: on
#         dnskey-ttl: 3600
#         zone-max-ttl: 3600
#         zsk-lifetime: 30d               # pregenerate needs it
#         propagation-delay: 1h
#   then `keymgr -c zsk.conf ZONE pregenerate +90d` (3 ZSKs for 90 days) and
#   `keymgr -c zsk.conf ZONE generate-ksr +0 +90d > ksr`.  The 90-day KSR has
#   8 bundles: at T (the time of pregenerate, not of generate-ksr), at each
#   ZSK event: ZSK2 published T+30d, active (ZSK1 retired) T+30d+1h, ZSK1
#   removed T+30d+2h; ZSK3 at T+60d+1h, +2h, +3h (the lifetime runs from
#   activation, so each roll drifts an hour); and a last one at T+90d.  A
#   Knot KSR carries DNSKEYs only: no policy, no signature times.
#   The zone's own options: zonefile-sync: -1 keeps zone.db as written;
#   zonefile-load: difference-no-serial with journal-content: all silences
#   knotd's warning about signing with outgoing transfers.
# * KSK side config (knot_ksk_keygen writes it):
#     keystore:
#       - id: hsm
#         backend: pkcs11
#         config: "pkcs11:token=LABEL;pin-value=PIN /usr/lib/softhsm/libsofthsm2.so"
#     policy:
#       - id: offline-ksk
#         algorithm: ecdsap256sha256
#         keystore: hsm
#         manual: on
#         offline-ksk: on
#         dnskey-ttl: 3600
#         zone-max-ttl: 3600
#   and `keymgr -c ksk.conf ZONE generate algorithm=... ksk=yes zsk=no`.  The
#   key lands on the token with an empty label, CKA_ID = Knot's 20-byte key
#   id, sensitive, never-extractable; `kskit token show` lists it with the
#   same key tag as `keymgr list`.  SOFTHSM2_CONF must be in the environment.
#   `keymgr ds TAG` prints SHA-256 and SHA-384 DS, `keymgr dnskey TAG` the
#   DNSKEY, both without TTL or class, which dnssec-dsfromkey refuses ("no
#   TTL specified"): knot_ksk_keygen adds "3600 IN".
# * Quirk: sign-ksr signs each bundle "as of" the bundle's time, so the KSK
#   must be active at or before the KSR's first bundle, or sign-ksr fails
#   with "no keys for signing" (exit 1).  A KSK generated after the KSR
#   (as here) must be back-dated: created=-1d publish=-1d ready=-1d active=-1d
#   (keymgr takes relative times).
# * Quirk: libdnssec (GnuTLS) loads every p11-kit registered module besides
#   the configured one: here tpm2_pkcs11 (which tries TCTIs, tabrmd over
#   D-Bus, swtpm/mssim on 127.0.0.1:2321, and writes ~/.tpm2_pkcs11) and
#   opensc-pkcs11 (which talks to any running pcscd).  As root, p11-kit
#   ignores ~/.config/pkcs11, so knot_keymgr neuters them by environment
#   (TPM2_PKCS11_STORE=/nonexistent makes tpm2_pkcs11 fail C_Initialize
#   before it touches a TPM; PCSCLITE_CSOCK_NAME hides pcscd) and drops the
#   "ERROR:"/"WARNING:" lines tpm2_pkcs11 still prints (KNOT_NOISE).
# * The SKR (sign-ksr, defaults of the KSK side's policy): one bundle per KSR
#   bundle, plus refresh bundles in between, 14 bundles for the 90-day KSR.
#   Every bundle: the ZSKs of the KSR bundle, then the KSK, then one RRSIG
#   DNSKEY by the KSK; original TTL = dnskey-ttl, labels = zone labels;
#   inception = bundle time - 90 min (fixed), expiration = bundle time +
#   rrsig-lifetime (default 14d).  A refresh bundle comes when the last
#   signature is rrsig-refresh (default propagation-delay + zone-max-ttl =
#   1h + 1h = 2h) from expiring, i.e. 13d22h after the bundle before it:
#   T, T+13d22h, T+27d20h, then the KSR's T+30d, T+30d+1h, T+30d+2h, then
#   T+44d, ...  Times print as
#   ";; SignedKeyResponse 1.0 <unix time> (<ISO time>) =========".
# * validate-skr prints "OK" and exits 0 even when a signature is bad; the
#   only sign is on stderr: "error: invalid SignedKeyResponse for <time>
#   (no valid signature for a record)".  It exits 1 only for unreadable or
#   malformed files.  import-skr checks the signatures itself and exits 1
#   ("error: no valid signature for a record") without importing anything.
# * knotd (signing on, offline-ksk) puts into the zone the imported bundle
#   with the greatest time <= now, verbatim (DNSKEY RRset and its RRSIG), logs
#   "DNSSEC, using offline records, DNSKEYs 2, CDNSKEYs 0, CDs 0, RRSIGs 1",
#   signs the rest with the active ZSK, and schedules the next signing at the
#   next bundle's time.  It exits at once ("failed to configure server") when
#   it cannot bind its TCP port, but shares UDP ports (SO_REUSEPORT), so
#   knot_serve trusts only a TCP answer with the identity it gave this
#   knotd.  Its log (stderr or a file) reaches the file only when it exits.
#   kdig 3.2 takes +timeout=T +retry=N (not dig's +time/+tries).
# * Validators: dnssec-verify -o ZONE, ldns-verify-zone -k DSFILE (the DS as
#   trust anchor; fails on a wrong DS too) and kzonecheck -o ZONE -d on, on
#   the AXFR with its closing SOA dropped; and, live against knotd:
#     delv @127.0.0.1 -p PORT +tcp -a ANCHORS +root=ZONE ZONE DNSKEY
#   with ANCHORS = trust-anchors { ZONE static-ds TAG ALG 2 "HEX"; };
#   delv (9.18) exits 0 even on "resolution failed: no valid RRSIG": pass
#   only on "; fully validated".  All four fail on one flipped byte in the
#   DNSKEY RRSIG (knot_flip_rrsig); since import-skr refuses a forged SKR,
#   the forged zone is served from a file by a second, non-signing knotd
#   (knot_serve_file).

KNOT_DNSKEY_TTL=3600
# tpm2_pkcs11's lines when it fails to start (see above), and blank lines.
KNOT_NOISE='^ERROR: (Cannot open database: unable to open database file|Neither FAPI nor ESYSDB backends could be initialized\.)$'
KNOT_NOISE="$KNOT_NOISE|^WARNING: ESYSDB backend was not initialized\.$|^$"
KNOT_CHECKS='dnssec-verify ldns-verify-zone kzonecheck delv'

# knot_require: every tool the harness needs is installed; names the missing.
knot_require() {
	_kmiss=
	for _kt in knotd keymgr kdig kzonecheck dnssec-verify dnssec-dsfromkey delv \
		ldns-verify-zone softhsm2-util ss; do
		command -v "$_kt" >/dev/null 2>&1 || _kmiss="$_kmiss $_kt"
	done
	[ -z "$_kmiss" ] || { echo "missing:$_kmiss" >&2; return 1; }
}

# knot_keymgr CONF ZONE COMMAND...: keymgr -c CONF ZONE COMMAND..., shielded
# from the system's other PKCS#11 modules; stderr without their noise.
knot_keymgr() {
	_kerr=$(mktemp) || return 1
	_krc=0
	env PCSCLITE_CSOCK_NAME=/nonexistent TPM2_PKCS11_STORE=/nonexistent \
		TPM2_PKCS11_TCTI=device:/nonexistent TSS2_LOG=all+NONE \
		keymgr -c "$@" 2>"$_kerr" || _krc=$?
	grep -Ev "$KNOT_NOISE" "$_kerr" >&2 || :
	rm -f "$_kerr"
	return "$_krc"
}

# knot_zone DIR: the zone DIR was set up for.
knot_zone() {
	cat "$1/zone.name"
}

# knot_alg_conf ALG: Knot's configuration name of ALG (ECDSAP256SHA256 ->
# ecdsap256sha256).
knot_alg_conf() {
	printf '%s\n' "$1" | tr '[:upper:]' '[:lower:]'
}

# knot_zsk_side DIR ZONE ALG [DAYS]: the ZSK side in DIR (created if need
# be): DIR/zsk.conf, a zone (SOA, NS, A records, a delegation), DAYS (90)
# of pregenerated ZSKs rolled every 30 days, and the KSR for them in DIR/ksr.
knot_zsk_side() {
	mkdir -p "$1/zsk" || return 1
	_kd=$(cd "$1" && pwd) _kz=$2 _ka=$(knot_alg_conf "$3") _kdays=${4:-90}
	case $_kz in *.) ;; *) _kz=$_kz. ;; esac
	printf '%s\n' "$_kz" >"$_kd/zone.name"
	cat >"$_kd/zsk.conf" <<EOF
server:
    rundir: "$_kd/zsk"
    pidfile: "$_kd/zsk/knotd.pid"
    identity: kskit
    listen: 127.0.0.1@53
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$_kd/zsk"
    kasp-db: "$_kd/zsk/kasp-db"
log:
  - target: stderr
    any: info
acl:
  - id: local-axfr
    address: 127.0.0.1
    action: transfer
policy:
  - id: offline-ksk
    algorithm: $_ka
    manual: on
    offline-ksk: on
    dnskey-ttl: $KNOT_DNSKEY_TTL
    zone-max-ttl: 3600
    zsk-lifetime: 30d
    propagation-delay: 1h
zone:
  - domain: $_kz
    file: "$_kd/zsk/zone.db"
    zonefile-sync: -1
    zonefile-load: difference-no-serial
    journal-content: all
    dnssec-signing: on
    dnssec-policy: offline-ksk
    acl: local-axfr
EOF
	cat >"$_kd/zsk/zone.db" <<EOF
\$ORIGIN $_kz
\$TTL 3600
@	SOA	ns1 hostmaster 1 7200 3600 1209600 3600
	NS	ns1
	NS	ns2
ns1	A	192.0.2.1
ns2	A	192.0.2.2
www	A	192.0.2.10
	AAAA	2001:db8::10
sub	NS	ns1.sub
ns1.sub	A	192.0.2.53
EOF
	knot_keymgr "$_kd/zsk.conf" "$_kz" pregenerate "+${_kdays}d" >/dev/null || return 1
	knot_keymgr "$_kd/zsk.conf" "$_kz" generate-ksr +0 "+${_kdays}d" >"$_kd/ksr" || return 1
	if ! grep -q '^;; KeySigningRequest 1.0 [0-9]' "$_kd/ksr"; then
		echo "knot_zsk_side: no KSR in $_kd/ksr" >&2
		return 1
	fi
}

# knot_ksk_keygen DIR ALG MODULE TOKEN_LABEL: Knot's KSK side for the zone
# of DIR: DIR/ksk.conf with the token as keystore (PIN from $KSKIT_PIN,
# SoftHSM's SOFTHSM2_CONF from the environment), a KSK generated by keymgr
# on the token, back-dated a day so it covers the whole KSR; its key tag,
# DS (SHA-256) and DNSKEY in DIR/ksk.tag, DIR/ksk.ds, DIR/ksk.dnskey.
knot_ksk_keygen() {
	mkdir -p "$1/ksk" || return 1
	_kd=$(cd "$1" && pwd) _kz=$(knot_zone "$1") _ka=$(knot_alg_conf "$2")
	_ksize=
	case $_ka in rsa*) _ksize="    ksk-size: 2048" ;; esac
	(umask 077 && cat >"$_kd/ksk.conf" <<EOF
database:
    storage: "$_kd/ksk"
    kasp-db: "$_kd/ksk/kasp-db"
keystore:
  - id: hsm
    backend: pkcs11
    config: "pkcs11:token=$4;pin-value=${KSKIT_PIN:?} $3"
policy:
  - id: offline-ksk
    algorithm: $_ka
$_ksize
    keystore: hsm
    manual: on
    offline-ksk: on
    dnskey-ttl: $KNOT_DNSKEY_TTL
    zone-max-ttl: 3600
zone:
  - domain: $_kz
    dnssec-signing: on
    dnssec-policy: offline-ksk
EOF
	) || return 1
	knot_keymgr "$_kd/ksk.conf" "$_kz" generate "algorithm=$_ka" ksk=yes zsk=no \
		created=-1d publish=-1d ready=-1d active=-1d >/dev/null || return 1
	knot_keymgr "$_kd/ksk.conf" "$_kz" list | awk '$3 == "KSK" { print $2 }' >"$_kd/ksk.tag"
	_ktag=$(cat "$_kd/ksk.tag")
	case $_ktag in
	'' | *[!0-9]*)
		echo "knot_ksk_keygen: no single KSK in the kasp-db ($_ktag)" >&2
		return 1
		;;
	esac
	knot_keymgr "$_kd/ksk.conf" "$_kz" ds "$_ktag" |
		awk -v ttl="$KNOT_DNSKEY_TTL" '$2 == "DS" && $5 == 2 { $2 = ttl " IN DS"; print }' >"$_kd/ksk.ds"
	knot_keymgr "$_kd/ksk.conf" "$_kz" dnskey "$_ktag" |
		awk -v ttl="$KNOT_DNSKEY_TTL" '$2 == "DNSKEY" { $2 = ttl " IN DNSKEY"; print }' >"$_kd/ksk.dnskey"
	if ! [ -s "$_kd/ksk.ds" ] || ! [ -s "$_kd/ksk.dnskey" ]; then
		echo "knot_ksk_keygen: keymgr gave no DS or DNSKEY for $_ktag" >&2
		return 1
	fi
}

# knot_sign_keymgr DIR: Knot's KSK side signs DIR/ksr into DIR/skr.
knot_sign_keymgr() {
	knot_keymgr "$1/ksk.conf" "$(knot_zone "$1")" sign-ksr "$1/ksr" >"$1/skr" || return 1
	if ! grep -q '^;; SignedKeyResponse 1.0 [0-9]' "$1/skr"; then
		echo "knot_sign_keymgr: no SKR in $1/skr" >&2
		return 1
	fi
}

# knot_sign_kskit DIR URI OUT [KSK...]: kskit signs DIR/ksr into OUT with
# the KSKs given (kskit sign --ksk; default the one of DIR/ksk.tag) on the
# token of URI (pkcs11:token=LABEL?module-path=MODULE), PIN from $KSKIT_PIN.
knot_sign_kskit() {
	_kd=$1 _ku=$2 _ko=$3
	shift 3
	[ "$#" -gt 0 ] || set -- "$(cat "$_kd/ksk.tag")"
	for _kk; do
		set -- "$@" --ksk "$_kk"
		shift
	done
	"${KSKIT:?}" sign --yes "$@" -o "$_ko" "$_ku" "$_kd/ksr"
}

# knot_ksk_side_keymgr DIR ALG MODULE TOKEN_LABEL: knot_ksk_keygen, then
# knot_sign_keymgr: DIR/ksr signed into DIR/skr by Knot's KSK on the token.
knot_ksk_side_keymgr() {
	knot_ksk_keygen "$@" && knot_sign_keymgr "$1"
}

# knot_validate DIR SKR: the ZSK side's validate-skr accepts SKR: exit 0,
# "OK", and nothing on stderr (it exits 0 on a bad signature, see above).
knot_validate() {
	_kout=$(knot_keymgr "$1/zsk.conf" "$(knot_zone "$1")" validate-skr "$2" 2>"$1/validate.err")
	_krc=$?
	if [ "$_krc" -ne 0 ] || [ -s "$1/validate.err" ] || [ "$_kout" != OK ]; then
		echo "knot_validate: validate-skr rejects $2 (exit $_krc):" >&2
		cat "$1/validate.err" >&2
		return 1
	fi
}

# knot_import DIR SKR: knot_validate, then the ZSK side's import-skr.
knot_import() {
	knot_validate "$1" "$2" || return 1
	_kout=$(knot_keymgr "$1/zsk.conf" "$(knot_zone "$1")" import-skr "$2" 2>"$1/import.err")
	_krc=$?
	if [ "$_krc" -ne 0 ] || [ -s "$1/import.err" ] || [ "$_kout" != OK ]; then
		echo "knot_import: import-skr $2 failed (exit $_krc):" >&2
		cat "$1/import.err" >&2
		return 1
	fi
}

# knot_free_port: a port no socket uses, TCP or UDP, from 20000-32767 (below
# Linux's ephemeral ports, which kdig and delv take for their queries).
knot_free_port() {
	_kp=$((20000 + ($$ * 7 + $(date +%N | sed 's/^0*//;s/^$/0/')) % 12768))
	_kn=0
	while [ "$_kn" -lt 100 ]; do
		if [ -z "$(ss -Htuan "sport = :$_kp")" ]; then
			echo "$_kp"
			return 0
		fi
		_kp=$((_kp + 1 > 32767 ? 20000 : _kp + 1))
		_kn=$((_kn + 1))
	done
	return 1
}

# knot_serve DIR [CONF]: knotd with CONF (DIR/zsk.conf) on 127.0.0.1 and a
# free port, in the background; returns once it answers the zone's SOA.
# Pid, port and log in DIR/knotd.pid, DIR/knotd.port, DIR/knotd.log (the log
# reaches the file when knotd exits).  Concurrent runs may pick the same
# port, and UDP is shared (knotd sets SO_REUSEPORT): so the answer that
# counts comes over TCP, from the server identity given to this knotd.
knot_serve() {
	_kd=$1 _kc=${2:-$1/zsk.conf} _kz=$(knot_zone "$1")
	_ktry=0
	while [ "$_ktry" -lt 5 ]; do
		_ktry=$((_ktry + 1))
		_kp=$(knot_free_port) || { echo "knot_serve: no free port" >&2; return 1; }
		_kid=kskit-$$-$_kp-$(date +%N)
		sed -e "s/^\( *listen:\).*/\1 127.0.0.1@$_kp/" -e "s/^\( *identity:\).*/\1 $_kid/" \
			"$_kc" >"$_kc.new" && mv "$_kc.new" "$_kc" || return 1
		env PCSCLITE_CSOCK_NAME=/nonexistent TPM2_PKCS11_STORE=/nonexistent \
			knotd -c "$_kc" </dev/null >"$_kd/knotd.log" 2>&1 &
		_kpid=$!
		echo "$_kpid" >"$_kd/knotd.pid"
		echo "$_kp" >"$_kd/knotd.port"
		_kn=0
		while [ "$_kn" -lt 100 ] && knot_alive "$_kpid"; do
			if kdig @127.0.0.1 -p "$_kp" +tcp +timeout=1 +retry=0 +short CH TXT id.server 2>/dev/null |
				grep -qF "\"$_kid\"" &&
				[ -n "$(kdig @127.0.0.1 -p "$_kp" +tcp +timeout=1 +retry=0 +short "$_kz" SOA 2>/dev/null)" ]; then
				return 0
			fi
			sleep 0.1
			_kn=$((_kn + 1))
		done
		knot_stop "$_kd"
		grep -q 'cannot bind' "$_kd/knotd.log" || break
	done
	echo "knot_serve: knotd did not serve $_kz:" >&2
	tail -n 5 "$_kd/knotd.log" >&2
	return 1
}

# knot_alive PID: the process runs (a dead child of this shell stays a
# zombie, which kill -0 still finds, until it is waited for).
knot_alive() {
	kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" | cut -c1)" != Z ]
}

# knot_stop DIR: stop the knotd of DIR/knotd.pid (SIGTERM, SIGKILL after 5
# seconds) and wait for it.  Nothing to do when none runs.
knot_stop() {
	[ -f "$1/knotd.pid" ] || return 0
	_kpid=$(cat "$1/knotd.pid")
	rm -f "$1/knotd.pid"
	kill -TERM "$_kpid" 2>/dev/null || return 0
	_kn=0
	while [ "$_kn" -lt 50 ] && knot_alive "$_kpid"; do
		sleep 0.1
		_kn=$((_kn + 1))
	done
	kill -KILL "$_kpid" 2>/dev/null || :
	wait "$_kpid" 2>/dev/null || :
	return 0
}

# knot_serve_file DIR ZONE FILE: knotd serving FILE as ZONE from DIR as it
# is, without signing it (knot_serve DIR DIR/static.conf).
knot_serve_file() {
	mkdir -p "$1/static" || return 1
	_kd=$(cd "$1" && pwd) _kz=$2
	case $_kz in *.) ;; *) _kz=$_kz. ;; esac
	printf '%s\n' "$_kz" >"$_kd/zone.name"
	cp "$3" "$_kd/static/zone.db" || return 1
	cat >"$_kd/static.conf" <<EOF
server:
    rundir: "$_kd/static"
    pidfile: "$_kd/static/knotd.pid"
    identity: kskit
    listen: 127.0.0.1@53
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$_kd/static"
log:
  - target: stderr
    any: info
acl:
  - id: local-axfr
    address: 127.0.0.1
    action: transfer
zone:
  - domain: $_kz
    file: "$_kd/static/zone.db"
    zonefile-sync: -1
    journal-content: none
    acl: local-axfr
EOF
	knot_serve "$_kd" "$_kd/static.conf"
}

# knot_axfr DIR ZONE: transfer ZONE from DIR's knotd into DIR/axfr.zone
# (one record a line, without kdig's comments and the closing SOA).
knot_axfr() {
	kdig @127.0.0.1 -p "$(cat "$1/knotd.port")" +nocomments +nostats "$2" AXFR >"$1/axfr.raw" ||
		return 1
	awk '/^;/ || NF == 0 { next } $4 == "SOA" && soa++ { next } { print }' \
		"$1/axfr.raw" >"$1/axfr.zone"
	if ! grep -Eq "[[:space:]]SOA[[:space:]]" "$1/axfr.zone" ||
		! grep -Eq "[[:space:]]RRSIG[[:space:]]+DNSKEY[[:space:]]" "$1/axfr.zone"; then
		echo "knot_axfr: no signed zone in the transfer:" >&2
		head -n 5 "$1/axfr.raw" >&2
		return 1
	fi
}

# knot_check TOOL DIR ZONE: one independent validator on what DIR's knotd
# serves, with DIR/ksk.ds as the trust anchor where the tool takes one:
#   dnssec-verify, ldns-verify-zone (-k ksk.ds), kzonecheck: DIR/axfr.zone;
#   delv: the DNSKEY RRset and the SOA, asked from knotd, from the DS alone.
knot_check() {
	_kd=$2 _kz=$3
	case $1 in
	dnssec-verify) dnssec-verify -o "$_kz" "$_kd/axfr.zone" >&2 ;;
	ldns-verify-zone) ldns-verify-zone -k "$_kd/ksk.ds" "$_kd/axfr.zone" >&2 ;;
	kzonecheck) kzonecheck -v -o "$_kz" -d on "$_kd/axfr.zone" >&2 ;;
	delv)
		awk '$4 == "DS" { printf "trust-anchors {\n\t%s static-ds %s %s %s \"%s\";\n};\n", $1, $5, $6, $7, $8 }' \
			"$_kd/ksk.ds" >"$_kd/anchors.conf"
		for _kt in DNSKEY SOA; do
			delv @127.0.0.1 -p "$(cat "$_kd/knotd.port")" +tcp -a "$_kd/anchors.conf" +root="$_kz" \
				"$_kz" "$_kt" >"$_kd/delv.out" 2>"$_kd/delv.err"
			cat "$_kd/delv.out" "$_kd/delv.err" >&2
			grep -q '^; fully validated' "$_kd/delv.out" &&
				! grep -q 'resolution failed' "$_kd/delv.err" || return 1
		done
		;;
	*)
		echo "knot_check: unknown tool $1" >&2
		return 2
		;;
	esac
}

# knot_verify_served DIR ZONE: knot_axfr, then every knot_check; returns 1
# when any fails, naming it on stdout.
knot_verify_served() {
	knot_axfr "$1" "$2" || return 1
	_kfail=0
	for _kv in $KNOT_CHECKS; do
		if knot_check "$_kv" "$1" "$2"; then
			echo "ok: $_kv"
		else
			echo "FAILED: $_kv"
			_kfail=1
		fi
	done
	return "$_kfail"
}

# knot_flip_rrsig IN OUT: OUT is IN with one byte of the first RRSIG over
# DNSKEY changed: the first signature byte (the first base64 character, A
# or B).  Reads both keymgr's multi-line SKR and one-line zone files.
knot_flip_rrsig() {
	awk '
	function flip(s) { return (substr(s, 1, 1) == "A" ? "B" : "A") substr(s, 2) }
	done { print; next }
	sig == 1 { sig = 2; print; next }
	sig == 2 {
		i = match($0, /[^ \t]/)
		print substr($0, 1, i - 1) flip(substr($0, i))
		done = 1
		next
	}
	/RRSIG[ \t]+DNSKEY/ {
		if ($NF == "(") { sig = 1; print; next }
		$NF = flip($NF)
		done = 1
	}
	{ print }
	END { if (!done) exit 1 }' "$1" >"$2"
}

# For tests (they need lib.sh's _report, $RC, $OUT and $ERR):
# fn_run FUNCTION ARGS...: run a shell function of knot.sh in this shell (a
# knotd it starts stays this shell's child, for knot_stop), like run: the
# last run's $RC, $OUT, $ERR.
fn_run() {
	_fo=$(mktemp) _fe=$(mktemp)
	"$@" </dev/null >"$_fo" 2>"$_fe"
	RC=$?
	# shellcheck disable=SC2034 # OUT and ERR are for lib.sh's out_has, err_has and _report
	OUT=$(cat "$_fo") ERR=$(cat "$_fe")
	rm -f "$_fo" "$_fe"
}

# fn_ok DESC FUNCTION ARGS...: rc_is 0 for a shell function.
fn_ok() {
	_fd=$1
	shift
	fn_run "$@"
	[ "$RC" -eq 0 ]
	_report $? "$_fd"
}

# fn_fails DESC FUNCTION ARGS...: the function fails.
fn_fails() {
	_fd=$1
	shift
	fn_run "$@"
	[ "$RC" -ne 0 ]
	_report $? "$_fd"
}

# zone_valid ZONE DS FILE [TIME]: ldns-verify-zone (from the DS file),
# dnssec-verify and kzonecheck all accept the signed zone FILE at TIME
# (unix seconds; default now; dnssec-verify only checks now).  Their
# output goes to v.out in the current directory.
zone_valid() {
	_t=${4:-$(date +%s)}
	ldns-verify-zone -t "$(date -u -d "@$_t" +%Y%m%d%H%M%S)" -k "$2" "$3" >v.out 2>&1 &&
		kzonecheck -t "$_t" -o "$1" -d on "$3" >>v.out 2>&1 &&
		{ [ -n "${4:-}" ] || dnssec-verify -o "$1" "$3" >>v.out 2>&1; }
}
