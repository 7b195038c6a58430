/* A request built here reads back through kskit's own parsers unchanged in
 * every form; the XML proofs of possession verify with ldns; every bad
 * schedule or key is refused, and a ZSK whose signature does not verify
 * never reaches the request. */
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>

#include "soft.h"
#include "lib/dnsrr.h"
#include "lib/error.h"
#include "lib/ksrbuild.h"
#include "lib/ksrxml.h"
#include "lib/pkey.h"

#define START 1798761600 /* 2027-01-01T00:00:00Z */

struct zsk {
	struct kskit_soft_key key;
	ldns_rr *dnskey;
	struct kskit_ksr_zsk z;
};

static void zsk_new(struct zsk *k, const char *zone, unsigned alg, uint16_t flags, const char *id)
{
	k->key.alg = kskit_alg_by_number(alg);
	k->key.key = kskit_pkey_generate(k->key.alg, 0);
	assert_non_null(k->key.key);
	assert_int_equal(kskit_dnskey_rr(zone, 3600, k->key.key, k->key.alg, flags, &k->dnskey), 0);
	k->z = (struct kskit_ksr_zsk){ .dnskey = k->dnskey,
				       .id = id,
				       .first = 0,
				       .last = 8,
				       .alg = k->key.alg,
				       .sign = kskit_soft_sign,
				       .ctx = &k->key };
}

static void zsk_free(struct zsk *k)
{
	ldns_rr_free(k->dnskey);
	EVP_PKEY_free(k->key.key);
}

static const struct kskit_ksr_schedule root = {
	.form = KSKIT_KSR_XML,
	.start = START,
	.period = 10 * 86400,
	.periods = 9,
	.validity = 21 * 86400,
	.ttl = 172800,
	.serial = 7,
	.generated = START - 86400,
};

/* The number of DNSKEYs in a bundle. */
static size_t keys_in(const struct kskit_ksr_bundle *b)
{
	size_t n = 0;

	for (size_t i = 0; i < ldns_rr_list_rr_count(b->records); i++)
		n += ldns_rr_get_type(ldns_rr_list_rr(b->records, i)) == LDNS_RR_TYPE_DNSKEY;
	return n;
}

static void text_forms_read_back(void **state)
{
	struct zsk k[2];
	struct kskit_ksr_zsk z[2];

	(void)state;
	zsk_new(&k[0], "example.com.", 13, 256, "a");
	zsk_new(&k[1], "example.com.", 13, 256, "b");
	k[0].z.last = 4;
	k[1].z.first = 4;
	z[0] = k[0].z;
	z[1] = k[1].z;
	for (int bind = 0; bind <= 1; bind++) {
		struct kskit_ksr_schedule s = root;
		struct kskit_ksr *ksr = NULL, *back = NULL;
		char *text = NULL;

		s.form = bind ? KSKIT_KSR_BIND : KSKIT_KSR_KNOT;
		assert_int_equal(kskit_ksr_build(&s, z, 2, &ksr), 0);
		assert_int_equal(kskit_ksr_format(ksr, ksr->bind_times, &text), 0);
		assert_int_equal(kskit_ksr_parse(text, strlen(text), &back), 0);
		assert_int_equal(back->bind_times, bind);
		assert_int_equal(back->n_bundles, 9);
		for (size_t i = 0; i < 9; i++) {
			assert_int_equal(back->bundles[i].time, START + (time_t)i * 864000);
			/* keys only, no signatures: a and b overlap in bundle 5 */
			assert_int_equal(ldns_rr_list_rr_count(back->bundles[i].records),
					 i == 4 ? 2 : 1);
			assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(back->bundles[i].records, 0)),
					 172800);
		}
		assert_int_equal(
			ldns_rr_compare(ldns_rr_list_rr(back->bundles[8].records, 0), k[1].dnskey),
			0);
		free(text);
		kskit_ksr_free(back);
		kskit_ksr_free(ksr);
	}
	zsk_free(&k[0]);
	zsk_free(&k[1]);
}

