/* skr.h - the Signed Key Response to a Key Signing Request: for each period
 * the DNSKEY RRset of the request's ZSKs and the KSKs, on request CDNSKEY
 * and CDS, and an RRSIG over each by every KSK that signs in that period.
 *
 * Making one is two steps: a plan (which bundles, when, which KSK does
 * what), which the operator is shown and confirms, then the signatures.
 *
 * Bundle times.  IANA XML carries them: one response bundle per request
 * bundle, its RRSIGs from the bundle's Inception to its Expiration.  The
 * text forms carry only the time each ZSK set takes effect, and the signer
 * chooses, as Knot's keymgr sign-ksr does: each request bundle is signed
 * at its time T, RRSIGs valid from T - backdate to T + lifetime, and while
 * the next request bundle is further away than lifetime - refresh a further
 * bundle follows at that distance (re-signed, same keys), or earlier at the
 * next KSK timer, so the online signer always has a bundle whose
 * signatures outlive it by refresh.
 *
 * KSK roles come from Knot-style timers, evaluated at each bundle's time:
 * absent before publish and from remove on; from revoke on, published with
 * the REVOKE bit (RFC 5011) and signing; between active and retire,
 * published and signing; else published only.
 */
#ifndef KSKIT_SKR_H
#define KSKIT_SKR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <ldns/ldns.h>

#include "alg.h"
#include "ksr.h"
#include "rrsig.h"
#include "utc.h"

#define KSKIT_NEVER ((time_t)KSKIT_UTC_MAX + 1)
#define KSKIT_SKR_MAX_KSKS 8

enum kskit_ksk_role {
	KSKIT_ROLE_NONE,    /* not in the bundle */
	KSKIT_ROLE_PUBLISH, /* P: in the DNSKEY RRset */
	KSKIT_ROLE_SIGN,    /* S: published and signing */
	KSKIT_ROLE_REVOKE,  /* R: published with the REVOKE bit, signing */
};

struct kskit_ksk {
	const ldns_rr *dnskey; /* flags 257, REVOKE clear; owner the zone */
	const struct kskit_alg *alg;
	const char *label; /* XML keyIdentifier (the token label); NULL: the key tag */
	time_t publish, active, retire, revoke, remove;
	kskit_sign_fn sign; /* makes the signature, verified here again */
	void *ctx;
};

/* k's timers set so that it publishes and signs for ever. */
void kskit_ksk_always(struct kskit_ksk *k);

enum kskit_ksk_role kskit_ksk_role(const struct kskit_ksk *k, time_t t);

/* 'S', 'P', 'R' or '-'. */
char kskit_ksk_role_letter(enum kskit_ksk_role role);

struct kskit_skr_params {
	uint32_t lifetime; /* text forms: RRSIG validity from the bundle time */
	uint32_t refresh;  /* text forms: next bundle this long before expiry */
	uint32_t backdate; /* text forms: RRSIG inception before the bundle time */
	int cds_sha256;	   /* CDS with SHA-256 digests (and CDNSKEY) */
	int cds_sha384;	   /* CDS with SHA-384 digests (and CDNSKEY) */
	uint32_t cds_ttl;  /* TTL of CDS and CDNSKEY */
	time_t generated;  /* for the closing line */
};

struct kskit_skr_slot {
	time_t time;		      /* the response bundle's time (XML: Inception) */
	time_t inception, expiration; /* of its RRSIGs */
	size_t request;		      /* the request bundle whose ZSKs it carries */
	enum kskit_ksk_role role[KSKIT_SKR_MAX_KSKS];
};

struct kskit_skr_plan {
	struct kskit_skr_slot *slots;
	size_t n_slots;
};

/* The bundles an SKR for ksr will have (n at most KSKIT_SKR_MAX_KSKS).
 * KSKIT_EPOLICY when a bundle would have no signing KSK, KSKIT_EINVAL when
 * refresh is not shorter than lifetime.  Free with kskit_skr_plan_free(). */
int kskit_skr_plan(const struct kskit_ksr *ksr, const struct kskit_ksk *ksks, size_t n,
		   const struct kskit_skr_params *p, struct kskit_skr_plan *plan);
void kskit_skr_plan_free(struct kskit_skr_plan *plan);

/* Sign the plan: every RRSIG is verified in software against the DNSKEY
 * as published before it is kept (KSKIT_EVERIFY otherwise).  *skr is a
 * response in ksr's form (text style or XML, ids, ZSK policy copied); its
 * KSK policy is left empty for the caller.  Free with kskit_ksr_free(). */
int kskit_skr_sign(const struct kskit_ksr *ksr, const struct kskit_ksk *ksks, size_t n,
		   const struct kskit_skr_params *p, const struct kskit_skr_plan *plan,
		   struct kskit_ksr **skr);

#endif
