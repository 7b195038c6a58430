#include <stdlib.h>
#include <string.h>

#include "dnskey.h"
#include "error.h"
#include "key.h"
#include "object.h"

int kskit_key_partner(struct kskit_token *tok, CK_OBJECT_HANDLE obj, CK_OBJECT_CLASS want,
		      CK_OBJECT_HANDLE *partner)
{
	unsigned char *id = NULL;
	CK_ULONG id_len = 0, kt = 0;
	CK_OBJECT_HANDLE *objs = NULL;
	size_t n = 0;
	int ret;

	ret = kskit_attr_ulong(tok, obj, CKA_KEY_TYPE, &kt);
	if (ret == 0)
		ret = kskit_attr_get(tok, obj, CKA_ID, &id, &id_len);
	if (ret)
		return ret;
	if (id_len == 0) {
		free(id);
		return KSKIT_ENO_OBJECT;
	}
	CK_ATTRIBUTE tmpl[] = {
		{ CKA_CLASS, &want, sizeof(want) },
		{ CKA_KEY_TYPE, &kt, sizeof(kt) },
		{ CKA_ID, id, id_len },
	};
	ret = kskit_objects_find(tok, tmpl, 3, &objs, &n);
	free(id);
	if (ret)
		return ret;
	if (n == 0)
		ret = KSKIT_ENO_OBJECT;
	else if (n > 1)
		ret = kskit_error_set(KSKIT_EAMBIGUOUS_OBJECT, "%zu key objects share one CKA_ID",
				      n);
	else
		*partner = objs[0];
	free(objs);
	return ret;
}

static int rsa_public(struct kskit_token *tok, CK_OBJECT_HANDLE obj, EVP_PKEY **pkey)
{
	unsigned char *n = NULL, *e = NULL;
	CK_ULONG nlen = 0, elen = 0;
	int ret;

	ret = kskit_attr_get(tok, obj, CKA_MODULUS, &n, &nlen);
	if (ret == 0)
		ret = kskit_attr_get(tok, obj, CKA_PUBLIC_EXPONENT, &e, &elen);
	if (ret == 0)
		ret = kskit_pkey_rsa(n, nlen, e, elen, pkey);
	free(n);
	free(e);
	return ret;
}

/* CKA_EC_POINT is a DER OCTET STRING by the standard; some tokens give the
 * bare point.  The expected size tells them apart. */
static int ec_point(const unsigned char *v, size_t len, size_t raw_len, const uint8_t **point)
{
	if (len == raw_len) {
		*point = v;
		return 0;
	}
	if (len == raw_len + 2 && v[0] == 0x04 && v[1] == raw_len) {
		*point = v + 2;
		return 0;
	}
	if (len == raw_len + 3 && v[0] == 0x04 && v[1] == 0x81 && v[2] == raw_len) {
		*point = v + 3;
		return 0;
	}
	return kskit_error_set(KSKIT_EKEY_TYPE, "CKA_EC_POINT of unexpected size %zu", len);
}

static int ec_public(struct kskit_token *tok, CK_OBJECT_HANDLE obj, EVP_PKEY **pkey,
		     const struct kskit_alg **alg_out)
{
	unsigned char *params = NULL, *pt = NULL;
	CK_ULONG plen = 0, ptlen = 0;
	const struct kskit_alg *alg;
	const uint8_t *point = NULL;
	size_t raw;
	int ret;

	ret = kskit_attr_get(tok, obj, CKA_EC_PARAMS, &params, &plen);
	if (ret)
		return ret;
	alg = kskit_alg_by_ec_params(params, plen);
	free(params);
	if (!alg)
		return kskit_error_set(KSKIT_EKEY_TYPE, "curve not used by DNSSEC");
	ret = kskit_attr_get(tok, obj, CKA_EC_POINT, &pt, &ptlen);
	if (ret)
		return ret;
	raw = alg->key_type == CKK_EC ? 1 + alg->bits / 4 : alg->bits / 8;
	ret = ec_point(pt, ptlen, raw, &point);
	if (ret == 0 && alg->key_type == CKK_EC)
		ret = point[0] == 0x04 ? kskit_dnskey_to_pkey(alg, point + 1, raw - 1, pkey)
				       : kskit_error_set(KSKIT_EKEY_TYPE, "compressed EC point");
	else if (ret == 0)
		ret = kskit_dnskey_to_pkey(alg, point, raw, pkey);
	free(pt);
	if (ret == 0)
		*alg_out = alg;
	return ret;
}

