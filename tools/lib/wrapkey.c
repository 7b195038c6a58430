/* wrapkey.c - wrapping private keys between tokens. */
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "alg.h"
#include "dnskey.h"
#include "error.h"
#include "import.h"
#include "key.h"
#include "kwp.h"
#include "object.h"
#include "p11.h"
#include "quirks.h"
#include "secret.h"
#include "sign.h"
#include "wrapkey.h"

static const CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
static const CK_OBJECT_CLASS secret_class = CKO_SECRET_KEY;
static const CK_KEY_TYPE aes = CKK_AES;
static const CK_ULONG aes_len = 32;

#define MAX_WRAPPED (64u << 10)

static int can(struct kskit_token *tok, CK_MECHANISM_TYPE m, CK_FLAGS want)
{
	CK_MECHANISM_INFO mi;

	return kskit_token_has_mechanism(tok, m, &mi) && (mi.flags & want) == want;
}

int kskit_kwp_mechanism(struct kskit_token *tok, CK_MECHANISM_TYPE *mech)
{
	const struct kskit_quirks *q = kskit_quirks_of(tok);

	if (q->no_wrap)
		return kskit_error_set(KSKIT_EMECHANISM, "%s", q->no_wrap);
	if (can(tok, KSKIT_CKM_AES_KWP_V3, CKF_WRAP | CKF_UNWRAP))
		*mech = KSKIT_CKM_AES_KWP_V3;
	else if (can(tok, KSKIT_CKM_AES_KWP_SOFTHSM, CKF_WRAP | CKF_UNWRAP))
		*mech = KSKIT_CKM_AES_KWP_SOFTHSM;
	else if (can(tok, CKM_AES_ECB, CKF_ENCRYPT | CKF_DECRYPT) && !q->no_import)
		*mech = 0;
	else
		return kskit_error_set(KSKIT_EMECHANISM,
				       "the token has no AES key wrap with padding, and no "
				       "AES-ECB with private key import to build it on");
	return 0;
}

/* Template of a KEK: AES-256, wrap and unwrap; encrypt and decrypt only
 * for the ECB route. */
static CK_ULONG kek_template(CK_ATTRIBUTE *t, const CK_BBOOL *token, const CK_BBOOL *ecb)
{
	CK_ULONG n = 0;

	t[n++] = (CK_ATTRIBUTE){ CKA_CLASS, (void *)&secret_class, sizeof(secret_class) };
	t[n++] = (CK_ATTRIBUTE){ CKA_KEY_TYPE, (void *)&aes, sizeof(aes) };
	t[n++] = (CK_ATTRIBUTE){ CKA_TOKEN, (void *)token, sizeof(*token) };
	t[n++] = (CK_ATTRIBUTE){ CKA_PRIVATE, (void *)&yes, sizeof(yes) };
	t[n++] = (CK_ATTRIBUTE){ CKA_SENSITIVE, (void *)&yes, sizeof(yes) };
	t[n++] = (CK_ATTRIBUTE){ CKA_WRAP, (void *)&yes, sizeof(yes) };
	t[n++] = (CK_ATTRIBUTE){ CKA_UNWRAP, (void *)&yes, sizeof(yes) };
	t[n++] = (CK_ATTRIBUTE){ CKA_ENCRYPT, (void *)ecb, sizeof(*ecb) };
	t[n++] = (CK_ATTRIBUTE){ CKA_DECRYPT, (void *)ecb, sizeof(*ecb) };
	return n;
}

int kskit_dkek_store(struct kskit_token *tok, const uint8_t dkek[KSKIT_DKEK_LEN],
		     struct kskit_kek *kek)
{
	CK_FUNCTION_LIST *fl = kskit_token_module(tok);
	CK_ATTRIBUTE t[16];
	CK_MECHANISM_TYPE mech;
	uint8_t kcv[KSKIT_DKEK_KCV_LEN];
	CK_OBJECT_HANDLE h;
	CK_BBOOL ecb;
	CK_ULONG n;
	CK_RV rv;
	int ret = kskit_kwp_mechanism(tok, &mech);

