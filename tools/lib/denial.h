/* denial.h - authenticated denial of existence for a zone: the NSEC chain
 * (RFC 4034) or the NSEC3 chain (RFC 5155) with RFC 9276's parameters by
 * default (SHA-1, no extra iterations, no salt), opt-out on request.
 *
 * The chain holds every name with data the zone answers for (the apex,
 * authoritative names, delegations; with opt-out, delegations without a
 * DS are left out), and for NSEC3 also the empty non-terminals above
 * them.  Each record's type bitmap lists the RRsets at its name that are
 * the zone's (at a delegation: NS and DS, not glue) and RRSIG where one of
 * them is signed; NSEC records also list NSEC.  TTL: the lower of the
 * SOA's TTL and its minimum field (RFC 9077).
 */
#ifndef KSKIT_DENIAL_H
#define KSKIT_DENIAL_H

#include <stddef.h>
#include <stdint.h>
#include <ldns/ldns.h>

#include "zone.h"

struct kskit_nsec3 {
	int on;
	int opt_out;
	uint16_t iterations;
	uint8_t salt_len;
	uint8_t salt[255];
};

/* The chain's records in canonical order of their owners (NSEC3: of the
 * hashes, after the NSEC3PARAM record).  apex_types: the types at the apex
 * that are not in z (DNSKEY, CDS, CDNSKEY from the ceremony).  Free *out
 * with ldns_rr_list_deep_free(). */
int kskit_denial_chain(const struct kskit_zone *z, const ldns_rr_type *apex_types, size_t n_apex,
		       const struct kskit_nsec3 *nsec3, ldns_rr_list **out);

#endif
