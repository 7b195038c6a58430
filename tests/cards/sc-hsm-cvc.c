/* BER-TLV buffers, and the card verifiable certificates (BSI TR-03110)
 * that OpenSC's pkcs15-sc-hsm.c decodes: tags 7F21, 7F4E, 5F29, 42, 7F49,
 * 5F20, 5F37, and the authenticated request 67. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/ecdsa.h>
#include <openssl/bn.h>
#include <openssl/objects.h>

#include "sc-hsm-emu.h"

/* id-TA-RSA-v1-5-SHA-256 and id-TA-ECDSA-SHA-256 (0.4.0.127.0.7.2.2.2.x.x). */
const uint8_t OID_TA_RSA_SHA256[10] = {
	0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x02, 0x01, 0x02
};
const uint8_t OID_TA_ECDSA_SHA256[10] = {
	0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x02, 0x02, 0x03
};

static void buf_grow(struct buf *b, size_t more)
{
	size_t cap;
	uint8_t *p;

	if (b->err || b->len + more <= b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more)
		cap *= 2;
	p = realloc(b->p, cap);
	if (p == NULL) {
		b->err = 1;
		return;
	}
	b->p = p;
	b->cap = cap;
}

void buf_put(struct buf *b, const void *data, size_t len)
{
	buf_grow(b, len);
	if (b->err || len == 0)
		return;
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

void buf_u8(struct buf *b, unsigned v)
{
	uint8_t x = (uint8_t)v;

	buf_put(b, &x, 1);
}

void buf_u16(struct buf *b, unsigned v)
{
	buf_u8(b, v >> 8);
	buf_u8(b, v);
}

void buf_lv(struct buf *b, const void *data, size_t len)
{
	buf_u16(b, (unsigned)len);
	buf_put(b, data, len);
}

void buf_lv_bn(struct buf *b, const BIGNUM *bn, int pad)
{
	uint8_t tmp[1024];
	int n = bn == NULL ? 0 : pad > 0 ? pad : BN_num_bytes(bn);

	if (n > (int)sizeof(tmp) || (n > 0 && BN_bn2binpad(bn, tmp, n) < 0)) {
		b->err = 1;
		return;
	}
	buf_lv(b, tmp, (size_t)n);
	OPENSSL_cleanse(tmp, sizeof(tmp));
}

const uint8_t *lv_next(const uint8_t **p, size_t *left, size_t *len)
{
	const uint8_t *v;

	if (*left < 2)
		return NULL;
	*len = (size_t)(*p)[0] << 8 | (*p)[1];
	if (*len > *left - 2)
		return NULL;
	v = *p + 2;
	*p += 2 + *len;
	*left -= 2 + *len;
	return v;
}

static void put_tag(struct buf *b, unsigned tag)
{
	if (tag > 0xFFFF)
		buf_u8(b, tag >> 16);
	if (tag > 0xFF)
		buf_u8(b, tag >> 8);
	buf_u8(b, tag);
}

static size_t len_size(size_t len)
{
	return len < 0x80 ? 1 : len < 0x100 ? 2 : len < 0x10000 ? 3 : 4;
}

static void put_len(uint8_t *p, size_t len)
{
	size_t n = len_size(len), i;

	if (n == 1) {
		p[0] = (uint8_t)len;
		return;
	}
	p[0] = (uint8_t)(0x80 | (n - 1));
	for (i = 1; i < n; i++)
		p[i] = (uint8_t)(len >> (8 * (n - 1 - i)));
}

void buf_tlv(struct buf *b, unsigned tag, const void *data, size_t len)
{
	uint8_t l[4];

	put_tag(b, tag);
	put_len(l, len);
	buf_put(b, l, len_size(len));
	buf_put(b, data, len);
}

size_t tlv_begin(struct buf *b, unsigned tag)
{
	put_tag(b, tag);
	return b->len;
}

void tlv_end(struct buf *b, size_t mark)
{
	size_t len = b->len - mark, n = len_size(len);

	buf_grow(b, n);
	if (b->err)
		return;
	memmove(b->p + mark + n, b->p + mark, len);
	put_len(b->p + mark, len);
	b->len += n;
}

void buf_free(struct buf *b)
{
	if (b->p != NULL)
		OPENSSL_cleanse(b->p, b->cap);
	free(b->p);
	memset(b, 0, sizeof(*b));
}

int tlv_next(const uint8_t **p, size_t *left, unsigned *tag, const uint8_t **val, size_t *len)
{
	const uint8_t *s = *p;
	size_t n = *left, l, i, k;
	unsigned t;

	if (n == 0)
		return -1;
	t = *s++;
	n--;
	if ((t & 0x1F) == 0x1F) {
		do {
			if (n == 0 || t > 0xFFFF)
				return -1;
			t = t << 8 | *s;
			n--;
		} while (*s++ & 0x80);
	}
	if (n == 0)
		return -1;
	l = *s++;
	n--;
	if (l & 0x80) {
		k = l & 0x7F;
		if (k == 0 || k > 3 || k > n)
			return -1;
		for (l = 0, i = 0; i < k; i++)
			l = l << 8 | *s++;
		n -= k;
	}
	if (l > n)
		return -1;
	*tag = t;
	*val = s;
	*len = l;
	*p = s + l;
	*left = n - l;
	return 0;
}

const uint8_t *tlv_find(const uint8_t *p, size_t n, unsigned tag, size_t *len)
{
	const uint8_t *val;
	unsigned t;

	while (tlv_next(&p, &n, &t, &val, len) == 0)
		if (t == tag)
			return val;
	return NULL;
}

/* ECDSA-SHA-256 as CVCs carry it: r || s, each the field size. */
static int sign_plain_ecdsa(EVP_PKEY *key, const uint8_t *data, size_t len, struct buf *out)
{
	uint8_t der[160], rs[132] = { 0 };
	const uint8_t *q = der;
	size_t dlen = sizeof(der), half = (size_t)(EVP_PKEY_get_bits(key) + 7) / 8;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	ECDSA_SIG *sig = NULL;
	int ret = -1;

	if (md == NULL || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(md, der, &dlen, data, len) != 1)
		goto out;
	sig = d2i_ECDSA_SIG(NULL, &q, (long)dlen);
	if (sig == NULL || half > sizeof(rs) / 2 ||
	    BN_bn2binpad(ECDSA_SIG_get0_r(sig), rs, (int)half) < 0 ||
	    BN_bn2binpad(ECDSA_SIG_get0_s(sig), rs + half, (int)half) < 0)
		goto out;
	buf_put(out, rs, 2 * half);
	ret = 0;
out:
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
	return ret;
}

static int sign_rsa(EVP_PKEY *key, const uint8_t *data, size_t len, struct buf *out)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t *sig = NULL;
	size_t slen = 0;
	int ret = -1;

	if (md == NULL || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(md, NULL, &slen, data, len) != 1 || (sig = malloc(slen)) == NULL ||
	    EVP_DigestSign(md, sig, &slen, data, len) != 1)
		goto out;
	buf_put(out, sig, slen);
	ret = 0;
out:
	free(sig);
	EVP_MD_CTX_free(md);
	return ret;
}

