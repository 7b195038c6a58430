/* SKRs made from Knot 3.2.6's KSR: the bundle times and RRSIG validity are
 * Knot's own (its sign-ksr output is the known answer), every RRSIG
 * verifies with ldns, a KSK rollover with RFC 5011 revocation puts each key
 * in its role, and a bad signature or an unsigned bundle stops everything. */
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>

#include "soft.h"
#include "lib/dnskey.h"
#include "lib/dnsrr.h"
#include "lib/error.h"
#include "lib/ksr.h"
#include "lib/pkey.h"
#include "lib/skr.h"

#define DAY 86400

/* Knot's defaults: rrsig-lifetime 14 days, refresh 1 h propagation delay +
 * 1 h TTL, inception 90 minutes back. */
static const struct kskit_skr_params knot = {
	.lifetime = 14 * DAY, .refresh = 7200, .backdate = 5400, .generated = 1795330890
};

struct ksk {
	struct kskit_soft_key soft;
	ldns_rr *dnskey;
	struct kskit_ksk k;
};

static void ksk_new(struct ksk *x, unsigned alg)
{
	x->soft.alg = kskit_alg_by_number(alg);
	x->soft.key = kskit_pkey_generate(x->soft.alg, 0);
	assert_non_null(x->soft.key);
	assert_int_equal(
		kskit_dnskey_rr("example.com.", 0, x->soft.key, x->soft.alg, 257, &x->dnskey), 0);
	x->k = (struct kskit_ksk){
		.dnskey = x->dnskey, .alg = x->soft.alg, .sign = kskit_soft_sign, .ctx = &x->soft
	};
	kskit_ksk_always(&x->k);
}

static void ksk_free(struct ksk *x)
{
	ldns_rr_free(x->dnskey);
	EVP_PKEY_free(x->soft.key);
}

static uint32_t rrsig_time(const ldns_rr *rrsig, size_t field)
{
	return ldns_rdf2native_time_t(ldns_rr_rdf(rrsig, field));
}

static void plan_matches_knot(void **state)
{
	struct kskit_ksr *ksr = ksr_file("ksr/knot-3.2.6.ksr");
	struct kskit_ksr *want = ksr_file("ksr/knot-3.2.6.skr");
	struct kskit_skr_plan plan = { 0 };
	struct ksk x;

	(void)state;
	ksk_new(&x, 13);
	assert_int_equal(kskit_skr_plan(ksr, &x.k, 1, &knot, &plan), 0);
	assert_int_equal(plan.n_slots, want->n_bundles);
	for (size_t i = 0; i < plan.n_slots; i++) {
		const ldns_rr_list *recs = want->bundles[i].records;
		const ldns_rr *sig = ldns_rr_list_rr(recs, ldns_rr_list_rr_count(recs) - 1);

		assert_int_equal(plan.slots[i].time, want->bundles[i].time);
		assert_int_equal(ldns_rr_get_type(sig), LDNS_RR_TYPE_RRSIG);
		assert_int_equal(plan.slots[i].inception, rrsig_time(sig, 5));
		assert_int_equal(plan.slots[i].expiration, rrsig_time(sig, 4));
		assert_int_equal(plan.slots[i].role[0], KSKIT_ROLE_SIGN);
	}
	kskit_skr_plan_free(&plan);
	ksk_free(&x);
	kskit_ksr_free(want);
	kskit_ksr_free(ksr);
}

