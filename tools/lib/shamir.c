/* shamir.c - Shamir's secret sharing over GF(2^8). */
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "error.h"
#include "shamir.h"

/* Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1, without
 * branches or tables that depend on the values. */
static uint8_t gf_mul(uint8_t a, uint8_t b)
{
	uint8_t r = 0;

	for (int i = 0; i < 8; i++) {
		r ^= (uint8_t)(-(b & 1) & a);
		a = (uint8_t)((a << 1) ^ (-(a >> 7) & 0x1b));
		b >>= 1;
	}
	return r;
}

/* a^254 = a^-1 (and 0 for 0). */
static uint8_t gf_inv(uint8_t a)
{
	uint8_t r = 1, p = a;

	for (int e = 254; e > 0; e >>= 1) {
		if (e & 1)
			r = gf_mul(r, p);
		p = gf_mul(p, p);
	}
	return r;
}

int kskit_shamir_split(const uint8_t *secret, size_t len, unsigned n, unsigned k,
		       uint8_t *const *shares)
{
	uint8_t coef[KSKIT_SHAMIR_MAX];
	int ret = KSKIT_ECRYPTO;

	if (k < 2 || n < k || n > KSKIT_SHAMIR_MAX)
		return kskit_error_set(KSKIT_EINVAL, "%u of %u shares: need 2 <= k <= n <= %d", k,
				       n, KSKIT_SHAMIR_MAX);
	for (size_t b = 0; b < len; b++) {
		coef[0] = secret[b];
		if (RAND_priv_bytes(coef + 1, (int)(k - 1)) != 1)
			goto out;
		for (unsigned i = 0; i < n; i++) {
			uint8_t x = (uint8_t)(i + 1), y = 0;

			/* Horner, from the highest coefficient down. */
			for (unsigned c = k; c-- > 0;)
				y = gf_mul(y, x) ^ coef[c];
			shares[i][b] = y;
		}
	}
	ret = 0;
out:
	OPENSSL_cleanse(coef, sizeof(coef));
	return ret;
}

int kskit_shamir_combine(const uint8_t *xs, const uint8_t *const *shares, unsigned k, size_t len,
			 uint8_t *secret)
{
	uint8_t basis[KSKIT_SHAMIR_MAX];

	if (k < 1 || k > KSKIT_SHAMIR_MAX)
		return kskit_error_set(KSKIT_EINVAL, "%u shares", k);
	/* Lagrange basis polynomials at x = 0: prod x_m / (x_m - x_j), where
	 * subtraction is XOR. */
	for (unsigned j = 0; j < k; j++) {
		uint8_t num = 1, den = 1;

		if (xs[j] == 0)
			return kskit_error_set(KSKIT_EINVAL, "share index 0");
		for (unsigned m = 0; m < k; m++) {
			if (m == j)
				continue;
			if (xs[m] == xs[j])
				return kskit_error_set(KSKIT_EINVAL, "share %u given twice", xs[j]);
			num = gf_mul(num, xs[m]);
			den = gf_mul(den, xs[m] ^ xs[j]);
		}
		basis[j] = gf_mul(num, gf_inv(den));
	}
	for (size_t b = 0; b < len; b++) {
		uint8_t s = 0;

		for (unsigned j = 0; j < k; j++)
			s ^= gf_mul(basis[j], shares[j][b]);
		secret[b] = s;
	}
	return 0;
}
