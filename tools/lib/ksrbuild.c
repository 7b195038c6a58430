/* ksrbuild.c - a Key Signing Request from ZSKs held here and a schedule. */
#include <stdlib.h>
#include <string.h>

#include "dnskey.h"
#include "error.h"
#include "ksrbuild.h"
#include "pkey.h"
#include "uuid.h"

static int check_zsks(const struct kskit_ksr_schedule *s, const struct kskit_ksr_zsk *zsks,
		      size_t n)
{
	const ldns_rdf *zone = ldns_rr_owner(zsks[0].dnskey);

	for (size_t i = 0; i < n; i++) {
		const ldns_rr *k = zsks[i].dnskey;
		uint16_t tag = ldns_calc_keytag(k);

		if (ldns_dname_compare(ldns_rr_owner(k), zone) != 0)
			return kskit_error_set(KSKIT_EINVAL, "ZSK %u is of another zone", tag);
		if (ldns_rdf2native_int16(ldns_rr_rdf(k, 0)) != KSKIT_DNSKEY_ZSK)
			return kskit_error_set(KSKIT_EINVAL, "key %u is not a ZSK (flags 256)",
					       tag);
		if (zsks[i].first > zsks[i].last || zsks[i].last >= s->periods)
			return kskit_error_set(KSKIT_EINVAL,
					       "ZSK %u: bundles %zu to %zu, of %zu bundles", tag,
					       zsks[i].first + 1, zsks[i].last + 1, s->periods);
		if (s->form == KSKIT_KSR_XML && !zsks[i].sign)
			return kskit_error_set(KSKIT_EINVAL, "ZSK %u cannot sign", tag);
		for (size_t j = 0; j < i; j++)
			if (ldns_rdf_compare(ldns_rr_rdf(k, 3), ldns_rr_rdf(zsks[j].dnskey, 3)) ==
			    0)
				return kskit_error_set(KSKIT_EINVAL, "ZSK %u is given twice", tag);
	}
	return 0;
}

/* Each ZSK of bundle b signs its DNSKEY RRset (the first records of
 * recs, n_keys of them): the signatures go after the keys. */
static int prove_possession(const struct kskit_ksr_zsk *zsks, size_t n, struct kskit_ksr_bundle *b,
			    const ldns_rdf *zone, size_t bundle)
{
	ldns_rr_list *set = ldns_rr_list_clone(b->records);
	size_t at = ldns_rr_list_rr_count(b->records);
	int ret = set ? 0 : KSKIT_ENOMEM;

	for (size_t i = 0; ret == 0 && i < n; i++) {
		const struct kskit_ksr_zsk *z = &zsks[i];
		struct kskit_rrsig_params p = { .alg = z->alg,
						.key_tag = ldns_calc_keytag(z->dnskey),
						.signer = zone,
						.inception = (uint32_t)b->time,
						.expiration = (uint32_t)b->expiration };
		ldns_rr *sig = NULL;

		if (bundle < z->first || bundle > z->last)
			continue;
		ret = kskit_rrsig_make(set, &p, z->sign, z->ctx, &sig);
		if (ret == 0 && kskit_rrsig_verify(set, sig, z->dnskey) != 0)
			ret = kskit_error_set(KSKIT_EVERIFY,
					      "bundle %zu: the signature by ZSK %u does not verify",
					      bundle + 1, p.key_tag);
		if (ret == 0 && !ldns_rr_list_push_rr(b->records, sig))
			ret = KSKIT_ENOMEM;
		if (ret)
			ldns_rr_free(sig);
		else if (!(b->key_ids[at++] = strdup(z->id)))
			ret = KSKIT_ENOMEM;
	}
	ldns_rr_list_deep_free(set);
	return ret;
}

/* Bundle i: the DNSKEYs of the ZSKs it holds (at ttl); for XML their ids,
 * random bundle id, expiration and proofs of possession. */
