#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "dnskey.h"
#include "error.h"
#include "pkey.h"

static int rsa_pubkey(EVP_PKEY *pkey, uint8_t **out, size_t *len)
{
	BIGNUM *n = NULL, *e = NULL;
	uint8_t *buf = NULL;
	size_t nlen, elen, hdr, total;
	int ret = KSKIT_ECRYPTO;

	if (!EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) ||
	    !EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e))
		goto out;
	nlen = BN_num_bytes(n);
	elen = BN_num_bytes(e);
	if (elen == 0 || elen > 0xffff)
		goto out;
	hdr = elen <= 255 ? 1 : 3;
	total = hdr + elen + nlen;
	buf = malloc(total);
	if (!buf) {
		ret = KSKIT_ENOMEM;
		goto out;
	}
	if (hdr == 1) {
		buf[0] = (uint8_t)elen;
	} else {
		buf[0] = 0;
		buf[1] = (uint8_t)(elen >> 8);
		buf[2] = (uint8_t)elen;
	}
	BN_bn2bin(e, buf + hdr);
	BN_bn2bin(n, buf + hdr + elen);
	*out = buf;
	*len = total;
	ret = 0;
out:
	BN_free(n);
	BN_free(e);
	return ret;
}

static int ec_pubkey(EVP_PKEY *pkey, const struct kskit_alg *alg, uint8_t **out, size_t *len)
{
	char group[32];
	uint8_t point[1 + 2 * 66];
	size_t plen = 0, coord = alg->bits / 8;
	uint8_t *buf;

	if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
					    NULL))
		return KSKIT_ECRYPTO;
	if (strcasecmp(group, alg->group) != 0 &&
	    !(alg->bits == 256 && strcmp(group, "prime256v1") == 0) &&
	    !(alg->bits == 384 && strcmp(group, "secp384r1") == 0))
		return kskit_error_set(KSKIT_EKEY_TYPE, "curve %s is not %s", group, alg->group);
	if (!EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point),
					     &plen) ||
	    plen != 1 + 2 * coord || point[0] != 0x04)
		return KSKIT_ECRYPTO;
	buf = malloc(2 * coord);
	if (!buf)
		return KSKIT_ENOMEM;
	memcpy(buf, point + 1, 2 * coord);
	*out = buf;
	*len = 2 * coord;
	return 0;
}

static int ed_pubkey(EVP_PKEY *pkey, uint8_t **out, size_t *len)
{
	size_t n = 0;
	uint8_t *buf;

	if (!EVP_PKEY_get_raw_public_key(pkey, NULL, &n))
		return KSKIT_ECRYPTO;
	buf = malloc(n);
	if (!buf)
		return KSKIT_ENOMEM;
	if (!EVP_PKEY_get_raw_public_key(pkey, buf, &n)) {
		free(buf);
		return KSKIT_ECRYPTO;
	}
	*out = buf;
	*len = n;
	return 0;
}

int kskit_dnskey_pubkey(EVP_PKEY *pkey, const struct kskit_alg *alg, uint8_t **out, size_t *len)
{
	switch (alg->key_type) {
	case CKK_RSA:
		if (!EVP_PKEY_is_a(pkey, "RSA"))
			break;
		return rsa_pubkey(pkey, out, len);
	case CKK_EC:
		if (!EVP_PKEY_is_a(pkey, "EC"))
			break;
		return ec_pubkey(pkey, alg, out, len);
	case CKK_EC_EDWARDS:
		if (!EVP_PKEY_is_a(pkey, alg->group))
			break;
		return ed_pubkey(pkey, out, len);
	}
	return kskit_error_set(KSKIT_EKEY_TYPE, "%s key cannot be used with %s",
			       EVP_PKEY_get0_type_name(pkey), alg->name);
}

int kskit_dnskey_rdata(EVP_PKEY *pkey, const struct kskit_alg *alg, uint16_t flags, uint8_t **out,
		       size_t *len)
{
	uint8_t *key = NULL, *rdata;
	size_t klen = 0;
	int ret;

	ret = kskit_dnskey_pubkey(pkey, alg, &key, &klen);
	if (ret)
		return ret;
	rdata = malloc(4 + klen);
	if (!rdata) {
		free(key);
		return KSKIT_ENOMEM;
	}
	rdata[0] = (uint8_t)(flags >> 8);
	rdata[1] = (uint8_t)flags;
	rdata[2] = 3;
	rdata[3] = alg->number;
	memcpy(rdata + 4, key, klen);
	free(key);
	*out = rdata;
	*len = 4 + klen;
	return 0;
}

