/* The signing policy over Knot 3.2.6's KSR and SKR: the defaults pass, and
 * each check, made stricter than the request, names itself; the policy
 * templates say exactly what the defaults are. */
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>

#include "soft.h"
#include "lib/dnskey.h"
#include "lib/dnsrr.h"
#include "lib/error.h"
#include "lib/ksr.h"
#include "lib/pkey.h"
#include "lib/policy.h"
#include "lib/skr.h"

#define DAY 86400

struct fixture {
	struct kskit_ksr *ksr, *skr;
	struct kskit_soft_key soft;
	ldns_rr *dnskey;
	struct kskit_ksk ksk;
	struct kskit_skr_plan plan;
	struct kskit_policy_input in;
	int on_token_result;
};

static int on_token(void *ctx, const ldns_rr *dnskey)
{
	(void)dnskey;
	return ((struct fixture *)ctx)->on_token_result;
}

static int setup(void **state)
{
	static const struct kskit_skr_params knot = { .lifetime = 14 * DAY,
						      .refresh = 7200,
						      .backdate = 5400 };
	struct fixture *f = calloc(1, sizeof(*f));

	f->ksr = ksr_file("ksr/knot-3.2.6.ksr");
	f->skr = ksr_file("ksr/knot-3.2.6.skr");
	f->soft.alg = kskit_alg_by_number(13);
	f->soft.key = kskit_pkey_generate(f->soft.alg, 0);
	assert_int_equal(
		kskit_dnskey_rr("example.com.", 0, f->soft.key, f->soft.alg, 257, &f->dnskey), 0);
	f->ksk = (struct kskit_ksk){
		.dnskey = f->dnskey, .alg = f->soft.alg, .sign = kskit_soft_sign, .ctx = &f->soft
	};
	kskit_ksk_always(&f->ksk);
	assert_int_equal(kskit_skr_plan(f->ksr, &f->ksk, 1, &knot, &f->plan), 0);
	f->in = (struct kskit_policy_input){ .ksr = f->ksr,
					     .plan = &f->plan,
					     .ksks = &f->ksk,
					     .n_ksks = 1,
					     .now = f->ksr->bundles[0].time - DAY,
					     .on_token = on_token,
					     .ctx = f };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	kskit_skr_plan_free(&f->plan);
	ldns_rr_free(f->dnskey);
	EVP_PKEY_free(f->soft.key);
	kskit_ksr_free(f->skr);
	kskit_ksr_free(f->ksr);
	free(f);
	return 0;
}

/* The check with the text defaults and then settings; 0 or the code, and
 * the detail must start with the check's name. */
static int check_with(struct fixture *f, const char *settings, const char *name)
{
	struct kskit_policy p;
	int ret;

	kskit_policy_defaults(&p, 0);
	assert_int_equal(kskit_policy_parse(settings, strlen(settings), &p), 0);
	ret = kskit_policy_check(&p, &f->in);
	if (name) {
		assert_int_equal(ret, KSKIT_EPOLICY);
		assert_memory_equal(kskit_error_detail(ret), name, strlen(name));
		assert_int_equal(kskit_error_detail(ret)[strlen(name)], ':');
	}
	kskit_policy_clear(&p);
	return ret;
}

static void defaults_pass(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(check_with(f, "", NULL), 0);
	assert_int_equal(check_with(f, "domain example.com\nalgorithm ECDSAP256SHA256\n", NULL), 0);
	/* kskm compares the minimum validity with the maximum; not here */
	assert_int_equal(check_with(f, "signature-validity 1d 30d\n", NULL), 0);
}

