/* The Device Key Encryption Key: the XOR of the DKEK shares imported
 * (IMPORT DKEK SHARE, 80 52), and WRAP KEY (80 72 ref 92) / UNWRAP KEY
 * (80 74 ref 93) under it.  The blob:
 *   KCV (8) | key type (1: 5 RSA n,e,d; 12 EC) | 2-byte length + algorithm OID |
 *   three empty 2-byte-length fields (allowed algorithms, access conditions,
 *   key domain OID) | AES-256-CBC (IV 0) under SHA-256(DKEK || 00000001) of
 *   8 random bytes | key size in bits (2) | length-prefixed components,
 *   padded 80 00.. | AES-CMAC under SHA-256(DKEK || 00000002) of all before.
 * KCV = SHA-256(DKEK)[0..8].  Components: RSA d, n, e; EC a, b, p, order,
 * G, d, Q.  Whether a CardContact card reads these blobs is not known. */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/rand.h>

#include "sc-hsm-emu.h"

enum { TYPE_RSA = 5, TYPE_EC = 12 };

static void dkek_hash(const struct card *c, int counter, uint8_t out[32])
{
	uint8_t in[36];
	unsigned len;

	memcpy(in, c->dkek, 32);
	in[32] = in[33] = in[34] = 0;
	in[35] = (uint8_t)counter;
	EVP_Digest(in, counter ? 36 : 32, out, &len, EVP_sha256(), NULL);
	OPENSSL_cleanse(in, sizeof(in));
}

int cmd_import_dkek(struct card *c, const struct apdu *a, struct buf *out)
{
	uint8_t kcv[32];
	size_t i;

	if (!c->initialized || !c->dkek_set)
		return SW_INS_UNSUPPORTED;
	if (a->lc != 0 && a->lc != sizeof(c->dkek))
		return SW_WRONG_LENGTH;
	if (a->lc != 0) {
		if (c->dkek_missing == 0)
			return SW_CONDITIONS;
		for (i = 0; i < sizeof(c->dkek); i++)
			c->dkek[i] ^= a->data[i];
		c->dkek_missing--;
		if (card_save(c) < 0)
			return SW_MEMORY;
	}
	dkek_hash(c, 0, kcv);
	buf_u8(out, c->dkek_total);
	buf_u8(out, c->dkek_missing);
	buf_put(out, kcv, 8);
	return SW_OK;
}

static int rsa_parts(EVP_PKEY *pkey, struct buf *plain)
{
	BIGNUM *n = NULL, *e = NULL, *d = NULL;
	int ret = -1;

	if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
	    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) == 1 &&
	    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_D, &d) == 1) {
		buf_u16(plain, (unsigned)EVP_PKEY_get_bits(pkey));
		buf_lv_bn(plain, d, 0);
		buf_lv_bn(plain, n, 0);
		buf_lv_bn(plain, e, 0);
		ret = 0;
	}
	BN_free(n);
	BN_free(e);
	BN_clear_free(d);
	return ret;
}

static int ec_parts(EVP_PKEY *pkey, struct buf *plain)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(key_ec_nid(pkey));
	BIGNUM *p = BN_new(), *a = BN_new(), *b = BN_new(), *d = NULL;
	uint8_t pt[160];
	size_t len;
	int field, ret = -1;

	if (g == NULL || p == NULL || a == NULL || b == NULL ||
	    EC_GROUP_get_curve(g, p, a, b, NULL) != 1 ||
	    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1)
		goto out;
	field = BN_num_bytes(p);
	buf_u16(plain, (unsigned)EC_GROUP_get_degree(g));
	buf_lv_bn(plain, a, field);
	buf_lv_bn(plain, b, field);
	buf_lv_bn(plain, p, field);
	buf_lv_bn(plain, EC_GROUP_get0_order(g), 0);
	len = EC_POINT_point2oct(g, EC_GROUP_get0_generator(g), POINT_CONVERSION_UNCOMPRESSED, pt,
				 sizeof(pt), NULL);
	buf_lv(plain, pt, len);
	buf_lv_bn(plain, d, (EC_GROUP_get_degree(g) + 7) / 8);
	if (len == 0 || EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, pt,
							sizeof(pt), &len) != 1)
		goto out;
	buf_lv(plain, pt, len);
	ret = 0;
out:
	EC_GROUP_free(g);
	BN_free(p);
	BN_free(a);
	BN_free(b);
	BN_clear_free(d);
	return ret;
}

/* AES-256-CBC, IV 0, no padding (the caller pads); in place. */
static int cbc(const uint8_t key[32], int enc, uint8_t *data, size_t len)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t iv[16] = { 0 };
	int n = 0, ret = -1;

	if (ctx != NULL && EVP_CipherInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, iv, enc) == 1 &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
	    EVP_CipherUpdate(ctx, data, &n, data, (int)len) == 1 && (size_t)n == len)
		ret = 0;
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

static int cmac(const uint8_t key[32], const uint8_t *data, size_t len, uint8_t mac[16])
{
	EVP_MAC *m = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *ctx = m != NULL ? EVP_MAC_CTX_new(m) : NULL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, "AES-256-CBC", 0),
		OSSL_PARAM_construct_end(),
	};
	size_t n = 0;
	int ret = -1;

	if (ctx != NULL && EVP_MAC_init(ctx, key, 32, params) == 1 &&
	    EVP_MAC_update(ctx, data, len) == 1 && EVP_MAC_final(ctx, mac, &n, 16) == 1 && n == 16)
		ret = 0;
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(m);
	return ret;
}

