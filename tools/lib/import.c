#include <assert.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/x509.h>

#include "error.h"
#include "dnskey.h"
#include "import.h"
#include "secret.h"

#define MAX_ATTRS 24

struct tmpl {
	CK_ATTRIBUTE a[MAX_ATTRS];
	void *secret[MAX_ATTRS]; /* buffers to wipe */
	CK_ULONG n;
};

static const CK_BBOOL yes = CK_TRUE, no = CK_FALSE;

static void add(struct tmpl *t, CK_ATTRIBUTE_TYPE type, const void *v, CK_ULONG len)
{
	assert(t->n < MAX_ATTRS);
	t->a[t->n++] = (CK_ATTRIBUTE){ type, (void *)v, len };
}

/* A big number parameter of key as big-endian bytes, padded to pad bytes
 * when pad is not 0, in a secret buffer owned by t. */
static int add_bn(struct tmpl *t, CK_ATTRIBUTE_TYPE type, EVP_PKEY *key, const char *param,
		  size_t pad)
{
	BIGNUM *bn = NULL;
	uint8_t *buf;
	size_t len;

	if (!EVP_PKEY_get_bn_param(key, param, &bn))
		return kskit_error_set(KSKIT_ECRYPTO, "key lacks %s", param);
	len = pad ? pad : (size_t)BN_num_bytes(bn);
	buf = kskit_secret_alloc(len);
	if (!buf || BN_bn2binpad(bn, buf, (int)len) < 0) {
		kskit_secret_free(buf);
		BN_clear_free(bn);
		return buf ? KSKIT_ECRYPTO : KSKIT_ENOMEM;
	}
	BN_clear_free(bn);
	t->secret[t->n] = buf;
	add(t, type, buf, len);
	return 0;
}

static int add_octets(struct tmpl *t, CK_ATTRIBUTE_TYPE type, const uint8_t *v, size_t len,
		      int der_octet_string)
{
	size_t hdr = der_octet_string ? 2 : 0;
	uint8_t *buf;

	if (len > 127)
		return KSKIT_EINVAL;
	buf = kskit_secret_alloc(hdr + len);
	if (!buf)
		return KSKIT_ENOMEM;
	if (hdr) {
		buf[0] = 0x04;
		buf[1] = (uint8_t)len;
	}
	memcpy(buf + hdr, v, len);
	t->secret[t->n] = buf;
	add(t, type, buf, hdr + len);
	return 0;
}

static void tmpl_wipe(struct tmpl *t)
{
	for (CK_ULONG i = 0; i < t->n; i++)
		kskit_secret_free(t->secret[i]);
	t->n = 0;
}

static int rsa_attrs(EVP_PKEY *key, struct tmpl *priv, struct tmpl *pub)
{
	static const struct {
		CK_ATTRIBUTE_TYPE type;
		const char *param;
	} comp[] = {
		{ CKA_MODULUS, OSSL_PKEY_PARAM_RSA_N },
		{ CKA_PUBLIC_EXPONENT, OSSL_PKEY_PARAM_RSA_E },
		{ CKA_PRIVATE_EXPONENT, OSSL_PKEY_PARAM_RSA_D },
		{ CKA_PRIME_1, OSSL_PKEY_PARAM_RSA_FACTOR1 },
		{ CKA_PRIME_2, OSSL_PKEY_PARAM_RSA_FACTOR2 },
		{ CKA_EXPONENT_1, OSSL_PKEY_PARAM_RSA_EXPONENT1 },
		{ CKA_EXPONENT_2, OSSL_PKEY_PARAM_RSA_EXPONENT2 },
		{ CKA_COEFFICIENT, OSSL_PKEY_PARAM_RSA_COEFFICIENT1 },
	};
	int ret = 0;

	for (size_t i = 0; priv && i < sizeof(comp) / sizeof(comp[0]) && ret == 0; i++)
		ret = add_bn(priv, comp[i].type, key, comp[i].param, 0);
	for (size_t i = 0; i < 2 && ret == 0; i++)
		ret = add_bn(pub, comp[i].type, key, comp[i].param, 0);
	return ret;
}

static int ec_public_attrs(EVP_PKEY *key, const struct kskit_alg *alg, struct tmpl *pub)
{
	uint8_t point[1 + 2 * 66];
	size_t plen = sizeof(point);

	add(pub, CKA_EC_PARAMS, alg->ec_params, alg->ec_params_len);
	if (alg->key_type == CKK_EC ? !EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY,
								       point, sizeof(point), &plen)
				    : !EVP_PKEY_get_raw_public_key(key, point, &plen))
		return KSKIT_ECRYPTO;
	return add_octets(pub, CKA_EC_POINT, point, plen, 1);
}

static int ec_attrs(EVP_PKEY *key, const struct kskit_alg *alg, struct tmpl *priv, struct tmpl *pub)
{
	uint8_t raw[64];
	size_t rlen = sizeof(raw);
	int ret;

	add(priv, CKA_EC_PARAMS, alg->ec_params, alg->ec_params_len);
	if (alg->key_type == CKK_EC) {
		ret = add_bn(priv, CKA_VALUE, key, OSSL_PKEY_PARAM_PRIV_KEY, alg->bits / 8);
	} else {
		if (!EVP_PKEY_get_raw_private_key(key, raw, &rlen))
			return KSKIT_ECRYPTO;
		ret = add_octets(priv, CKA_VALUE, raw, rlen, 0);
		OPENSSL_cleanse(raw, sizeof(raw));
	}
	return ret ? ret : ec_public_attrs(key, alg, pub);
}

