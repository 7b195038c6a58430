/* Keys: their storage form in the card's CCxx files, key generation
 * (GENERATE ASYMMETRIC KEY PAIR) and SIGN. */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "sc-hsm-emu.h"

/* Curves the card knows; OpenSC names the curve by its domain parameters. */
static const int curves[] = { NID_X9_62_prime192v1, NID_secp224r1,	 NID_X9_62_prime256v1,
			      NID_secp384r1,	    NID_secp521r1,	 NID_brainpoolP256r1,
			      NID_brainpoolP384r1,  NID_brainpoolP512r1, NID_secp256k1 };

enum { KEY_RSA = 1, KEY_EC = 2 };

static const char *rsa_names[] = {
	OSSL_PKEY_PARAM_RSA_N,	       OSSL_PKEY_PARAM_RSA_E,
	OSSL_PKEY_PARAM_RSA_D,	       OSSL_PKEY_PARAM_RSA_FACTOR1,
	OSSL_PKEY_PARAM_RSA_FACTOR2,   OSSL_PKEY_PARAM_RSA_EXPONENT1,
	OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
};

#define NRSA (sizeof(rsa_names) / sizeof(rsa_names[0]))

int key_ec_nid(EVP_PKEY *pkey)
{
	char name[64];

	if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof(name),
					   NULL) != 1)
		return NID_undef;
	return OBJ_txt2nid(name);
}

int key_encode(EVP_PKEY *pkey, struct buf *out)
{
	BIGNUM *bn = NULL;
	uint8_t pub[160];
	size_t publen = 0, i;
	int ret = -1;

	if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA) {
		buf_u8(out, KEY_RSA);
		for (i = 0; i < NRSA; i++) {
			BN_clear_free(bn);
			bn = NULL;
			EVP_PKEY_get_bn_param(pkey, rsa_names[i], &bn);
			if (i < 3 && bn == NULL)
				goto out;
			buf_lv_bn(out, bn, 0);
		}
	} else {
		int nid = key_ec_nid(pkey);

		if (nid == NID_undef ||
		    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &bn) != 1 ||
		    EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub),
						    &publen) != 1)
			goto out;
		buf_u8(out, KEY_EC);
		buf_u16(out, (unsigned)nid);
		buf_lv_bn(out, bn, 0);
		buf_lv(out, pub, publen);
	}
	ret = out->err ? -1 : 0;
out:
	BN_clear_free(bn);
	return ret;
}

static EVP_PKEY *from_params(const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *pkey = NULL;

	if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) != 1)
		pkey = NULL;
	OSSL_PARAM_free(params);
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

EVP_PKEY *key_rsa_from(BIGNUM *const parts[8])
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY *pkey = NULL;
	size_t i;

	if (bld == NULL)
		return NULL;
	for (i = 0; i < NRSA; i++)
		if (parts[i] != NULL && !BN_is_zero(parts[i]) &&
		    OSSL_PARAM_BLD_push_BN(bld, rsa_names[i], parts[i]) != 1)
			goto out;
	pkey = from_params("RSA", bld);
out:
	OSSL_PARAM_BLD_free(bld);
	return pkey;
}

EVP_PKEY *key_ec_from(int nid, const BIGNUM *d, const uint8_t *pub, size_t publen)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY *pkey = NULL;

	if (bld != NULL &&
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, OBJ_nid2sn(nid), 0) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, publen))
		pkey = from_params("EC", bld);
	OSSL_PARAM_BLD_free(bld);
	return pkey;
}

EVP_PKEY *key_decode(const uint8_t *data, size_t len)
{
	BIGNUM *parts[NRSA] = { NULL };
	EVP_PKEY *pkey = NULL;
	const uint8_t *v;
	size_t n, i;

	if (len < 1)
		return NULL;
	len--;
	if (*data++ == KEY_RSA) {
		for (i = 0; i < NRSA; i++) {
			if ((v = lv_next(&data, &len, &n)) == NULL ||
			    (parts[i] = BN_bin2bn(v, (int)n, NULL)) == NULL)
				goto out;
		}
		pkey = key_rsa_from(parts);
	} else if (data[-1] == KEY_EC && len >= 2) {
		int nid = data[0] << 8 | data[1];
		const uint8_t *pub;

		data += 2;
		len -= 2;
		if ((v = lv_next(&data, &len, &n)) == NULL ||
		    (parts[0] = BN_bin2bn(v, (int)n, NULL)) == NULL ||
		    (pub = lv_next(&data, &len, &n)) == NULL)
			goto out;
		pkey = key_ec_from(nid, parts[0], pub, n);
	}
out:
	for (i = 0; i < NRSA; i++)
		BN_clear_free(parts[i]);
	return pkey;
}

EVP_PKEY *key_new_ec(int nid)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", OBJ_nid2sn(nid));
}

int key_curve_by_prime(const uint8_t *p, size_t len)
{
	BIGNUM *want = BN_bin2bn(p, (int)len, NULL), *prime = BN_new();
	int nid = NID_undef;
	size_t i;

	for (i = 0; want != NULL && prime != NULL && i < sizeof(curves) / sizeof(curves[0]); i++) {
		EC_GROUP *g = EC_GROUP_new_by_curve_name(curves[i]);

		if (g != NULL && EC_GROUP_get_curve(g, prime, NULL, NULL, NULL) == 1 &&
		    BN_cmp(prime, want) == 0)
			nid = curves[i];
		EC_GROUP_free(g);
		if (nid != NID_undef)
			break;
	}
	BN_free(want);
	BN_free(prime);
	return nid;
}

