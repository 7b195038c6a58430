/* sc-hsm-tool's n-of-m password shares: a known-answer split computed
 * outside kskit, round trips through every subset of shares, passwords
 * whose first byte is 0 (which sc-hsm-tool itself loses), and the
 * custodians' screens as sc-hsm-tool prints and reads them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>

#include "unit.h"
#include "lib/error.h"
#include "lib/pwshares.h"
#include "lib/secret.h"

/* A 3-of-5 split computed with Python's integers (tests' own Miller-Rabin
 * for the prime, random.Random(20261130) for the rest):
 *   p  = 0xff6918e502e182f7, a safe prime ((p-1)/2 prime too)
 *   s  = 0x00c4f19a5e3b7d21, a password whose first byte is 0
 *   y  = (s + a1 x + a2 x^2) % p, a1 = 0xe65142697e72c383,
 *        a2 = 0x60f6f30e69dabc72, for x = 1..5
 * Share 5's value has 7 bytes, so its screen shows 7. */
#define KAT_PRIME 0xff6918e502e182f7ULL
static const struct kskit_pwshare kat[5] = {
	{ KAT_PRIME, 1, 0x48a40e2d43a77a1fULL }, { KAT_PRIME, 2, 0x5307f7f7f9e76d0aULL },
	{ KAT_PRIME, 3, 0x1ff0aefa80fb55e2ULL }, { KAT_PRIME, 4, 0xaec74c19dbc4b79eULL },
	{ KAT_PRIME, 5, 0x00b99d8c04808c50ULL },
};
static const uint8_t kat_pw[8] = { 0x00, 0xc4, 0xf1, 0x9a, 0x5e, 0x3b, 0x7d, 0x21 };

/* A deterministic source (splitmix64), so a failure can be replayed. */
static uint64_t seed = 0x5eed2026;

static uint64_t next64(void)
{
	uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int test_rng(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)next64();
	return 0;
}

/* Gives the bytes of ctx (a NUL-terminated list of first bytes) in turn as
 * the first byte of each draw, then what test_rng gives. */
static int rigged_rng(void *ctx, uint8_t *buf, size_t len)
{
	const char **firsts = ctx;

	test_rng(NULL, buf, len);
	if (**firsts)
		buf[0] = (uint8_t) * (*firsts)++;
	return 0;
}

static int stuck_rng(void *ctx, uint8_t *buf, size_t len)
{
	memset(buf, *(const uint8_t *)ctx, len);
	return 0;
}

static int failing_rng(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	return KSKIT_ETOKEN_GONE;
}

static void combine_subset(const struct kskit_pwshare *all, unsigned n, unsigned mask,
			   uint8_t pw[8], int *ret)
{
	struct kskit_pwshare pick[KSKIT_PWSHARE_MAX];
	size_t k = 0;

	for (unsigned i = 0; i < n; i++)
		if (mask & (1u << i))
			pick[k++] = all[i];
	*ret = kskit_pwshare_combine(pick, k, pw);
}

/* Every subset: at least t shares give pw back, t-1 give a wrong password
 * (and no error: a share does not know t), fewer than 2 are refused. */
static void check_all_subsets(const struct kskit_pwshare *s, unsigned t, unsigned n,
			      const uint8_t want[8])
{
	for (unsigned mask = 1; mask < (1u << n); mask++) {
		unsigned k = (unsigned)__builtin_popcount(mask);
		uint8_t got[8];
		int ret;

		memset(got, 0xee, sizeof(got));
		combine_subset(s, n, mask, got, &ret);
		if (k < 2) {
			assert_int_equal(ret, KSKIT_EINVAL);
		} else {
			assert_int_equal(ret, 0);
			if (k >= t)
				assert_memory_equal(got, want, 8);
			else
				assert_memory_not_equal(got, want, 8);
		}
	}
}

static void known_answer_combine(void **state)
{
	(void)state;
	check_all_subsets(kat, 3, 5, kat_pw);
}

/* Splits of random passwords, the first byte forced to 0 in every third
 * one (and more zero bytes in some), every subset combined. */