/* What every public key object kskit creates has. */
static void pub_base(struct tmpl *pub, const CK_KEY_TYPE *kt, const char *label,
		     const unsigned char *id, size_t id_len)
{
	static const CK_OBJECT_CLASS pub_class = CKO_PUBLIC_KEY;

	add(pub, CKA_CLASS, &pub_class, sizeof(pub_class));
	add(pub, CKA_KEY_TYPE, kt, sizeof(*kt));
	add(pub, CKA_TOKEN, &yes, sizeof(yes));
	add(pub, CKA_VERIFY, &yes, sizeof(yes));
	add(pub, CKA_ID, id, id_len);
	if (label)
		add(pub, CKA_LABEL, label, strlen(label));
}

int kskit_import_public(struct kskit_token *tok, EVP_PKEY *key, const char *label,
			const unsigned char *id, size_t id_len, CK_OBJECT_HANDLE *out)
{
	CK_FUNCTION_LIST *fl = kskit_token_module(tok);
	const struct kskit_alg *alg = kskit_alg_for_pkey(key);
	struct tmpl pub = { 0 };
	CK_KEY_TYPE kt;
	CK_RV rv;
	int ret;

	if (!alg)
		return KSKIT_EKEY_TYPE;
	kt = alg->key_type;
	pub_base(&pub, &kt, label, id, id_len);
	ret = kt == CKK_RSA ? rsa_attrs(key, NULL, &pub) : ec_public_attrs(key, alg, &pub);
	if (ret == 0) {
		rv = fl->C_CreateObject(kskit_token_session(tok), pub.a, pub.n, out);
		if (rv != CKR_OK)
			ret = kskit_p11_error("C_CreateObject (public key)", rv);
	}
	tmpl_wipe(&pub);
	return ret;
}

int kskit_key_id(EVP_PKEY *key, unsigned char id[20])
{
	unsigned char *der = NULL;
	int len = i2d_PUBKEY(key, &der);
	int ok;

	if (len <= 0)
		return KSKIT_ECRYPTO;
	ok = EVP_Digest(der, (size_t)len, id, NULL, EVP_sha1(), NULL);
	OPENSSL_free(der);
	return ok ? 0 : KSKIT_ECRYPTO;
}

int kskit_import_key(struct kskit_token *tok, EVP_PKEY *key, const struct kskit_import *p,
		     CK_OBJECT_HANDLE *priv_out, CK_OBJECT_HANDLE *pub_out)
{
	CK_FUNCTION_LIST *fl = kskit_token_module(tok);
	CK_SESSION_HANDLE s = kskit_token_session(tok);
	static const CK_OBJECT_CLASS priv_class = CKO_PRIVATE_KEY;
	const struct kskit_alg *alg = kskit_alg_for_pkey(key);
	struct tmpl priv = { 0 }, pub = { 0 };
	unsigned char id[20];
	const unsigned char *idp = p->id;
	size_t id_len = p->id_len;
	CK_KEY_TYPE kt;
	CK_OBJECT_HANDLE hpriv = CK_INVALID_HANDLE, hpub = CK_INVALID_HANDLE;
	CK_RV rv;
	int ret;

	if (!alg)
		return KSKIT_EKEY_TYPE;
	kt = alg->key_type;
	if (!idp) {
		ret = kskit_key_id(key, id);
		if (ret)
			return ret;
		idp = id;
		id_len = sizeof(id);
	}
	add(&priv, CKA_CLASS, &priv_class, sizeof(priv_class));
	add(&priv, CKA_KEY_TYPE, &kt, sizeof(kt));
	add(&priv, CKA_TOKEN, &yes, sizeof(yes));
	add(&priv, CKA_PRIVATE, &yes, sizeof(yes));
	add(&priv, CKA_SENSITIVE, &yes, sizeof(yes));
	add(&priv, CKA_SIGN, &yes, sizeof(yes));
	add(&priv, CKA_DECRYPT, &no, sizeof(no));
	add(&priv, CKA_UNWRAP, &no, sizeof(no));
	add(&priv, CKA_DERIVE, &no, sizeof(no));
	add(&priv, CKA_EXTRACTABLE, p->extractable ? &yes : &no, sizeof(CK_BBOOL));
	add(&priv, CKA_ID, idp, id_len);
	pub_base(&pub, &kt, p->label, idp, id_len);
	if (p->label)
		add(&priv, CKA_LABEL, p->label, strlen(p->label));
	ret = kt == CKK_RSA ? rsa_attrs(key, &priv, &pub) : ec_attrs(key, alg, &priv, &pub);
	if (ret)
		goto out;
	rv = fl->C_CreateObject(s, priv.a, priv.n, &hpriv);
	if (rv != CKR_OK) {
		ret = kskit_p11_error("C_CreateObject (private key)", rv);
		goto out;
	}
	rv = fl->C_CreateObject(s, pub.a, pub.n, &hpub);
	if (rv != CKR_OK) {
		ret = kskit_p11_error("C_CreateObject (public key)", rv);
		(void)fl->C_DestroyObject(s, hpriv);
		goto out;
	}
	*priv_out = hpriv;
	*pub_out = hpub;
out:
	tmpl_wipe(&priv);
	tmpl_wipe(&pub);
	return ret;
}
