/* ksr.h - Key Signing Requests and Signed Key Responses in the text form
 * of Knot DNS (keymgr generate-ksr / sign-ksr) and BIND 9.20 (dnssec-ksr).
 *
 * The format, as Knot 3.2.6 writes it (tests/unit/data/ksr/knot-3.2.6.*):
 *
 *   ;; KeySigningRequest 1.0 1795330869 (2026-11-22T07:01:09Z) =========
 *   example.com.        	3600 DNSKEY 256 3 13 (
 *   				k8qlohvpyexHe6++5vY3++BljOqRksK326xhu30f
 *   				...
 *   				) ; ZSK, ECDSAP256SHA256 (256b), id = 41051
 *   ;; KeySigningRequest 1.0 1797922869 (2026-12-22T07:01:09Z) =========
 *   ...
 *   ;; KeySigningRequest 1.0 generated at 2026-11-22T07:01:09Z by Knot DNS 3.2.6
 *
 * - A bundle starts at a header line ";; <kind> 1.0 <time>", kind
 *   KeySigningRequest or SignedKeyResponse, time in unix seconds; the rest
 *   of the line (the time in ISO 8601 and a row of '=') is a comment.
 * - Records follow in master file syntax: absolute owner, TTL, no class,
 *   the RDATA in parentheses over several lines, a ';' comment after the
 *   closing one.  A KSR bundle holds the ZSK DNSKEYs; an SKR bundle the
 *   whole DNSKEY RRset (ZSKs and KSK), CDNSKEY and CDS (TTL 0), then the
 *   RRSIGs over DNSKEY, CDS and CDNSKEY (RRSIG times YYYYMMDDhhmmss).
 * - The file ends with ";; <kind> 1.0 generated at <ISO 8601 UTC> by
 *   <generator>" and a newline.
 *
 * BIND 9.20 (bin/dnssec/dnssec-ksr.c, not installable on Debian 12, so
 * tests/unit/data/ksr/bind-style.ksr is made by hand from the Knot vector)
 * writes the same structure with header times YYYYMMDDhhmmss (UTC)
 * followed by a ctime-style "(Sun Nov 22 07:01:09 2026)", one-line records
 * with class IN, a blank line between SKR bundles, and a closing line
 * "generated at <ctime-style time> by <version>".  Knot up to 3.5 reads
 * only unix seconds.
 *
 * The parser reads both time styles (one per file), all three closing-line
 * time forms (ctime-style read as UTC), blank lines, and ';' comment lines;
 * it requires the closing line, so a truncated file is refused.
 */
#ifndef KSKIT_KSR_H
#define KSKIT_KSR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <ldns/ldns.h>

struct kskit_ksr_bundle {
	time_t time;	       /* text: the header's time; XML: <Inception> */
	ldns_rr_list *records; /* every record of the bundle, in file order */
	/* IANA XML only (NULL or 0 in text): */
	char *id;	   /* the bundle's id attribute */
	time_t expiration; /* <Expiration> */
	char **key_ids;	   /* keyIdentifier of each record, parallel to records */
};

/* The key policy an IANA XML request or response carries (<ZSK>, <KSK>). */
#define KSKIT_KSR_POLICY_ALGS 8
struct kskit_ksr_policy {
	int present;
	uint32_t publish_safety, retire_safety; /* seconds (xsd:duration) */
	uint32_t max_sig_validity, min_sig_validity;
	uint32_t max_overlap, min_overlap;
	struct {
		uint8_t alg;
		unsigned size;		/* bits */
		unsigned long exponent; /* RSA only, else 0 */
	} algs[KSKIT_KSR_POLICY_ALGS];	/* <SignatureAlgorithm> */
	size_t n_algs;
};

struct kskit_ksr {
	int skr;			  /* 0: KeySigningRequest, 1: SignedKeyResponse */
	int bind_times;			  /* the header times were YYYYMMDDhhmmss */
	ldns_rdf *zone;			  /* the owner of every record */
	struct kskit_ksr_bundle *bundles; /* at least one, times strictly increasing */
	size_t n_bundles;
	time_t generated; /* from the closing line; XML: the timestamp attribute, or 0 */
	/* IANA XML only: */
	int xml;
	char *id;			    /* <KSR id=> */
	unsigned long serial;		    /* <KSR serial=> */
	struct kskit_ksr_policy zsk_policy; /* RequestPolicy/ResponsePolicy <ZSK> */
	struct kskit_ksr_policy ksk_policy; /* ResponsePolicy <KSK> */
};

/* Parse a KSR or SKR of len bytes (need not be NUL-terminated).  Every
 * record must be IN class and share one absolute owner; a KSR holds only
 * DNSKEYs, an SKR only DNSKEY, RRSIG, CDS and CDNSKEY; every bundle holds
 * at least one record.  KSKIT_EKSR for anything else, the detail naming
 * the line and what is wrong.  Free *out with kskit_ksr_free(). */
int kskit_ksr_parse(const char *text, size_t len, struct kskit_ksr **out);

/* Frees ksr and everything it holds; NULL is fine. */
void kskit_ksr_free(struct kskit_ksr *ksr);

/* ksr as text: with bind_times 0 as Knot writes it (unix seconds, which
 * Knot <= 3.5 requires), else as BIND 9.20 does (YYYYMMDDhhmmss); records
 * one per line with their class; the closing line names kskit.  *out is a
 * malloc()ed NUL-terminated string, the caller frees it. */
int kskit_ksr_format(const struct kskit_ksr *ksr, int bind_times, char **out);

#endif
