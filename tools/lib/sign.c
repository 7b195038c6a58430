#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/ecdsa.h>
#include <openssl/bn.h>

#include "dnskey.h"
#include "error.h"
#include "sign.h"

struct kskit_signer {
	struct kskit_token *tok;
	CK_OBJECT_HANDLE priv;
	const struct kskit_alg *alg;
	EVP_PKEY *pub;
	CK_MECHANISM_TYPE mech;
	int give_digest;
	size_t max_sig;
	uint64_t token_ns, count;
	kskit_signer_progress_fn progress;
	void *progress_ctx;
};

/* DER prefixes of DigestInfo (RFC 8017 section 9.2, note 1). */
static const uint8_t di_sha256[] = { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
				     0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 };
static const uint8_t di_sha512[] = { 0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
				     0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40 };

const char *kskit_ckm_name(CK_MECHANISM_TYPE m)
{
	static _Thread_local char buf[32];

	switch (m) {
	case CKM_RSA_PKCS:
		return "CKM_RSA_PKCS";
	case CKM_SHA256_RSA_PKCS:
		return "CKM_SHA256_RSA_PKCS";
	case CKM_SHA512_RSA_PKCS:
		return "CKM_SHA512_RSA_PKCS";
	case CKM_ECDSA:
		return "CKM_ECDSA";
	case CKM_ECDSA_SHA256:
		return "CKM_ECDSA_SHA256";
	case CKM_ECDSA_SHA384:
		return "CKM_ECDSA_SHA384";
	case CKM_EDDSA:
		return "CKM_EDDSA";
	case CKM_RSA_PKCS_KEY_PAIR_GEN:
		return "CKM_RSA_PKCS_KEY_PAIR_GEN";
	case CKM_EC_KEY_PAIR_GEN:
		return "CKM_EC_KEY_PAIR_GEN";
	case CKM_EC_EDWARDS_KEY_PAIR_GEN:
		return "CKM_EC_EDWARDS_KEY_PAIR_GEN";
	}
	snprintf(buf, sizeof(buf), "CKM_0x%lx", (unsigned long)m);
	return buf;
}

/* Listed, and not listed as unable to sign (tokens that give no flags
 * are taken at their word). */
static int mech_signs(struct kskit_token *tok, CK_MECHANISM_TYPE mech)
{
	CK_MECHANISM_INFO mi;

	return kskit_token_has_mechanism(tok, mech, &mi) &&
	       (mi.flags == 0 || (mi.flags & CKF_SIGN));
}

int kskit_signer_new(struct kskit_token *tok, CK_OBJECT_HANDLE priv, const struct kskit_alg *alg,
		     EVP_PKEY *pub, struct kskit_signer **out)
{
	struct kskit_signer *s;
	uint8_t *key = NULL;
	size_t klen = 0;
	int ret;

	ret = kskit_dnskey_pubkey(pub, alg, &key, &klen);
	free(key);
	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s)
		return KSKIT_ENOMEM;
	s->tok = tok;
	s->priv = priv;
	s->alg = alg;
	s->pub = pub;
	EVP_PKEY_up_ref(pub);
	s->max_sig = (size_t)EVP_PKEY_get_size(pub) + 16;
	if (mech_signs(tok, alg->raw_mech)) {
		s->mech = alg->raw_mech;
		s->give_digest = alg->digest != NULL;
	} else if (mech_signs(tok, alg->hash_mech)) {
		s->mech = alg->hash_mech;
	} else {
		kskit_signer_free(s);
		return kskit_error_set(
			KSKIT_EMECHANISM, "%s needs %s or %s", alg->name,
			kskit_ckm_name(alg->raw_mech),
			alg->hash_mech != KSKIT_MECH_NONE ? kskit_ckm_name(alg->hash_mech) : "-");
	}
	*out = s;
	return 0;
}

void kskit_signer_free(struct kskit_signer *s)
{
	if (!s)
		return;
	EVP_PKEY_free(s->pub);
	free(s);
}

CK_MECHANISM_TYPE kskit_signer_mechanism(const struct kskit_signer *s)
{
	return s->mech;
}

uint64_t kskit_signer_token_ns(const struct kskit_signer *s)
{
	return s->token_ns;
}

