/* dkekshare.c - DKEK custodian share files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "dkekshare.h"
#include "error.h"
#include "shamir.h"
#include "textfile.h"

#define MAGIC "kskit DKEK share 1"
#define SCRYPT_MAXMEM (1ul << 30)

const struct kskit_scrypt kskit_scrypt_default = { .log2n = 17, .r = 8, .p = 1 };

void kskit_dkek_kcv(const uint8_t dkek[KSKIT_DKEK_LEN], uint8_t kcv[KSKIT_DKEK_KCV_LEN])
{
	uint8_t md[SHA256_DIGEST_LENGTH];

	SHA256(dkek, KSKIT_DKEK_LEN, md);
	memcpy(kcv, md, KSKIT_DKEK_KCV_LEN);
}

void kskit_dkek_share_wipe(struct kskit_dkek_share *s)
{
	OPENSSL_cleanse(s->value, sizeof(s->value));
}

int kskit_dkek_shares_make(const uint8_t dkek[KSKIT_DKEK_LEN], unsigned n, unsigned k,
			   struct kskit_dkek_share *shares)
{
	uint8_t *values[KSKIT_SHAMIR_MAX], set[16], kcv[KSKIT_DKEK_KCV_LEN];
	int ret;

	if (n < 2 || n > KSKIT_SHAMIR_MAX)
		return kskit_error_set(KSKIT_EINVAL, "%u shares: from 2 to %d", n,
				       KSKIT_SHAMIR_MAX);
	if (RAND_bytes(set, sizeof(set)) != 1)
		return kskit_error_set(KSKIT_ECRYPTO, "no random set id");
	kskit_dkek_kcv(dkek, kcv);
	for (unsigned i = 0; i < n; i++) {
		memset(&shares[i], 0, sizeof(shares[i]));
		memcpy(shares[i].set, set, sizeof(set));
		memcpy(shares[i].kcv, kcv, sizeof(kcv));
		shares[i].index = i + 1;
		shares[i].threshold = k;
		shares[i].total = n;
		values[i] = shares[i].value;
	}
	ret = kskit_shamir_split(dkek, KSKIT_DKEK_LEN, n, k, values);
	if (ret)
		for (unsigned i = 0; i < n; i++)
			kskit_dkek_share_wipe(&shares[i]);
	return ret;
}

static int kdf_ok(const struct kskit_scrypt *kdf)
{
	return kdf->log2n >= 14 && kdf->log2n <= 22 && kdf->r >= 1 && kdf->r <= 32 && kdf->p >= 1 &&
	       kdf->p <= 16 && (128ul * kdf->r << kdf->log2n) < SCRYPT_MAXMEM;
}

static int derive(const struct kskit_dkek_share *s, const char *pass, uint8_t key[32])
{
	if (EVP_PBE_scrypt(pass, strlen(pass), s->salt, sizeof(s->salt), 1ull << s->kdf.log2n,
			   s->kdf.r, s->kdf.p, SCRYPT_MAXMEM, key, 32) != 1)
		return kskit_error_set(KSKIT_ECRYPTO, "scrypt failed (out of memory?)");
	return 0;
}

/* The header lines, which the seal authenticates and the check covers. */
static char *header(const struct kskit_dkek_share *s, size_t *len)
{
	char set[33], kcv[17], salt[33], nonce[25], *text = NULL;
	int n;

	kskit_hex(set, s->set, sizeof(s->set));
	kskit_hex(kcv, s->kcv, sizeof(s->kcv));
	kskit_hex(salt, s->salt, sizeof(s->salt));
	kskit_hex(nonce, s->nonce, sizeof(s->nonce));
	n = asprintf(&text,
		     MAGIC "\nset: %s\ncustodian: %s\nshare: %u\nthreshold: %u\nshares: %u\n"
			   "dkek-kcv: %s\nkdf: scrypt\nkdf-log2n: %u\nkdf-r: %u\nkdf-p: %u\n"
			   "salt: %s\ncipher: aes-256-gcm\nnonce: %s\n",
		     set, s->custodian, s->index, s->threshold, s->total, kcv, s->kdf.log2n,
		     s->kdf.r, s->kdf.p, salt, nonce);
	if (n < 0)
		return NULL;
	*len = (size_t)n;
	return text;
}