/* The DKEK is usable: the card has one and every share is in. */
static int dkek_ready(const struct card *c, const struct apdu *a, unsigned p2)
{
	if (a->p2 != p2 || a->p1 == 0)
		return SW_WRONG_P1P2;
	if (!c->pin_ok)
		return SW_SECURITY;
	if (!c->dkek_set)
		return SW_INS_UNSUPPORTED;
	if (c->dkek_missing > 0)
		return SW_CONDITIONS;
	return SW_OK;
}

int cmd_wrap(struct card *c, const struct apdu *a, struct buf *out)
{
	struct buf plain = { 0 };
	uint8_t key[32], rnd[8], mac[16];
	EVP_PKEY *pkey = NULL;
	size_t start = out->len;
	int rsa, sw = dkek_ready(c, a, 0x92);

	if (sw != SW_OK)
		return sw;
	if ((pkey = card_key(c, a->p1)) == NULL)
		return SW_REF_NOT_FOUND;
	sw = SW_MEMORY;
	rsa = EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		goto out;
	buf_put(&plain, rnd, sizeof(rnd));
	if ((rsa ? rsa_parts(pkey, &plain) : ec_parts(pkey, &plain)) < 0)
		goto out;
	buf_u8(&plain, 0x80);
	while (plain.len % 16)
		buf_u8(&plain, 0);
	dkek_hash(c, 1, key);
	if (plain.err || cbc(key, 1, plain.p, plain.len) < 0)
		goto out;
	dkek_hash(c, 0, key);
	buf_put(out, key, 8);
	buf_u8(out, rsa ? TYPE_RSA : TYPE_EC);
	buf_lv(out, rsa ? OID_TA_RSA_SHA256 : OID_TA_ECDSA_SHA256, 10);
	buf_lv(out, NULL, 0);
	buf_lv(out, NULL, 0);
	buf_lv(out, NULL, 0);
	buf_put(out, plain.p, plain.len);
	dkek_hash(c, 2, key);
	if (out->err || cmac(key, out->p + start, out->len - start, mac) < 0)
		goto out;
	buf_put(out, mac, sizeof(mac));
	sw = SW_OK;
out:
	OPENSSL_cleanse(key, sizeof(key));
	buf_free(&plain);
	EVP_PKEY_free(pkey);
	return sw;
}

/* The key in a decrypted blob body (after the random bytes). */
static EVP_PKEY *unwrap_parts(int type, const uint8_t *p, size_t left)
{
	const uint8_t *v[7];
	size_t len[7], i, count = type == TYPE_RSA ? 3 : 7;
	BIGNUM *parts[8] = { NULL };
	EVP_PKEY *pkey = NULL;
	int nid;

	if (left < 2)
		return NULL;
	p += 2;
	left -= 2;
	for (i = 0; i < count; i++)
		if ((v[i] = lv_next(&p, &left, &len[i])) == NULL)
			return NULL;
	if (type == TYPE_RSA) {
		/* d, n, e in the blob; n, e, d for key_rsa_from */
		parts[0] = BN_bin2bn(v[1], (int)len[1], NULL);
		parts[1] = BN_bin2bn(v[2], (int)len[2], NULL);
		parts[2] = BN_bin2bn(v[0], (int)len[0], NULL);
		if (parts[0] != NULL && parts[1] != NULL && parts[2] != NULL)
			pkey = key_rsa_from(parts);
	} else {
		nid = key_curve_by_prime(v[2], len[2]);
		parts[0] = BN_bin2bn(v[5], (int)len[5], NULL);
		if (nid != NID_undef && parts[0] != NULL)
			pkey = key_ec_from(nid, parts[0], v[6], len[6]);
	}
	for (i = 0; i < 3; i++)
		BN_clear_free(parts[i]);
	return pkey;
}

int cmd_unwrap(struct card *c, const struct apdu *a)
{
	const uint8_t *p = a->data, *enc;
	size_t left = a->lc, len, i, enclen = 0;
	uint8_t key[32], mac[16], *plain = NULL;
	struct buf stored = { 0 };
	EVP_PKEY *pkey = NULL;
	int type, sw = dkek_ready(c, a, 0x93);

	if (sw != SW_OK)
		return sw;
	if (card_file(c, (uint16_t)(PREFIX_KEY << 8 | a->p1)) != NULL)
		return SW_EXISTS;
	sw = SW_WRONG_DATA;
	dkek_hash(c, 0, key);
	if (left < 8 + 1 + 16 || CRYPTO_memcmp(p, key, 8) != 0)
		goto out;
	dkek_hash(c, 2, key);
	if (cmac(key, a->data, a->lc - 16, mac) < 0 ||
	    CRYPTO_memcmp(mac, a->data + a->lc - 16, 16) != 0)
		goto out;
	type = p[8];
	p += 9;
	left -= 9 + 16;
	for (i = 0; i < 4; i++)
		if (lv_next(&p, &left, &len) == NULL)
			goto out;
	enc = p;
	enclen = left;
	if ((type != TYPE_RSA && type != TYPE_EC) || enclen < 16 || enclen % 16 ||
	    (plain = OPENSSL_malloc(enclen)) == NULL)
		goto out;
	memcpy(plain, enc, enclen);
	dkek_hash(c, 1, key);
	if (cbc(key, 0, plain, enclen) < 0)
		goto out;
	pkey = unwrap_parts(type, plain + 8, enclen - 8);
	sw = SW_MEMORY;
	if (pkey == NULL) {
		sw = SW_WRONG_DATA;
		goto out;
	}
	if (key_encode(pkey, &stored) < 0 ||
	    card_file_put(c, (uint16_t)(PREFIX_KEY << 8 | a->p1), stored.p, stored.len) == NULL ||
	    card_save(c) < 0)
		goto out;
	sw = SW_OK;
out:
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_clear_free(plain, enclen);
	buf_free(&stored);
	EVP_PKEY_free(pkey);
	return sw;
}
