/* zonesign.h - a zone signed with the ZSKs of one period: every RRset the
 * zone is authoritative for signed by each active ZSK, the DNSKEY RRset
 * (and CDS, CDNSKEY) with the KSK's signatures as the ceremony made them,
 * the NSEC or NSEC3 chain signed too, the SOA serial set by policy.
 *
 * Signing is incremental: a signature of the last signed zone is kept when
 * it still verifies over the RRset as it is now, by a ZSK of the period,
 * and has more than the refresh time left; only the others are made.
 * Worker threads sign and print the zone in chunks, written in order.
 */
#ifndef KSKIT_ZONESIGN_H
#define KSKIT_ZONESIGN_H

#include <stdio.h>
#include <time.h>
#include <ldns/ldns.h>
#include <openssl/evp.h>

#include "alg.h"
#include "denial.h"
#include "rrsig.h"
#include "sigcache.h"
#include "zone.h"

#define KSKIT_ZONESIGN_MAX_ZSKS 8

/* A ZSK: its private key in software, or on a token through sign (called
 * by one thread at a time; it must verify what the token made). */
struct kskit_zsk {
	const ldns_rr *dnskey;
	const struct kskit_alg *alg;
	EVP_PKEY *key; /* NULL when sign is given */
	kskit_sign_fn sign;
	void *ctx;
};

enum kskit_serial { KSKIT_SERIAL_KEEP, KSKIT_SERIAL_INCREMENT, KSKIT_SERIAL_UNIXTIME };

struct kskit_zonesign {
	time_t now;
	uint32_t backdate; /* inception: now - backdate */
	uint32_t validity; /* expiration: now + validity - a random part of jitter */
	uint32_t jitter;
	uint32_t refresh; /* a kept signature has more than this left */
	enum kskit_serial serial;
	uint32_t published; /* increment, unixtime: the new serial comes after it */
	int have_published;
	struct kskit_nsec3 nsec3;
	const struct kskit_sigcache *previous; /* last time's signatures, or NULL */
	unsigned threads;		       /* 0: one a CPU */
};

/* What a signing did: signatures made and kept, and the earliest
 * expiration among them (when the zone is next due). */
struct kskit_zonesign_stats {
	size_t made, kept;
	time_t earliest;
};

/* Sign z and print the signed zone to out.  The serial: the input's
 * (keep), one more (increment) or the unix time (unixtime), for the last
 * two past the published one if there is one (RFC 1982 arithmetic).
 * keyset: the DNSKEY RRset of the period with CDS/CDNSKEY and their
 * RRSIGs, as the ceremony signed them; it must hold each ZSK's DNSKEY
 * (KSKIT_EINVAL otherwise).  The SOA's serial in z is changed as p says.
 * stats may be NULL.  0, KSKIT_EIO when out fails, or the signing
 * error. */
int kskit_zone_sign(struct kskit_zone *z, const ldns_rr_list *keyset, const struct kskit_zsk *zsks,
		    size_t n, const struct kskit_zonesign *p, FILE *out,
		    struct kskit_zonesign_stats *stats);

#endif
