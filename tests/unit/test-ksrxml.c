/* IANA root KSR/SKR XML against the root's own files (tests/unit/data/iana):
 * every one parses, every signature in them verifies with the keys beside
 * it, the one with a swapped proof of possession is refused by the policy,
 * what is written reads back the same (byte for byte for a root SKR), and
 * each malformed document is refused. */
#include <stdlib.h>
#include <string.h>

#include "soft.h"
#include "lib/error.h"
#include "lib/ksrxml.h"
#include "lib/policy.h"
#include "lib/rrsig.h"

static const char *const vectors[] = {
	"iana/ksr-root-2016-q3-0.xml",	      "iana/ksr-root-2017-q2-0.xml",
	"iana/skr-root-2017-q1-0.xml",	      "iana/skr-root-2017-q2-0.xml",
	"iana/skr-root-2017-q3-0-c_to_d.xml", "iana/softhsm-ksr.xml",
	"iana/softhsm-ksr.bad.xml",
};

static struct kskit_ksr *parse_file(const char *name)
{
	struct kskit_ksr *ksr = NULL;
	size_t len;
	char *text = slurp(name, &len);

	assert_int_equal(kskit_ksrxml_parse(text, len, &ksr), 0);
	free(text);
	return ksr;
}

/* Signatures in b that verify with a key of b, over b's DNSKEYs. */
static size_t good_signatures(const struct kskit_ksr_bundle *b, size_t *sigs)
{
	ldns_rr_list *set = ldns_rr_list_new();
	size_t good = 0;

	*sigs = 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(b->records); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(b->records, i)) == LDNS_RR_TYPE_DNSKEY)
			ldns_rr_list_push_rr(set, ldns_rr_list_rr(b->records, i));
	for (size_t i = 0; i < ldns_rr_list_rr_count(b->records); i++) {
		const ldns_rr *sig = ldns_rr_list_rr(b->records, i);
		int ok = 0;

		if (ldns_rr_get_type(sig) != LDNS_RR_TYPE_RRSIG)
			continue;
		(*sigs)++;
		for (size_t k = 0; k < ldns_rr_list_rr_count(set); k++)
			ok |= kskit_rrsig_verify(set, sig, ldns_rr_list_rr(set, k)) == 0;
		good += ok;
	}
	ldns_rr_list_free(set);
	return good;
}

static void root_files_parse_and_verify(void **state)
{
	(void)state;
	for (size_t v = 0; v < sizeof(vectors) / sizeof(vectors[0]); v++) {
		struct kskit_ksr *ksr = parse_file(vectors[v]);
		int bad = strstr(vectors[v], ".bad.") != NULL;
		size_t failed = 0;

		assert_int_equal(ksr->xml, 1);
		assert_int_equal(ksr->n_bundles, 9);
		assert_int_equal(ksr->skr, strncmp(vectors[v], "iana/skr", 8) == 0);
		assert_true(ksr->zsk_policy.present);
		assert_int_equal(ksr->ksk_policy.present, ksr->skr);
		for (size_t i = 0; i < ksr->n_bundles; i++) {
			size_t sigs, good = good_signatures(&ksr->bundles[i], &sigs);

			assert_non_null(ksr->bundles[i].id);
			assert_true(ksr->bundles[i].expiration > ksr->bundles[i].time);
			assert_true(sigs > 0);
			failed += sigs - good;
		}
		/* the bad file swaps two bundles' signatures: both fail */
		assert_int_equal(failed, bad ? 2 : 0);
		kskit_ksr_free(ksr);
	}
}

static void values_are_the_files(void **state)
{
	struct kskit_ksr *ksr = parse_file("iana/ksr-root-2017-q2-0.xml");
	const struct kskit_ksr_bundle *b = &ksr->bundles[0];
	const ldns_rr *key = ldns_rr_list_rr(b->records, 0);

	(void)state;
	assert_string_equal(ksr->id, "23e34059-7725-46a8-a7d2-662d657aab2b");
	assert_int_equal(ksr->serial, 1);
	assert_int_equal(ldns_dname_label_count(ksr->zone), 0);
	assert_int_equal(ksr->zsk_policy.publish_safety, 10 * 86400);
	assert_int_equal(ksr->zsk_policy.max_sig_validity, 21 * 86400);
	assert_int_equal(ksr->zsk_policy.min_overlap, 9 * 86400);
	assert_int_equal(ksr->zsk_policy.n_algs, 1);
	assert_int_equal(ksr->zsk_policy.algs[0].alg, 8);
	assert_int_equal(ksr->zsk_policy.algs[0].size, 2048);
	assert_int_equal(ksr->zsk_policy.algs[0].exponent, 65537);
	assert_string_equal(b->id, "dc1bc68c-b1c1-46f8-817f-ec893549f2be");
	assert_int_equal(b->time, 1491004800);	     /* 2017-04-01T00:00:00 */
	assert_int_equal(b->expiration, 1492819200); /* 2017-04-22T00:00:00 */
	assert_int_equal(ldns_calc_keytag(key), 14796);
	assert_int_equal(ldns_rr_ttl(key), 172800);
	assert_memory_equal(b->key_ids[0], "302e312c302a0603", 16);
	kskit_ksr_free(ksr);
}

