/* schsm-share.h - DKEK share files of OpenSC's sc-hsm-tool (SmartCard-HSM).
 *
 * sc-hsm-tool --create-dkek-share writes, and --import-dkek-share reads, a
 * 64-byte file in the layout of `openssl enc` with a salt:
 *
 *	"Salted__" (8) | salt (8) | AES-256-CBC(share (32) | PKCS#7 padding (16))
 *
 * with the key and IV from EVP_BytesToKey(AES-256-CBC, MD5, salt, password,
 * 10,000,000 iterations).  The password is sc-hsm-tool's --password or
 * its prompt (the bytes typed, without a NUL), or, with
 * --pwd-shares-threshold/--pwd-shares-total, 8 random bytes split among
 * custodians (pwshares.h).
 *
 * The format has no MAC: a wrong password and a damaged ciphertext look
 * the same, wrong padding.  sc-hsm-tool accepts any valid PKCS#7 padding,
 * so a wrong password passes it about once in 256 tries and a wrong share
 * is imported; kskit, knowing the plaintext is 32 bytes, requires the full
 * block of sixteen 0x10 bytes, which a wrong password passes once in 2^128.
 */
#ifndef KSKIT_SCHSM_SHARE_H
#define KSKIT_SCHSM_SHARE_H

#include <stddef.h>
#include <stdint.h>

#define KSKIT_SCHSM_SHARE_LEN 32		/* a DKEK share, an AES-256 key */
#define KSKIT_SCHSM_SHARE_FILE_LEN 64		/* the file */
#define KSKIT_SCHSM_SHARE_SALT_LEN 8		/* bytes 8..15 of the file */
#define KSKIT_SCHSM_SHARE_ITERATIONS 10000000UL /* sc-hsm-tool's, fixed */

/* Encrypt share under the password pw (pwlen bytes; any bytes, NUL
 * included) into the 64-byte file image.  salt: 8 bytes, or NULL for 8
 * fresh bytes from RAND_bytes().  iterations: the EVP_BytesToKey count,
 * 1..INT_MAX; KSKIT_SCHSM_SHARE_ITERATIONS for a file sc-hsm-tool opens
 * (each derivation takes about 5 s, 30 million MD5s: that is the point).  file is
 * written only on success.  KSKIT_EINVAL for a bad argument,
 * KSKIT_ECRYPTO when OpenSSL fails. */
int kskit_schsm_share_seal(const uint8_t share[KSKIT_SCHSM_SHARE_LEN], const char *pw, size_t pwlen,
			   const uint8_t salt[KSKIT_SCHSM_SHARE_SALT_LEN], unsigned long iterations,
			   uint8_t file[KSKIT_SCHSM_SHARE_FILE_LEN]);

/* Decrypt the file image file[0..len-1] with the password pw (pwlen
 * bytes) and the same iterations as it was sealed with.  The share goes to
 * share only on success; nothing secret stays behind on the stack.
 *   KSKIT_EKEYFILE    len is not 64, or the file does not start with
 *                     "Salted__": not a sc-hsm-tool DKEK share file
 *   KSKIT_EPASSPHRASE the padding is wrong after decryption: a wrong
 *                     password or a damaged file (the format cannot tell
 *                     which; the detail says both)
 *   KSKIT_EINVAL      a bad argument (iterations 0 or above INT_MAX)
 *   KSKIT_ECRYPTO     OpenSSL failed */
int kskit_schsm_share_open(const uint8_t *file, size_t len, const char *pw, size_t pwlen,
			   unsigned long iterations, uint8_t share[KSKIT_SCHSM_SHARE_LEN]);

#endif
