/* dnskey.h - DNSSEC public key encodings and key tags (RFC 3110, 4034,
 * 6605, 8080), from and to OpenSSL keys. */
#ifndef KSKIT_DNSKEY_H
#define KSKIT_DNSKEY_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

#include "alg.h"

#define KSKIT_DNSKEY_ZSK 256
#define KSKIT_DNSKEY_KSK 257

/* The DNSKEY public key field of pkey; *out malloc()ed.  KSKIT_EKEY_TYPE
 * when pkey does not fit alg (type or curve). */
int kskit_dnskey_pubkey(EVP_PKEY *pkey, const struct kskit_alg *alg, uint8_t **out, size_t *len);

/* The whole DNSKEY RDATA (flags, protocol 3, algorithm, key); *out malloc()ed. */
int kskit_dnskey_rdata(EVP_PKEY *pkey, const struct kskit_alg *alg, uint16_t flags, uint8_t **out,
		       size_t *len);

/* The key tag (RFC 4034 appendix B, computed by ldns) of the DNSKEY with
 * these flags. */
int kskit_dnskey_keytag(EVP_PKEY *pkey, const struct kskit_alg *alg, uint16_t flags, uint16_t *tag);

/* An OpenSSL public key from a DNSKEY public key field.  Free with
 * EVP_PKEY_free(). */
int kskit_dnskey_to_pkey(const struct kskit_alg *alg, const uint8_t *key, size_t len,
			 EVP_PKEY **out);

/* An OpenSSL RSA public key from big-endian modulus and exponent.
 * KSKIT_EKEYFILE unless both are odd, the exponent above 1 and below the
 * modulus, and the modulus 512 to 16384 bits. */
int kskit_pkey_rsa(const uint8_t *n, size_t nlen, const uint8_t *e, size_t elen, EVP_PKEY **out);

/* The default DNSSEC algorithm for an OpenSSL key: RSASHA256 for RSA, the
 * curve's algorithm for EC and EdDSA; NULL when there is none. */
const struct kskit_alg *kskit_alg_for_pkey(EVP_PKEY *pkey);

#endif
