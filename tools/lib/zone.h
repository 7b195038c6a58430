/* zone.h - an unsigned zone as the signer sees it: its RRsets in DNSSEC's
 * canonical order (RFC 4034 6.1), each name marked as the apex, a name the
 * zone answers for, a delegation, or glue below one.
 *
 * Records the signer makes (DNSKEY, CDS, CDNSKEY, RRSIG, NSEC, NSEC3,
 * NSEC3PARAM) are dropped from the input: the DNSKEY RRset and its
 * signatures come from the ceremony, the rest is made anew.
 */
#ifndef KSKIT_ZONE_H
#define KSKIT_ZONE_H

#include <stddef.h>
#include <stdint.h>
#include <ldns/ldns.h>

enum kskit_name_kind {
	KSKIT_NAME_APEX,
	KSKIT_NAME_AUTH,       /* authoritative data: signed, in the chain */
	KSKIT_NAME_DELEGATION, /* NS below the apex: only DS signed, in the chain */
	KSKIT_NAME_GLUE,       /* at or below a delegation's child: not signed */
};

struct kskit_rrset {
	ldns_rr_list *rrs; /* one owner, class and type; the TTLs made equal */
	ldns_rr_type type;
	enum kskit_name_kind kind;
};

struct kskit_zone {
	ldns_rdf *origin;
	struct kskit_rrset *sets; /* canonical order: by owner, then by type */
	size_t n_sets;
	size_t n_records;
	size_t soa;	/* the set of the SOA record */
	size_t dropped; /* DNSSEC records left out of the input */
	uint32_t soa_minimum, soa_ttl;
};

/* Read a zone file for origin (absolute).  KSKIT_EZONE with the line and
 * the reason: a syntax error, a record outside the zone, no SOA or more
 * than one, a CNAME beside other data, an empty file; KSKIT_EIO when it
 * cannot be read.  Free with kskit_zone_free(). */
int kskit_zone_read(const char *path, const char *origin, struct kskit_zone **out);

void kskit_zone_free(struct kskit_zone *z);

/* The SOA record (the zone's, not a copy). */
ldns_rr *kskit_zone_soa(const struct kskit_zone *z);

#endif