static void each_check_names_itself(void **state)
{
	struct fixture *f = *state;

	check_with(f, "domain example.net .", "KSR-DOMAIN");
	check_with(f, "bundles 1 3", "KSR-BUNDLE-COUNT");
	check_with(f, "cycle-length 0 30d", "KSR-BUNDLE-CYCLE-DURATION");
	check_with(f, "bundle-interval 2h 30d", "KSR-POLICY-BUNDLE-INTERVAL");
	check_with(f, "keys-per-bundle 1 1 1 1 1 1 1 1", "KSR-POLICY-KEYS");
	check_with(f, "distinct-keys 2", "KSR-POLICY-KEYS");
	check_with(f, "algorithm RSASHA256", "KSR-POLICY-ALG");
	check_with(f, "signature-validity 20d 30d", "KSR-POLICY-SIG-VALIDITY");
	check_with(f, "signature-validity 1d 14d", "KSR-POLICY-SIG-VALIDITY");
	check_with(f, "validity-overlap 4h 90d", "KSR-POLICY-SIG-OVERLAP");
	check_with(f, "horizon 30d", "KSR-POLICY-SIG-HORIZON");
	check_with(f, "ksk 1 0 2030-01-01T00:00:00Z", NULL);
	char window[128];
	snprintf(window, sizeof(window), "ksk %u 0 %lld", ldns_calc_keytag(f->dnskey),
		 (long long)f->ksr->bundles[1].time);
	check_with(f, window, "SKR-KSK-VALIDITY");
	/* a request already expired: the clock, or a replay */
	f->in.now = f->plan.slots[0].expiration;
	check_with(f, "", "KSR-POLICY-SIG-HORIZON");
}

static void deprecated_algorithms_and_ksks_in_requests(void **state)
{
	struct fixture *f = *state;
	ldns_rr *key = ldns_rr_list_rr(f->ksr->bundles[0].records, 0);
	ldns_rdf *old = ldns_rr_rdf(key, 0);

	ldns_rr_set_rdf(key, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, 257), 0);
	check_with(f, "", "KSR-BUNDLE-KEYS");
	ldns_rdf_deep_free(ldns_rr_set_rdf(key, old, 0));
	old = ldns_rr_rdf(key, 2);
	ldns_rr_set_rdf(key, ldns_native2rdf_int8(LDNS_RDF_TYPE_ALG, 5), 2);
	check_with(f, "", "KSR-POLICY-ALG");
	ldns_rdf_deep_free(ldns_rr_set_rdf(key, ldns_native2rdf_int8(LDNS_RDF_TYPE_ALG, 16), 2));
	check_with(f, "", "KSR-POLICY-ALG");
	ldns_rdf_deep_free(ldns_rr_set_rdf(key, old, 2));
	assert_int_equal(check_with(f, "", NULL), 0);
}

static void chain_with_the_previous_response(void **state)
{
	struct fixture *f = *state;
	struct kskit_ksr next = *f->ksr;

	/* the same request again */
	f->in.previous = f->skr;
	check_with(f, "", "KSR-ID");
	/* the next request starts where the previous response ended */
	next.bundles += next.n_bundles - 1;
	next.n_bundles = 1;
	f->in.ksr = &next;
	kskit_skr_plan_free(&f->plan);
	static const struct kskit_skr_params knot = { .lifetime = 14 * DAY,
						      .refresh = 7200,
						      .backdate = 5400 };
	assert_int_equal(kskit_skr_plan(&next, &f->ksk, 1, &knot, &f->plan), 0);
	f->in.now = next.bundles[0].time;
	assert_int_equal(check_with(f, "", NULL), 0);
	check_with(f, "validity-overlap 1h 7d", "KSR-CHAIN-OVERLAP");
	f->on_token_result = KSKIT_ENO_OBJECT;
	check_with(f, "", "KSR-CHAIN-KSK");
	f->on_token_result = 0;
	/* a ZSK the previous response's last bundle does not publish (the
	 * first one, retired since) */
	struct kskit_ksr_bundle changed = next.bundles[0];
	changed.records = f->ksr->bundles[0].records;
	next.bundles = &changed;
	check_with(f, "", "KSR-CHAIN-KEYS");
	f->in.ksr = f->ksr;
}

