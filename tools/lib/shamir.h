/* shamir.h - Shamir's secret sharing over GF(2^8), byte by byte.
 *
 * A secret of len bytes becomes n shares of len bytes each; any k of them
 * give the secret back, fewer give nothing about it.  Share i (1..n) holds,
 * for every byte of the secret, the value at x = i of a random polynomial of
 * degree k-1 whose constant term is that byte.  The field is GF(2^8) with
 * the AES polynomial x^8 + x^4 + x^3 + x + 1, as in most implementations
 * (SLIP-0039, HashiCorp Vault); arithmetic takes the same time whatever the
 * values.  The x coordinate is not stored in the share: callers keep it.
 */
#ifndef KSKIT_SHAMIR_H
#define KSKIT_SHAMIR_H

#include <stddef.h>
#include <stdint.h>

#define KSKIT_SHAMIR_MAX 255

/* Split secret into n shares, any k of which rebuild it (2 <= k <= n <=
 * 255): shares[i] (len bytes each, caller-allocated) is the share at
 * x = i + 1.  The polynomials' coefficients come from OpenSSL's private
 * random generator and are wiped.  0, KSKIT_EINVAL or KSKIT_ECRYPTO. */
int kskit_shamir_split(const uint8_t *secret, size_t len, unsigned n, unsigned k,
		       uint8_t *const *shares);

/* Rebuild the secret from k shares: xs[j] (1..255, all different) and
 * shares[j] (len bytes).  Any k shares of one split give the same secret;
 * shares of different splits, or too few, give an unrelated value, which
 * the caller must detect (a check value).  0 or KSKIT_EINVAL. */
int kskit_shamir_combine(const uint8_t *xs, const uint8_t *const *shares, unsigned k, size_t len,
			 uint8_t *secret);

#endif