static void xml_proves_possession(void **state)
{
	struct zsk k[3];
	struct kskit_ksr_zsk z[3];
	struct kskit_ksr *ksr = NULL, *back = NULL;
	char *text = NULL;

	(void)state;
	/* the root's pattern: old in bundle 1, current throughout, next in 9 */
	zsk_new(&k[0], ".", 8, 256, "old");
	zsk_new(&k[1], ".", 8, 256, "cur");
	zsk_new(&k[2], ".", 8, 256, "next");
	k[0].z.last = 0;
	k[2].z.first = 8;
	for (int i = 0; i < 3; i++)
		z[i] = k[i].z;
	assert_int_equal(kskit_ksr_build(&root, z, 3, &ksr), 0);
	assert_int_equal(kskit_ksrxml_format(ksr, &text), 0);
	assert_int_equal(kskit_ksrxml_parse(text, strlen(text), &back), 0);
	assert_true(back->xml && back->id && strlen(back->id) == 36);
	assert_int_equal(back->serial, 7);
	assert_int_equal(back->zsk_policy.min_sig_validity, 21 * 86400);
	assert_int_equal(back->zsk_policy.max_overlap, 11 * 86400);
	assert_int_equal(back->zsk_policy.n_algs, 1);
	assert_int_equal(back->zsk_policy.algs[0].size, 2048);
	assert_int_equal(back->zsk_policy.algs[0].exponent, 65537);
	for (size_t i = 0; i < 9; i++) {
		const struct kskit_ksr_bundle *b = &back->bundles[i];
		ldns_rr_list *keys = ldns_rr_list_new(), *sigs = ldns_rr_list_new();
		size_t want = i == 0 || i == 8 ? 2 : 1;

		assert_int_equal(b->expiration, b->time + 21 * 86400);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(b->id, back->bundles[j].id);
		assert_int_equal(keys_in(b), want);
		assert_int_equal(ldns_rr_list_rr_count(b->records), 2 * want);
		for (size_t j = 0; j < ldns_rr_list_rr_count(b->records); j++) {
			ldns_rr *rr = ldns_rr_list_rr(b->records, j);

			ldns_rr_list_push_rr(
				ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY ? keys : sigs, rr);
		}
		assert_string_equal(b->key_ids[0], i == 0 ? "old" : "cur");
		/* every proof verifies with ldns, by its own key, in the bundle's time */
		for (size_t j = 0; j < want; j++)
			assert_int_equal(ldns_verify_rrsig_keylist_time(keys,
									ldns_rr_list_rr(sigs, j),
									keys, b->time + 3600, NULL),
					 LDNS_STATUS_OK);
		ldns_rr_list_free(keys);
		ldns_rr_list_free(sigs);
	}
	free(text);
	kskit_ksr_free(back);
	kskit_ksr_free(ksr);
	for (int i = 0; i < 3; i++)
		zsk_free(&k[i]);
}

static int bad_sign(void *ctx, const uint8_t *data, size_t len, uint8_t **sig, size_t *sig_len)
{
	int ret = kskit_soft_sign(ctx, data, len, sig, sig_len);

	if (ret == 0)
		(*sig)[*sig_len / 2] ^= 0x01;
	return ret;
}

/* kskit_ksr_build(s, z, n) fails with code. */
static void refused(const struct kskit_ksr_schedule *s, const struct kskit_ksr_zsk *z, size_t n,
		    int code)
{
	struct kskit_ksr *ksr = (struct kskit_ksr *)1;

	assert_int_equal(kskit_ksr_build(s, z, n, &ksr), code);
	assert_null(ksr);
}

static void bad_input_is_refused(void **state)
{
	struct zsk k[3];
	struct kskit_ksr_zsk z[2];
	struct kskit_ksr_schedule s = root;

	(void)state;
	zsk_new(&k[0], "example.com.", 13, 256, "a");
	zsk_new(&k[1], "example.net.", 13, 256, "b");
	zsk_new(&k[2], "example.com.", 13, 257, "ksk");
	z[0] = k[0].z;
	z[1] = k[1].z;
	refused(&s, z, 2, KSKIT_EINVAL); /* two zones */
	assert_non_null(strstr(kskit_error_detail(KSKIT_EINVAL), "another zone"));
	z[1] = k[2].z;
	refused(&s, z, 2, KSKIT_EINVAL); /* a KSK */
	z[1] = k[0].z;
	refused(&s, z, 2, KSKIT_EINVAL); /* twice */
	assert_non_null(strstr(kskit_error_detail(KSKIT_EINVAL), "given twice"));
	z[0].first = 1;
	refused(&s, z, 1, KSKIT_EINVAL); /* bundle 1 empty */
	assert_non_null(strstr(kskit_error_detail(KSKIT_EINVAL), "bundle 1 has no ZSK"));
	z[0] = k[0].z;
	z[0].last = 9;
	refused(&s, z, 1, KSKIT_EINVAL); /* past the last bundle */
	z[0] = k[0].z;
	s.validity = s.period;
	refused(&s, z, 1, KSKIT_EINVAL); /* gaps */
	s = root;
	z[0].sign = NULL;
	refused(&s, z, 1, KSKIT_EINVAL); /* XML without a signer */
	z[0].sign = bad_sign;
	refused(&s, z, 1, KSKIT_EVERIFY);
	s.periods = 0;
	refused(&s, z, 1, KSKIT_EINVAL);
	for (int i = 0; i < 3; i++)
		zsk_free(&k[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_forms_read_back),
		cmocka_unit_test(xml_proves_possession),
		cmocka_unit_test(bad_input_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
