/* keybundle-skr.c - the keybundles of a Signed Key Response: one a bundle,
 * with the private keys of the ZSKs that sign in it. */
#include <stdlib.h>
#include <string.h>

#include "dnskey.h"
#include "dnsrr.h"
#include "error.h"
#include "keybundle.h"

/* Does bundle b of skr (none when out of range) publish the ZSK key? */
static int publishes(const struct kskit_ksr *skr, size_t b, const ldns_rr *key)
{
	if (b >= skr->n_bundles)
		return 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(skr->bundles[b].records); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(skr->bundles[b].records, i);

		if (kskit_dnskey_is_zsk(rr) && kskit_dnskey_same(rr, key))
			return 1;
	}
	return 0;
}

/* Mark the ZSKs of bundle b active: those that go on from the bundle
 * before to the next; failing that, all but the new ones; failing that,
 * all. */
static void roles(const struct kskit_ksr *skr, size_t b, struct kskit_keybundle *kb)
{
	size_t n = kb->n_zsks, going_on = 0, old = 0;
	int is_new[KSKIT_KEYBUNDLE_MAX_ZSKS], is_gone[KSKIT_KEYBUNDLE_MAX_ZSKS];

	for (size_t i = 0; i < n; i++) {
		const ldns_rr *k = kb->zsks[i].dnskey;

		is_new[i] = b > 0 && !publishes(skr, b - 1, k);
		is_gone[i] = b + 1 < skr->n_bundles && !publishes(skr, b + 1, k);
		going_on += !is_new[i] && !is_gone[i];
		old += !is_new[i];
	}
	for (size_t i = 0; i < n; i++)
		kb->zsks[i].active = n == 1 || (going_on ? !is_new[i] && !is_gone[i]
						: old	 ? !is_new[i]
							 : 1);
}

/* The private key of keys that is dnskey's, up-ref'd into z. */
static int find_key(const ldns_rr *dnskey, EVP_PKEY *const *keys,
		    const struct kskit_alg *const *algs, size_t n, struct kskit_keybundle_zsk *z)
{
	for (size_t i = 0; i < n; i++)
		if (kskit_dnskey_is_key(dnskey, keys[i], algs[i]) &&
		    EVP_PKEY_up_ref(keys[i]) == 1) {
			z->key = keys[i];
			z->alg = algs[i];
			return 0;
		}
	return kskit_error_set(KSKIT_EKEYBUNDLE, "no private key for the active ZSK %u", z->tag);
}

/* The earliest expiration of the bundle's RRSIGs, or 0 when it has none. */
static time_t first_expiry(const ldns_rr_list *recs)
{
	time_t t = 0;

	for (size_t i = 0; i < ldns_rr_list_rr_count(recs); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(recs, i);
		time_t e;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG)
			continue;
		e = (time_t)ldns_rdf2native_time_t(ldns_rr_rrsig_expiration(rr));
		if (!t || e < t)
			t = e;
	}
	return t;
}

static int make_one(const struct kskit_ksr *skr, size_t b, EVP_PKEY *const *keys,
		    const struct kskit_alg *const *algs, size_t n_keys, struct kskit_keybundle *kb)
{
	const ldns_rr_list *recs = skr->bundles[b].records;
	int ret = 0;

	kb->inception = skr->bundles[b].time;
	kb->expiration = b + 1 < skr->n_bundles ? skr->bundles[b + 1].time : first_expiry(recs);
	if (kb->expiration <= kb->inception)
		return kskit_error_set(KSKIT_EKEYBUNDLE, "bundle %zu: its RRSIGs expire at once",
				       b + 1);
	if (!(kb->zone = ldns_rdf_clone(skr->zone)) || !(kb->records = ldns_rr_list_clone(recs)))
		return KSKIT_ENOMEM;
	for (size_t i = 0; i < ldns_rr_list_rr_count(kb->records); i++) {
		ldns_rr *rr = ldns_rr_list_rr(kb->records, i);

		if (!kskit_dnskey_is_zsk(rr))
			continue;
		if (kb->n_zsks == KSKIT_KEYBUNDLE_MAX_ZSKS)
			return kskit_error_set(KSKIT_EKEYBUNDLE, "bundle %zu: more than %d ZSKs",
					       b + 1, KSKIT_KEYBUNDLE_MAX_ZSKS);
		kb->zsks[kb->n_zsks].dnskey = rr;
		kb->zsks[kb->n_zsks].tag = ldns_calc_keytag(rr);
		kb->n_zsks++;
	}
	if (kb->n_zsks == 0)
		return kskit_error_set(KSKIT_EKEYBUNDLE, "bundle %zu has no ZSK", b + 1);
	roles(skr, b, kb);
	for (size_t i = 0; ret == 0 && i < kb->n_zsks; i++)
		if (kb->zsks[i].active)
			ret = find_key(kb->zsks[i].dnskey, keys, algs, n_keys, &kb->zsks[i]);
	if (ret)
		return kskit_error_set(ret, "bundle %zu: %s", b + 1, kskit_error_detail(ret));
	return 0;
}

int kskit_keybundles_from_skr(const struct kskit_ksr *skr, const char *source_sha256,
			      const char *source_name, EVP_PKEY *const *keys,
			      const struct kskit_alg *const *algs, size_t n_keys,
			      struct kskit_keybundle ***out)
{
	struct kskit_keybundle **kbs = calloc(skr->n_bundles, sizeof(*kbs));
	int ret = kbs ? 0 : KSKIT_ENOMEM;
	size_t made = 0;

	*out = NULL;
	if (ret == 0 && !skr->skr)
		ret = kskit_error_set(KSKIT_EINVAL, "not a Signed Key Response");
	if (ret == 0 && (strlen(source_sha256) != 64 ||
			 strspn(source_sha256, "0123456789abcdef") != 64 || !*source_name))
		ret = kskit_error_set(KSKIT_EINVAL, "the source is not a SHA-256 in lowercase "
						    "hex and a name");
	for (const char *p = source_name; ret == 0 && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			ret = kskit_error_set(KSKIT_EINVAL,
					      "a control character in the name of the response");
	for (; ret == 0 && made < skr->n_bundles; made++) {
		struct kskit_keybundle *kb = calloc(1, sizeof(*kb));

		if (!kb || !(kb->source_name = strdup(source_name))) {
			free(kb);
			ret = KSKIT_ENOMEM;
			break;
		}
		kbs[made] = kb;
		memcpy(kb->source_sha256, source_sha256, 65);
		ret = make_one(skr, made, keys, algs, n_keys, kb);
	}
	if (ret) {
		for (size_t i = 0; kbs && i < skr->n_bundles; i++)
			kskit_keybundle_free(kbs[i]);
		free(kbs);
		return ret;
	}
	*out = kbs;
	return 0;
}
