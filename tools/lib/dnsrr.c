#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "dnskey.h"
#include "dnsrr.h"
#include "error.h"

int kskit_dnskey_rr(const char *zone, uint32_t ttl, EVP_PKEY *pkey, const struct kskit_alg *alg,
		    uint16_t flags, ldns_rr **out)
{
	uint8_t *key = NULL;
	size_t klen = 0;
	char *b64 = NULL, *text = NULL;
	ldns_rr *rr = NULL;
	size_t zlen = strlen(zone);
	int ret;

	ret = kskit_dnskey_pubkey(pkey, alg, &key, &klen);
	if (ret)
		return ret;
	ret = KSKIT_ENOMEM;
	b64 = malloc(4 * ((klen + 2) / 3) + 1);
	if (!b64)
		goto out;
	EVP_EncodeBlock((unsigned char *)b64, key, (int)klen);
	if (asprintf(&text, "%s%s %u IN DNSKEY %u 3 %u %s", zone,
		     zlen && zone[zlen - 1] == '.' ? "" : ".", ttl, flags, alg->number, b64) < 0) {
		text = NULL;
		goto out;
	}
	if (ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL) != LDNS_STATUS_OK) {
		ret = kskit_error_set(KSKIT_EINVAL, "zone name %s", zone);
		goto out;
	}
	*out = rr;
	ret = 0;
out:
	free(text);
	free(b64);
	free(key);
	return ret;
}

int kskit_ds_rr(const ldns_rr *dnskey, int digest, ldns_rr **out)
{
	ldns_rr *ds;

	if (digest != KSKIT_DS_SHA256 && digest != KSKIT_DS_SHA384)
		return KSKIT_EINVAL;
	ds = ldns_key_rr2ds(dnskey, digest == KSKIT_DS_SHA256 ? LDNS_SHA256 : LDNS_SHA384);
	if (!ds)
		return KSKIT_ECRYPTO;
	*out = ds;
	return 0;
}

int kskit_rr_retype(const ldns_rr *rr, ldns_rr_type type, ldns_rr **out)
{
	ldns_rr *copy = ldns_rr_clone(rr);

	if (!copy)
		return KSKIT_ENOMEM;
	ldns_rr_set_type(copy, type);
	*out = copy;
	return 0;
}

void kskit_key_basename(const ldns_rr *dnskey, char *out, size_t size)
{
	char *owner = ldns_rdf2str(ldns_rr_owner(dnskey));
	unsigned alg = ldns_rdf2native_int8(ldns_rr_rdf(dnskey, 2));

	snprintf(out, size, "K%s+%03u+%05u", owner ? owner : "?", alg, ldns_calc_keytag(dnskey));
	free(owner);
}

int kskit_rr_complete(const ldns_rr *rr)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(ldns_rr_get_type(rr));

	return !d || ldns_rr_rd_count(rr) >= ldns_rr_descriptor_minimum(d);
}

int kskit_dnskey_is_key(const ldns_rr *dnskey, EVP_PKEY *key, const struct kskit_alg *alg)
{
	const ldns_rdf *want = ldns_rr_rdf(dnskey, 3);
	uint8_t *pub = NULL;
	size_t len = 0;
	int same;

	if (!want || alg->number != ldns_rdf2native_int8(ldns_rr_rdf(dnskey, 2)) ||
	    kskit_dnskey_pubkey(key, alg, &pub, &len) != 0)
		return 0;
	same = len == ldns_rdf_size(want) && memcmp(pub, ldns_rdf_data(want), len) == 0;
	free(pub);
	return same;
}

int kskit_dnskey_same(const ldns_rr *a, const ldns_rr *b)
{
	return ldns_rdf_compare(ldns_rr_rdf(a, 3), ldns_rr_rdf(b, 3)) == 0 &&
	       ldns_rdf_compare(ldns_rr_rdf(a, 2), ldns_rr_rdf(b, 2)) == 0;
}

ldns_rr_list *kskit_rrs_of_type(const ldns_rr_list *list, ldns_rr_type type)
{
	ldns_rr_list *set = ldns_rr_list_new();

	for (size_t i = 0; set && i < ldns_rr_list_rr_count(list); i++) {
		ldns_rr *rr = ldns_rr_list_rr(list, i);

		if (ldns_rr_get_type(rr) == type && !ldns_rr_list_push_rr(set, rr)) {
			ldns_rr_list_free(set);
			return NULL;
		}
	}
	return set;
}

int kskit_dnskey_is_zsk(const ldns_rr *rr)
{
	return ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY &&
	       ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)) == KSKIT_DNSKEY_ZSK;
}
