/* dkekshare.h - a DKEK custodian's share file.
 *
 * A DKEK (device key-encryption key, AES-256) is split k-of-n with Shamir
 * over GF(2^8) (shamir.h); each custodian keeps one share in a text file
 * sealed under the custodian's own passphrase:
 *
 *   kskit DKEK share 1
 *   set: <16 bytes hex: the same in every share of one split>
 *   custodian: <name>
 *   share: <index 1..n>
 *   threshold: <k>
 *   shares: <n>
 *   dkek-kcv: <8 bytes hex: SHA-256(DKEK)[0..7], as a SmartCard-HSM shows it>
 *   kdf: scrypt
 *   kdf-log2n: <14..22>  kdf-r: <1..32>  kdf-p: <1..16>  (a line each)
 *   salt: <16 bytes hex>
 *   cipher: aes-256-gcm
 *   nonce: <12 bytes hex>
 *   sealed: <the 32-byte share and the 16-byte tag, hex>
 *   check: <SHA-256 of every line above, hex>
 *
 * Every line above "sealed" is authenticated by the seal as well.  The
 * check tells a damaged file (KSKIT_ESHARE) from a wrong passphrase
 * (KSKIT_EPASSPHRASE): only a file that is intact fails the seal because
 * of the passphrase.
 */
#ifndef KSKIT_DKEKSHARE_H
#define KSKIT_DKEKSHARE_H

#include <stddef.h>
#include <stdint.h>

#define KSKIT_DKEK_LEN 32
#define KSKIT_DKEK_KCV_LEN 8
#define KSKIT_CUSTODIAN_MAX 64

struct kskit_scrypt {
	unsigned log2n, r, p;
};

/* scrypt N = 2^17, r = 8, p = 1: 128 MiB and about half a second. */
extern const struct kskit_scrypt kskit_scrypt_default;

struct kskit_dkek_share {
	uint8_t set[16];
	char custodian[KSKIT_CUSTODIAN_MAX];
	unsigned index, threshold, total;
	uint8_t kcv[KSKIT_DKEK_KCV_LEN];
	/* What seals it: read from the file, or chosen by the writer. */
	struct kskit_scrypt kdf;
	uint8_t salt[16], nonce[12], sealed[KSKIT_DKEK_LEN + 16];
	/* The share itself: set by kskit_dkek_shares_make() and
	 * kskit_dkek_share_open(); wipe with kskit_dkek_share_wipe(). */
	uint8_t value[KSKIT_DKEK_LEN];
};

/* KCV of a DKEK: the first 8 bytes of its SHA-256. */
void kskit_dkek_kcv(const uint8_t dkek[KSKIT_DKEK_LEN], uint8_t kcv[KSKIT_DKEK_KCV_LEN]);

/* Split dkek into shares[0..n-1] for k of n: a new random set id, indexes
 * 1..n, threshold, total, KCV and value; custodian names stay the
 * caller's to fill.  0 or a kskit code. */
int kskit_dkek_shares_make(const uint8_t dkek[KSKIT_DKEK_LEN], unsigned n, unsigned k,
			   struct kskit_dkek_share *shares);

/* Seal s->value under pass with kdf (fresh salt and nonce) and format the
 * file into *text (malloc()ed, NUL-terminated).  0 or a kskit code. */
int kskit_dkek_share_write(struct kskit_dkek_share *s, const char *pass,
			   const struct kskit_scrypt *kdf, char **text, size_t *len);

/* Parse a share file without opening it (value stays zero).
 * KSKIT_ESHARE with the line when malformed or damaged. */
int kskit_dkek_share_read(const char *text, size_t len, struct kskit_dkek_share *s);

/* Open a share read by kskit_dkek_share_read() with its custodian's
 * passphrase into s->value.  KSKIT_EPASSPHRASE when wrong. */
int kskit_dkek_share_open(struct kskit_dkek_share *s, const char *pass);

/* Rebuild the DKEK from count opened shares: they must be of one set,
 * different indexes, at least the threshold, and give the recorded KCV
 * (KSKIT_ESHARES otherwise, saying which).  dkek is the caller's secret
 * buffer. */
int kskit_dkek_combine(const struct kskit_dkek_share *shares, size_t count,
		       uint8_t dkek[KSKIT_DKEK_LEN]);

void kskit_dkek_share_wipe(struct kskit_dkek_share *s);

#endif