	if (ret)
		return ret;
	kskit_dkek_kcv(dkek, kcv);
	ret = kskit_dkek_find(tok, kcv, kek, NULL);
	if (ret == 0)
		return KSKIT_EEXIST;
	if (ret != KSKIT_ENO_OBJECT)
		return ret;
	ecb = mech == 0;
	n = kek_template(t, &yes, &ecb);
	t[n++] = (CK_ATTRIBUTE){ CKA_EXTRACTABLE, (void *)&no, sizeof(no) };
	t[n++] = (CK_ATTRIBUTE){ CKA_LABEL, (void *)KSKIT_DKEK_LABEL, strlen(KSKIT_DKEK_LABEL) };
	t[n++] = (CK_ATTRIBUTE){ CKA_ID, kcv, sizeof(kcv) };
	t[n++] = (CK_ATTRIBUTE){ CKA_VALUE, (void *)dkek, KSKIT_DKEK_LEN };
	rv = fl->C_CreateObject(kskit_token_session(tok), t, n, &h);
	if (rv != CKR_OK)
		return kskit_p11_error("C_CreateObject (DKEK)", rv);
	*kek = (struct kskit_kek){ .handle = h, .kwp = mech };
	return 0;
}

int kskit_dkek_list(struct kskit_token *tok, uint8_t (*kcvs)[KSKIT_DKEK_KCV_LEN], size_t max,
		    size_t *count)
{
	CK_ATTRIBUTE t[] = {
		{ CKA_CLASS, (void *)&secret_class, sizeof(secret_class) },
		{ CKA_LABEL, (void *)KSKIT_DKEK_LABEL, strlen(KSKIT_DKEK_LABEL) },
	};
	CK_OBJECT_HANDLE *objs = NULL;
	size_t n = 0;
	int ret = kskit_objects_find(tok, t, 2, &objs, &n);

	for (size_t i = 0; ret == 0 && i < n && i < max; i++) {
		unsigned char *id = NULL;
		CK_ULONG len = 0;

		ret = kskit_attr_get(tok, objs[i], CKA_ID, &id, &len);
		if (ret == 0 && len != KSKIT_DKEK_KCV_LEN)
			ret = kskit_error_set(KSKIT_EINVAL, "a \"%s\" object without a KCV as id",
					      KSKIT_DKEK_LABEL);
		if (ret == 0)
			memcpy(kcvs[i], id, KSKIT_DKEK_KCV_LEN);
		free(id);
	}
	free(objs);
	if (ret == 0)
		*count = n;
	return ret;
}

int kskit_dkek_find(struct kskit_token *tok, const uint8_t *kcv, struct kskit_kek *kek,
		    uint8_t kcv_out[KSKIT_DKEK_KCV_LEN])
{
	CK_ATTRIBUTE t[] = {
		{ CKA_CLASS, (void *)&secret_class, sizeof(secret_class) },
		{ CKA_LABEL, (void *)KSKIT_DKEK_LABEL, strlen(KSKIT_DKEK_LABEL) },
		{ CKA_ID, (void *)kcv, KSKIT_DKEK_KCV_LEN },
	};
	CK_OBJECT_HANDLE *objs = NULL;
	CK_MECHANISM_TYPE mech;
	unsigned char *id = NULL;
	CK_ULONG idlen = 0;
	size_t n = 0;
	int ret = kskit_kwp_mechanism(tok, &mech);

	if (ret == 0)
		ret = kskit_objects_find(tok, t, kcv ? 3 : 2, &objs, &n);
	if (ret)
		return ret;
	if (n != 1) {
		ret = n == 0 ? kskit_error_set(KSKIT_ENO_OBJECT, "no DKEK on the token%s",
					       kcv ? " with that key-check value" : "")
			     : kskit_error_set(KSKIT_EAMBIGUOUS_OBJECT,
					       "%zu DKEKs on the token: name one by its KCV", n);
		goto out;
	}
	if (kcv_out) {
		ret = kskit_attr_get(tok, objs[0], CKA_ID, &id, &idlen);
		if (ret == 0 && idlen != KSKIT_DKEK_KCV_LEN)
			ret = kskit_error_set(KSKIT_EINVAL, "the DKEK's id is not its KCV");
		if (ret == 0)
			memcpy(kcv_out, id, KSKIT_DKEK_KCV_LEN);
	}
	if (ret == 0)
		*kek = (struct kskit_kek){ .handle = objs[0], .kwp = mech };
out:
	free(id);
	free(objs);
	return ret;
}

