/* envelope.h - what leaves the ceremony encrypted, in CMS (RFC 5652), so
 * that stock OpenSSL opens it:
 *
 * - for certificates (the online signer's, RSA or EC): AuthEnvelopedData
 *   (RFC 5083) with AES-256-GCM, so the ciphertext is authenticated; RSA
 *   recipients by RSAES-OAEP with SHA-256, EC ones by ECDH with the
 *   SHA-256 X9.63 KDF and AES-256 key wrap.
 *     openssl cms -decrypt -inform DER -in F -inkey KEY -recip CERT
 * - for a passphrase: EnvelopedData with AES-256-CBC and a password
 *   recipient (RFC 3211), the key derived by PBKDF2.  OpenSSL 3.0 has
 *   PWRI only in EnvelopedData, with HMAC-SHA1 as PBKDF2's PRF (sound for
 *   key derivation) and a CBC cipher: not authenticated, so keybundles
 *   carry their checks inside and the manifest's hashes go in the log.
 *     openssl cms -decrypt -inform DER -in F -pwri_password PASS
 */
#ifndef KSKIT_ENVELOPE_H
#define KSKIT_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

/* OWASP's 2023 figure for PBKDF2-HMAC-SHA1. */
#define KSKIT_PBKDF2_ITERATIONS 1300000u

struct kskit_recipients {
	X509 *const *certs; /* or */
	size_t n_certs;
	const char *passphrase;
	uint32_t iterations; /* PBKDF2; 0: KSKIT_PBKDF2_ITERATIONS */
};

/* len bytes of data sealed for the certificates or the passphrase (one of
 * the two), DER in *der (OPENSSL_free()).  KSKIT_EINVAL for a certificate
 * whose key is neither RSA nor EC, KSKIT_ECRYPTO when OpenSSL fails. */
int kskit_envelope_seal(const void *data, size_t len, const struct kskit_recipients *to,
			uint8_t **der, size_t *der_len);

/* Open an envelope with a private key (and its certificate, which may be
 * NULL) or a passphrase.  *out: a secret buffer (kskit_secret_free()),
 * NUL-terminated, *out_len without the NUL; nothing is returned unless
 * the whole content decrypted (and, for GCM, authenticated).
 * KSKIT_EKEYBUNDLE when der is no CMS envelope, KSKIT_EDECRYPT when it
 * does not open. */
int kskit_envelope_open(const uint8_t *der, size_t len, EVP_PKEY *key, X509 *cert,
			const char *passphrase, char **out, size_t *out_len);

/* What the envelope is, without opening it: a line "AuthEnvelopedData
 * ..." or "EnvelopedData ...", then a line per recipient, "recipient:
 * password (PBKDF2)" or "recipient: certificate SERIAL of ISSUER".
 * malloc()ed. */
int kskit_envelope_describe(const uint8_t *der, size_t len, char **text);

#endif