int kskit_dnskey_keytag(EVP_PKEY *pkey, const struct kskit_alg *alg, uint16_t flags, uint16_t *tag)
{
	uint8_t *rdata = NULL;
	size_t len = 0;
	int ret;

	ret = kskit_dnskey_rdata(pkey, alg, flags, &rdata, &len);
	if (ret)
		return ret;
	*tag = ldns_calc_keytag_raw(rdata, len);
	free(rdata);
	return 0;
}

int kskit_pkey_rsa(const uint8_t *n, size_t nlen, const uint8_t *e, size_t elen, EVP_PKEY **out)
{
	OSSL_PARAM_BLD *bld = NULL;
	BIGNUM *bn = NULL, *be = NULL;
	int ret = KSKIT_ECRYPTO;

	be = BN_bin2bn(e, (int)elen, NULL);
	bn = BN_bin2bn(n, (int)nlen, NULL);
	if (!be || !bn)
		goto out;
	if (!BN_is_odd(be) || BN_is_one(be) || !BN_is_odd(bn) || BN_num_bits(bn) < 512 ||
	    BN_num_bits(bn) > 16384 || BN_cmp(be, bn) >= 0) {
		ret = kskit_error_set(KSKIT_EKEYFILE, "not an RSA public key (exponent, modulus)");
		goto out;
	}
	bld = OSSL_PARAM_BLD_new();
	if (bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be))
		ret = kskit_pkey_fromdata("RSA", EVP_PKEY_PUBLIC_KEY, bld, out);
out:
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	return ret;
}

static int rsa_from_dnskey(const uint8_t *key, size_t len, EVP_PKEY **out)
{
	size_t elen, hdr;

	if (len < 1)
		return KSKIT_EKEYFILE;
	if (key[0] != 0) {
		elen = key[0];
		hdr = 1;
	} else {
		if (len < 3)
			return KSKIT_EKEYFILE;
		elen = (size_t)key[1] << 8 | key[2];
		hdr = 3;
	}
	if (elen == 0 || hdr + elen >= len)
		return KSKIT_EKEYFILE;
	return kskit_pkey_rsa(key + hdr + elen, len - hdr - elen, key + hdr, elen, out);
}

static int ec_from_point(const char *group, const uint8_t *point, size_t len, EVP_PKEY **out)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	int ret = KSKIT_ECRYPTO;

	if (bld && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, len))
		ret = kskit_pkey_fromdata("EC", EVP_PKEY_PUBLIC_KEY, bld, out);
	OSSL_PARAM_BLD_free(bld);
	return ret;
}

int kskit_dnskey_to_pkey(const struct kskit_alg *alg, const uint8_t *key, size_t len,
			 EVP_PKEY **out)
{
	uint8_t point[1 + 2 * 66];
	size_t coord = alg->bits / 8;
	EVP_PKEY *pkey;

	switch (alg->key_type) {
	case CKK_RSA:
		return rsa_from_dnskey(key, len, out);
	case CKK_EC:
		if (len != 2 * coord)
			return KSKIT_EKEYFILE;
		point[0] = 0x04;
		memcpy(point + 1, key, len);
		return ec_from_point(alg->group, point, len + 1, out);
	case CKK_EC_EDWARDS:
		pkey = EVP_PKEY_new_raw_public_key_ex(NULL, alg->group, NULL, key, len);
		if (!pkey)
			return KSKIT_EKEYFILE;
		*out = pkey;
		return 0;
	}
	return KSKIT_EALGORITHM;
}

const struct kskit_alg *kskit_alg_for_pkey(EVP_PKEY *pkey)
{
	char group[32];

	if (EVP_PKEY_is_a(pkey, "RSA"))
		return kskit_alg_by_number(8);
	if (EVP_PKEY_is_a(pkey, "ED25519"))
		return kskit_alg_by_number(15);
	if (!EVP_PKEY_is_a(pkey, "EC") ||
	    !EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
					    NULL))
		return NULL;
	if (strcmp(group, "prime256v1") == 0 || strcasecmp(group, "P-256") == 0)
		return kskit_alg_by_number(13);
	if (strcmp(group, "secp384r1") == 0 || strcasecmp(group, "P-384") == 0)
		return kskit_alg_by_number(14);
	return NULL;
}