/* Every RRSIG of b verifies with ldns at time t against b's DNSKEYs. */
static size_t verify_bundle(const struct kskit_ksr_bundle *b, time_t t)
{
	static const ldns_rr_type types[] = { LDNS_RR_TYPE_DNSKEY, LDNS_RR_TYPE_CDS,
					      LDNS_RR_TYPE_CDNSKEY };
	ldns_rr_list *keys = ldns_rr_list_new();
	size_t sigs = 0;

	for (size_t j = 0; j < ldns_rr_list_rr_count(b->records); j++)
		if (ldns_rr_get_type(ldns_rr_list_rr(b->records, j)) == LDNS_RR_TYPE_DNSKEY)
			ldns_rr_list_push_rr(keys, ldns_rr_list_rr(b->records, j));
	for (size_t k = 0; k < 3; k++) {
		ldns_rr_list *set = ldns_rr_list_new();

		for (size_t j = 0; j < ldns_rr_list_rr_count(b->records); j++)
			if (ldns_rr_get_type(ldns_rr_list_rr(b->records, j)) == types[k])
				ldns_rr_list_push_rr(set, ldns_rr_list_rr(b->records, j));
		for (size_t j = 0; j < ldns_rr_list_rr_count(b->records); j++) {
			ldns_rr *rr = ldns_rr_list_rr(b->records, j);

			if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG ||
			    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) != types[k])
				continue;
			assert_int_equal(ldns_verify_rrsig_keylist_time(set, rr, keys, t, NULL),
					 LDNS_STATUS_OK);
			sigs++;
		}
		ldns_rr_list_free(set);
	}
	ldns_rr_list_free(keys);
	return sigs;
}

static void response_verifies_with_ldns(void **state)
{
	struct kskit_ksr *ksr = ksr_file("ksr/knot-3.2.6.ksr"), *skr = NULL, *back = NULL;
	struct kskit_skr_params p = knot;
	struct kskit_skr_plan plan = { 0 };
	char *text = NULL;
	struct ksk x;

	(void)state;
	ksk_new(&x, 13);
	p.cds_sha256 = 1;
	assert_int_equal(kskit_skr_plan(ksr, &x.k, 1, &p, &plan), 0);
	assert_int_equal(kskit_skr_sign(ksr, &x.k, 1, &p, &plan, &skr), 0);
	assert_int_equal(skr->n_bundles, plan.n_slots);
	for (size_t i = 0; i < skr->n_bundles; i++) {
		const struct kskit_ksr_bundle *b = &skr->bundles[i];
		const ldns_rr_list *req = ksr->bundles[plan.slots[i].request].records;
		size_t n_req = ldns_rr_list_rr_count(req);

		/* the request's ZSKs, then the KSK, CDNSKEY, CDS, three RRSIGs */
		assert_int_equal(ldns_rr_list_rr_count(b->records), n_req + 6);
		for (size_t j = 0; j < n_req; j++)
			assert_int_equal(ldns_rr_compare(ldns_rr_list_rr(b->records, j),
							 ldns_rr_list_rr(req, j)),
					 0);
		assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(b->records, n_req + 1)),
				 LDNS_RR_TYPE_CDNSKEY);
		assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(b->records, n_req + 2)), 0);
		assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(b->records, n_req)), 3600);
		assert_int_equal(verify_bundle(b, b->time), 3);
	}
	/* what is written reads back as the same response */
	assert_int_equal(kskit_ksr_format(skr, 0, &text), 0);
	assert_int_equal(kskit_ksr_parse(text, strlen(text), &back), 0);
	assert_int_equal(back->skr, 1);
	assert_int_equal(back->n_bundles, skr->n_bundles);
	free(text);
	kskit_ksr_free(back);
	kskit_ksr_free(skr);
	kskit_skr_plan_free(&plan);
	ksk_free(&x);
	kskit_ksr_free(ksr);
}

/* Old KSK signs until t1, is revoked (and signs) from t2, gone from t3;
 * the new one is published from t0 and signs from t1. */
