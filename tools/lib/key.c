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
