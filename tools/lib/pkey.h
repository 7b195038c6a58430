/* pkey.h - OpenSSL keys built from their components. */
#ifndef KSKIT_PKEY_H
#define KSKIT_PKEY_H

#include <openssl/evp.h>
#include <openssl/param_build.h>

/* An EVP_PKEY of type ("RSA", "EC") from the parameters pushed on bld;
 * selection is EVP_PKEY_PUBLIC_KEY or EVP_PKEY_KEYPAIR.  bld stays the
 * caller's; the parameters made from it (secret ones too) are freed here,
 * cleared where OpenSSL keeps them in secure memory. */
int kskit_pkey_fromdata(const char *type, int selection, OSSL_PARAM_BLD *bld, EVP_PKEY **out);

struct kskit_alg;

/* A new software key pair for alg (RSA: bits, 0 for alg's default), from
 * OpenSSL's RNG.  NULL on failure. */
EVP_PKEY *kskit_pkey_generate(const struct kskit_alg *alg, unsigned bits);

/* What a key policy lists of pk (of alg): its size in bits and, for RSA,
 * its public exponent (else 0). */
void kskit_pkey_size(EVP_PKEY *pk, const struct kskit_alg *alg, unsigned *bits,
		     unsigned long *exponent);

#endif