static void possession_is_policy(void **state)
{
	(void)state;
	for (int bad = 0; bad < 2; bad++) {
		struct kskit_ksr *ksr =
			parse_file(bad ? "iana/softhsm-ksr.bad.xml" : "iana/softhsm-ksr.xml");
		struct kskit_skr_plan plan = { 0 };
		struct kskit_policy p;
		struct kskit_policy_input in = { .ksr = ksr, .plan = &plan };
		int ret;

		kskit_policy_defaults(&p, 1);
		p.n_keys_per_bundle = 0;
		p.distinct_keys = 0;
		ret = kskit_policy_check(&p, &in);
		if (bad) {
			assert_int_equal(ret, KSKIT_EPOLICY);
			assert_memory_equal(kskit_error_detail(ret), "KSR-BUNDLE-POP:", 15);
		} else {
			assert_int_equal(ret, 0);
		}
		kskit_policy_clear(&p);
		kskit_ksr_free(ksr);
	}
}

static void written_reads_back(void **state)
{
	(void)state;
	for (size_t v = 0; v < sizeof(vectors) / sizeof(vectors[0]); v++) {
		struct kskit_ksr *a = parse_file(vectors[v]), *b = NULL;
		char *text = NULL;

		assert_int_equal(kskit_ksrxml_format(a, &text), 0);
		assert_int_equal(kskit_ksrxml_parse(text, strlen(text), &b), 0);
		assert_int_equal(a->n_bundles, b->n_bundles);
		assert_string_equal(a->id, b->id);
		assert_memory_equal(&a->zsk_policy, &b->zsk_policy, sizeof(a->zsk_policy));
		for (size_t i = 0; i < a->n_bundles; i++) {
			const ldns_rr_list *x = a->bundles[i].records, *y = b->bundles[i].records;

			assert_string_equal(a->bundles[i].id, b->bundles[i].id);
			assert_int_equal(a->bundles[i].time, b->bundles[i].time);
			assert_int_equal(a->bundles[i].expiration, b->bundles[i].expiration);
			assert_int_equal(ldns_rr_list_compare(x, y), 0);
			for (size_t j = 0; j < ldns_rr_list_rr_count(x); j++)
				assert_string_equal(a->bundles[i].key_ids[j],
						    b->bundles[i].key_ids[j]);
		}
		free(text);
		kskit_ksr_free(b);
		kskit_ksr_free(a);
	}
	/* the root's SKRs are laid out as kskit writes them */
	size_t len;
	char *orig = slurp("iana/skr-root-2017-q2-0.xml", &len), *text = NULL;
	struct kskit_ksr *skr = NULL;

	assert_int_equal(kskit_ksrxml_parse(orig, len, &skr), 0);
	assert_int_equal(kskit_ksrxml_format(skr, &text), 0);
	assert_string_equal(text, orig);
	free(text);
	free(orig);
	kskit_ksr_free(skr);
}

/* The file with the first occurrence of from replaced by to must fail. */
static void refused(const char *name, const char *from, const char *to)
{
	size_t len;
	char *text = slurp(name, &len), *at = strstr(text, from), *changed;
	struct kskit_ksr *ksr = NULL;

	assert_non_null(at);
	assert_true(asprintf(&changed, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from)) >
		    0);
	assert_int_equal(kskit_ksrxml_parse(changed, strlen(changed), &ksr), KSKIT_EKSR);
	assert_null(ksr);
	free(changed);
	free(text);
}

static void malformed_documents_are_refused(void **state)
{
	const char *ksr = "iana/ksr-root-2017-q2-0.xml";
	size_t len;
	char *text = slurp(ksr, &len);
	struct kskit_ksr *out = NULL;

	(void)state;
	/* truncated anywhere */
	for (size_t cut = 1; cut < len; cut += len / 7)
		assert_int_equal(kskit_ksrxml_parse(text, cut, &out), KSKIT_EKSR);
	free(text);
	refused(ksr, "<KSR ", "<KSX ");
	refused(ksr, "</KSR>", "</KSX>");
	refused(ksr, "<Inception>2017-04-01T00:00:00</Inception>", "");
	refused(ksr, "2017-04-01T00:00:00", "2017-04-31T00:00:00");
	refused(ksr, "P21D", "P3M");
	refused(ksr, "P21D", "21 days");
	refused(ksr, "keyTag=\"14796\"", "keyTag=\"14797\"");
	refused(ksr, "<Algorithm>8</Algorithm>", "<Algorithm>300</Algorithm>");
	refused(ksr, "<Protocol>3</Protocol>", "<Protocol>4</Protocol>");
	refused(ksr, "<PublicKey>AwEAA", "<PublicKey>*wEAA");
	refused(ksr, "<TypeCovered>DNSKEY", "<TypeCovered>SOA");
	refused(ksr, "<SignersName>.</SignersName>", "<SignersName>org.</SignersName>");
	refused(ksr, "serial=\"1\"", "serial=\"-1\"");
	refused(ksr, "<KSR id=\"23e34059-7725-46a8-a7d2-662d657aab2b\" ", "<KSR ");
	refused(ksr, "<TTL>", "stray text<TTL>");
	refused(ksr, "<KSR ", "<!DOCTYPE KSR [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<KSR ");
	refused(ksr, "<KSR ", "<!DOCTYPE KSR SYSTEM \"http://192.0.2.1/ksr.dtd\">\n<KSR ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(root_files_parse_and_verify),
		cmocka_unit_test(values_are_the_files),
		cmocka_unit_test(possession_is_policy),
		cmocka_unit_test(written_reads_back),
		cmocka_unit_test(malformed_documents_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
