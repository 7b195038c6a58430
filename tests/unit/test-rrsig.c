/* RRSIGs built by kskit verify with ldns, an implementation nobody here
 * wrote, for every algorithm; a changed record or signature does not. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <ldns/ldns.h>

#include "soft.h"
#include "lib/dnskey.h"
#include "lib/dnsrr.h"
#include "lib/error.h"
#include "lib/pkey.h"
#include "lib/rrsig.h"

static void every_algorithm_verifies_with_ldns(void **state)
{
	time_t now = time(NULL);

	(void)state;
	for (size_t i = 0; kskit_alg_at(i); i++) {
		struct kskit_soft_key ksk = { kskit_alg_at(i), NULL };
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
		assert_int_equal(kskit_rrsig_make(rrset, &p, kskit_soft_sign, &ksk, &sig), 0);
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
	struct kskit_soft_key s = { alg, kskit_pkey_generate(alg, 0) };
	ldns_rr *a = NULL, *b = NULL, *sig = NULL;
	ldns_rr_list *rrset = ldns_rr_list_new();

	(void)state;
	assert_int_equal(kskit_dnskey_rr("a.example.", 3600, s.key, alg, 257, &a), 0);
	assert_int_equal(kskit_dnskey_rr("b.example.", 3600, s.key, alg, 257, &b), 0);
	ldns_rr_list_push_rr(rrset, a);
	ldns_rr_list_push_rr(rrset, b);
	struct kskit_rrsig_params p = { alg, 1, ldns_rr_owner(a), 0, 1 };
	assert_int_equal(kskit_rrsig_make(rrset, &p, kskit_soft_sign, &s, &sig), KSKIT_EINVAL);
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
