/* wrapkey.h - private keys leaving one token and entering another, wrapped
 * with AES key wrap with padding (RFC 5649) under a key-encryption key
 * (KEK) that lives on both tokens and never leaves them.
 *
 * The KEK is either the DKEK (rebuilt from custodian shares, loaded into
 * each token by kskit_dkek_store) or a fresh AES-256 session key that the
 * source token makes and sends to the target token under the target's
 * RSA-OAEP transport key (kskit_transport_*).
 *
 * The stacks differ, and this hides it:
 * - PKCS#11 v3 numbers AES key wrap with padding 0x210B (CKM_AES_KEY_WRAP_KWP);
 *   SoftHSM 2.6 uses 0x210A, the number of v2.40's draft.  Whichever the
 *   token lists is used.
 * - A token with neither (opencryptoki's soft token) still encrypts and
 *   decrypts single AES blocks with the KEK (CKM_AES_ECB), and RFC 5649 is
 *   built on that (kwp.h): the KEK is then created with CKA_ENCRYPT and
 *   CKA_DECRYPT, and an unwrapped key passes through kskit's locked memory
 *   on its way to C_CreateObject, as with `kskit token import`.
 * - tpm2-pkcs11 has no C_WrapKey or C_UnwrapKey at all (KSKIT_EMECHANISM,
 *   saying so): a TPM's keys are backed up by the TPM's own duplication
 *   (tpm2_duplicate) or made in software and imported before use.
 * - SoftHSM's OAEP takes only SHA-1 with MGF1-SHA-1; the transport uses
 *   that everywhere (OAEP's security does not rest on SHA-1's collision
 *   resistance).
 */
#ifndef KSKIT_WRAPKEY_H
#define KSKIT_WRAPKEY_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <p11-kit/pkcs11.h>

#include "dkekshare.h"
#include "token.h"

#define KSKIT_CKM_AES_KWP_V3 0x210Bul
#define KSKIT_CKM_AES_KWP_SOFTHSM 0x210Aul
#define KSKIT_DKEK_LABEL "kskit DKEK"
#define KSKIT_TRANSPORT_LABEL "kskit backup transport"

/* A KEK on a token, and how to wrap with it. */
struct kskit_kek {
	CK_OBJECT_HANDLE handle;
	CK_MECHANISM_TYPE kwp; /* 0: RFC 5649 over CKM_AES_ECB */
	int session;	       /* a session object, destroyed by kskit_kek_release */
};

/* The mechanism the token wraps with (0 for the ECB route);
 * KSKIT_EMECHANISM when it can do neither. */
int kskit_kwp_mechanism(struct kskit_token *tok, CK_MECHANISM_TYPE *mech);

/* Store dkek on the token as a token object (AES-256, private, sensitive,
 * not extractable, wrap and unwrap; label KSKIT_DKEK_LABEL, CKA_ID its
 * KCV).  KSKIT_EEXIST when a DKEK with that KCV is there already (*kek is
 * then that one).  Needs a read/write session logged in as user. */
int kskit_dkek_store(struct kskit_token *tok, const uint8_t dkek[KSKIT_DKEK_LEN],
		     struct kskit_kek *kek);

/* The DKEK on the token with this KCV, or when kcv is NULL the only one
 * (its KCV into kcv_out, may be NULL).  KSKIT_ENO_OBJECT or
 * KSKIT_EAMBIGUOUS_OBJECT. */
int kskit_dkek_find(struct kskit_token *tok, const uint8_t *kcv, struct kskit_kek *kek,
		    uint8_t kcv_out[KSKIT_DKEK_KCV_LEN]);

/* How many DKEKs the token holds, their KCVs into kcvs (up to max). */
int kskit_dkek_list(struct kskit_token *tok, uint8_t (*kcvs)[KSKIT_DKEK_KCV_LEN], size_t max,
		    size_t *count);

/* Wrap the private key priv under kek: *blob (free()) of *len bytes. */
int kskit_wrap_private(struct kskit_token *tok, const struct kskit_kek *kek, CK_OBJECT_HANDLE priv,
		       uint8_t **blob, size_t *len);

/* What an unwrapped private key becomes. */
struct kskit_unwrap {
	EVP_PKEY *pub; /* its public key: the key type, and the public object */
	const char *label;
	const uint8_t *id;
	size_t id_len;
	int extractable;
};

/* Unwrap blob under kek into a token private key (token, private,
 * sensitive, sign only) and create its public key object.  The private key
 * must match p->pub (KSKIT_EVERIFY otherwise, and nothing is left on the
 * token).  KSKIT_EDECRYPT when the blob is not under this KEK. */
int kskit_unwrap_private(struct kskit_token *tok, const struct kskit_kek *kek, const uint8_t *blob,
			 size_t len, const struct kskit_unwrap *p, CK_OBJECT_HANDLE *priv,
			 CK_OBJECT_HANDLE *pub);

/* Make an RSA-3072 transport key pair on the target token (token objects,
 * label KSKIT_TRANSPORT_LABEL, private key unwrap only): *pub its public
 * key. */
int kskit_transport_create(struct kskit_token *tok, EVP_PKEY **pub);

/* On the source token: a fresh AES-256 session KEK, and that KEK wrapped
 * with RSA-OAEP (SHA-1) under the target's transport public key. */
int kskit_transport_send(struct kskit_token *tok, EVP_PKEY *target, struct kskit_kek *kek,
			 uint8_t **wrapped, size_t *len);

/* On the target token: the transport private key whose public key is
 * target unwraps the KEK into a session object. */
int kskit_transport_receive(struct kskit_token *tok, EVP_PKEY *target, const uint8_t *wrapped,
			    size_t len, struct kskit_kek *kek);

/* Destroy a session KEK; nothing for a token one. */
void kskit_kek_release(struct kskit_token *tok, struct kskit_kek *kek);

#endif