/* One AES-ECB block with a KEK on the token, for kwp.c. */
struct ecb_ctx {
	struct kskit_token *tok;
	CK_OBJECT_HANDLE key;
};

static int ecb_block(void *arg, int encrypt, uint8_t block[16])
{
	struct ecb_ctx *c = arg;
	CK_FUNCTION_LIST *fl = kskit_token_module(c->tok);
	CK_SESSION_HANDLE s = kskit_token_session(c->tok);
	CK_MECHANISM m = { CKM_AES_ECB, NULL, 0 };
	CK_ULONG len = 16;
	uint8_t out[16];
	CK_RV rv = encrypt ? fl->C_EncryptInit(s, &m, c->key) : fl->C_DecryptInit(s, &m, c->key);

	if (rv == CKR_OK)
		rv = encrypt ? fl->C_Encrypt(s, block, 16, out, &len)
			     : fl->C_Decrypt(s, block, 16, out, &len);
	if (rv == CKR_OK && len != 16)
		rv = CKR_GENERAL_ERROR;
	if (rv == CKR_OK)
		memcpy(block, out, 16);
	OPENSSL_cleanse(out, sizeof(out));
	return rv == CKR_OK ? 0
			    : kskit_p11_error(
				      encrypt ? "C_Encrypt (AES-ECB)" : "C_Decrypt (AES-ECB)", rv);
}

/* Only the ECB route: it unwraps, but getting a key out would mean having
 * it in the clear here. */
static int cannot_wrap(void)
{
	return kskit_error_set(KSKIT_EMECHANISM,
			       "the token cannot wrap with AES key wrap with padding (RFC 5649): "
			       "it can receive backups, not be their source");
}

int kskit_wrap_private(struct kskit_token *tok, const struct kskit_kek *kek, CK_OBJECT_HANDLE priv,
		       uint8_t **blob, size_t *len)
{
	CK_FUNCTION_LIST *fl = kskit_token_module(tok);
	CK_MECHANISM m = { kek->kwp, NULL, 0 };
	CK_ULONG n = 0;
	uint8_t *buf;
	CK_RV rv;

	if (kek->kwp == 0)
		return cannot_wrap();
	rv = fl->C_WrapKey(kskit_token_session(tok), &m, kek->handle, priv, NULL, &n);
	if (rv != CKR_OK)
		return kskit_p11_error("C_WrapKey", rv);
	if (n == 0 || n > MAX_WRAPPED)
		return kskit_error_set(KSKIT_EPKCS11, "C_WrapKey: %lu bytes", (unsigned long)n);
	buf = malloc(n);
	if (!buf)
		return KSKIT_ENOMEM;
	rv = fl->C_WrapKey(kskit_token_session(tok), &m, kek->handle, priv, buf, &n);
	if (rv != CKR_OK) {
		free(buf);
		return kskit_p11_error("C_WrapKey", rv);
	}
	*blob = buf;
	*len = n;
	return 0;
}

/* The ECB route: RFC 5649 in kskit over the token's AES, then the key
 * created as `kskit token import` creates it. */
