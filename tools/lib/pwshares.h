/* pwshares.h - sc-hsm-tool's n-of-m password shares (Shamir over a 64-bit
 * prime), on the custodians' screens as OpenSC's sc-hsm-tool shows and
 * reads them.
 *
 * sc-hsm-tool --create-dkek-share F --pwd-shares-threshold t
 * --pwd-shares-total n encrypts the DKEK share file F (schsm-share.h)
 * under a random 8-byte password (raw bytes, the first one's top bit
 * cleared), picks a random 64-bit safe prime p and a random polynomial f
 * of degree t-1 over GF(p) with f(0) = the password read big-endian, and
 * shows custodian i (i = 1..n) a screen:
 *
 *	Share 1 of 5
 *
 *
 *	Prime       : ff:69:18:e5:02:e1:82:f7
 *	Share ID    : 1
 *	Share value : 48:a4:0e:2d:43:a7:7a:1f
 *
 * the prime and value in lowercase hex bytes joined by ':', without
 * leading zero bytes (the value may be shorter than 8 bytes), the ID in
 * decimal.  --import-dkek-share F --pwd-shares-total k asks "Please enter
 * prime: " once, then for each of k custodians "Please enter share ID: "
 * and "Please enter share value: ", and rebuilds the password by Lagrange
 * interpolation at 0.
 *
 * Two defects of sc-hsm-tool that kskit does not copy:
 * - It rebuilds the password as the minimal big-endian bytes of f(0), so a
 *   password whose first byte is 0 (one in 128) comes back 7 bytes long
 *   and the share file never opens.  kskit_pwshare_combine() left-pads to
 *   8 bytes; kskit_pwshare_password() never makes such a password, so
 *   sc-hsm-tool can import what kskit splits.
 * - It prints the share ID in decimal and reads it in hex, so IDs from 10
 *   up are misread.  kskit reads decimal (it rebuilds sc-hsm-tool's splits
 *   of any size) and splits into at most KSKIT_PWSHARE_MAX shares.
 *
 * A share does not say how many shares are needed: combining fewer than
 * the threshold yields a wrong password without an error, found out only
 * when the share file does not open (KSKIT_EPASSPHRASE).
 */
#ifndef KSKIT_PWSHARES_H
#define KSKIT_PWSHARES_H

#include <stddef.h>
#include <stdint.h>

#define KSKIT_PWSHARE_PWLEN 8	  /* bytes of sc-hsm-tool's random password */
#define KSKIT_PWSHARE_MAX 9	  /* most shares whose IDs sc-hsm-tool reads right */
#define KSKIT_PWSHARE_ID_MAX 255  /* sc-hsm-tool keeps the count in an unsigned char */
#define KSKIT_PWSHARE_HEX_SIZE 24 /* "xx:xx:xx:xx:xx:xx:xx:xx" and its NUL */

/* One custodian's share.  Plain data, nothing to free; the value is
 * secret: wipe it (OPENSSL_cleanse) when done. */
struct kskit_pwshare {
	uint64_t prime; /* p, 64 bits, the same on every share of a split; public */
	unsigned id;	/* x, 1..KSKIT_PWSHARE_ID_MAX */
	uint64_t value; /* y = f(x) mod p, below p; secret */
};

/* A source of random bytes: fill buf with len bytes, return 0 or a
 * negative code (say kskit_token_random() behind a small adapter).  Where
 * a function takes one, NULL means OpenSSL's RAND_priv_bytes(). */
typedef int (*kskit_pwshare_rng)(void *ctx, uint8_t *buf, size_t len);

/* A random password as sc-hsm-tool makes one: 8 bytes, the first one's top
 * bit clear (so it is below any 64-bit prime), and, unlike sc-hsm-tool,
 * the first byte never 0 (drawn again) so that sc-hsm-tool rebuilds it.
 * Written only on success; rng's own code when it fails, KSKIT_ECRYPTO
 * when it gives a first byte of 0 or 0x80 64 times running. */
int kskit_pwshare_password(kskit_pwshare_rng rng, void *rng_ctx, uint8_t pw[KSKIT_PWSHARE_PWLEN]);

