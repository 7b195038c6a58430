/* soft.h - what several unit tests share: a software DNSSEC signer (the
 * shape of kskit_sign_fn), reading a data file, parsing a KSR file.  Included once per test
 * program. */
#ifndef KSKIT_UNIT_SOFT_H
#define KSKIT_UNIT_SOFT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include "unit.h"
#include "lib/alg.h"
#include "lib/ksr.h"

struct soft {
	const struct kskit_alg *alg;
	EVP_PKEY *key;
};

/* Sign in DNSSEC wire format (ECDSA: r || s). */
__attribute__((unused)) static int soft_sign(void *ctx, const uint8_t *data, size_t len,
					     uint8_t **sig, size_t *sig_len)
{
	struct soft *s = ctx;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t der[600], *out = malloc(600);
	size_t der_len = sizeof(der);

	assert_int_equal(EVP_DigestSignInit_ex(md, NULL, s->alg->digest, NULL, NULL, s->key, NULL),
			 1);
	assert_int_equal(EVP_DigestSign(md, der, &der_len, data, len), 1);
	EVP_MD_CTX_free(md);
	if (s->alg->key_type == CKK_EC) {
		const unsigned char *p = der;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
		int half = (int)(s->alg->bits / 8);

		BN_bn2binpad(ECDSA_SIG_get0_r(es), out, half);
		BN_bn2binpad(ECDSA_SIG_get0_s(es), out + half, half);
		ECDSA_SIG_free(es);
		der_len = 2 * (size_t)half;
	} else {
		memcpy(out, der, der_len);
	}
	*sig = out;
	*sig_len = der_len;
	return 0;
}

/* UNIT_DATA/name, NUL-terminated (*len without the NUL); free(). */
__attribute__((unused)) static char *slurp(const char *name, size_t *len)
{
	char path[512], *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", UNIT_DATA, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* UNIT_DATA/name parsed as a KSR or SKR in text form. */
__attribute__((unused)) static struct kskit_ksr *ksr_file(const char *name)
{
	struct kskit_ksr *ksr = NULL;
	size_t len;
	char *text = slurp(name, &len);

	assert_int_equal(kskit_ksr_parse(text, len, &ksr), 0);
	free(text);
	return ksr;
}

#endif
