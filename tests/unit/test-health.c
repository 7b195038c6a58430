/* SP 800-90B continuous health tests: cutoffs and failures. */
#include <string.h>
#include <openssl/rand.h>

#include "unit.h"
#include "lib/error.h"
#include "lib/health.h"

static void cutoffs_follow_the_standard(void **state)
{
	struct kskit_health h;

	(void)state;
	/* RCT: C = 1 + ceil(-log2(alpha) / H) with alpha = 2^-40. */
	assert_int_equal(kskit_health_init(&h, 8.0), 0);
	assert_int_equal(h.rct_cutoff, 6);
	assert_int_equal(kskit_health_init(&h, 1.0), 0);
	assert_int_equal(h.rct_cutoff, 41);
	assert_int_equal(kskit_health_init(&h, 2.0), 0);
	assert_int_equal(h.rct_cutoff, 21);
	/* APT: SP 800-90B table 2 (W = 512, alpha = 2^-20). */
	assert_int_equal(kskit_health_apt_cutoff(0.5, 20), 410);
	assert_int_equal(kskit_health_apt_cutoff(1, 20), 311);
	assert_int_equal(kskit_health_apt_cutoff(2, 20), 177);
	assert_int_equal(kskit_health_apt_cutoff(4, 20), 62);
	assert_int_equal(kskit_health_apt_cutoff(8, 20), 13);
	/* kskit's own alpha, 2^-40, lies further out. */
	assert_int_equal(kskit_health_init(&h, 8.0), 0);
	assert_true(h.apt_cutoff > 13 && h.apt_cutoff < 40);
}

static void claims_out_of_range_are_refused(void **state)
{
	struct kskit_health h;

	(void)state;
	assert_int_equal(kskit_health_init(&h, 0.0), KSKIT_EINVAL);
	assert_int_equal(kskit_health_init(&h, 8.5), KSKIT_EINVAL);
	assert_int_equal(kskit_health_init(&h, -1.0), KSKIT_EINVAL);
}

static void good_randomness_passes(void **state)
{
	static uint8_t buf[1 << 20];
	struct kskit_health h;

	(void)state;
	assert_int_equal(RAND_bytes(buf, sizeof(buf)), 1);
	assert_int_equal(kskit_health_init(&h, 8.0), 0);
	assert_int_equal(kskit_health_feed(&h, buf, sizeof(buf)), 0);
	assert_int_equal(h.samples, sizeof(buf));
}

static void stuck_source_fails_rct(void **state)
{
	uint8_t buf[64];
	struct kskit_health h;

	(void)state;
	assert_int_equal(RAND_bytes(buf, 32), 1);
	memset(buf + 32, 0xa5, 32);
	assert_int_equal(kskit_health_init(&h, 2.0), 0);
	assert_int_equal(kskit_health_feed(&h, buf, 32 + 20), 0);
	assert_int_equal(kskit_health_feed(&h, buf + 52, 1), KSKIT_EHEALTH_RCT);
}

static void rct_runs_across_calls(void **state)
{
	uint8_t x = 7;
	struct kskit_health h;
	int ret = 0;
	unsigned i;

	(void)state;
	assert_int_equal(kskit_health_init(&h, 8.0), 0);
	for (i = 0; i < 10 && ret == 0; i++)
		ret = kskit_health_feed(&h, &x, 1);
	assert_int_equal(ret, KSKIT_EHEALTH_RCT);
	assert_int_equal(i, h.rct_cutoff);
}

static void biased_source_fails_apt(void **state)
{
	uint8_t buf[KSKIT_HEALTH_APT_WINDOW];
	struct kskit_health h;

	(void)state;
	/* Half the window is one value, never twice in a row: the RCT is blind
	 * to it, the APT is not. */
	assert_int_equal(RAND_bytes(buf, sizeof(buf)), 1);
	for (size_t i = 0; i < sizeof(buf); i++)
		if (i % 2 == 0)
			buf[i] = 0x42;
		else if (buf[i] == 0x42)
			buf[i] = 0x43;
	assert_int_equal(kskit_health_init(&h, 8.0), 0);
	assert_int_equal(kskit_health_feed(&h, buf, sizeof(buf)), KSKIT_EHEALTH_APT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cutoffs_follow_the_standard),
		cmocka_unit_test(claims_out_of_range_are_refused),
		cmocka_unit_test(good_randomness_passes),
		cmocka_unit_test(stuck_source_fails_rct),
		cmocka_unit_test(rct_runs_across_calls),
		cmocka_unit_test(biased_source_fails_apt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