/* Split pw into total shares, any threshold of which rebuild it:
 * shares[i] gets ID i + 1.  2 <= threshold <= total <= KSKIT_PWSHARE_MAX
 * (sc-hsm-tool makes no fewer than 3 shares, but imports 2); pw[0] must
 * be below 0x80 (KSKIT_EINVAL otherwise).  The prime is a random 64-bit
 * safe prime from BN_generate_prime_ex() (public, drawn from OpenSSL's
 * generator); the polynomial's coefficients, uniform below the prime, come
 * from rng.  shares[0..total-1] are written only on success.  rng's own
 * code when it fails, KSKIT_ECRYPTO when OpenSSL fails (or rng never gives
 * a number below the prime), KSKIT_ENOMEM. */
int kskit_pwshare_split(const uint8_t pw[KSKIT_PWSHARE_PWLEN], unsigned threshold, unsigned total,
			kskit_pwshare_rng rng, void *rng_ctx, struct kskit_pwshare *shares);

/* Rebuild the password from n >= 2 shares (at least the threshold of
 * them; more do no harm): f(0) by Lagrange interpolation mod p, as 8
 * big-endian bytes, left-padded with zeros.  Written only on success.
 * KSKIT_EINVAL when the shares' primes differ or are no 64-bit prime, an
 * ID repeats or is out of range, a value is not below its prime, or n < 2.  Fewer shares than the
 * threshold give a wrong password, and no error (see above). */
int kskit_pwshare_combine(const struct kskit_pwshare *shares, size_t n,
			  uint8_t pw[KSKIT_PWSHARE_PWLEN]);

/* v as sc-hsm-tool prints the prime and the value: lowercase hex bytes
 * joined by ':', no leading zero bytes; 0 gives "00" (sc-hsm-tool would
 * print nothing).  buf gets the NUL-terminated text. */
void kskit_pwshare_hex(uint64_t v, char buf[KSKIT_PWSHARE_HEX_SIZE]);

/* The screen of share s of total, exactly as sc-hsm-tool shows it
 * (without its "Press <enter>" lines and its "Please note ALL values
 * above" line):
 *	"Share %u of %u\n\n\nPrime       : %s\nShare ID    : %u\nShare value : %s\n"
 * with s->id, total, and the hex of s->prime and s->value.  *text is a
 * secret buffer (secret.h; free it with kskit_secret_free()).
 * KSKIT_EINVAL when s->id is 0 or above total or KSKIT_PWSHARE_ID_MAX,
 * KSKIT_ENOMEM. */
int kskit_pwshare_format(const struct kskit_pwshare *s, unsigned total, char **text);

/* What a custodian types at each of sc-hsm-tool's prompts, the string
 * without its line end or with it ("\n" or "\r\n"); blanks around it are
 * ignored.  Written only on success; KSKIT_EINVAL with a detail naming the
 * fault otherwise.
 *   prime: 8 bytes of hex, each two digits, optionally separated by one
 *          ':' or ' ' (as sc-hsm-tool prints or reads them), case
 *          ignored; a 64-bit prime (checked: catches most typing slips).
 *   ID:    decimal 1..KSKIT_PWSHARE_ID_MAX, as sc-hsm-tool prints it.
 *   value: 1 to 8 bytes of hex as for the prime.  Whether it is below the
 *          prime is checked by kskit_pwshare_combine(). */
int kskit_pwshare_parse_prime(const char *s, uint64_t *prime);
int kskit_pwshare_parse_id(const char *s, unsigned *id);
int kskit_pwshare_parse_value(const char *s, uint64_t *value);

/* A whole screen, text[0..len-1] (need not be NUL-terminated): the lines
 * "Prime : ...", "Share ID : ...", "Share value : ..." once each, in any
 * order and with any blanks around the ':', an optional "Share N of M"
 * line (N must be the ID, N <= M), blank lines anywhere.  Any other line,
 * a NUL byte, or a value not below the prime is refused (KSKIT_EINVAL, the
 * detail names the line).  *s is written only on success, and
 * *total (if total is not NULL) gets M, or 0 without that line. */
int kskit_pwshare_parse(const char *text, size_t len, struct kskit_pwshare *s, unsigned *total);

#endif
