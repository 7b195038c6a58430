/* UTC time forms: each parsed against a known instant (checked with
 * `date -u -d @1795330869`), malformed ones refused, formats round-trip. */
#include <string.h>

#include "unit.h"
#include "lib/error.h"
#include "lib/utc.h"

#define T 1795330869LL /* 2026-11-22T07:01:09Z, a Sunday */

static long long parsed(const char *s)
{
	time_t t;

	return kskit_utc_parse(s, &t) == 0 ? (long long)t : -1;
}

static void every_form_reads_the_same_instant(void **state)
{
	(void)state;
	assert_int_equal(parsed("1795330869"), T);
	assert_int_equal(parsed("20261122070109"), T);
	assert_int_equal(parsed("2026-11-22T07:01:09Z"), T);
	assert_int_equal(parsed("2026-11-22T07:01:09"), T);
	assert_int_equal(parsed("2026-11-22T07:01:09+00:00"), T);
	assert_int_equal(parsed("2026-11-22T08:31:09+01:30"), T);
	assert_int_equal(parsed("2026-11-22T02:01:09-05:00"), T);
	assert_int_equal(kskit_utc_ctime("Sun Nov 22 07:01:09 2026", 24), T);
	assert_int_equal(kskit_utc_ctime("Mon Nov 2 07:01:09 2026", 23), T - 20 * 86400);
	assert_int_equal(parsed("0"), 0);
	assert_int_equal(kskit_utc_civil(2024, 2, 29, 0, 0, 0), 1709164800LL);
}

static void malformed_times_are_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"-1",
		"1795330869x",
		"1234567890123", /* 13 digits */
		"20261322070109",
		"20250229000000",
		"19691231235959",
		"2026-11-22 07:01:09Z",
		"2026-11-22T07:01:60Z",
		"2026-11-22T07:01:09+24:00",
		"2026-11-22T07:01:09+0100",
		"2026-11-22T07:01:09ZZ",
		"1970-01-01T00:00:00+00:01",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		time_t t = 42;

		assert_int_equal(kskit_utc_parse(bad[i], &t), KSKIT_EINVAL);
		assert_int_equal(t, 42);
	}
	assert_int_equal(kskit_utc_ctime("Sun Nov 22 07:01:09 2026 ", 25), -1);
	assert_int_equal(kskit_utc_ctime("Sun Now 22 07:01:09 2026", 24), -1);
	assert_int_equal(kskit_utc_ctime("Sun Nov 22 7:01:09 2026", 23), -1);
}

static void formats_read_back(void **state)
{
	static const enum kskit_utc_style styles[] = { KSKIT_UTC_UNIX, KSKIT_UTC_COMPACT,
						       KSKIT_UTC_ISO };
	char buf[32];

	(void)state;
	kskit_utc_format(T, KSKIT_UTC_ISO, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-22T07:01:09Z");
	kskit_utc_format(T, KSKIT_UTC_COMPACT, buf, sizeof(buf));
	assert_string_equal(buf, "20261122070109");
	kskit_utc_format(T, KSKIT_UTC_CTIME, buf, sizeof(buf));
	assert_string_equal(buf, "Sun Nov 22 07:01:09 2026");
	assert_int_equal(kskit_utc_ctime(buf, strlen(buf)), T);
	for (size_t i = 0; i < sizeof(styles) / sizeof(styles[0]); i++) {
		kskit_utc_format(T + (long long)i * 7777777, styles[i], buf, sizeof(buf));
		assert_int_equal(parsed(buf), T + (long long)i * 7777777);
	}
	kskit_utc_format(KSKIT_UTC_MAX + 1, KSKIT_UTC_ISO, buf, sizeof(buf));
	assert_string_equal(buf, "?");
}

static void durations(void **state)
{
	static const char *const bad[] = { "",	  "d",	 "-1",	"1x",
					   "1dd", "1 d", "P1D", "99999999999999999999" };
	unsigned long v = 42;

	(void)state;
	assert_int_equal(kskit_duration_parse("90", 1000, &v), 0);
	assert_int_equal(v, 90);
	assert_int_equal(kskit_duration_parse("90m", 100000, &v), 0);
	assert_int_equal(v, 5400);
	assert_int_equal(kskit_duration_parse("14d", 2000000, &v), 0);
	assert_int_equal(v, 1209600);
	assert_int_equal(kskit_duration_parse("2w", 2000000, &v), 0);
	assert_int_equal(v, 1209600);
	assert_int_equal(kskit_duration_parse("1h", 3599, &v), KSKIT_EINVAL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(kskit_duration_parse(bad[i], ~0UL, &v), KSKIT_EINVAL);
	assert_int_equal(v, 1209600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_form_reads_the_same_instant),
		cmocka_unit_test(malformed_times_are_refused),
		cmocka_unit_test(formats_read_back),
		cmocka_unit_test(durations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