static int unwrap_by_ecb(struct kskit_token *tok, const struct kskit_kek *kek, const uint8_t *blob,
			 size_t len, const struct kskit_unwrap *p, CK_OBJECT_HANDLE *priv,
			 CK_OBJECT_HANDLE *pub)
{
	struct ecb_ctx c = { tok, kek->handle };
	struct kskit_import ip = {
		.label = p->label, .id = p->id, .id_len = p->id_len, .extractable = p->extractable
	};
	uint8_t *plain = kskit_secret_alloc(len);
	const uint8_t *q;
	EVP_PKEY *key = NULL;
	size_t plen = 0;
	int ret;

	if (!plain)
		return KSKIT_ENOMEM;
	ret = kskit_kwp_unwrap(ecb_block, &c, blob, len, plain, &plen);
	if (ret)
		goto out;
	q = plain;
	key = d2i_AutoPrivateKey(NULL, &q, (long)plen);
	if (!key) {
		ret = kskit_error_set(KSKIT_EDECRYPT, "the unwrapped key is not PKCS#8");
		goto out;
	}
	if (EVP_PKEY_eq(key, p->pub) != 1) {
		ret = kskit_error_set(KSKIT_EVERIFY, "the unwrapped key is not the backup's key");
		goto out;
	}
	ret = kskit_import_key(tok, key, &ip, priv, pub);
out:
	EVP_PKEY_free(key);
	kskit_secret_free(plain);
	return ret;
}

int kskit_unwrap_private(struct kskit_token *tok, const struct kskit_kek *kek, const uint8_t *blob,
			 size_t len, const struct kskit_unwrap *p, CK_OBJECT_HANDLE *priv,
			 CK_OBJECT_HANDLE *pub)
{
	static const CK_OBJECT_CLASS priv_class = CKO_PRIVATE_KEY;
	CK_FUNCTION_LIST *fl = kskit_token_module(tok);
	CK_SESSION_HANDLE s = kskit_token_session(tok);
	const struct kskit_alg *alg = kskit_alg_for_pkey(p->pub);
	CK_MECHANISM m = { kek->kwp, NULL, 0 };
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE, hp;
	CK_KEY_TYPE kt;
	CK_ATTRIBUTE t[16];
	CK_ULONG n = 0;
	CK_RV rv;
	int ret;

	if (!alg)
		return KSKIT_EKEY_TYPE;
	if (kek->kwp == 0) {
		ret = unwrap_by_ecb(tok, kek, blob, len, p, &h, &hp);
		if (ret)
			return ret;
		ret = kskit_sign_self_test(tok, h, alg, p->pub);
		if (ret) {
			(void)fl->C_DestroyObject(s, h);
			(void)fl->C_DestroyObject(s, hp);
			return ret;
		}
		*priv = h;
		*pub = hp;
		return 0;
	}
	kt = alg->key_type;
	t[n++] = (CK_ATTRIBUTE){ CKA_CLASS, (void *)&priv_class, sizeof(priv_class) };
	t[n++] = (CK_ATTRIBUTE){ CKA_KEY_TYPE, &kt, sizeof(kt) };
	t[n++] = (CK_ATTRIBUTE){ CKA_TOKEN, (void *)&yes, sizeof(yes) };
	t[n++] = (CK_ATTRIBUTE){ CKA_PRIVATE, (void *)&yes, sizeof(yes) };
	t[n++] = (CK_ATTRIBUTE){ CKA_SENSITIVE, (void *)&yes, sizeof(yes) };
	t[n++] = (CK_ATTRIBUTE){ CKA_SIGN, (void *)&yes, sizeof(yes) };
	t[n++] = (CK_ATTRIBUTE){ CKA_DECRYPT, (void *)&no, sizeof(no) };
	t[n++] = (CK_ATTRIBUTE){ CKA_UNWRAP, (void *)&no, sizeof(no) };
	t[n++] = (CK_ATTRIBUTE){ CKA_EXTRACTABLE, p->extractable ? (void *)&yes : (void *)&no,
				 sizeof(CK_BBOOL) };
	t[n++] = (CK_ATTRIBUTE){ CKA_ID, (void *)p->id, p->id_len };
	if (p->label)
		t[n++] = (CK_ATTRIBUTE){ CKA_LABEL, (void *)p->label, strlen(p->label) };
	rv = fl->C_UnwrapKey(s, &m, kek->handle, (CK_BYTE_PTR)blob, len, t, n, &h);
	/* SoftHSM answers a failed integrity check with CKR_GENERAL_ERROR. */
	if (rv == CKR_WRAPPED_KEY_INVALID || rv == CKR_ENCRYPTED_DATA_INVALID ||
	    rv == CKR_GENERAL_ERROR)
		return kskit_error_set(KSKIT_EDECRYPT,
				       "C_UnwrapKey: %s: another wrapping key, "
				       "or a damaged blob",
				       kskit_ckr_name(rv));
	if (rv != CKR_OK)
		return kskit_p11_error("C_UnwrapKey", rv);
	ret = kskit_sign_self_test(tok, h, alg, p->pub);
	if (ret == KSKIT_EVERIFY)
		ret = kskit_error_set(ret, "the unwrapped key is not the backup's key");
	if (ret == 0)
		ret = kskit_import_public(tok, p->pub, p->label, p->id, p->id_len, &hp);
	if (ret) {
		(void)fl->C_DestroyObject(s, h);
		return ret;
	}
	*priv = h;
	*pub = hp;
	return 0;
}

