/* softsign.c - DNSSEC signatures by a software key. */
#include <stdlib.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>

#include "error.h"
#include "softsign.h"

/* A DER ECDSA-Sig-Value into r || s, each half bytes, in out. */
static int ecdsa_raw(const uint8_t *der, size_t der_len, size_t half, uint8_t *out)
{
	const unsigned char *p = der;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	int ok = es && BN_bn2binpad(ECDSA_SIG_get0_r(es), out, (int)half) == (int)half &&
		 BN_bn2binpad(ECDSA_SIG_get0_s(es), out + half, (int)half) == (int)half;

	ECDSA_SIG_free(es);
	return ok ? 0 : KSKIT_ECRYPTO;
}

int kskit_soft_sign(void *ctx, const uint8_t *data, size_t len, uint8_t **sig, size_t *sig_len)
{
	const struct kskit_soft_key *k = ctx;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t *der = NULL, *out = NULL;
	size_t der_len = 0;
	int ret = KSKIT_ECRYPTO;

	if (!md)
		return KSKIT_ENOMEM;
	if (EVP_DigestSignInit_ex(md, NULL, k->alg->digest, NULL, NULL, k->key, NULL) != 1 ||
	    EVP_DigestSign(md, NULL, &der_len, data, len) != 1 || !(der = malloc(der_len)) ||
	    EVP_DigestSign(md, der, &der_len, data, len) != 1)
		goto out;
	if (k->alg->key_type == CKK_EC) {
		size_t half = k->alg->bits / 8;

		if (!(out = malloc(2 * half)) || ecdsa_raw(der, der_len, half, out) != 0)
			goto out;
		*sig_len = 2 * half;
	} else {
		out = der;
		der = NULL;
		*sig_len = der_len;
	}
	*sig = out;
	out = NULL;
	ret = 0;
out:
	free(out);
	free(der);
	EVP_MD_CTX_free(md);
	return ret;
}
