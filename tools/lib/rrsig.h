/* rrsig.h - RRSIG records (RFC 4034 section 3) built here and signed by
 * whoever holds the key: a token (struct kskit_signer) or software. */
#ifndef KSKIT_RRSIG_H
#define KSKIT_RRSIG_H

#include <stddef.h>
#include <stdint.h>
#include <ldns/ldns.h>

#include "alg.h"

/* Sign len bytes of data, giving the signature in DNSSEC wire format;
 * *sig malloc()ed.  kskit_signer_sign() has this shape (ctx the signer). */
typedef int (*kskit_sign_fn)(void *ctx, const uint8_t *data, size_t len, uint8_t **sig,
			     size_t *sig_len);

struct kskit_rrsig_params {
	const struct kskit_alg *alg;
	uint16_t key_tag;	/* of the signing DNSKEY, as published */
	const ldns_rdf *signer; /* the zone apex */
	uint32_t inception;	/* seconds since 1970, UTC (RFC 4034 serial arithmetic) */
	uint32_t expiration;
};

/* The RRSIG labels field for owner: its labels, less a wildcard's "*". */
uint8_t kskit_rrsig_labels(const ldns_rdf *owner);

/* The data RFC 4034 3.1.8.1 says is signed: the RRSIG RDATA without the
 * signature (rrsig must have all nine fields; the ninth is left out), then
 * the RRset in canonical form and order with the original TTL.  rrset:
 * one owner, class and type.  *data malloc()ed. */
int kskit_rrsig_data(const ldns_rr_list *rrset, const ldns_rr *rrsig, uint8_t **data, size_t *len);

/* The RRSIG over rrset: RDATA from p (labels and original TTL from the
 * RRset), the signature from fn.  Free *out with ldns_rr_free(). */
int kskit_rrsig_make(const ldns_rr_list *rrset, const struct kskit_rrsig_params *p,
		     kskit_sign_fn fn, void *ctx, ldns_rr **out);

/* Verify rrsig over rrset with dnskey in software: the key tag and
 * algorithm must be dnskey's.  Times are not checked (callers do).  0, or
 * KSKIT_EVERIFY with the reason in the detail. */
int kskit_rrsig_verify(const ldns_rr_list *rrset, const ldns_rr *rrsig, const ldns_rr *dnskey);

#endif