int kskit_transport_create(struct kskit_token *tok, EVP_PKEY **pub)
{
	static const CK_OBJECT_CLASS pub_class = CKO_PUBLIC_KEY, priv_class = CKO_PRIVATE_KEY;
	static const CK_ULONG bits = 3072;
	static const uint8_t f4[] = { 1, 0, 1 };
	CK_FUNCTION_LIST *fl = kskit_token_module(tok);
	CK_MECHANISM m = { CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0 };
	CK_KEY_TYPE kt = CKK_RSA;
	uint8_t id[20];
	CK_ATTRIBUTE pt[] = {
		{ CKA_CLASS, (void *)&pub_class, sizeof(pub_class) },
		{ CKA_KEY_TYPE, &kt, sizeof(kt) },
		{ CKA_TOKEN, (void *)&yes, sizeof(yes) },
		{ CKA_WRAP, (void *)&yes, sizeof(yes) },
		{ CKA_ENCRYPT, (void *)&yes, sizeof(yes) },
		{ CKA_VERIFY, (void *)&no, sizeof(no) },
		{ CKA_MODULUS_BITS, (void *)&bits, sizeof(bits) },
		{ CKA_PUBLIC_EXPONENT, (void *)f4, sizeof(f4) },
		{ CKA_LABEL, (void *)KSKIT_TRANSPORT_LABEL, strlen(KSKIT_TRANSPORT_LABEL) },
		{ CKA_ID, id, sizeof(id) },
	};
	CK_ATTRIBUTE st[] = {
		{ CKA_CLASS, (void *)&priv_class, sizeof(priv_class) },
		{ CKA_KEY_TYPE, &kt, sizeof(kt) },
		{ CKA_TOKEN, (void *)&yes, sizeof(yes) },
		{ CKA_PRIVATE, (void *)&yes, sizeof(yes) },
		{ CKA_SENSITIVE, (void *)&yes, sizeof(yes) },
		{ CKA_EXTRACTABLE, (void *)&no, sizeof(no) },
		{ CKA_UNWRAP, (void *)&yes, sizeof(yes) },
		{ CKA_DECRYPT, (void *)&yes, sizeof(yes) },
		{ CKA_SIGN, (void *)&no, sizeof(no) },
		{ CKA_LABEL, (void *)KSKIT_TRANSPORT_LABEL, strlen(KSKIT_TRANSPORT_LABEL) },
		{ CKA_ID, id, sizeof(id) },
	};
	CK_OBJECT_HANDLE hpub, hpriv;
	CK_RV rv;

	/* The pair's id: random until the public key is known. */
	if (RAND_bytes(id, sizeof(id)) != 1)
		return KSKIT_ECRYPTO;
	rv = fl->C_GenerateKeyPair(kskit_token_session(tok), &m, pt, sizeof(pt) / sizeof(pt[0]), st,
				   sizeof(st) / sizeof(st[0]), &hpub, &hpriv);
	if (rv != CKR_OK)
		return kskit_p11_error("C_GenerateKeyPair (RSA-3072 transport key)", rv);
	return kskit_key_public(tok, hpub, pub, NULL);
}

