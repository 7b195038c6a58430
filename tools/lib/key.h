/* key.h - key pairs on a token: their public halves as OpenSSL keys. */
#ifndef KSKIT_KEY_H
#define KSKIT_KEY_H

#include <stdint.h>
#include <ldns/ldns.h>
#include <openssl/evp.h>
#include <p11-kit/pkcs11.h>

#include "alg.h"
#include "token.h"

/* The object of class want (CKO_PUBLIC_KEY or CKO_PRIVATE_KEY) with the same
 * CKA_ID and key type as obj; KSKIT_ENO_OBJECT when there is none, or when
 * obj has an empty id. */
int kskit_key_partner(struct kskit_token *tok, CK_OBJECT_HANDLE obj, CK_OBJECT_CLASS want,
		      CK_OBJECT_HANDLE *partner);

/* The public key of a key object, public or private: RSA from
 * CKA_MODULUS/CKA_PUBLIC_EXPONENT, EC and EdDSA from CKA_EC_PARAMS and
 * CKA_EC_POINT (for a private key, read from its public partner).
 * *alg (may be NULL) gets the key's default DNSSEC algorithm.
 * Free *pkey with EVP_PKEY_free(). */
int kskit_key_public(struct kskit_token *tok, CK_OBJECT_HANDLE obj, EVP_PKEY **pkey,
		     const struct kskit_alg **alg);

/* The private key, on a token logged in to, whose public key as a DNSKEY
 * with these flags has key tag tag; when want is not NULL, also want's
 * algorithm and public key.  *priv, *pub (EVP_PKEY_free()) and *alg.
 * KSKIT_ENO_OBJECT when no key pair fits, KSKIT_EAMBIGUOUS_OBJECT when
 * several do. */
int kskit_key_by_tag(struct kskit_token *tok, uint16_t tag, uint16_t flags, const ldns_rr *want,
		     CK_OBJECT_HANDLE *priv, EVP_PKEY **pub, const struct kskit_alg **alg);

#endif
