/* sign.h - DNSSEC signatures made by a token and checked in software.
 *
 * A signer is a private key on a token bound to one DNSSEC algorithm, with
 * the PKCS#11 mechanism chosen from what the token offers: a token that has
 * the raw mechanism (CKM_RSA_PKCS, CKM_ECDSA) gets the digest we compute
 * (for RSA wrapped in a DigestInfo); otherwise the hashing mechanism
 * (CKM_SHA256_RSA_PKCS, CKM_ECDSA_SHA256...) gets the data.  Never both.
 */
#ifndef KSKIT_SIGN_H
#define KSKIT_SIGN_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <p11-kit/pkcs11.h>

#include "alg.h"
#include "token.h"

struct kskit_signer;

/* Bind private key priv to alg.  pub is the matching public key (the
 * signer takes its own reference).  KSKIT_EMECHANISM when the token has no
 * usable mechanism, KSKIT_EKEY_TYPE when pub does not fit alg. */
int kskit_signer_new(struct kskit_token *tok, CK_OBJECT_HANDLE priv, const struct kskit_alg *alg,
		     EVP_PKEY *pub, struct kskit_signer **out);
void kskit_signer_free(struct kskit_signer *s);

/* The mechanism the signer uses. */
CK_MECHANISM_TYPE kskit_signer_mechanism(const struct kskit_signer *s);

/* Sign data and verify the result with the public key in software before
 * returning it: DNSSEC wire format (RFC 3110 / 6605 / 8080).  *sig is
 * malloc()ed.  KSKIT_EVERIFY when the token's signature is wrong. */
int kskit_signer_sign(struct kskit_signer *s, const uint8_t *data, size_t len, uint8_t **sig,
		      size_t *sig_len);

/* kskit_signer_sign() in the shape of kskit_sign_fn (rrsig.h); ctx is the
 * struct kskit_signer. */
int kskit_signer_sign_cb(void *ctx, const uint8_t *data, size_t len, uint8_t **sig,
			 size_t *sig_len);

/* One signature by private key priv over a fixed message, verified in
 * software with pub: proof that the token signs with the key it was
 * given or made.  0, or the signer's error. */
int kskit_sign_self_test(struct kskit_token *tok, CK_OBJECT_HANDLE priv,
			 const struct kskit_alg *alg, EVP_PKEY *pub);

/* Called after each signature the token made and software verified:
 * how many so far, and the nanoseconds spent inside C_Sign.  A token that
 * signs once a second (a smartcard) makes long operations; the caller may
 * say how far they are. */
typedef void (*kskit_signer_progress_fn)(void *ctx, uint64_t count, uint64_t token_ns);
void kskit_signer_set_progress(struct kskit_signer *s, kskit_signer_progress_fn fn, void *ctx);

/* Nanoseconds spent inside C_Sign so far (for measurements). */
uint64_t kskit_signer_token_ns(const struct kskit_signer *s);

/* Verify a DNSSEC-format signature over data with pub in software. 0 when
 * good, KSKIT_EVERIFY when not. */
int kskit_verify(const struct kskit_alg *alg, EVP_PKEY *pub, const uint8_t *data, size_t len,
		 const uint8_t *sig, size_t sig_len);

/* "CKM_RSA_PKCS" etc. for the mechanisms kskit uses; "CKM_0x..." else. */
const char *kskit_ckm_name(CK_MECHANISM_TYPE m);

#endif
