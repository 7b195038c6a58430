#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>

#include "bindkey.h"
#include "error.h"
#include "secret.h"

const struct kskit_bind_field kskit_bind_rsa[KSKIT_BIND_RSA_FIELDS] = {
	{ "Modulus", OSSL_PKEY_PARAM_RSA_N },
	{ "PublicExponent", OSSL_PKEY_PARAM_RSA_E },
	{ "PrivateExponent", OSSL_PKEY_PARAM_RSA_D },
	{ "Prime1", OSSL_PKEY_PARAM_RSA_FACTOR1 },
	{ "Prime2", OSSL_PKEY_PARAM_RSA_FACTOR2 },
	{ "Exponent1", OSSL_PKEY_PARAM_RSA_EXPONENT1 },
	{ "Exponent2", OSSL_PKEY_PARAM_RSA_EXPONENT2 },
	{ "Coefficient", OSSL_PKEY_PARAM_RSA_COEFFICIENT1 },
};

static void timestamp(time_t t, char buf[15])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 15, "%Y%m%d%H%M%S", &tm);
}

char *kskit_bind_key_text(const ldns_rr *dnskey, time_t created)
{
	char *rr = ldns_rr2str(dnskey), *owner = ldns_rdf2str(ldns_rr_owner(dnskey)), *text = NULL;
	uint16_t flags = ldns_rdf2native_int16(ldns_rr_rdf(dnskey, 0));
	char when[15];

	timestamp(created, when);
	if (rr && owner &&
	    asprintf(&text, "; This is a %s-signing key, keyid %u, for %s\n; Created: %s\n%s%s",
		     flags & 1 ? "key" : "zone", ldns_calc_keytag(dnskey), owner, when, rr,
		     *rr && rr[strlen(rr) - 1] == '\n' ? "" : "\n") < 0)
		text = NULL;
	free(rr);
	free(owner);
	return text;
}

char *kskit_bind_token_private_text(const struct kskit_alg *alg, const char *uri, time_t created)
{
	char when[15], *text = NULL;

	timestamp(created, when);
	if (asprintf(&text,
		     "Private-key-format: v1.3\nAlgorithm: %u (%s)\nEngine: pkcs11\nLabel: %s\n"
		     "Created: %s\nPublish: %s\nActivate: %s\n",
		     alg->number, alg->name, uri, when, when, when) < 0)
		text = NULL;
	return text;
}

/* Append "Name: base64\n" of len bytes to the secret buffer at *pos. */
static int field(char *buf, size_t size, size_t *pos, const char *name, const uint8_t *v,
		 size_t len)
{
	size_t need = strlen(name) + 2 + 4 * ((len + 2) / 3) + 2;

	if (*pos + need >= size)
		return KSKIT_ENOMEM;
	*pos += (size_t)snprintf(buf + *pos, size - *pos, "%s: ", name);
	*pos += (size_t)EVP_EncodeBlock((unsigned char *)buf + *pos, v, (int)len);
	buf[(*pos)++] = '\n';
	buf[*pos] = '\0';
	return 0;
}

static int bn_field(char *buf, size_t size, size_t *pos, const char *name, EVP_PKEY *key,
		    const char *param, size_t pad)
{
	BIGNUM *bn = NULL;
	uint8_t *bin;
	size_t len;
	int ret;

	if (!EVP_PKEY_get_bn_param(key, param, &bn))
		return kskit_error_set(KSKIT_ECRYPTO, "key lacks %s", param);
	len = pad ? pad : (size_t)BN_num_bytes(bn);
	bin = kskit_secret_alloc(len);
	ret = bin && BN_bn2binpad(bn, bin, (int)len) >= 0 ? field(buf, size, pos, name, bin, len)
							  : KSKIT_ENOMEM;
	kskit_secret_free(bin);
	BN_clear_free(bn);
	return ret;
}

int kskit_bind_private_text(EVP_PKEY *key, const struct kskit_alg *alg, time_t created, char **out)
{
	const size_t size = 8192;
	char *buf = kskit_secret_alloc(size), when[15];
	uint8_t raw[64];
	size_t pos, rlen = sizeof(raw);
	int ret = 0;

	if (!buf)
		return KSKIT_ENOMEM;
	pos = (size_t)snprintf(buf, size, "Private-key-format: v1.3\nAlgorithm: %u (%s)\n",
			       alg->number, alg->name);
	if (alg->key_type == CKK_RSA) {
		for (size_t i = 0; i < KSKIT_BIND_RSA_FIELDS && ret == 0; i++)
			ret = bn_field(buf, size, &pos, kskit_bind_rsa[i].field, key,
				       kskit_bind_rsa[i].param, 0);
	} else if (alg->key_type == CKK_EC) {
		ret = bn_field(buf, size, &pos, "PrivateKey", key, OSSL_PKEY_PARAM_PRIV_KEY,
			       alg->bits / 8);
	} else if (EVP_PKEY_get_raw_private_key(key, raw, &rlen)) {
		ret = field(buf, size, &pos, "PrivateKey", raw, rlen);
	} else {
		ret = KSKIT_ECRYPTO;
	}
	OPENSSL_cleanse(raw, sizeof(raw));
	timestamp(created, when);
	if (ret == 0 && pos + 3 * 26 < size)
		snprintf(buf + pos, size - pos, "Created: %s\nPublish: %s\nActivate: %s\n", when,
			 when, when);
	if (ret) {
		kskit_secret_free(buf);
		return ret;
	}
	*out = buf;
	return 0;
}
