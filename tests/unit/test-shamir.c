/* Shamir's secret sharing over GF(2^8): every k-subset rebuilds the
 * secret, fewer do not, and bad indexes are refused. */
#include <string.h>
#include <openssl/rand.h>

#include "unit.h"
#include "lib/error.h"
#include "lib/shamir.h"

#define LEN 32

static void split_n(unsigned n, unsigned k, uint8_t secret[LEN], uint8_t shares[][LEN])
{
	uint8_t *p[KSKIT_SHAMIR_MAX];

	for (unsigned i = 0; i < n; i++)
		p[i] = shares[i];
	assert_int_equal(RAND_bytes(secret, LEN), 1);
	assert_int_equal(kskit_shamir_split(secret, LEN, n, k, p), 0);
}

/* Every subset of size `size` of n shares, as a bit mask. */
static void check_subsets(unsigned n, unsigned k, unsigned size)
{
	uint8_t secret[LEN], shares[8][LEN], got[LEN];

	split_n(n, k, secret, shares);
	for (unsigned mask = 0; mask < 1u << n; mask++) {
		const uint8_t *p[8];
		uint8_t xs[8];
		unsigned m = 0;

		if ((unsigned)__builtin_popcount(mask) != size)
			continue;
		for (unsigned i = 0; i < n; i++)
			if (mask & 1u << i) {
				xs[m] = (uint8_t)(i + 1);
				p[m++] = shares[i];
			}
		assert_int_equal(kskit_shamir_combine(xs, p, m, LEN, got), 0);
		if (size >= k)
			assert_memory_equal(got, secret, LEN);
		else
			assert_memory_not_equal(got, secret, LEN);
	}
}

static void three_of_five(void **state)
{
	(void)state;
	check_subsets(5, 3, 3);
	check_subsets(5, 3, 4);
	check_subsets(5, 3, 5);
	check_subsets(5, 3, 2);
}

static void other_thresholds(void **state)
{
	(void)state;
	check_subsets(2, 2, 2);
	check_subsets(7, 7, 7);
	check_subsets(7, 4, 4);
	check_subsets(8, 2, 2);
}

/* A share alone says nothing: with k = 2, share 1 of a split is uniform;
 * here at least it differs from the secret and between two splits. */
static void shares_differ(void **state)
{
	uint8_t secret[LEN], a[3][LEN], b[3][LEN];
	uint8_t *pb[3] = { b[0], b[1], b[2] };

	(void)state;
	split_n(3, 2, secret, a);
	assert_int_equal(kskit_shamir_split(secret, LEN, 3, 2, pb), 0);
	assert_memory_not_equal(a[0], secret, LEN);
	assert_memory_not_equal(a[0], b[0], LEN);
}

static void bad_arguments(void **state)
{
	uint8_t secret[LEN] = { 0 }, s[3][LEN], got[LEN];
	uint8_t *p[3] = { s[0], s[1], s[2] };
	const uint8_t *cp[2] = { s[0], s[1] };
	uint8_t twice[2] = { 1, 1 }, zero[2] = { 0, 1 };

	(void)state;
	assert_int_equal(kskit_shamir_split(secret, LEN, 3, 1, p), KSKIT_EINVAL);
	assert_int_equal(kskit_shamir_split(secret, LEN, 2, 3, p), KSKIT_EINVAL);
	assert_int_equal(kskit_shamir_split(secret, LEN, 256, 2, p), KSKIT_EINVAL);
	assert_int_equal(kskit_shamir_combine(twice, cp, 2, LEN, got), KSKIT_EINVAL);
	assert_int_equal(kskit_shamir_combine(zero, cp, 2, LEN, got), KSKIT_EINVAL);
}

/* Known answer: with k = 2 and share values computed by hand in GF(2^8)
 * (AES polynomial): secret 0x53, coefficient 0xca gives share 1 =
 * 0x53 ^ 0xca = 0x99 and share 2 = 0x53 ^ (0xca * 2) = 0x53 ^ 0x8f = 0xdc
 * (0xca * 2 = 0x194 ^ 0x11b = 0x8f). */
static void known_answer(void **state)
{
	const uint8_t s1 = 0x99, s2 = 0xdc;
	const uint8_t *p[2] = { &s1, &s2 };
	uint8_t xs[2] = { 1, 2 }, got;

	(void)state;
	assert_int_equal(kskit_shamir_combine(xs, p, 2, 1, &got), 0);
	assert_int_equal(got, 0x53);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(three_of_five), cmocka_unit_test(other_thresholds),
		cmocka_unit_test(shares_differ), cmocka_unit_test(bad_arguments),
		cmocka_unit_test(known_answer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
