/* quirks.h - what some PKCS#11 stacks do differently from the standard, so
 * that kskit, not the operator, deals with it. */
#ifndef KSKIT_QUIRKS_H
#define KSKIT_QUIRKS_H

#include <p11-kit/pkcs11.h>

struct kskit_quirks {
	const char *stack; /* for messages */
	/* C_InitToken checks the SO PIN it is given against this one and does
	 * not set it (opencryptoki); NULL: C_InitToken sets the SO PIN. */
	const char *factory_so_pin;
	/* C_InitToken on a token whose SO PIN is no longer the factory one
	 * returns CKR_OK and leaves the SO locked out for good, and C_SetPIN
	 * refuses to put the factory PIN back (opencryptoki's soft token): the
	 * only way to re-initialise is to remove the token's files. */
	const char *reinit_breaks_so;
	/* C_InitPIN returns CKR_OK but keeps this user PIN (opencryptoki's TPM
	 * token): change it with C_SetPIN as the user.  NULL: C_InitPIN works. */
	const char *factory_user_pin;
};

/* The quirks of the stack behind a token; never NULL (standard behaviour
 * for tokens kskit knows nothing special about). */
const struct kskit_quirks *kskit_token_quirks(const CK_TOKEN_INFO *info);

#endif
