/* softsign.c - DNSSEC signatures by a software key.  RSA and ECDSA: the
 * digest, then EVP_PKEY_sign() on a context set up once (OpenSSL 3 looks
 * up algorithms by name at every EVP_DigestSignInit, a third of the time
 * of an ECDSA signature); EdDSA signs the data itself. */
#include <stdlib.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

#include "error.h"
#include "softsign.h"

struct kskit_soft_signer {
	const struct kskit_alg *alg;
	EVP_PKEY *key;
	EVP_MD *md;	    /* NULL for EdDSA */
	EVP_PKEY_CTX *pctx; /* RSA, ECDSA: signs a digest */
	EVP_MD_CTX *mdctx;  /* EdDSA: signs the data */
};

void kskit_soft_signer_free(struct kskit_soft_signer *s)
{
	if (!s)
		return;
	EVP_MD_free(s->md);
	EVP_PKEY_CTX_free(s->pctx);
	EVP_MD_CTX_free(s->mdctx);
	EVP_PKEY_free(s->key);
	free(s);
}

int kskit_soft_signer_new(const struct kskit_alg *alg, EVP_PKEY *key,
			  struct kskit_soft_signer **out)
{
	struct kskit_soft_signer *s = calloc(1, sizeof(*s));
	int ok;

	if (!s)
		return KSKIT_ENOMEM;
	s->alg = alg;
	s->key = key;
	EVP_PKEY_up_ref(key);
	if (alg->digest) {
		ok = (s->md = EVP_MD_fetch(NULL, alg->digest, NULL)) != NULL &&
		     (s->pctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL)) != NULL &&
		     EVP_PKEY_sign_init(s->pctx) == 1 &&
		     (alg->key_type != CKK_RSA ||
		      EVP_PKEY_CTX_set_rsa_padding(s->pctx, RSA_PKCS1_PADDING) == 1) &&
		     EVP_PKEY_CTX_set_signature_md(s->pctx, s->md) == 1;
	} else {
		ok = (s->mdctx = EVP_MD_CTX_new()) != NULL;
	}
	if (!ok) {
		kskit_soft_signer_free(s);
		return kskit_error_set(KSKIT_ECRYPTO, "cannot sign with a %s key", alg->name);
	}
	*out = s;
	return 0;
}

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

/* The signature as OpenSSL makes it (DER for ECDSA), malloc()ed. */
static int sign_raw(struct kskit_soft_signer *s, const uint8_t *data, size_t len, uint8_t **out,
		    size_t *out_len)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;

	if (!s->md)
		return EVP_DigestSignInit_ex(s->mdctx, NULL, NULL, NULL, NULL, s->key, NULL) == 1 &&
				       EVP_DigestSign(s->mdctx, NULL, out_len, data, len) == 1 &&
				       (*out = malloc(*out_len)) != NULL &&
				       EVP_DigestSign(s->mdctx, *out, out_len, data, len) == 1
			       ? 0
			       : KSKIT_ECRYPTO;
	if (EVP_Digest(data, len, digest, &dlen, s->md, NULL) != 1 ||
	    EVP_PKEY_sign(s->pctx, NULL, out_len, digest, dlen) != 1 ||
	    !(*out = malloc(*out_len)) || EVP_PKEY_sign(s->pctx, *out, out_len, digest, dlen) != 1)
		return KSKIT_ECRYPTO;
	return 0;
}

int kskit_soft_signer_sign(void *ctx, const uint8_t *data, size_t len, uint8_t **sig,
			   size_t *sig_len)
{
	struct kskit_soft_signer *s = ctx;
	uint8_t *der = NULL, *out = NULL;
	size_t der_len = 0, half = s->alg->bits / 8;
	int ret = sign_raw(s, data, len, &der, &der_len);

	if (ret == 0 && s->alg->key_type == CKK_EC) {
		if (!(out = malloc(2 * half)) || ecdsa_raw(der, der_len, half, out) != 0)
			ret = KSKIT_ECRYPTO;
		der_len = 2 * half;
	} else if (ret == 0) {
		out = der;
		der = NULL;
	}
	free(der);
	if (ret) {
		free(out);
		return ret;
	}
	*sig = out;
	*sig_len = der_len;
	return 0;
}

int kskit_soft_sign(void *ctx, const uint8_t *data, size_t len, uint8_t **sig, size_t *sig_len)
{
	const struct kskit_soft_key *k = ctx;
	struct kskit_soft_signer *s = NULL;
	int ret = kskit_soft_signer_new(k->alg, k->key, &s);

	if (ret == 0)
		ret = kskit_soft_signer_sign(s, data, len, sig, sig_len);
	kskit_soft_signer_free(s);
	return ret;
}