static void tlv_bn(struct buf *b, unsigned tag, const BIGNUM *bn, int pad)
{
	uint8_t tmp[600];
	int n = pad > 0 ? pad : BN_num_bytes(bn);

	if (n > (int)sizeof(tmp) || BN_bn2binpad(bn, tmp, n) < 0) {
		b->err = 1;
		return;
	}
	buf_tlv(b, tag, tmp, (size_t)n);
}

static int ec_public(EVP_PKEY *pkey, struct buf *out)
{
	BIGNUM *p = BN_new(), *a = BN_new(), *b = BN_new();
	EC_GROUP *g = EC_GROUP_new_by_curve_name(key_ec_nid(pkey));
	uint8_t pt[160];
	size_t len;
	int field, ret = -1;

	if (p == NULL || a == NULL || b == NULL || g == NULL ||
	    EC_GROUP_get_curve(g, p, a, b, NULL) != 1)
		goto out;
	field = BN_num_bytes(p);
	tlv_bn(out, 0x81, p, field);
	tlv_bn(out, 0x82, a, field);
	tlv_bn(out, 0x83, b, field);
	len = EC_POINT_point2oct(g, EC_GROUP_get0_generator(g), POINT_CONVERSION_UNCOMPRESSED, pt,
				 sizeof(pt), NULL);
	if (len == 0)
		goto out;
	buf_tlv(out, 0x84, pt, len);
	tlv_bn(out, 0x85, EC_GROUP_get0_order(g), 0);
	if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt), &len) !=
	    1)
		goto out;
	buf_tlv(out, 0x86, pt, len);
	tlv_bn(out, 0x87, EC_GROUP_get0_cofactor(g), 0);
	ret = 0;
out:
	EC_GROUP_free(g);
	BN_free(p);
	BN_free(a);
	BN_free(b);
	return ret;
}

int key_cvc_public(EVP_PKEY *pkey, const uint8_t *oid, size_t oidlen, struct buf *out)
{
	BIGNUM *n = NULL, *e = NULL;
	size_t mark = tlv_begin(out, 0x7F49);
	int ret = -1;

	buf_tlv(out, 0x06, oid, oidlen);
	if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA) {
		if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
		    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) != 1)
			goto out;
		tlv_bn(out, 0x81, n, 0);
		tlv_bn(out, 0x82, e, 0);
	} else if (ec_public(pkey, out) < 0) {
		goto out;
	}
	tlv_end(out, mark);
	ret = out->err ? -1 : 0;
out:
	BN_free(n);
	BN_free(e);
	return ret;
}

static int sign_rsa_raw(EVP_PKEY *pkey, const uint8_t *data, size_t len, struct buf *out)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pkey, NULL);
	size_t size = (size_t)EVP_PKEY_get_size(pkey), slen = size;
	uint8_t in[512] = { 0 }, sig[512];
	int sw = SW_WRONG_DATA;

	if (ctx == NULL || size > sizeof(in)) {
		sw = SW_MEMORY;
		goto out;
	}
	if (len > size)
		goto out;
	memcpy(in + size - len, data, len);
	if (EVP_PKEY_sign_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) != 1 ||
	    EVP_PKEY_sign(ctx, sig, &slen, in, size) != 1)
		goto out;
	buf_put(out, sig, slen);
	sw = SW_OK;
out:
	EVP_PKEY_CTX_free(ctx);
	return sw;
}

static int sign_ecdsa(EVP_PKEY *pkey, const uint8_t *hash, size_t len, struct buf *out)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pkey, NULL);
	uint8_t sig[160];
	size_t slen = sizeof(sig);
	int sw = SW_WRONG_DATA;

	if (ctx != NULL && EVP_PKEY_sign_init(ctx) == 1 &&
	    EVP_PKEY_sign(ctx, sig, &slen, hash, len) == 1) {
		buf_put(out, sig, slen);
		sw = SW_OK;
	}
	EVP_PKEY_CTX_free(ctx);
	return sw;
}

int key_sign(EVP_PKEY *pkey, unsigned algo, const uint8_t *data, size_t len, struct buf *out)
{
	int rsa = EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA;
	const EVP_MD *md = NULL;
	uint8_t hash[EVP_MAX_MD_SIZE];
	unsigned hlen;

	if (algo == 0x20 && rsa)
		return sign_rsa_raw(pkey, data, len, out);
	if (rsa)
		return SW_WRONG_DATA;
	switch (algo) {
	case 0x70:
		if (len == 0 || len > 64)
			return SW_WRONG_DATA;
		return sign_ecdsa(pkey, data, len, out);
	case 0x71:
		md = EVP_sha1();
		break;
	case 0x72:
		md = EVP_sha224();
		break;
	case 0x73:
		md = EVP_sha256();
		break;
	default:
		return SW_WRONG_DATA;
	}
	if (EVP_Digest(data, len, hash, &hlen, md, NULL) != 1)
		return SW_MEMORY;
	return sign_ecdsa(pkey, hash, hlen, out);
}