static int make_bundle(const struct kskit_ksr_schedule *s, const struct kskit_ksr_zsk *zsks,
		       size_t n, size_t i, const ldns_rdf *zone, struct kskit_ksr_bundle *b)
{
	char id[37];

	b->time = s->start + (time_t)i * s->period;
	if (!(b->records = ldns_rr_list_new()))
		return KSKIT_ENOMEM;
	if (s->form == KSKIT_KSR_XML && !(b->key_ids = calloc(2 * n, sizeof(*b->key_ids))))
		return KSKIT_ENOMEM;
	for (size_t k = 0; k < n; k++) {
		ldns_rr *key;

		if (i < zsks[k].first || i > zsks[k].last)
			continue;
		if (!(key = ldns_rr_clone(zsks[k].dnskey)))
			return KSKIT_ENOMEM;
		ldns_rr_set_ttl(key, s->ttl);
		if (!ldns_rr_list_push_rr(b->records, key)) {
			ldns_rr_free(key);
			return KSKIT_ENOMEM;
		}
		if (b->key_ids &&
		    !(b->key_ids[ldns_rr_list_rr_count(b->records) - 1] = strdup(zsks[k].id)))
			return KSKIT_ENOMEM;
	}
	if (ldns_rr_list_rr_count(b->records) == 0)
		return kskit_error_set(KSKIT_EINVAL, "bundle %zu has no ZSK", i + 1);
	if (s->form != KSKIT_KSR_XML)
		return 0;
	b->expiration = b->time + (time_t)s->validity;
	if (kskit_uuid4(id) != 0 || !(b->id = strdup(id)))
		return KSKIT_ECRYPTO;
	return prove_possession(zsks, n, b, zone, i);
}

/* The request's <ZSK> policy: exactly this schedule, and each distinct
 * algorithm, size and exponent of the ZSKs. */
static int zsk_policy(const struct kskit_ksr_schedule *s, const struct kskit_ksr_zsk *zsks,
		      size_t n, struct kskit_ksr_policy *out)
{
	*out = (struct kskit_ksr_policy){ .present = 1,
					  .max_sig_validity = s->validity,
					  .min_sig_validity = s->validity,
					  .max_overlap = s->validity - s->period,
					  .min_overlap = s->validity - s->period };
	for (size_t i = 0; i < n; i++) {
		const ldns_rdf *pub = ldns_rr_rdf(zsks[i].dnskey, 3);
		EVP_PKEY *pk = NULL;
		unsigned bits;
		unsigned long exponent;
		size_t j;
		int ret = kskit_dnskey_to_pkey(zsks[i].alg, ldns_rdf_data(pub), ldns_rdf_size(pub),
					       &pk);

		if (ret)
			return ret;
		kskit_pkey_size(pk, zsks[i].alg, &bits, &exponent);
		EVP_PKEY_free(pk);
		for (j = 0; j < out->n_algs; j++)
			if (out->algs[j].alg == zsks[i].alg->number && out->algs[j].size == bits &&
			    out->algs[j].exponent == exponent)
				break;
		if (j < out->n_algs)
			continue;
		if (out->n_algs == KSKIT_KSR_POLICY_ALGS)
			return kskit_error_set(KSKIT_EINVAL, "more than %d kinds of ZSK",
					       KSKIT_KSR_POLICY_ALGS);
		out->algs[out->n_algs].alg = zsks[i].alg->number;
		out->algs[out->n_algs].size = bits;
		out->algs[out->n_algs].exponent = exponent;
		out->n_algs++;
	}
	return 0;
}

int kskit_ksr_build(const struct kskit_ksr_schedule *s, const struct kskit_ksr_zsk *zsks, size_t n,
		    struct kskit_ksr **out)
{
	struct kskit_ksr *ksr;
	char id[37];
	int ret;

	*out = NULL;
	if (n == 0 || s->periods == 0 || s->period == 0)
		return kskit_error_set(KSKIT_EINVAL, "no ZSK, no bundle or no period");
	if (s->form == KSKIT_KSR_XML && s->validity <= s->period)
		return kskit_error_set(KSKIT_EINVAL,
				       "a validity no longer than the period leaves gaps");
	ret = check_zsks(s, zsks, n);
	if (ret)
		return ret;
	if (!(ksr = calloc(1, sizeof(*ksr))))
		return KSKIT_ENOMEM;
	ksr->bind_times = s->form == KSKIT_KSR_BIND;
	ksr->xml = s->form == KSKIT_KSR_XML;
	ksr->serial = s->serial;
	ksr->generated = s->generated;
	ksr->zone = ldns_rdf_clone(ldns_rr_owner(zsks[0].dnskey));
	ksr->bundles = calloc(s->periods, sizeof(*ksr->bundles));
	ret = ksr->zone && ksr->bundles ? 0 : KSKIT_ENOMEM;
	if (ret == 0 && ksr->xml) {
		ret = kskit_uuid4(id) == 0 && (ksr->id = strdup(id)) ? 0 : KSKIT_ECRYPTO;
		if (ret == 0)
			ret = zsk_policy(s, zsks, n, &ksr->zsk_policy);
	}
	for (size_t i = 0; ret == 0 && i < s->periods; i++) {
		ksr->n_bundles++;
		ret = make_bundle(s, zsks, n, i, ksr->zone, &ksr->bundles[i]);
	}
	if (ret) {
		kskit_ksr_free(ksr);
		return ret;
	}
	*out = ksr;
	return 0;
}