/* The templates spell out the defaults, setting for setting. */
static void templates_are_the_defaults(void **state)
{
	static const char *const files[] = { "../../../templates/policy-text.conf",
					     "../../../templates/policy-root.conf" };

	(void)state;
	for (int xml = 0; xml < 2; xml++) {
		struct kskit_policy want, got = { 0 };
		size_t len;
		char *text = slurp(files[xml], &len);

		kskit_policy_defaults(&want, xml);
		got.proof_of_possession = got.request_limits = 0;
		assert_int_equal(kskit_policy_parse(text, len, &got), 0);
		assert_int_equal(got.n_domains, want.n_domains);
		for (size_t i = 0; i < got.n_domains; i++)
			assert_string_equal(got.domains[i], want.domains[i]);
		assert_int_equal(got.min_bundles, want.min_bundles);
		assert_int_equal(got.max_bundles, want.max_bundles);
		assert_int_equal(got.min_interval, want.min_interval);
		assert_int_equal(got.max_interval, want.max_interval);
		assert_int_equal(got.min_cycle, want.min_cycle);
		assert_int_equal(got.max_cycle, want.max_cycle);
		assert_int_equal(got.min_validity, want.min_validity);
		assert_int_equal(got.max_validity, want.max_validity);
		assert_int_equal(got.min_overlap, want.min_overlap);
		assert_int_equal(got.max_overlap, want.max_overlap);
		assert_int_equal(got.horizon, want.horizon);
		assert_int_equal(got.n_algs, want.n_algs);
		for (size_t i = 0; i < got.n_algs; i++) {
			assert_int_equal(got.algs[i].alg, want.algs[i].alg);
			assert_int_equal(got.algs[i].n_bits, want.algs[i].n_bits);
			assert_int_equal(got.algs[i].n_exponents, want.algs[i].n_exponents);
			assert_memory_equal(got.algs[i].bits, want.algs[i].bits,
					    got.algs[i].n_bits * sizeof(unsigned));
			assert_memory_equal(got.algs[i].exponents, want.algs[i].exponents,
					    got.algs[i].n_exponents * sizeof(unsigned long));
		}
		assert_int_equal(got.n_keys_per_bundle, want.n_keys_per_bundle);
		assert_memory_equal(got.keys_per_bundle, want.keys_per_bundle,
				    got.n_keys_per_bundle * sizeof(unsigned));
		assert_int_equal(got.distinct_keys, want.distinct_keys);
		assert_int_equal(got.proof_of_possession, want.proof_of_possession);
		assert_int_equal(got.request_limits, want.request_limits);
		assert_int_equal(got.n_windows, want.n_windows);
		kskit_policy_clear(&got);
		kskit_policy_clear(&want);
		free(text);
	}
}

static void malformed_policy_files(void **state)
{
	static const char *const bad[] = {
		"colour blue\n",
		"horizon\n",
		"horizon 3 days\n",
		"bundles 9 1\n",
		"signature-validity 21d 1d\n",
		"algorithm RSAMD5\n",
		"algorithm RSASHA256 size=2048\n",
		"ksk 70000 0 1\n",
		"proof-of-possession maybe\n",
		"domain ..\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kskit_policy p;

		kskit_policy_defaults(&p, 0);
		assert_int_equal(kskit_policy_parse(bad[i], strlen(bad[i]), &p), KSKIT_ECONFIG);
		assert_non_null(strstr(kskit_error_detail(KSKIT_ECONFIG), "line 1"));
		kskit_policy_clear(&p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(defaults_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(each_check_names_itself, setup, teardown),
		cmocka_unit_test_setup_teardown(deprecated_algorithms_and_ksks_in_requests, setup,
						teardown),
		cmocka_unit_test_setup_teardown(chain_with_the_previous_response, setup, teardown),
		cmocka_unit_test(templates_are_the_defaults),
		cmocka_unit_test(malformed_policy_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
