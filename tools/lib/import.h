/* import.h - writing a software key pair onto a token. */
#ifndef KSKIT_IMPORT_H
#define KSKIT_IMPORT_H

#include <stddef.h>
#include <openssl/evp.h>
#include <p11-kit/pkcs11.h>

#include "alg.h"
#include "token.h"

struct kskit_import {
	const char *label;	 /* CKA_LABEL of both objects, may be NULL */
	const unsigned char *id; /* CKA_ID; NULL: kskit_key_id() of the key */
	size_t id_len;
	int extractable; /* CKA_EXTRACTABLE of the private key */
};

/* Create the private key (token, private, sensitive, signing) and its public
 * key on the token.  The key components pass through locked buffers that are
 * wiped before return.  Needs a read/write session, logged in as user. */
int kskit_import_key(struct kskit_token *tok, EVP_PKEY *key, const struct kskit_import *p,
		     CK_OBJECT_HANDLE *priv, CK_OBJECT_HANDLE *pub);

/* Create only the public key object of key (public or private), as
 * kskit_import_key() would: for a private key unwrapped onto the token. */
int kskit_import_public(struct kskit_token *tok, EVP_PKEY *key, const char *label,
			const unsigned char *id, size_t id_len, CK_OBJECT_HANDLE *pub);

/* The CKA_ID kskit gives keys: SHA-1 of the DER SubjectPublicKeyInfo, the
 * 20-byte id Knot's keystore uses.  id must hold 20 bytes. */
int kskit_key_id(EVP_PKEY *key, unsigned char id[20]);

#endif
