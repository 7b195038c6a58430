/* softsign.h - DNSSEC signatures by a key held in software: the ZSKs of
 * the self-contained ceremony, which sign their own request's DNSKEY RRset
 * as proof of possession, and the online signer's. */
#ifndef KSKIT_SOFTSIGN_H
#define KSKIT_SOFTSIGN_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

#include "alg.h"

struct kskit_soft_key {
	const struct kskit_alg *alg;
	EVP_PKEY *key; /* a private key of alg's type */
};

/* A kskit_sign_fn (ctx a struct kskit_soft_key): len bytes of data signed
 * in DNSSEC wire format (RSA PKCS #1 v1.5 with alg's digest, ECDSA r || s
 * of RFC 6605, Ed25519 of RFC 8080); *sig malloc()ed.  KSKIT_ECRYPTO when
 * OpenSSL fails. */
int kskit_soft_sign(void *ctx, const uint8_t *data, size_t len, uint8_t **sig, size_t *sig_len);

/* The same for many signatures in a row: the digest and the key's signing
 * context made once.  One thread at a time uses a signer; several signers
 * may share the key. */
struct kskit_soft_signer;

int kskit_soft_signer_new(const struct kskit_alg *alg, EVP_PKEY *key,
			  struct kskit_soft_signer **out);
void kskit_soft_signer_free(struct kskit_soft_signer *s);

/* A kskit_sign_fn, ctx a struct kskit_soft_signer. */
int kskit_soft_signer_sign(void *ctx, const uint8_t *data, size_t len, uint8_t **sig,
			   size_t *sig_len);

#endif