static void rollover_with_revocation(void **state)
{
	struct kskit_ksr *ksr = ksr_file("ksr/knot-3.2.6.ksr"), *skr = NULL;
	struct kskit_skr_plan plan = { 0 };
	struct ksk x[2];
	struct kskit_ksk k[2];
	time_t start = ksr->bundles[0].time, t0 = start + 5 * DAY, t1 = start + 30 * DAY,
	       t2 = start + 45 * DAY, t3 = start + 60 * DAY;
	int seen[4] = { 0 };

	(void)state;
	ksk_new(&x[0], 8);
	ksk_new(&x[1], 8);
	k[0] = x[0].k;
	k[1] = x[1].k;
	k[0].retire = t1;
	k[0].revoke = t2;
	k[0].remove = t3;
	k[1].publish = t0;
	k[1].active = t1;
	assert_int_equal(kskit_skr_plan(ksr, k, 2, &knot, &plan), 0);
	assert_int_equal(kskit_skr_sign(ksr, k, 2, &knot, &plan, &skr), 0);
	for (size_t i = 0; i < plan.n_slots; i++) {
		const struct kskit_skr_slot *s = &plan.slots[i];
		const ldns_rr_list *recs = skr->bundles[i].records;
		size_t ksks = 0, revoked = 0;

		assert_int_equal(s->role[0], kskit_ksk_role(&k[0], s->time));
		assert_int_equal(s->role[1], kskit_ksk_role(&k[1], s->time));
		/* every timer starts a bundle of its own */
		seen[0] |= s->time == t0;
		seen[1] |= s->time == t1;
		seen[2] |= s->time == t2;
		seen[3] |= s->time == t3;
		for (size_t j = 0; j < ldns_rr_list_rr_count(recs); j++) {
			const ldns_rr *rr = ldns_rr_list_rr(recs, j);
			uint16_t flags;

			if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_DNSKEY)
				continue;
			flags = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
			ksks += (flags & LDNS_KEY_SEP_KEY) != 0;
			revoked += flags == 385;
		}
		assert_int_equal(ksks,
				 (s->role[0] != KSKIT_ROLE_NONE) + (s->role[1] != KSKIT_ROLE_NONE));
		assert_int_equal(revoked, s->role[0] == KSKIT_ROLE_REVOKE);
		/* the signers' RRSIGs, the revoked key's among them */
		assert_int_equal(verify_bundle(&skr->bundles[i], s->time),
				 (s->role[0] >= KSKIT_ROLE_SIGN) + (s->role[1] >= KSKIT_ROLE_SIGN));
	}
	assert_int_equal(seen[0] + seen[1] + seen[2] + seen[3], 4);
	assert_int_equal(plan.slots[0].role[1], KSKIT_ROLE_NONE);
	assert_int_equal(plan.slots[plan.n_slots - 1].role[0], KSKIT_ROLE_NONE);
	kskit_ksr_free(skr);
	kskit_skr_plan_free(&plan);
	ksk_free(&x[0]);
	ksk_free(&x[1]);
	kskit_ksr_free(ksr);
}

static int bad_sign(void *ctx, const uint8_t *data, size_t len, uint8_t **sig, size_t *sig_len)
{
	int ret = kskit_soft_sign(ctx, data, len, sig, sig_len);

	(*sig)[*sig_len / 2] ^= 0x01;
	return ret;
}

static void bad_signature_and_bad_plans_are_refused(void **state)
{
	struct kskit_ksr *ksr = ksr_file("ksr/knot-3.2.6.ksr"), *skr = NULL;
	struct kskit_skr_plan plan = { 0 };
	struct kskit_skr_params p = knot;
	struct ksk x;

	(void)state;
	ksk_new(&x, 13);
	x.k.sign = bad_sign;
	assert_int_equal(kskit_skr_plan(ksr, &x.k, 1, &p, &plan), 0);
	assert_int_equal(kskit_skr_sign(ksr, &x.k, 1, &p, &plan, &skr), KSKIT_EVERIFY);
	assert_null(skr);
	kskit_skr_plan_free(&plan);
	/* a KSK that never signs leaves bundles unsigned */
	x.k.active = KSKIT_NEVER;
	assert_int_equal(kskit_skr_plan(ksr, &x.k, 1, &p, &plan), KSKIT_EPOLICY);
	assert_null(plan.slots);
	kskit_ksk_always(&x.k);
	p.refresh = p.lifetime;
	assert_int_equal(kskit_skr_plan(ksr, &x.k, 1, &p, &plan), KSKIT_EINVAL);
	ksk_free(&x);
	kskit_ksr_free(ksr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plan_matches_knot),
		cmocka_unit_test(response_verifies_with_ldns),
		cmocka_unit_test(rollover_with_revocation),
		cmocka_unit_test(bad_signature_and_bad_plans_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
