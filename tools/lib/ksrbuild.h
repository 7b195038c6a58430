/* ksrbuild.h - a Key Signing Request made here, for the self-contained
 * ceremony (model A): ZSKs held in software, each published in a run of
 * bundles of a regular schedule, in any of the forms kskit sign reads.
 *
 * Bundle i (from 0) starts at start + i * period.  The text forms carry
 * only that time and the ZSKs' DNSKEYs (the KSK side sets the signature
 * validity); IANA XML also the expiration, start + i * period + validity,
 * fresh random ids, a RequestPolicy <ZSK> that claims exactly this
 * schedule, and each ZSK's signature over its bundle's DNSKEY RRset
 * (proof of possession), valid from the bundle's inception to its
 * expiration and verified here before it is kept.
 */
#ifndef KSKIT_KSRBUILD_H
#define KSKIT_KSRBUILD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <ldns/ldns.h>

#include "alg.h"
#include "ksr.h"
#include "rrsig.h"

struct kskit_ksr_zsk {
	const ldns_rr *dnskey; /* flags 256; its owner is the zone */
	const char *id;	       /* XML keyIdentifier */
	size_t first, last;    /* the bundles it is in, from 0, inclusive */
	const struct kskit_alg *alg;
	kskit_sign_fn sign; /* XML: signs the proof of possession */
	void *ctx;
};

enum kskit_ksr_form { KSKIT_KSR_KNOT, KSKIT_KSR_BIND, KSKIT_KSR_XML };

struct kskit_ksr_schedule {
	enum kskit_ksr_form form;
	time_t start;
	uint32_t period;      /* between bundle starts */
	size_t periods;	      /* bundles */
	uint32_t validity;    /* XML: each bundle's inception to expiration */
	uint32_t ttl;	      /* of every DNSKEY */
	unsigned long serial; /* XML <KSR serial=> */
	time_t generated;
};

/* The request.  Every ZSK must share one zone and be flags 256, every
 * bundle hold at least one ZSK, no key be given twice: KSKIT_EINVAL with
 * the reason otherwise.  Free *out with kskit_ksr_free(). */
int kskit_ksr_build(const struct kskit_ksr_schedule *s, const struct kskit_ksr_zsk *zsks, size_t n,
		    struct kskit_ksr **out);

#endif