/* AES-256-GCM of s->value into s->sealed (encrypt) or back (decrypt). */
static int gcm(struct kskit_dkek_share *s, const uint8_t key[32], int encrypt)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t *tag = s->sealed + KSKIT_DKEK_LEN, out[KSKIT_DKEK_LEN];
	size_t hlen = 0;
	char *aad = header(s, &hlen);
	int n, ret = KSKIT_ECRYPTO;

	if (!ctx || !aad ||
	    EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, s->nonce, encrypt) != 1 ||
	    EVP_CipherUpdate(ctx, NULL, &n, (const uint8_t *)aad, (int)hlen) != 1)
		goto out;
	if (encrypt) {
		if (EVP_CipherUpdate(ctx, s->sealed, &n, s->value, KSKIT_DKEK_LEN) != 1 ||
		    EVP_CipherFinal_ex(ctx, out, &n) != 1 ||
		    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag) != 1)
			goto out;
	} else {
		if (EVP_CipherUpdate(ctx, out, &n, s->sealed, KSKIT_DKEK_LEN) != 1 ||
		    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag) != 1)
			goto out;
		if (EVP_CipherFinal_ex(ctx, out + n, &n) != 1) {
			ret = kskit_error_set(KSKIT_EPASSPHRASE, "share %u of custodian %s",
					      s->index, s->custodian);
			goto out;
		}
		memcpy(s->value, out, KSKIT_DKEK_LEN);
	}
	ret = 0;
out:
	OPENSSL_cleanse(out, sizeof(out));
	EVP_CIPHER_CTX_free(ctx);
	free(aad);
	return ret;
}

int kskit_dkek_share_write(struct kskit_dkek_share *s, const char *pass,
			   const struct kskit_scrypt *kdf, char **text, size_t *len)
{
	char sealed[2 * sizeof(s->sealed) + 1], check[65], *head = NULL, *body = NULL;
	uint8_t key[32], md[SHA256_DIGEST_LENGTH];
	size_t hlen = 0;
	int n, ret;

	if (!kskit_printable(s->custodian, sizeof(s->custodian)) || strchr(s->custodian, '/'))
		return kskit_error_set(KSKIT_EINVAL, "custodian name \"%s\"", s->custodian);
	if (!kdf_ok(kdf))
		return kskit_error_set(KSKIT_EINVAL, "scrypt parameters out of range");
	s->kdf = *kdf;
	if (RAND_bytes(s->salt, sizeof(s->salt)) != 1 ||
	    RAND_bytes(s->nonce, sizeof(s->nonce)) != 1)
		return kskit_error_set(KSKIT_ECRYPTO, "no random salt");
	ret = derive(s, pass, key);
	if (ret == 0)
		ret = gcm(s, key, 1);
	OPENSSL_cleanse(key, sizeof(key));
	if (ret)
		return ret;
	head = header(s, &hlen);
	kskit_hex(sealed, s->sealed, sizeof(s->sealed));
	if (!head || asprintf(&body, "%ssealed: %s\n", head, sealed) < 0) {
		free(head);
		return KSKIT_ENOMEM;
	}
	SHA256((const uint8_t *)body, strlen(body), md);
	kskit_hex(check, md, sizeof(md));
	n = asprintf(text, "%scheck: %s\n", body, check);
	free(head);
	free(body);
	if (n < 0)
		return KSKIT_ENOMEM;
	*len = (size_t)n;
	return 0;
}