/* The transport private key on the token whose public key is target. */
static int transport_find(struct kskit_token *tok, EVP_PKEY *target, CK_OBJECT_HANDLE *priv)
{
	static const CK_OBJECT_CLASS priv_class = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE t[] = {
		{ CKA_CLASS, (void *)&priv_class, sizeof(priv_class) },
		{ CKA_LABEL, (void *)KSKIT_TRANSPORT_LABEL, strlen(KSKIT_TRANSPORT_LABEL) },
	};
	CK_OBJECT_HANDLE *objs = NULL;
	size_t n = 0;
	int ret = kskit_objects_find(tok, t, 2, &objs, &n);

	for (size_t i = 0; ret == 0 && i < n; i++) {
		EVP_PKEY *pk = NULL;

		if (kskit_key_public(tok, objs[i], &pk, NULL) == 0 &&
		    EVP_PKEY_eq(pk, target) == 1) {
			*priv = objs[i];
			EVP_PKEY_free(pk);
			free(objs);
			return 0;
		}
		EVP_PKEY_free(pk);
	}
	free(objs);
	return ret ? ret
		   : kskit_error_set(KSKIT_ENO_OBJECT,
				     "the backup is for a transport key this token does not have");
}

static CK_RSA_PKCS_OAEP_PARAMS oaep_sha1 = { CKM_SHA_1, CKG_MGF1_SHA1, CKZ_DATA_SPECIFIED, NULL,
					     0 };

int kskit_transport_send(struct kskit_token *tok, EVP_PKEY *target, struct kskit_kek *kek,
			 uint8_t **wrapped, size_t *len)
{
	static const CK_OBJECT_CLASS pub_class = CKO_PUBLIC_KEY;
	CK_FUNCTION_LIST *fl = kskit_token_module(tok);
	CK_SESSION_HANDLE s = kskit_token_session(tok);
	CK_MECHANISM gen = { CKM_AES_KEY_GEN, NULL, 0 };
	CK_MECHANISM oaep = { CKM_RSA_PKCS_OAEP, &oaep_sha1, sizeof(oaep_sha1) };
	CK_KEY_TYPE rsa = CKK_RSA;
	BIGNUM *nb = NULL, *eb = NULL;
	uint8_t nbuf[1024], ebuf[16];
	CK_ATTRIBUTE pt[] = {
		{ CKA_CLASS, (void *)&pub_class, sizeof(pub_class) },
		{ CKA_KEY_TYPE, &rsa, sizeof(rsa) },
		{ CKA_TOKEN, (void *)&no, sizeof(no) },
		{ CKA_WRAP, (void *)&yes, sizeof(yes) },
		{ CKA_MODULUS, nbuf, 0 },
		{ CKA_PUBLIC_EXPONENT, ebuf, 0 },
	};
	CK_ATTRIBUTE kt[16];
	CK_OBJECT_HANDLE hpub = CK_INVALID_HANDLE, hkek = CK_INVALID_HANDLE;
	CK_MECHANISM_TYPE mech;
	CK_BBOOL ecb;
	CK_ULONG n, wlen = 0;
	uint8_t *buf = NULL;
	CK_RV rv;
	int ret = kskit_kwp_mechanism(tok, &mech);

	if (ret)
		return ret;
	if (mech == 0)
		return cannot_wrap();
	if (EVP_PKEY_get_base_id(target) != EVP_PKEY_RSA ||
	    !EVP_PKEY_get_bn_param(target, OSSL_PKEY_PARAM_RSA_N, &nb) ||
	    !EVP_PKEY_get_bn_param(target, OSSL_PKEY_PARAM_RSA_E, &eb) ||
	    BN_num_bytes(nb) > (int)sizeof(nbuf) || BN_num_bytes(eb) > (int)sizeof(ebuf)) {
		ret = kskit_error_set(KSKIT_EKEY_TYPE, "the transport key is not RSA");
		goto out;
	}
	pt[4].ulValueLen = (CK_ULONG)BN_bn2bin(nb, nbuf);
	pt[5].ulValueLen = (CK_ULONG)BN_bn2bin(eb, ebuf);
	rv = fl->C_CreateObject(s, pt, sizeof(pt) / sizeof(pt[0]), &hpub);
	if (rv != CKR_OK) {
		ret = kskit_p11_error("C_CreateObject (transport public key)", rv);
		goto out;
	}
	ecb = CK_FALSE;
	n = kek_template(kt, &no, &ecb);
	kt[n++] = (CK_ATTRIBUTE){ CKA_EXTRACTABLE, (void *)&yes, sizeof(yes) };
	kt[n++] = (CK_ATTRIBUTE){ CKA_VALUE_LEN, (void *)&aes_len, sizeof(aes_len) };
	/* CKA_CLASS and CKA_KEY_TYPE come from the mechanism. */
	rv = fl->C_GenerateKey(s, &gen, kt + 2, n - 2, &hkek);
	if (rv != CKR_OK) {
		ret = kskit_p11_error("C_GenerateKey (AES-256 session KEK)", rv);
		goto out;
	}
	rv = fl->C_WrapKey(s, &oaep, hpub, hkek, NULL, &wlen);
	if (rv == CKR_OK && (wlen == 0 || wlen > MAX_WRAPPED))
		rv = CKR_GENERAL_ERROR;
	if (rv == CKR_OK && !(buf = malloc(wlen))) {
		ret = KSKIT_ENOMEM;
		goto out;
	}
	if (rv == CKR_OK)
		rv = fl->C_WrapKey(s, &oaep, hpub, hkek, buf, &wlen);
	if (rv != CKR_OK) {
		ret = kskit_p11_error("C_WrapKey (RSA-OAEP)", rv);
		goto out;
	}
	*kek = (struct kskit_kek){ .handle = hkek, .kwp = mech, .session = 1 };
	hkek = CK_INVALID_HANDLE;
	*wrapped = buf;
	*len = wlen;
	buf = NULL;
out:
	if (hkek != CK_INVALID_HANDLE)
		(void)fl->C_DestroyObject(s, hkek);
	if (hpub != CK_INVALID_HANDLE)
		(void)fl->C_DestroyObject(s, hpub);
	free(buf);
	BN_free(nb);
	BN_free(eb);
	return ret;
}