static void round_trips(void **state)
{
	struct kskit_pwshare s[KSKIT_PWSHARE_MAX];
	uint8_t pw[8];

	(void)state;
	for (unsigned round = 0; round < 30; round++) {
		unsigned n = 2 + (unsigned)(next64() % (KSKIT_PWSHARE_MAX - 1));
		unsigned t = 2 + (unsigned)(next64() % (n - 1));

		test_rng(NULL, pw, sizeof(pw));
		pw[0] &= 0x7f;
		if (round % 3 == 0)
			pw[0] = 0;
		if (round % 9 == 0)
			memset(pw, 0, 1 + round % 8);
		assert_int_equal(
			kskit_pwshare_split(pw, t, n, round & 1 ? test_rng : NULL, NULL, s), 0);
		for (unsigned i = 0; i < n; i++) {
			assert_int_equal(s[i].id, i + 1);
			assert_true(s[i].prime == s[0].prime);
			assert_true(s[i].prime >> 63);
			assert_true(s[i].value < s[i].prime);
		}
		check_all_subsets(s, t, n, pw);
	}
}

/* The sizes at the edges: 2-of-2, 9-of-9, 2-of-9; and the all-zero and
 * largest passwords. */
static void edges(void **state)
{
	static const uint8_t zero[8], top[8] = { 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const unsigned tn[][2] = { { 2, 2 }, { 9, 9 }, { 2, 9 } };
	struct kskit_pwshare s[KSKIT_PWSHARE_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(tn) / sizeof(tn[0]); i++) {
		assert_int_equal(kskit_pwshare_split(zero, tn[i][0], tn[i][1], NULL, NULL, s), 0);
		check_all_subsets(s, tn[i][0], tn[i][1], zero);
		assert_int_equal(kskit_pwshare_split(top, tn[i][0], tn[i][1], NULL, NULL, s), 0);
		check_all_subsets(s, tn[i][0], tn[i][1], top);
	}
}

static void split_refuses(void **state)
{
	static const uint8_t pw[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t high[8] = { 0x80, 0, 0, 0, 0, 0, 0, 1 };
	struct kskit_pwshare s[KSKIT_PWSHARE_MAX + 1], keep[KSKIT_PWSHARE_MAX + 1];
	uint8_t zero = 0xff;

	(void)state;
	memset(s, 0x33, sizeof(s));
	memcpy(keep, s, sizeof(s));
	assert_int_equal(kskit_pwshare_split(pw, 1, 3, NULL, NULL, s), KSKIT_EINVAL);
	assert_int_equal(kskit_pwshare_split(pw, 4, 3, NULL, NULL, s), KSKIT_EINVAL);
	assert_int_equal(kskit_pwshare_split(pw, 2, 10, NULL, NULL, s), KSKIT_EINVAL);
	assert_int_equal(kskit_pwshare_split(pw, 0, 0, NULL, NULL, s), KSKIT_EINVAL);
	assert_int_equal(kskit_pwshare_split(high, 2, 3, NULL, NULL, s), KSKIT_EINVAL);
	assert_int_equal(kskit_pwshare_split(pw, 2, 3, failing_rng, NULL, s), KSKIT_ETOKEN_GONE);
	/* every draw 0xff.. is above any prime: the source is broken */
	assert_int_equal(kskit_pwshare_split(pw, 2, 3, stuck_rng, &zero, s), KSKIT_ECRYPTO);
	assert_memory_equal(s, keep, sizeof(s));
}

static void combine_refuses(void **state)
{
	struct kskit_pwshare s[3];
	uint8_t pw[8] = { 0 }, keep[8] = { 0 };

	(void)state;
	memcpy(s, kat, sizeof(s));
	assert_int_equal(kskit_pwshare_combine(s, 1, pw), KSKIT_EINVAL);
	assert_int_equal(kskit_pwshare_combine(s, 0, pw), KSKIT_EINVAL);
	s[2].id = 1;
	assert_int_equal(kskit_pwshare_combine(s, 3, pw), KSKIT_EINVAL);
	assert_string_equal(kskit_error_detail(KSKIT_EINVAL), "share ID 1 given twice");
	s[2].id = 0;
	assert_int_equal(kskit_pwshare_combine(s, 3, pw), KSKIT_EINVAL);
	s[2].id = 256;
	assert_int_equal(kskit_pwshare_combine(s, 3, pw), KSKIT_EINVAL);
	memcpy(s, kat, sizeof(s));
	s[1].prime ^= 0x100;
	assert_int_equal(kskit_pwshare_combine(s, 3, pw), KSKIT_EINVAL);
	memcpy(s, kat, sizeof(s));
	s[1].value = KAT_PRIME;
	assert_int_equal(kskit_pwshare_combine(s, 3, pw), KSKIT_EINVAL);
	for (size_t i = 0; i < 3; i++) /* p + 2: odd, 64 bits, not prime */
		s[i] = (struct kskit_pwshare){ KAT_PRIME + 2, kat[i].id, kat[i].value };
	assert_int_equal(kskit_pwshare_combine(s, 3, pw), KSKIT_EINVAL);
	assert_string_equal(kskit_error_detail(KSKIT_EINVAL), "the prime is not prime (mistyped?)");
	for (size_t i = 0; i < 3; i++) /* 2^61 - 1 is prime, but has 61 bits */
		s[i] = (struct kskit_pwshare){ 0x1fffffffffffffffULL, kat[i].id, 5 };
	assert_int_equal(kskit_pwshare_combine(s, 3, pw), KSKIT_EINVAL);
	assert_memory_equal(pw, keep, sizeof(pw));
}

static void random_passwords(void **state)
{
	const char *firsts = "\x80\x00\x80";
	uint8_t pw[8], seen_low = 0, seen_high = 0, ff = 0x80, z = 0;

	(void)state;
	for (int i = 0; i < 2000; i++) {
		assert_int_equal(kskit_pwshare_password(i & 1 ? test_rng : NULL, NULL, pw), 0);
		assert_true(pw[0] >= 0x01 && pw[0] <= 0x7f);
		seen_low |= pw[0] < 0x08;
		seen_high |= pw[0] > 0x78;
	}
	assert_true(seen_low && seen_high);
	/* 0x80 and 0x00 both make a first byte of 0: drawn again */
	assert_int_equal(kskit_pwshare_password(rigged_rng, &firsts, pw), 0);
	assert_int_equal(*firsts, '\0');
	assert_true(pw[0] != 0);
	assert_int_equal(kskit_pwshare_password(stuck_rng, &ff, pw), KSKIT_ECRYPTO);
	assert_int_equal(kskit_pwshare_password(stuck_rng, &z, pw), KSKIT_ECRYPTO);
	assert_int_equal(kskit_pwshare_password(failing_rng, NULL, pw), KSKIT_ETOKEN_GONE);
}

/* sc-hsm-tool rebuilds the password as BN_bn2bin(f(0)): 7 bytes when the
 * first is 0, and the share file does not open.  kskit gives all 8. */
static void leading_zero_kept(void **state)
{
	uint8_t got[8], min[8];
	BIGNUM *bn = BN_bin2bn(kat_pw, 8, NULL);

	(void)state;
	assert_non_null(bn);
	assert_int_equal(BN_bn2bin(bn, min), 7); /* what sc-hsm-tool would use */
	BN_free(bn);
	assert_int_equal(kskit_pwshare_combine(kat + 2, 3, got), 0);
	assert_memory_equal(got, kat_pw, 8);
}

static const char kat_screen_1[] = "Share 1 of 5\n"
				   "\n"
				   "\n"
				   "Prime       : ff:69:18:e5:02:e1:82:f7\n"
				   "Share ID    : 1\n"
				   "Share value : 48:a4:0e:2d:43:a7:7a:1f\n";

static const char kat_screen_5[] = "Share 5 of 5\n"
				   "\n"
				   "\n"
				   "Prime       : ff:69:18:e5:02:e1:82:f7\n"
				   "Share ID    : 5\n"
				   "Share value : b9:9d:8c:04:80:8c:50\n";

static void format_screens(void **state)
{
	struct kskit_pwshare zero = { KAT_PRIME, 2, 0 };
	char *text = NULL, hex[KSKIT_PWSHARE_HEX_SIZE];

	(void)state;
	assert_int_equal(kskit_pwshare_format(&kat[0], 5, &text), 0);
	assert_string_equal(text, kat_screen_1);
	kskit_secret_free(text);
	assert_int_equal(kskit_pwshare_format(&kat[4], 5, &text), 0);
	assert_string_equal(text, kat_screen_5);
	kskit_secret_free(text);
	assert_int_equal(kskit_pwshare_format(&zero, 3, &text), 0);
	assert_non_null(strstr(text, "Share value : 00\n"));
	kskit_secret_free(text);
	text = NULL;
	assert_int_equal(kskit_pwshare_format(&kat[4], 4, &text), KSKIT_EINVAL);
	assert_int_equal(kskit_pwshare_format(&zero, 256, &text), KSKIT_EINVAL);
	zero.id = 0;
	assert_int_equal(kskit_pwshare_format(&zero, 3, &text), KSKIT_EINVAL);
	assert_null(text);
	kskit_pwshare_hex(0, hex);
	assert_string_equal(hex, "00");
	kskit_pwshare_hex(0x1ff, hex);
	assert_string_equal(hex, "01:ff");
	kskit_pwshare_hex(UINT64_MAX, hex);
	assert_string_equal(hex, "ff:ff:ff:ff:ff:ff:ff:ff");
}

static void assert_parses(const char *text, const struct kskit_pwshare *want, unsigned want_total)
{
	struct kskit_pwshare got;
	unsigned total = 99;

	memset(&got, 0, sizeof(got));
	assert_int_equal(kskit_pwshare_parse(text, strlen(text), &got, &total), 0);
	assert_true(got.prime == want->prime);
	assert_int_equal(got.id, want->id);
	assert_true(got.value == want->value);
	assert_int_equal(total, want_total);
}

static void assert_refused(const char *text, const char *detail)
{
	struct kskit_pwshare got = { 1, 2, 3 };

	assert_int_equal(kskit_pwshare_parse(text, strlen(text), &got, NULL), KSKIT_EINVAL);
	if (detail)
		assert_string_equal(kskit_error_detail(KSKIT_EINVAL), detail);
	assert_true(got.prime == 1 && got.id == 2 && got.value == 3);
}

static void parse_screens(void **state)
{
	struct kskit_pwshare s[KSKIT_PWSHARE_MAX];
	uint8_t pw[8];
	char *text;

	(void)state;
	assert_parses(kat_screen_1, &kat[0], 5);
	assert_parses(kat_screen_5, &kat[4], 5);
	/* as typed: another order, case, separators, CRLF, no heading */
	assert_parses("share value:48A40E2D43A77A1F\r\n  PRIME :  FF 69 18 E5 02 E1 82 F7 \r\n"
		      "\r\nShare ID\t: 01\r\n",
		      &kat[0], 0);
	assert_parses("Prime : ff6918e5:02e182f7\nShare ID : 5\nShare value : 00b99d8c04808c50",
		      &kat[4], 0);
	/* our own screens, split after split */
	for (unsigned round = 0; round < 5; round++) {
		test_rng(NULL, pw, sizeof(pw));
		pw[0] &= 0x7f;
		assert_int_equal(kskit_pwshare_split(pw, 2, 9, test_rng, NULL, s), 0);
		for (unsigned i = 0; i < 9; i++) {
			assert_int_equal(kskit_pwshare_format(&s[i], 9, &text), 0);
			assert_parses(text, &s[i], 9);
			kskit_secret_free(text);
		}
	}
}

#define P "Prime       : ff:69:18:e5:02:e1:82:f7\n"
#define ID "Share ID    : 1\n"
#define V "Share value : 48:a4:0e:2d:43:a7:7a:1f\n"

static void parse_refuses(void **state)
{
	static const struct {
		const char *text, *detail;
	} bad[] = {
		{ "", "no \"Prime\" line" },
		{ P ID, "no \"Share value\" line" },
		{ P V, "no \"Share ID\" line" },
		{ ID V, "no \"Prime\" line" },
		{ P ID ID V, "line 3: a second \"Share ID\" line" },
		{ "Share 1 of 5\nShare 1 of 5\n" P ID V, "line 2: a second \"Share N of M\" line" },
		{ P ID V "\n\nPlease note ALL values above and press <enter> when finished\n",
		  "line 6: neither \"Share N of M\" nor \"Prime\", \"Share ID\" or \"Share value\" "
		  "and a ':'" },
		{ P ID V "Password : 12\n",
		  "line 4: neither \"Share N of M\" nor \"Prime\", \"Share ID\" or \"Share value\" "
		  "and a ':'" },
		{ "Prime : ff:69:18:e5:02:e1:82:f\n" ID V,
		  "line 1: prime: not a pair of hex digits at character 22" },
		{ "Prime : ff:69:18:e5:02:e1:82:f7:\n" ID V,
		  "line 1: prime: not a pair of hex digits at character 25" },
		{ "Prime : ff::69:18:e5:02:e1:82:f7\n" ID V,
		  "line 1: prime: not a pair of hex digits at character 4" },
		{ "Prime : ff:69:18:e5:02:e1:82:f5\n" ID V,
		  "line 1: the prime is not prime (mistyped?)" },
		{ "Prime : 69:18:e5:02:e1:82:f7\n" ID V, "line 1: prime: 7 bytes, not 8" },
		{ "Prime : 00:ff:69:18:e5:02:e1:82:f7\n" ID V, "line 1: prime: more than 8 bytes" },
		{ "Prime : 7f:69:18:e5:02:e1:82:f7\n" ID V,
		  "line 1: the prime has fewer than 64 bits" },
		{ P ID "Share value : 48:a4:0e:2d:43:a7:7g:1f\n",
		  "line 3: share value: not a pair of hex digits at character 19" },
		{ P ID "Share value : 01:02:03:04:05:06:07:08:09\n",
		  "line 3: share value: more than 8 bytes" },
		{ P ID "Share value :\n", "line 3: share value: empty" },
		{ P ID "Share value : ff:69:18:e5:02:e1:82:f7\n",
		  "the share value is not below the prime" },
		{ P "Share ID : 0\n" V, "line 2: share ID: 0" },
		{ P "Share ID : 256\n" V, "line 2: share ID: above 255" },
		{ P "Share ID : 1a\n" V, "line 2: share ID: 'a' is not a decimal digit" },
		{ P "Share ID : -1\n" V, "line 2: share ID: '-' is not a decimal digit" },
		{ P "Share ID : 1 1\n" V, "line 2: share ID: ' ' is not a decimal digit" },
		{ "Share 2 of 5\n" P ID V, "\"Share 2 of 5\" does not go with share ID 1" },
		{ "Share 1 of 0\n" P ID V, "line 1: share count: 0" },
		{ "Share 5 of 3\n" P "Share ID : 5\n" V,
		  "\"Share 5 of 3\" does not go with share ID 5" },
		{ "Share 1 0f 5\n" P ID V, "line 1: \"Share N of M\" without \"of\"" },
		{ "Share one of 5\n" P ID V,
		  "line 1: neither \"Share N of M\" nor \"Prime\", \"Share ID\" or \"Share value\" "
		  "and a ':'" },
		{ "Share 1 of 5 more\n" P ID V, "line 1: share count: ' ' is not a decimal digit" },
	};
	static const char nul[] = P ID "Share value : 48:a4\0:0e\n";
	struct kskit_pwshare got = { 1, 2, 3 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_refused(bad[i].text, bad[i].detail);
	assert_int_equal(kskit_pwshare_parse(nul, sizeof(nul) - 1, &got, NULL), KSKIT_EINVAL);
	assert_string_equal(kskit_error_detail(KSKIT_EINVAL), "a NUL byte in the share screen");
	/* not NUL-terminated: the length counts */
	assert_int_equal(kskit_pwshare_parse(P ID V "garbage", strlen(P ID V), &got, NULL), 0);
}

/* What a custodian types at each of sc-hsm-tool's prompts. */
static void parse_answers(void **state)
{
	uint64_t v = 7;
	unsigned id = 7;

	(void)state;
	assert_int_equal(kskit_pwshare_parse_prime("ff:69:18:e5:02:e1:82:f7\n", &v), 0);
	assert_true(v == KAT_PRIME);
	v = 0;
	assert_int_equal(kskit_pwshare_parse_prime(" FF6918E502E182F7 \r\n", &v), 0);
	assert_true(v == KAT_PRIME);
	assert_int_equal(kskit_pwshare_parse_prime("ff 69 18 e5 02 e1 82 f7", &v), 0);
	assert_int_equal(kskit_pwshare_parse_prime("", &v), KSKIT_EINVAL);
	assert_int_equal(kskit_pwshare_parse_prime("\n", &v), KSKIT_EINVAL);
	assert_int_equal(kskit_pwshare_parse_prime("ff:69:18:e5:02:e1:82:f7\n\n", &v),
			 KSKIT_EINVAL);
	assert_int_equal(kskit_pwshare_parse_value("b9:9d:8c:04:80:8c:50\n", &v), 0);
	assert_true(v == 0x00b99d8c04808c50ULL);
	assert_int_equal(kskit_pwshare_parse_value("00", &v), 0);
	assert_true(v == 0);
	assert_int_equal(kskit_pwshare_parse_value("b", &v), KSKIT_EINVAL);
	assert_int_equal(kskit_pwshare_parse_value("0x12", &v), KSKIT_EINVAL);
	assert_int_equal(kskit_pwshare_parse_id("1\n", &id), 0);
	assert_int_equal(id, 1);
	assert_int_equal(kskit_pwshare_parse_id("10", &id), 0);
	assert_int_equal(id, 10); /* decimal, as printed (sc-hsm-tool reads 0x10) */
	assert_int_equal(kskit_pwshare_parse_id(" 255\r\n", &id), 0);
	assert_int_equal(id, 255);
	assert_int_equal(kskit_pwshare_parse_id("256", &id), KSKIT_EINVAL);
	assert_int_equal(kskit_pwshare_parse_id("0", &id), KSKIT_EINVAL);
	assert_int_equal(kskit_pwshare_parse_id("+1", &id), KSKIT_EINVAL);
	assert_int_equal(kskit_pwshare_parse_id("", &id), KSKIT_EINVAL);
	assert_int_equal(kskit_pwshare_parse_id("99999999999999999999", &id), KSKIT_EINVAL);
	assert_int_equal(id, 255);
}

/* sc-hsm-tool prints the ID with BN_bn2dec and reads it with BN_hex2bn:
 * the same number up to 9 only, hence KSKIT_PWSHARE_MAX. */
static void ids_sc_hsm_tool_reads(void **state)
{
	(void)state;
	for (unsigned id = 1; id <= 10; id++) {
		BIGNUM *bn = NULL;
		char dec[4];

		snprintf(dec, sizeof(dec), "%u", id);
		assert_true(BN_hex2bn(&bn, dec) > 0);
		if (id <= KSKIT_PWSHARE_MAX)
			assert_true(BN_get_word(bn) == id);
		else
			assert_true(BN_get_word(bn) != id);
		BN_free(bn);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_answer_combine),
		cmocka_unit_test(round_trips),
		cmocka_unit_test(edges),
		cmocka_unit_test(split_refuses),
		cmocka_unit_test(combine_refuses),
		cmocka_unit_test(random_passwords),
		cmocka_unit_test(leading_zero_kept),
		cmocka_unit_test(format_screens),
		cmocka_unit_test(parse_screens),
		cmocka_unit_test(parse_refuses),
		cmocka_unit_test(parse_answers),
		cmocka_unit_test(ids_sc_hsm_tool_reads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