int kskit_dkek_share_read(const char *text, size_t len, struct kskit_dkek_share *s)
{
	struct kskit_lines l;
	struct kskit_dkek_share r = { 0 };
	uint8_t check[SHA256_DIGEST_LENGTH], md[SHA256_DIGEST_LENGTH];
	unsigned long v[6];
	size_t covered;
	int ret;

	kskit_lines_init(&l, text, len, KSKIT_ESHARE);
	if ((ret = kskit_lines_expect(&l, MAGIC)) ||
	    (ret = kskit_lines_hex(&l, "set", r.set, sizeof(r.set))) ||
	    (ret = kskit_lines_string(&l, "custodian", r.custodian, sizeof(r.custodian))) ||
	    (ret = kskit_lines_number(&l, "share", 1, KSKIT_SHAMIR_MAX, &v[0])) ||
	    (ret = kskit_lines_number(&l, "threshold", 2, KSKIT_SHAMIR_MAX, &v[1])) ||
	    (ret = kskit_lines_number(&l, "shares", 2, KSKIT_SHAMIR_MAX, &v[2])) ||
	    (ret = kskit_lines_hex(&l, "dkek-kcv", r.kcv, sizeof(r.kcv))) ||
	    (ret = kskit_lines_expect(&l, "kdf: scrypt")) ||
	    (ret = kskit_lines_number(&l, "kdf-log2n", 14, 22, &v[3])) ||
	    (ret = kskit_lines_number(&l, "kdf-r", 1, 32, &v[4])) ||
	    (ret = kskit_lines_number(&l, "kdf-p", 1, 16, &v[5])) ||
	    (ret = kskit_lines_hex(&l, "salt", r.salt, sizeof(r.salt))) ||
	    (ret = kskit_lines_expect(&l, "cipher: aes-256-gcm")) ||
	    (ret = kskit_lines_hex(&l, "nonce", r.nonce, sizeof(r.nonce))) ||
	    (ret = kskit_lines_hex(&l, "sealed", r.sealed, sizeof(r.sealed))))
		return ret;
	covered = (size_t)(l.p - text);
	if ((ret = kskit_lines_hex(&l, "check", check, sizeof(check))) ||
	    (ret = kskit_lines_end(&l)))
		return ret;
	SHA256((const uint8_t *)text, covered, md);
	if (CRYPTO_memcmp(md, check, sizeof(md)) != 0)
		return kskit_error_set(KSKIT_ESHARE, "the file is damaged: its check value "
						     "does not match");
	r.index = (unsigned)v[0];
	r.threshold = (unsigned)v[1];
	r.total = (unsigned)v[2];
	r.kdf = (struct kskit_scrypt){ (unsigned)v[3], (unsigned)v[4], (unsigned)v[5] };
	if (r.threshold > r.total || r.index > r.total || !kdf_ok(&r.kdf))
		return kskit_error_set(KSKIT_ESHARE,
				       "share %u, %u of %u, scrypt 2^%u r=%u p=%u: "
				       "out of range",
				       r.index, r.threshold, r.total, r.kdf.log2n, r.kdf.r,
				       r.kdf.p);
	*s = r;
	return 0;
}

int kskit_dkek_share_open(struct kskit_dkek_share *s, const char *pass)
{
	uint8_t key[32];
	int ret = derive(s, pass, key);

	if (ret == 0)
		ret = gcm(s, key, 0);
	OPENSSL_cleanse(key, sizeof(key));
	return ret;
}

int kskit_dkek_combine(const struct kskit_dkek_share *shares, size_t count,
		       uint8_t dkek[KSKIT_DKEK_LEN])
{
	const struct kskit_dkek_share *first = &shares[0];
	const uint8_t *values[KSKIT_SHAMIR_MAX];
	uint8_t xs[KSKIT_SHAMIR_MAX], kcv[KSKIT_DKEK_KCV_LEN];
	unsigned k;
	int ret;

	if (count == 0)
		return kskit_error_set(KSKIT_ESHARES, "no share");
	k = first->threshold;
	for (size_t i = 0; i < count; i++) {
		const struct kskit_dkek_share *s = &shares[i];

		if (memcmp(s->set, first->set, sizeof(s->set)) != 0 ||
		    memcmp(s->kcv, first->kcv, sizeof(s->kcv)) != 0 || s->threshold != k ||
		    s->total != first->total)
			return kskit_error_set(KSKIT_ESHARES,
					       "share %u (%s) belongs to another DKEK than share "
					       "%u (%s)",
					       s->index, s->custodian, first->index,
					       first->custodian);
		for (size_t j = 0; j < i; j++)
			if (shares[j].index == s->index)
				return kskit_error_set(KSKIT_ESHARES, "share %u given twice",
						       s->index);
	}
	if (count < k)
		return kskit_error_set(KSKIT_ESHARES, "%zu of the %u shares needed: %zu missing",
				       count, k, k - count);
	for (unsigned i = 0; i < k; i++) {
		xs[i] = (uint8_t)shares[i].index;
		values[i] = shares[i].value;
	}
	ret = kskit_shamir_combine(xs, values, k, KSKIT_DKEK_LEN, dkek);
	if (ret)
		return ret;
	kskit_dkek_kcv(dkek, kcv);
	if (CRYPTO_memcmp(kcv, first->kcv, sizeof(kcv)) != 0) {
		OPENSSL_cleanse(dkek, KSKIT_DKEK_LEN);
		return kskit_error_set(KSKIT_ESHARES, "the rebuilt DKEK does not have the "
						      "shares' key-check value");
	}
	return 0;
}