int kskit_transport_receive(struct kskit_token *tok, EVP_PKEY *target, const uint8_t *wrapped,
			    size_t len, struct kskit_kek *kek)
{
	CK_FUNCTION_LIST *fl = kskit_token_module(tok);
	CK_MECHANISM oaep = { CKM_RSA_PKCS_OAEP, &oaep_sha1, sizeof(oaep_sha1) };
	CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE, h;
	CK_MECHANISM_TYPE mech;
	CK_ATTRIBUTE t[16];
	CK_BBOOL ecb;
	CK_ULONG n;
	CK_RV rv;
	int ret = kskit_kwp_mechanism(tok, &mech);

	if (ret == 0)
		ret = transport_find(tok, target, &priv);
	if (ret)
		return ret;
	ecb = mech == 0;
	n = kek_template(t, &no, &ecb);
	t[n++] = (CK_ATTRIBUTE){ CKA_EXTRACTABLE, (void *)&no, sizeof(no) };
	rv = fl->C_UnwrapKey(kskit_token_session(tok), &oaep, priv, (CK_BYTE_PTR)wrapped, len, t, n,
			     &h);
	if (rv == CKR_WRAPPED_KEY_INVALID || rv == CKR_ENCRYPTED_DATA_INVALID)
		return kskit_error_set(KSKIT_EDECRYPT, "C_UnwrapKey (RSA-OAEP): %s",
				       kskit_ckr_name(rv));
	if (rv != CKR_OK)
		return kskit_p11_error("C_UnwrapKey (RSA-OAEP)", rv);
	*kek = (struct kskit_kek){ .handle = h, .kwp = mech, .session = 1 };
	return 0;
}

void kskit_kek_release(struct kskit_token *tok, struct kskit_kek *kek)
{
	if (kek->session && kek->handle != CK_INVALID_HANDLE)
		(void)kskit_token_module(tok)->C_DestroyObject(kskit_token_session(tok),
							       kek->handle);
	kek->handle = CK_INVALID_HANDLE;
}
