/* zonesign.h - a zone signed with the ZSKs of one period: every RRset the
 * zone is authoritative for signed by each active ZSK, the DNSKEY RRset
 * (and CDS, CDNSKEY) with the KSK's signatures as the ceremony made them,
 * the NSEC or NSEC3 chain signed too, the SOA serial set by policy.
 */
#ifndef KSKIT_ZONESIGN_H
#define KSKIT_ZONESIGN_H

#include <stdio.h>
#include <time.h>
#include <ldns/ldns.h>
#include <openssl/evp.h>

#include "alg.h"
#include "denial.h"
#include "zone.h"

struct kskit_zsk {
	const ldns_rr *dnskey;
	const struct kskit_alg *alg;
	EVP_PKEY *key;
};

enum kskit_serial { KSKIT_SERIAL_KEEP, KSKIT_SERIAL_INCREMENT, KSKIT_SERIAL_UNIXTIME };

struct kskit_zonesign {
	time_t now;
	uint32_t backdate; /* inception: now - backdate */
	uint32_t validity; /* expiration: now + validity - a random part of jitter */
	uint32_t jitter;
	enum kskit_serial serial;
	uint32_t published; /* increment, unixtime: the new serial comes after it */
	int have_published;
	struct kskit_nsec3 nsec3;
};

/* Sign z and print the signed zone to out.  The serial: the input's
 * (keep), one more (increment) or the unix time (unixtime), for the last
 * two past the published one if there is one (RFC 1982 arithmetic).  keyset: the DNSKEY RRset of
 * the period with CDS/CDNSKEY and their RRSIGs, as the ceremony signed
 * them; it must hold each ZSK's DNSKEY (KSKIT_EINVAL otherwise).  The
 * SOA's serial in z is changed as p says.  0, KSKIT_EIO when out fails,
 * or the signing error. */
int kskit_zone_sign(struct kskit_zone *z, const ldns_rr_list *keyset, const struct kskit_zsk *zsks,
		    size_t n, const struct kskit_zonesign *p, FILE *out);

#endif
