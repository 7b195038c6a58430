/* Software verification of DNSSEC-format signatures: OpenSSL signs, kskit
 * verifies; a changed byte in the data or the signature fails. */
#include <stdlib.h>
#include <string.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include "unit.h"
#include "lib/alg.h"
#include "lib/dnskey.h"
#include "lib/error.h"
#include "lib/pkey.h"
#include "lib/sign.h"

static EVP_PKEY *keygen(const struct kskit_alg *alg)
{
	EVP_PKEY *k = kskit_pkey_generate(alg, 2048);

	assert_non_null(k);
	return k;
}

/* OpenSSL's signature in DNSSEC wire format (ECDSA: r || s, RFC 6605). */
static size_t sign(const struct kskit_alg *alg, EVP_PKEY *k, const uint8_t *msg, size_t len,
		   uint8_t *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t der[600];
	size_t der_len = sizeof(der);

	assert_int_equal(EVP_DigestSignInit_ex(ctx, NULL, alg->digest, NULL, NULL, k, NULL), 1);
	assert_int_equal(EVP_DigestSign(ctx, der, &der_len, msg, len), 1);
	EVP_MD_CTX_free(ctx);
	if (alg->key_type != CKK_EC) {
		memcpy(out, der, der_len);
		return der_len;
	}
	const unsigned char *p = der;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	size_t half = alg->bits / 8;

	assert_non_null(es);
	BN_bn2binpad(ECDSA_SIG_get0_r(es), out, (int)half);
	BN_bn2binpad(ECDSA_SIG_get0_s(es), out + half, (int)half);
	ECDSA_SIG_free(es);
	return 2 * half;
}

static void every_algorithm(void **state)
{
	static const uint8_t msg[] = "example.com. 3600 IN DNSKEY ...";

	(void)state;
	for (size_t i = 0; kskit_alg_at(i); i++) {
		const struct kskit_alg *alg = kskit_alg_at(i);
		EVP_PKEY *k = keygen(alg), *pub = NULL;
		uint8_t sig[600], *wire = NULL, bad[sizeof(msg)];
		size_t len = sign(alg, k, msg, sizeof(msg), sig), wire_len = 0;

		/* Verify with the key as a DNSKEY would carry it. */
		assert_int_equal(kskit_dnskey_pubkey(k, alg, &wire, &wire_len), 0);
		assert_int_equal(kskit_dnskey_to_pkey(alg, wire, wire_len, &pub), 0);
		assert_int_equal(kskit_verify(alg, pub, msg, sizeof(msg), sig, len), 0);
		memcpy(bad, msg, sizeof(msg));
		bad[3] ^= 1;
		assert_int_equal(kskit_verify(alg, pub, bad, sizeof(bad), sig, len), KSKIT_EVERIFY);
		sig[len / 2] ^= 0x80;
		assert_int_equal(kskit_verify(alg, pub, msg, sizeof(msg), sig, len), KSKIT_EVERIFY);
		assert_int_equal(kskit_verify(alg, pub, msg, sizeof(msg), sig, len - 1),
				 KSKIT_EVERIFY);
		free(wire);
		EVP_PKEY_free(pub);
		EVP_PKEY_free(k);
	}
}

static void another_key_fails(void **state)
{
	const struct kskit_alg *alg = kskit_alg_by_number(13);
	EVP_PKEY *a = keygen(alg), *b = keygen(alg);
	static const uint8_t msg[] = "data";
	uint8_t sig[128];
	size_t len = sign(alg, a, msg, sizeof(msg), sig);

	(void)state;
	assert_int_equal(kskit_verify(alg, a, msg, sizeof(msg), sig, len), 0);
	assert_int_equal(kskit_verify(alg, b, msg, sizeof(msg), sig, len), KSKIT_EVERIFY);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_algorithm),
		cmocka_unit_test(another_key_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