/* What the token is given: the data, the digest, or DigestInfo || digest. */
static int token_input(const struct kskit_signer *s, const uint8_t *data, size_t len, uint8_t *buf,
		       size_t *out_len, const uint8_t **in)
{
	unsigned int dlen = 0;
	size_t off = 0;

	if (!s->give_digest) {
		*in = data;
		*out_len = len;
		return 0;
	}
	if (s->alg->key_type == CKK_RSA) {
		const uint8_t *di = s->alg->number == 10 ? di_sha512 : di_sha256;
		off = s->alg->number == 10 ? sizeof(di_sha512) : sizeof(di_sha256);
		memcpy(buf, di, off);
	}
	if (!EVP_Digest(data, len, buf + off, &dlen, EVP_get_digestbyname(s->alg->digest), NULL))
		return KSKIT_ECRYPTO;
	*in = buf;
	*out_len = off + dlen;
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int kskit_signer_sign(struct kskit_signer *s, const uint8_t *data, size_t len, uint8_t **sig,
		      size_t *sig_len)
{
	CK_FUNCTION_LIST *fl = kskit_token_module(s->tok);
	CK_SESSION_HANDLE ses = kskit_token_session(s->tok);
	CK_MECHANISM mech = { s->mech, NULL, 0 };
	const char *call = "C_SignInit";
	uint8_t buf[128];
	const uint8_t *in;
	size_t in_len;
	CK_ULONG out_len;
	uint8_t *out;
	uint64_t t0;
	CK_RV rv;
	int ret;

	ret = token_input(s, data, len, buf, &in_len, &in);
	if (ret)
		return ret;
	out = malloc(s->max_sig);
	if (!out)
		return KSKIT_ENOMEM;
	out_len = s->max_sig;
	t0 = now_ns();
	rv = fl->C_SignInit(ses, &mech, s->priv);
	if (rv == CKR_OK) {
		call = "C_Sign";
		rv = fl->C_Sign(ses, (CK_BYTE_PTR)in, in_len, out, &out_len);
	}
	s->token_ns += now_ns() - t0;
	if (rv != CKR_OK) {
		free(out);
		return kskit_p11_error(call, rv);
	}
	ret = kskit_verify(s->alg, s->pub, data, len, out, out_len);
	if (ret) {
		free(out);
		return kskit_error_set(ret, "%s signature by %s did not verify", s->alg->name,
				       kskit_ckm_name(s->mech));
	}
	*sig = out;
	*sig_len = out_len;
	s->count++;
	if (s->progress)
		s->progress(s->progress_ctx, s->count, s->token_ns);
	return 0;
}

void kskit_signer_set_progress(struct kskit_signer *s, kskit_signer_progress_fn fn, void *ctx)
{
	s->progress = fn;
	s->progress_ctx = ctx;
}

int kskit_sign_self_test(struct kskit_token *tok, CK_OBJECT_HANDLE priv,
			 const struct kskit_alg *alg, EVP_PKEY *pub)
{
	static const uint8_t msg[] = "kskit: self-test signature";
	struct kskit_signer *s = NULL;
	uint8_t *sig = NULL;
	size_t len = 0;
	int ret = kskit_signer_new(tok, priv, alg, pub, &s);

	if (ret == 0)
		ret = kskit_signer_sign(s, msg, sizeof(msg), &sig, &len);
	free(sig);
	kskit_signer_free(s);
	return ret;
}

/* r || s (RFC 6605) to the DER ECDSA-Sig-Value OpenSSL verifies. */
static int ecdsa_der(const uint8_t *sig, size_t len, uint8_t **der, size_t *der_len)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, (int)(len / 2), NULL);
	BIGNUM *sv = BN_bin2bn(sig + len / 2, (int)(len / 2), NULL);
	unsigned char *p = NULL;
	int n, ret = KSKIT_ECRYPTO;

	if (!es || !r || !sv || !ECDSA_SIG_set0(es, r, sv))
		goto out;
	r = sv = NULL;
	n = i2d_ECDSA_SIG(es, &p);
	if (n <= 0)
		goto out;
	*der = p;
	*der_len = (size_t)n;
	ret = 0;
out:
	BN_free(r);
	BN_free(sv);
	ECDSA_SIG_free(es);
	return ret;
}

int kskit_verify(const struct kskit_alg *alg, EVP_PKEY *pub, const uint8_t *data, size_t len,
		 const uint8_t *sig, size_t sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t *der = NULL;
	size_t der_len = 0;
	int ret = KSKIT_EVERIFY;

	if (!ctx)
		return KSKIT_ENOMEM;
	if (alg->key_type == CKK_EC) {
		if (sig_len != alg->bits / 4 || ecdsa_der(sig, sig_len, &der, &der_len) != 0)
			goto out;
		sig = der;
		sig_len = der_len;
	}
	if (EVP_DigestVerifyInit_ex(ctx, NULL, alg->digest, NULL, NULL, pub, NULL) != 1)
		goto out;
	if (EVP_DigestVerify(ctx, sig, sig_len, data, len) == 1)
		ret = 0;
out:
	OPENSSL_free(der);
	EVP_MD_CTX_free(ctx);
	return ret;
}

int kskit_signer_sign_cb(void *ctx, const uint8_t *data, size_t len, uint8_t **sig, size_t *sig_len)
{
	return kskit_signer_sign(ctx, data, len, sig, sig_len);
}