int kskit_key_public(struct kskit_token *tok, CK_OBJECT_HANDLE obj, EVP_PKEY **pkey,
		     const struct kskit_alg **alg)
{
	const struct kskit_alg *a = NULL;
	CK_OBJECT_HANDLE pub = obj;
	CK_ULONG cls = 0, kt = 0;
	int ret;

	ret = kskit_attr_ulong(tok, obj, CKA_CLASS, &cls);
	if (ret == 0)
		ret = kskit_attr_ulong(tok, obj, CKA_KEY_TYPE, &kt);
	if (ret)
		return ret;
	if (cls != CKO_PUBLIC_KEY && cls != CKO_PRIVATE_KEY)
		return kskit_error_set(KSKIT_EKEY_TYPE, "not a key object");
	switch (kt) {
	case CKK_RSA:
		ret = rsa_public(tok, obj, pkey);
		if (ret && cls == CKO_PRIVATE_KEY &&
		    kskit_key_partner(tok, obj, CKO_PUBLIC_KEY, &pub) == 0)
			ret = rsa_public(tok, pub, pkey);
		a = kskit_alg_by_number(8);
		break;
	case CKK_EC:
	case CKK_EC_EDWARDS:
		if (cls == CKO_PRIVATE_KEY) {
			ret = kskit_key_partner(tok, obj, CKO_PUBLIC_KEY, &pub);
			if (ret)
				return ret;
		}
		ret = ec_public(tok, pub, pkey, &a);
		break;
	default:
		return kskit_error_set(KSKIT_EKEY_TYPE, "key type 0x%lx", (unsigned long)kt);
	}
	if (ret == 0 && alg)
		*alg = a;
	return ret;
}

/* Does pk, as a DNSKEY of alg with flags, have tag (and want's key)? */
static int fits(EVP_PKEY *pk, const struct kskit_alg *alg, uint16_t tag, uint16_t flags,
		const ldns_rr *want)
{
	uint8_t *key = NULL;
	size_t len = 0;
	uint16_t t;
	int yes;

	if (kskit_dnskey_keytag(pk, alg, flags, &t) != 0 || t != tag)
		return 0;
	if (!want)
		return 1;
	if (ldns_rdf2native_int8(ldns_rr_rdf(want, 2)) != alg->number ||
	    kskit_dnskey_pubkey(pk, alg, &key, &len) != 0)
		return 0;
	yes = len == ldns_rdf_size(ldns_rr_rdf(want, 3)) &&
	      memcmp(key, ldns_rdf_data(ldns_rr_rdf(want, 3)), len) == 0;
	free(key);
	return yes;
}

int kskit_key_by_tag(struct kskit_token *tok, uint16_t tag, uint16_t flags, const ldns_rr *want,
		     CK_OBJECT_HANDLE *priv, EVP_PKEY **pub, const struct kskit_alg **alg)
{
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE tmpl[] = { { CKA_CLASS, &cls, sizeof(cls) } };
	CK_OBJECT_HANDLE *objs = NULL, found = CK_INVALID_HANDLE;
	EVP_PKEY *found_pk = NULL;
	const struct kskit_alg *found_alg = NULL;
	size_t n = 0, matches = 0;
	int ret;

	ret = kskit_objects_find(tok, tmpl, 1, &objs, &n);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		EVP_PKEY *pk = NULL;
		const struct kskit_alg *a;

		if (kskit_key_public(tok, objs[i], &pk, NULL) != 0)
			continue;
		for (size_t j = 0; (a = kskit_alg_at(j)) != NULL; j++) {
			if (!fits(pk, a, tag, flags, want))
				continue;
			if (matches++ == 0) {
				found = objs[i];
				found_alg = a;
				found_pk = pk;
				pk = NULL;
			}
			break;
		}
		EVP_PKEY_free(pk);
	}
	free(objs);
	if (ret == 0 && matches == 0)
		ret = kskit_error_set(KSKIT_ENO_OBJECT, "no key pair with key tag %u", tag);
	else if (ret == 0 && matches > 1)
		ret = kskit_error_set(KSKIT_EAMBIGUOUS_OBJECT, "%zu key pairs have key tag %u",
				      matches, tag);
	if (ret) {
		EVP_PKEY_free(found_pk);
		return ret;
	}
	*priv = found;
	*pub = found_pk;
	*alg = found_alg;
	return 0;
}