static int sign_cvc(EVP_PKEY *key, const uint8_t *data, size_t len, struct buf *out)
{
	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA)
		return sign_rsa(key, data, len, out);
	return sign_plain_ecdsa(key, data, len, out);
}

/* 7F21 { 7F4E { 5F29 00, 42 car, 7F49 {...}, 5F20 chr }, 5F37 sig by signer } */
static int cvc_cert(EVP_PKEY *key, EVP_PKEY *signer, const char *car, const char *chr,
		    struct buf *out)
{
	struct buf body = { 0 }, sig = { 0 };
	int rsa = EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA;
	size_t mark, cert;
	int ret = -1;

	mark = tlv_begin(&body, 0x7F4E);
	buf_tlv(&body, 0x5F29, "\0", 1);
	buf_tlv(&body, 0x42, car, strlen(car));
	if (key_cvc_public(key, rsa ? OID_TA_RSA_SHA256 : OID_TA_ECDSA_SHA256, 10, &body) < 0)
		goto out;
	buf_tlv(&body, 0x5F20, chr, strlen(chr));
	tlv_end(&body, mark);
	if (body.err || sign_cvc(signer, body.p, body.len, &sig) < 0 || sig.err)
		goto out;
	cert = tlv_begin(out, 0x7F21);
	buf_put(out, body.p, body.len);
	buf_tlv(out, 0x5F37, sig.p, sig.len);
	tlv_end(out, cert);
	ret = out->err ? -1 : 0;
out:
	buf_free(&body);
	buf_free(&sig);
	return ret;
}

int cvc_request(EVP_PKEY *pkey, EVP_PKEY *devkey, const char *car, const char *chr,
		const char *outer_car, struct buf *out)
{
	struct buf inner = { 0 }, sig = { 0 };
	size_t mark;
	int ret = -1;

	if (cvc_cert(pkey, pkey, car, chr, &inner) < 0)
		goto out;
	buf_tlv(&inner, 0x42, outer_car, strlen(outer_car));
	if (inner.err || sign_plain_ecdsa(devkey, inner.p, inner.len, &sig) < 0 || sig.err)
		goto out;
	mark = tlv_begin(out, 0x67);
	buf_put(out, inner.p, inner.len);
	buf_tlv(out, 0x5F37, sig.p, sig.len);
	tlv_end(out, mark);
	ret = out->err ? -1 : 0;
out:
	buf_free(&inner);
	buf_free(&sig);
	return ret;
}

int cvc_device_certs(EVP_PKEY *devkey, const char *chr, struct buf *out)
{
	EVP_PKEY *ca = key_new_ec(NID_X9_62_prime256v1);
	int ret = -1;

	if (ca == NULL)
		return -1;
	if (cvc_cert(devkey, ca, "KSKEMUCA00001", chr, out) < 0 ||
	    cvc_cert(ca, ca, "KSKEMUCA00001", "KSKEMUCA00001", out) < 0)
		goto out;
	ret = 0;
out:
	EVP_PKEY_free(ca);
	return ret;
}
