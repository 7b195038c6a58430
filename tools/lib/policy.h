/* policy.h - what a Key Signing Request must satisfy before a KSK signs
 * it: the root zone signer's checks (kskm, iana-org/dnssec-keytools), under
 * its names, over the request, the planned response and the previous
 * response, with limits from a policy file.
 *
 *   KSR-DOMAIN                  the zone is one the policy names
 *   KSR-ID                      not the previous response's request again
 *   KSR-BUNDLE-UNIQUE           bundle ids unique, and new (XML)
 *   KSR-BUNDLE-KEYS             ZSKs (flags 256), one key per identifier
 *                               across bundles, key tags right (XML)
 *   KSR-BUNDLE-POP              every ZSK signs its bundle's DNSKEY RRset
 *                               (XML proof of possession)
 *   KSR-BUNDLE-COUNT            number of bundles
 *   KSR-BUNDLE-CYCLE-DURATION   first to last bundle inception
 *   KSR-POLICY-BUNDLE-INTERVAL  bundle inception to the next one
 *   KSR-POLICY-KEYS             keys per bundle, distinct keys overall
 *   KSR-POLICY-ALG              no deprecated algorithm (RFC 8624); the
 *                               algorithm, key size and exponent allowed
 *   KSR-POLICY-SIG-VALIDITY     each response bundle's RRSIG validity,
 *                               within the policy's limits (and, for XML,
 *                               the request's own claimed limits)
 *   KSR-POLICY-SIG-OVERLAP      consecutive bundles' validity overlap
 *   KSR-POLICY-SIG-HORIZON      nothing expires more than the horizon
 *                               ahead, nothing has expired already
 *   KSR-CHAIN-KEYS              the first bundle's ZSKs are in the last
 *                               bundle of the previous response
 *   KSR-CHAIN-OVERLAP           the previous response's last bundle and
 *                               the first new one overlap within limits
 *   KSR-CHAIN-KSK               the KSKs that signed the previous
 *                               response's last bundle are on the token
 *   SKR-KSK-VALIDITY            a KSK signs only within its validity
 *                               window
 *
 * Unlike kskm's check_signature_validity(), the minimum validity is
 * compared with the minimum.
 */
#ifndef KSKIT_POLICY_H
#define KSKIT_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <ldns/ldns.h>

#include "ksr.h"
#include "skr.h"

#define KSKIT_POLICY_MAX 16

struct kskit_policy_alg {
	uint8_t alg;
	unsigned bits[KSKIT_POLICY_MAX]; /* none: any */
	size_t n_bits;
	unsigned long exponents[KSKIT_POLICY_MAX]; /* RSA; none: any */
	size_t n_exponents;
};

struct kskit_policy_window {
	uint16_t tag;
	time_t from, until;
};

struct kskit_policy {
	char *domains[KSKIT_POLICY_MAX]; /* absolute names; none: any */
	size_t n_domains;
	unsigned min_bundles, max_bundles;
	uint32_t min_interval, max_interval;
	uint32_t min_cycle, max_cycle;
	struct kskit_policy_alg algs[KSKIT_POLICY_MAX]; /* none: every non-deprecated one */
	size_t n_algs;
	uint32_t min_validity, max_validity;
	uint32_t min_overlap, max_overlap;
	uint32_t horizon;
	unsigned keys_per_bundle[64]; /* none: not checked */
	size_t n_keys_per_bundle;
	unsigned distinct_keys; /* 0: not checked */
	int proof_of_possession, request_limits;
	struct kskit_policy_window windows[KSKIT_POLICY_MAX];
	size_t n_windows;
};

/* Defaults: for IANA XML (xml != 0) the root's (templates/policy-root.conf),
 * else those for Knot and BIND requests (templates/policy-text.conf). */
void kskit_policy_defaults(struct kskit_policy *p, int xml);

/* Settings from a policy file (text, len bytes) over *p, which holds the
 * defaults.  KSKIT_ECONFIG with the line in the detail. */
int kskit_policy_parse(const char *text, size_t len, struct kskit_policy *p);

void kskit_policy_clear(struct kskit_policy *p);

struct kskit_policy_input {
	const struct kskit_ksr *ksr;
	const struct kskit_skr_plan *plan;
	const struct kskit_ksk *ksks;
	size_t n_ksks;
	const struct kskit_ksr *previous; /* the last response signed, or NULL */
	time_t now;
	/* KSR-CHAIN-KSK: 0 when the token holds the key of dnskey. */
	int (*on_token)(void *ctx, const ldns_rr *dnskey);
	void *ctx;
};

/* Every check in order; the first violated one is KSKIT_EPOLICY with
 * "NAME: what" as the detail. */
int kskit_policy_check(const struct kskit_policy *p, const struct kskit_policy_input *in);

#endif
