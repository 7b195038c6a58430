/* keygen.h - key pairs generated inside a token. */
#ifndef KSKIT_KEYGEN_H
#define KSKIT_KEYGEN_H

#include <stddef.h>
#include <p11-kit/pkcs11.h>

#include "alg.h"
#include "token.h"

struct kskit_keygen {
	const struct kskit_alg *alg;
	unsigned bits;		 /* RSA modulus size; 0: alg->bits */
	const char *label;	 /* CKA_LABEL, may be NULL */
	const unsigned char *id; /* CKA_ID, may be NULL */
	size_t id_len;
	int session_only; /* CKA_TOKEN = FALSE: gone when the session ends */
	int extractable;  /* CKA_EXTRACTABLE on the private key */
};

/* Generate a key pair: private key private, sensitive, signing only;
 * public key for verification.  Tokens that refuse session objects get
 * token objects when session_only is set, and *on_token reports it (the
 * caller then destroys them).  KSKIT_EMECHANISM when the token lacks the
 * generation mechanism. */
int kskit_keygen(struct kskit_token *tok, const struct kskit_keygen *p, CK_OBJECT_HANDLE *priv,
		 CK_OBJECT_HANDLE *pub, int *on_token);

/* Destroy an object; 0 or the mapped CKR. */
int kskit_object_destroy(struct kskit_token *tok, CK_OBJECT_HANDLE obj);

#endif
