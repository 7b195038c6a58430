/* quirks.h - what some PKCS#11 stacks do differently from the standard, so
 * that kskit, not the operator, deals with it. */
#ifndef KSKIT_QUIRKS_H
#define KSKIT_QUIRKS_H

#include <p11-kit/pkcs11.h>

struct kskit_quirks {
	const char *stack; /* for messages */
	/* C_InitToken checks the SO PIN it is given (on a new token: this one)
	 * and leaves the token with this SO PIN, to be changed with C_SetPIN
	 * (opencryptoki); NULL: C_InitToken sets the SO PIN it is given. */
	const char *factory_so_pin;
	/* Why an initialised token cannot be initialised again through
	 * C_InitToken (unless it still has its factory SO PIN), and what to do
	 * instead; NULL when it can.  opencryptoki's soft token returns CKR_OK
	 * and locks its SO out for good once the SO PIN was changed (and
	 * C_SetPIN refuses the factory PIN); tpm2-pkcs11 answers
	 * CKR_ARGUMENTS_BAD. */
	const char *no_reinit;
	/* C_InitPIN returns CKR_OK but keeps this user PIN (opencryptoki's TPM
	 * token): change it with C_SetPIN as the user.  NULL: C_InitPIN works. */
	const char *factory_user_pin;
	/* Why private keys cannot be written with C_CreateObject, and the
	 * stack's own way; NULL when they can. */
	const char *no_import;
	/* Why the stack cannot wrap or unwrap keys (no C_WrapKey,
	 * C_UnwrapKey), and the device's own way; NULL when it can. */
	const char *no_wrap;
	/* C_GenerateKeyPair fails (CKR_GENERAL_ERROR) when the private key
	 * template says CKA_DECRYPT = FALSE (tpm2-pkcs11, for RSA and EC). */
	int no_decrypt_false;
};

/* The quirks of the stack behind a token, told by the module's and the
 * token's info; never NULL (standard behaviour for the rest). */
const struct kskit_quirks *kskit_token_quirks(const CK_INFO *module, const CK_TOKEN_INFO *token);

struct kskit_token;

/* The same for an open token. */
const struct kskit_quirks *kskit_quirks_of(struct kskit_token *tok);

#endif
