/* DNSKEY encodings and key tags against published DNSKEYs and their tags:
 * the root KSK-2017 (RFC 7958 trust anchor, tag 20326), the examples of
 * RFC 6605 (ECDSA) and RFC 8080 (Ed25519). */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "unit.h"
#include "lib/alg.h"
#include "lib/dnskey.h"
#include "lib/error.h"

struct vector {
	unsigned alg;
	const char *b64;
	uint16_t flags, tag;
};

static const struct vector vectors[] = {
	{ 8,
	  "AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3+/4RgWOq"
	  "7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kvArMtNROxVQuCaSnI"
	  "DdD5LKyWbRd2n9WGe2R8PzgCmr3EgVLrjyBxWezF0jLHwVN8efS3rCj/EWgvIWgb"
	  "9tarpVUDK/b58Da+sqqls3eNbuv7pr+eoZG+SrDK6nWeL3c6H5Apxz7LjVc1uTId"
	  "sIXxuOLYA4/ilBmSVIzuDWfdRUfhHdY6+cn8HFRm+2hM8AnXGXws9555KrUB5qih"
	  "ylGa8subX2Nn6UwNR1AkUTV74bU=",
	  257, 20326 },
	{ 13,
	  "GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+"
	  "e+MAnLr+Wi9xMWyQLc8NAA==",
	  257, 55648 },
	{ 14,
	  "xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/egsXvSADtNJhyem5RC"
	  "OpgQ6K8X1DRSEkrbYQ+OB+v8/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40",
	  257, 10771 },
	{ 15, "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=", 257, 3613 },
};

static size_t b64(const char *s, uint8_t *out)
{
	size_t n = strlen(s), pad = 0;
	int r = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);

	while (pad < 2 && s[n - 1 - pad] == '=')
		pad++;
	assert_true(r > 0);
	return (size_t)r - pad;
}

static void published_keys_round_trip_with_their_tags(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];
		const struct kskit_alg *alg = kskit_alg_by_number(v->alg);
		uint8_t key[600], *back = NULL;
		size_t len = b64(v->b64, key), back_len = 0;
		EVP_PKEY *pkey = NULL;
		uint16_t tag = 0;

		assert_non_null(alg);
		assert_int_equal(kskit_dnskey_to_pkey(alg, key, len, &pkey), 0);
		assert_ptr_equal(kskit_alg_for_pkey(pkey), alg->number == 8 ? alg : alg);
		assert_int_equal(kskit_dnskey_pubkey(pkey, alg, &back, &back_len), 0);
		assert_int_equal(back_len, len);
		assert_memory_equal(back, key, len);
		assert_int_equal(kskit_dnskey_keytag(pkey, alg, v->flags, &tag), 0);
		assert_int_equal(tag, v->tag);
		free(back);
		EVP_PKEY_free(pkey);
	}
}

static void wrong_algorithm_for_key_is_refused(void **state)
{
	const struct kskit_alg *p256 = kskit_alg_by_number(13), *p384 = kskit_alg_by_number(14);
	const struct kskit_alg *rsa = kskit_alg_by_number(8);
	uint8_t key[200], *out = NULL;
	size_t len = b64(vectors[1].b64, key), out_len = 0;
	EVP_PKEY *pkey = NULL;

	(void)state;
	assert_int_equal(kskit_dnskey_to_pkey(p256, key, len, &pkey), 0);
	assert_int_equal(kskit_dnskey_pubkey(pkey, p384, &out, &out_len), KSKIT_EKEY_TYPE);
	assert_int_equal(kskit_dnskey_pubkey(pkey, rsa, &out, &out_len), KSKIT_EKEY_TYPE);
	assert_null(out);
	EVP_PKEY_free(pkey);
}

static void malformed_dnskeys_are_refused(void **state)
{
	const struct kskit_alg *rsa = kskit_alg_by_number(8), *p256 = kskit_alg_by_number(13);
	const struct kskit_alg *ed = kskit_alg_by_number(15);
	static const uint8_t short_exp[] = { 0x05, 0x01, 0x00 };
	static const uint8_t zero_exp[] = { 0x00, 0x00, 0x00, 0x01 };
	uint8_t off_curve[64];
	EVP_PKEY *pkey = NULL;

	(void)state;
	assert_int_equal(kskit_dnskey_to_pkey(rsa, short_exp, sizeof(short_exp), &pkey),
			 KSKIT_EKEYFILE);
	assert_int_equal(kskit_dnskey_to_pkey(rsa, zero_exp, sizeof(zero_exp), &pkey),
			 KSKIT_EKEYFILE);
	assert_int_equal(kskit_dnskey_to_pkey(rsa, short_exp, 0, &pkey), KSKIT_EKEYFILE);
	assert_int_equal(kskit_dnskey_to_pkey(p256, off_curve, 63, &pkey), KSKIT_EKEYFILE);
	memset(off_curve, 0x11, sizeof(off_curve));
	assert_int_not_equal(kskit_dnskey_to_pkey(p256, off_curve, 64, &pkey), 0);
	assert_int_not_equal(kskit_dnskey_to_pkey(ed, off_curve, 31, &pkey), 0);
	assert_null(pkey);
}

static void algorithm_table(void **state)
{
	(void)state;
	assert_ptr_equal(kskit_alg_by_name("rsasha256"), kskit_alg_by_number(8));
	assert_ptr_equal(kskit_alg_by_name("13"), kskit_alg_by_number(13));
	assert_null(kskit_alg_by_name("RSAMD5"));
	assert_null(kskit_alg_by_name("300"));
	assert_null(kskit_alg_by_name(""));
	assert_null(kskit_alg_by_number(5));
	for (size_t i = 0; kskit_alg_at(i); i++) {
		const struct kskit_alg *a = kskit_alg_at(i);

		if (a->ec_params)
			assert_ptr_equal(kskit_alg_by_ec_params(a->ec_params, a->ec_params_len), a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(published_keys_round_trip_with_their_tags),
		cmocka_unit_test(wrong_algorithm_for_key_is_refused),
		cmocka_unit_test(malformed_dnskeys_are_refused),
		cmocka_unit_test(algorithm_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
