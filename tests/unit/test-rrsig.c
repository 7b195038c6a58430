/* RRSIGs built by kskit verify with ldns, an implementation nobody here
 * wrote, for every algorithm; a changed record or signature does not. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <ldns/ldns.h>

#include "unit.h"
#include "lib/dnskey.h"
#include "lib/dnsrr.h"
#include "lib/error.h"
#include "lib/pkey.h"
#include "lib/rrsig.h"

struct soft {
	const struct kskit_alg *alg;
	EVP_PKEY *key;
};

/* A software signer in DNSSEC wire format (ECDSA: r || s). */
static int soft_sign(void *ctx, const uint8_t *data, size_t len, uint8_t **sig, size_t *sig_len)
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

static void every_algorithm_verifies_with_ldns(void **state)
{
	time_t now = time(NULL);

	(void)state;
	for (size_t i = 0; kskit_alg_at(i); i++) {
		struct soft ksk = { kskit_alg_at(i), NULL };
		EVP_PKEY *zsk = kskit_pkey_generate(ksk.alg, 0);
		ldns_rr *k = NULL, *z = NULL, *sig = NULL;
		ldns_rr_list *rrset = ldns_rr_list_new(), *keys = ldns_rr_list_new();
		uint16_t tag = 0;

		ksk.key = kskit_pkey_generate(ksk.alg, 0);
		assert_int_equal(kskit_dnskey_rr("Example.COM", 3600, ksk.key, ksk.alg, 257, &k),
				 0);
		assert_int_equal(kskit_dnskey_rr("example.com.", 3600, zsk, ksk.alg, 256, &z), 0);
		ldns_rr_list_push_rr(rrset, z);
		ldns_rr_list_push_rr(rrset, k);
		ldns_rr_list_push_rr(keys, k);
		assert_int_equal(kskit_dnskey_keytag(ksk.key, ksk.alg, 257, &tag), 0);
		struct kskit_rrsig_params p = { ksk.alg, tag, ldns_rr_owner(k),
						(uint32_t)now - 3600, (uint32_t)now + 86400 };
		assert_int_equal(kskit_rrsig_make(rrset, &p, soft_sign, &ksk, &sig), 0);
		assert_int_equal(ldns_verify_rrsig_keylist_time(rrset, sig, keys, now, NULL),
				 LDNS_STATUS_OK);
		/* A different TTL on the wire does not matter (the original TTL is
		 * signed); a different key does. */
		ldns_rr_set_ttl(z, 60);
		assert_int_equal(ldns_verify_rrsig_keylist_time(rrset, sig, keys, now, NULL),
				 LDNS_STATUS_OK);
		ldns_rdf *last = ldns_rr_rdf(z, 3);
		ldns_rdf_data(last)[0] ^= 1;
		assert_int_not_equal(ldns_verify_rrsig_keylist_time(rrset, sig, keys, now, NULL),
				     LDNS_STATUS_OK);
		ldns_rr_free(sig);
		ldns_rr_list_free(keys);
		ldns_rr_list_deep_free(rrset);
		EVP_PKEY_free(zsk);
		EVP_PKEY_free(ksk.key);
	}
}

static void mixed_rrset_refused(void **state)
{
	const struct kskit_alg *alg = kskit_alg_by_number(13);
	struct soft s = { alg, kskit_pkey_generate(alg, 0) };
	ldns_rr *a = NULL, *b = NULL, *sig = NULL;
	ldns_rr_list *rrset = ldns_rr_list_new();

	(void)state;
	assert_int_equal(kskit_dnskey_rr("a.example.", 3600, s.key, alg, 257, &a), 0);
	assert_int_equal(kskit_dnskey_rr("b.example.", 3600, s.key, alg, 257, &b), 0);
	ldns_rr_list_push_rr(rrset, a);
	ldns_rr_list_push_rr(rrset, b);
	struct kskit_rrsig_params p = { alg, 1, ldns_rr_owner(a), 0, 1 };
	assert_int_equal(kskit_rrsig_make(rrset, &p, soft_sign, &s, &sig), KSKIT_EINVAL);
	assert_null(sig);
	ldns_rr_list_deep_free(rrset);
	EVP_PKEY_free(s.key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_algorithm_verifies_with_ldns),
		cmocka_unit_test(mixed_rrset_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
