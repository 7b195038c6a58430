/* KSR/SKR text parsing against Knot 3.2.6's own output (keymgr generate-ksr
 * and sign-ksr, tests/unit/data/ksr/) and a BIND 9.20-style request made
 * from it by hand; a refused input beside each rule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soft.h"
#include "lib/error.h"
#include "lib/ksr.h"

#define KSR_HEAD ";; KeySigningRequest 1.0 1795330869\n"
#define KEY1                                                                                       \
	"example.com. 3600 DNSKEY 256 3 13 k8qlohvpyexHe6++5vY3++BljOqRksK326xhu30fu4PY1hS9tHkpzV5VHGGIhcJQPKil9KIGb3qKtY8EWVM2pg==\n"
#define KSR_TAIL ";; KeySigningRequest 1.0 generated at 2026-11-22T07:01:09Z by Knot DNS 3.2.6\n"

static struct kskit_ksr *parse_file(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "ksr/%s", name);
	return ksr_file(path);
}

static void assert_same(const struct kskit_ksr *a, const struct kskit_ksr *b)
{
	assert_int_equal(a->skr, b->skr);
	assert_int_equal(ldns_dname_compare(a->zone, b->zone), 0);
	assert_int_equal(a->n_bundles, b->n_bundles);
	assert_int_equal(a->generated, b->generated);
	for (size_t i = 0; i < a->n_bundles; i++) {
		ldns_rr_list *x = a->bundles[i].records, *y = b->bundles[i].records;

		assert_int_equal(a->bundles[i].time, b->bundles[i].time);
		assert_int_equal(ldns_rr_list_rr_count(x), ldns_rr_list_rr_count(y));
		for (size_t j = 0; j < ldns_rr_list_rr_count(x); j++) {
			assert_int_equal(
				ldns_rr_compare(ldns_rr_list_rr(x, j), ldns_rr_list_rr(y, j)), 0);
			assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(x, j)),
					 ldns_rr_ttl(ldns_rr_list_rr(y, j)));
		}
	}
}

static void round_trip(const struct kskit_ksr *ksr)
{
	for (int bind = 0; bind <= 1; bind++) {
		struct kskit_ksr *back = NULL;
		char *text = NULL;

		assert_int_equal(kskit_ksr_format(ksr, bind, &text), 0);
		assert_int_equal(kskit_ksr_parse(text, strlen(text), &back), 0);
		assert_int_equal(back->bind_times, bind);
		assert_same(ksr, back);
		kskit_ksr_free(back);
		free(text);
	}
}

static void knot_ksr_parses_and_round_trips(void **state)
{
	static const time_t times[] = { 1795330869, 1797922869, 1797926469, 1797930069,
					1800518469, 1800522069, 1800525669, 1803106869 };
	static const size_t keys[] = { 1, 2, 2, 1, 2, 2, 1, 1 };
	struct kskit_ksr *ksr = parse_file("knot-3.2.6.ksr");
	char *zone = ldns_rdf2str(ksr->zone);

	(void)state;
	assert_int_equal(ksr->skr, 0);
	assert_int_equal(ksr->bind_times, 0);
	assert_string_equal(zone, "example.com.");
	assert_int_equal(ksr->generated, 1795330869);
	assert_int_equal(ksr->n_bundles, 8);
	for (size_t i = 0; i < 8; i++) {
		assert_int_equal(ksr->bundles[i].time, times[i]);
		assert_int_equal(ldns_rr_list_rr_count(ksr->bundles[i].records), keys[i]);
		assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(ksr->bundles[i].records, 0)),
				 LDNS_RR_TYPE_DNSKEY);
	}
	assert_int_equal(ldns_calc_keytag(ldns_rr_list_rr(ksr->bundles[0].records, 0)), 41051);
	round_trip(ksr);
	free(zone);
	kskit_ksr_free(ksr);
}

static void knot_skr_parses_and_round_trips(void **state)
{
	struct kskit_ksr *ksr = parse_file("knot-3.2.6.skr");
	ldns_rr_list *first;

	(void)state;
	assert_int_equal(ksr->skr, 1);
	assert_int_equal(ksr->n_bundles, 14);
	assert_int_equal(ksr->bundles[0].time, 1795330869);
	assert_int_equal(ksr->bundles[13].time, 1803106869);
	first = ksr->bundles[0].records;
	assert_int_equal(ldns_rr_list_rr_count(first), 7);
	assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(first, 2)), LDNS_RR_TYPE_CDNSKEY);
	assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(first, 3)), LDNS_RR_TYPE_CDS);
	assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(first, 4)), LDNS_RR_TYPE_RRSIG);
	assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(first, 3)), 0);
	round_trip(ksr);
	kskit_ksr_free(ksr);
}

static void bind_style_ksr_parses_like_knot(void **state)
{
	struct kskit_ksr *bind = parse_file("bind-style.ksr"), *knot = parse_file("knot-3.2.6.ksr");

	(void)state;
	assert_int_equal(bind->bind_times, 1);
	assert_same(knot, bind);
	kskit_ksr_free(bind);
	kskit_ksr_free(knot);
}

struct refusal {
	const char *text, *word;
};

static const struct refusal refusals[] = {
	{ "", "empty" },
	{ "\n  \n", "empty" },
	{ "; just a comment\n", "no \";; KeySigningRequest" },
	{ KEY1 KSR_TAIL, "before the first header" },
	{ KSR_HEAD KEY1 ";; SignedKeyResponse 1.0 1795330870\n" KEY1 KSR_TAIL,
	  "SignedKeyResponse header in a KeySigningRequest" },
	{ ";; KeySigningRequest 2.0 1795330869\n" KEY1 KSR_TAIL, "unknown version" },
	{ KSR_HEAD KEY1 ";; KeySigningRequest 1.0 1795330869\n" KEY1 KSR_TAIL, "not after" },
	{ KSR_HEAD KEY1 ";; KeySigningRequest 1.0 1795330868\n" KEY1 KSR_TAIL, "not after" },
	{ ";; KeySigningRequest 1.0 17953x0869\n" KEY1 KSR_TAIL, "malformed timestamp" },
	{ ";; KeySigningRequest 1.0 20261322070109\n" KEY1 KSR_TAIL, "malformed timestamp" },
	{ ";; KeySigningRequest 1.0\n" KEY1 KSR_TAIL, "without a time" },
	{ KSR_HEAD KEY1 ";; KeySigningRequest 1.0 20261222070109\n" KEY1 KSR_TAIL,
	  "style differs" },
	{ KSR_HEAD "example.com. 3600 DNSKEY 256 3 13 !!!\n" KSR_TAIL, "does not parse" },
	{ KSR_HEAD "example.com. 3600 DNSKEY 256 3 13 (\n AAAA\n" KSR_TAIL, "never closes" },
	{ KSR_HEAD KEY1 "example.net. 3600 DNSKEY 256 3 13 AAAA\n" KSR_TAIL, "owner differs" },
	{ KSR_HEAD KEY1
	  "example.com. 3600 CDS 35402 13 2 0E0D48F1B0ECDF0990E4F3B17FD4F6C376923C02A851B8506F7808B5FB7D9BEC\n" KSR_TAIL,
	  "CDS not allowed" },
	{ ";; SignedKeyResponse 1.0 1795330869\nexample.com. 3600 A 192.0.2.1\n;; SignedKeyResponse 1.0 generated at 2026-11-22T07:01:09Z by x\n",
	  "A not allowed" },
	{ KSR_HEAD ";; KeySigningRequest 1.0 1795330870\n" KEY1 KSR_TAIL, "no records" },
	{ KSR_HEAD KSR_TAIL, "no records" },
	{ KSR_HEAD KEY1 KSR_TAIL "garbage\n", "after the closing line" },
	{ KSR_HEAD KEY1 KSR_TAIL KSR_HEAD, "after the closing line" },
	{ KSR_HEAD KEY1, "no closing line" },
	{ KSR_HEAD KEY1 ";; KeySigningRequest 1.0 generated at yesterday by x\n",
	  "generation time" },
	{ KSR_HEAD "example.com. 3600 CH DNSKEY 256 3 13 AAAA\n" KSR_TAIL, "class" },
	{ KSR_HEAD "example.com 3600 DNSKEY 256 3 13 AAAA\n" KSR_TAIL, "relative" },
	{ KSR_HEAD " 3600 DNSKEY 256 3 13 AAAA\n" KSR_TAIL, "owner name" },
	{ KSR_HEAD "example.com. 3600 DNSKEY \\# 0\n" KSR_TAIL, "without all its fields" },
};

static void malformed_input_is_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		struct kskit_ksr *ksr = NULL;
		int ret = kskit_ksr_parse(refusals[i].text, strlen(refusals[i].text), &ksr);

		if (ret != KSKIT_EKSR || !strstr(kskit_error_detail(ret), refusals[i].word)) {
			print_error("case %zu: %d \"%s\"\n", i, ret, kskit_error_detail(ret));
			fail();
		}
		assert_null(ksr);
	}
}

static void nul_byte_is_refused(void **state)
{
	static const char text[] = KSR_HEAD KEY1 "\0" KSR_TAIL;
	struct kskit_ksr *ksr = NULL;

	(void)state;
	assert_int_equal(kskit_ksr_parse(text, sizeof(text) - 1, &ksr), KSKIT_EKSR);
	assert_non_null(strstr(kskit_error_detail(KSKIT_EKSR), "line 3: NUL"));
	assert_null(ksr);
}

static void detail_names_the_line(void **state)
{
	static const char text[] =
		KSR_HEAD "; comment\n\n" KEY1 "example.com. 3600 DNSKEY 256 3 13 (\n"
			 " AAAA ) ; ok\nexample.com. 3600 DNSKEY 256 3 13 !!\n" KSR_TAIL;
	struct kskit_ksr *ksr = NULL;

	(void)state;
	assert_int_equal(kskit_ksr_parse(text, sizeof(text) - 1, &ksr), KSKIT_EKSR);
	assert_non_null(strstr(kskit_error_detail(KSKIT_EKSR), "line 7:"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(knot_ksr_parses_and_round_trips),
		cmocka_unit_test(knot_skr_parses_and_round_trips),
		cmocka_unit_test(bind_style_ksr_parses_like_knot),
		cmocka_unit_test(malformed_input_is_refused),
		cmocka_unit_test(nul_byte_is_refused),
		cmocka_unit_test(detail_names_the_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
