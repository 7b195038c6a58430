/* GENERATE ASYMMETRIC KEY PAIR (00 46 keyref 00) and SIGN (80 68 keyref algo). */
#include <stdio.h>
#include <string.h>

#include <openssl/objects.h>
#include <openssl/rsa.h>

#include "sc-hsm-emu.h"

/* A printable CVC reference of at most 16 characters, or the default. */
static void reference(const uint8_t *v, size_t len, const char *dflt, char out[17])
{
	if (v == NULL || len == 0 || len > 16) {
		snprintf(out, 17, "%s", dflt);
		return;
	}
	memcpy(out, v, len);
	out[len] = '\0';
}

static EVP_PKEY *generate_rsa(const uint8_t *pk, size_t pklen)
{
	const uint8_t *bits_v = NULL, *e_v;
	size_t bits_len = 0, e_len = 0, i;
	unsigned bits = 0;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *e = NULL;

	bits_v = tlv_find(pk, pklen, 0x02, &bits_len);
	for (i = 0; bits_v != NULL && i < bits_len && i < 4; i++)
		bits = bits << 8 | bits_v[i];
	if (bits < 1024 || bits > 4096 || bits % 8 != 0)
		return NULL;
	e_v = tlv_find(pk, pklen, 0x82, &e_len);
	e = e_v != NULL ? BN_bin2bn(e_v, (int)e_len, NULL) : BN_new();
	if (e == NULL || (e_v == NULL && BN_set_word(e, 65537) != 1))
		goto out;
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) != 1 ||
	    EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, e) != 1 || EVP_PKEY_generate(ctx, &pkey) != 1)
		pkey = NULL;
out:
	BN_free(e);
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

static EVP_PKEY *generate_ec(const uint8_t *pk, size_t pklen)
{
	const uint8_t *prime;
	size_t len;
	int nid;

	prime = tlv_find(pk, pklen, 0x81, &len);
	if (prime == NULL || (nid = key_curve_by_prime(prime, len)) == NID_undef)
		return NULL;
	return key_new_ec(nid);
}

int cmd_generate(struct card *c, const struct apdu *a, struct buf *out)
{
	const uint8_t *pk, *oid, *v;
	size_t pklen, oidlen, len;
	char car[17], chr[17], dev[17];
	EVP_PKEY *pkey = NULL, *devkey = NULL;
	struct buf stored = { 0 };
	int sw = SW_WRONG_DATA;

	if (!c->pin_ok)
		return SW_SECURITY;
	if (a->p1 == 0)
		return SW_WRONG_P1P2;
	pk = tlv_find(a->data, a->lc, 0x7F49, &pklen);
	oid = pk != NULL ? tlv_find(pk, pklen, 0x06, &oidlen) : NULL;
	if (oid == NULL || oidlen != 10 || memcmp(oid, OID_TA_RSA_SHA256, 8) != 0)
		return SW_WRONG_DATA;
	pkey = oid[8] == 0x01 ? generate_rsa(pk, pklen) : generate_ec(pk, pklen);
	if (pkey == NULL)
		goto out;
	card_chr(c, dev);
	v = tlv_find(a->data, a->lc, 0x42, &len);
	reference(v, len, dev, car);
	v = tlv_find(a->data, a->lc, 0x5F20, &len);
	reference(v, len, dev, chr);
	devkey = card_key(c, 0);
	sw = SW_MEMORY;
	if (devkey == NULL || key_encode(pkey, &stored) < 0 ||
	    cvc_request(pkey, devkey, car, chr, dev, out) < 0 ||
	    card_file_put(c, (uint16_t)(PREFIX_KEY << 8 | a->p1), stored.p, stored.len) == NULL ||
	    card_save(c) < 0)
		goto out;
	sw = SW_OK;
out:
	buf_free(&stored);
	EVP_PKEY_free(pkey);
	EVP_PKEY_free(devkey);
	return sw;
}

int cmd_sign(struct card *c, const struct apdu *a, struct buf *out)
{
	EVP_PKEY *pkey;
	int sw;

	if (!c->pin_ok)
		return SW_SECURITY;
	if (a->p1 == 0 || (pkey = card_key(c, a->p1)) == NULL)
		return SW_REF_NOT_FOUND;
	sw = key_sign(pkey, a->p2, a->data, a->lc, out);
	EVP_PKEY_free(pkey);
	return sw;
}
