/* keyfile.h - private keys from files: BIND's K*.private (format v1.x) and
 * PEM (PKCS#8, encrypted or not, and the traditional RSA/EC forms).
 *
 * The file is read into locked memory and every decoded copy of the key is
 * wiped before the function returns; the EVP_PKEY holds the only copy left
 * (OpenSSL clears private components when it frees them).
 */
#ifndef KSKIT_KEYFILE_H
#define KSKIT_KEYFILE_H

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "alg.h"

/* Read a private key.  For an encrypted PEM, pass_cb (may be NULL: then
 * encrypted files fail) supplies the passphrase as OpenSSL's pem_password_cb.
 * *alg gets the algorithm a BIND file names, or the key's default algorithm
 * for PEM.  KSKIT_EKEYFILE with the reason in the detail for a malformed
 * file, KSKIT_EIO when it cannot be read. */
int kskit_keyfile_read(const char *path, pem_password_cb *pass_cb, void *cb_arg, EVP_PKEY **key,
		       const struct kskit_alg **alg);

/* The same over text already in memory: len bytes plus a terminating NUL,
 * which the parser may modify (the caller wipes it). */
int kskit_keyfile_parse(char *text, size_t len, pem_password_cb *pass_cb, void *cb_arg,
			EVP_PKEY **key, const struct kskit_alg **alg);

#endif
