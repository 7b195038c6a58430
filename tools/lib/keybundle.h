/* keybundle.h - the keybundles of the self-contained ceremony (model A):
 * for one period, the ZSK private keys the online signer needs and the
 * KSK-signed DNSKEY RRset (with CDS/CDNSKEY and their RRSIGs) from one
 * bundle of a Signed Key Response.  The text below is what cms.h seals;
 * `openssl cms -decrypt` shows it as it is.
 *
 *   ;; kskit keybundle 1.0
 *   ;; zone example.com.
 *   ;; period 1798761600 1799625600 (2027-01-01T00:00:00Z to 2027-01-11T00:00:00Z)
 *   ;; source 3f2a...64 hex digits... example.com.skr
 *   ;; zsk 24255 active
 *   Private-key-format: v1.3
 *   Algorithm: 13 (ECDSAP256SHA256)
 *   PrivateKey: ...
 *   ;; zsk 31364 published
 *   ;; records
 *   example.com.	3600	IN	DNSKEY	256 3 13 ...
 *   example.com.	3600	IN	RRSIG	DNSKEY 13 2 3600 ...
 *   ;; end
 *
 * - period: the signer uses the bundle from its inception to before its
 *   expiration (unix seconds; the rest of the line is a comment).
 * - source: the SHA-256 of the response the bundle came from, and its name.
 * - zsk lines name every ZSK of the DNSKEY RRset: "active" ones sign the
 *   zone and their BIND v1.3 private key follows; "published" ones (a new
 *   ZSK before it takes over, an old one after) are in the RRset only, and
 *   their secret stays out of the bundle.
 * - records: the response bundle's records, one a line, each owned by the
 *   zone.  ";; end" closes the bundle: without it the text is refused.
 */
#ifndef KSKIT_KEYBUNDLE_H
#define KSKIT_KEYBUNDLE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <ldns/ldns.h>
#include <openssl/evp.h>

#include "alg.h"
#include "ksr.h"

#define KSKIT_KEYBUNDLE_MAX_ZSKS 8

struct kskit_keybundle_zsk {
	uint16_t tag;
	int active;
	EVP_PKEY *key; /* active ones: the private key */
	const struct kskit_alg *alg;
	ldns_rr *dnskey; /* its record in records (not a copy) */
};

struct kskit_keybundle {
	ldns_rdf *zone;
	time_t inception, expiration;
	char source_sha256[65]; /* lowercase hex */
	char *source_name;
	struct kskit_keybundle_zsk zsks[KSKIT_KEYBUNDLE_MAX_ZSKS];
	size_t n_zsks;
	ldns_rr_list *records;
};

/* The bundle as text, in a secret buffer (kskit_secret_free()). */
int kskit_keybundle_format(const struct kskit_keybundle *kb, char **out, size_t *len);

/* Parse text (len bytes plus a NUL; the parser may modify it, the caller
 * wipes it).  Checked: the layout above, every record owned by the zone,
 * complete, and written as it reads back (so that the signer's output reads
 * too), each zsk line naming a ZSK of the DNSKEY RRset by key tag, each private
 * key the key of its DNSKEY, at least one active ZSK, the period not
 * empty.  KSKIT_EKEYBUNDLE with the line and the reason.  Free with
 * kskit_keybundle_free(). */
int kskit_keybundle_parse(char *text, size_t len, struct kskit_keybundle **out);

void kskit_keybundle_free(struct kskit_keybundle *kb);

/* The DNSKEY RRset's signatures: every RRSIG of the bundle verifies with a
 * KSK of its DNSKEY RRset (flags 257, or 385 revoked), at least one over
 * the DNSKEY RRset by a KSK that is not revoked, and, when anchor (a DS or
 * DNSKEY record) is given, by that KSK; every RRSIG is valid over the
 * whole period.  0, or KSKIT_EVERIFY with the reason. */
int kskit_keybundle_verify(const struct kskit_keybundle *kb, const ldns_rr *anchor);

/* One keybundle per bundle of a Signed Key Response (text or XML): the
 * period runs from the bundle's time to the next bundle's, the last to
 * the earliest expiration of its RRSIGs.  A ZSK is active unless, beside
 * ZSKs that go on, it is new in the bundle (pre-published) or gone from
 * the next one (post-published).  keys: the ZSKs' private keys; every
 * active ZSK must be among them (KSKIT_EKEYBUNDLE otherwise), and they are
 * copied (up-ref'd) into the bundles.  *out: n_bundles keybundles; free
 * each with kskit_keybundle_free() and the array with free(). */
int kskit_keybundles_from_skr(const struct kskit_ksr *skr, const char *source_sha256,
			      const char *source_name, EVP_PKEY *const *keys,
			      const struct kskit_alg *const *algs, size_t n_keys,
			      struct kskit_keybundle ***out);

#endif
