/* token-init.h - kskit token init's parts. */
#ifndef KSKIT_TOKEN_INIT_H
#define KSKIT_TOKEN_INIT_H

#include "cli.h"

struct token_pins {
	char *current_so; /* the SO PIN the token has now, or NULL */
	char *so;	  /* the SO PIN it will have */
	char *user;	  /* the user PIN it will have */
};

/* The last proof of a token init: log out, log in with the new SO PIN,
 * and say which token was made (name when it has no URI). */
int token_init_proven(struct cli_token *ct, const struct token_pins *p, const char *name);

/* Initialise the SmartCard-HSM ct opened with sc-hsm-tool --initialize
 * for dkek_shares DKEK shares (0: none, and no key will ever be wrapped),
 * then set and prove the PINs.  Closes ct. */
int token_init_schsm(struct cli_token *ct, const char *label, unsigned dkek_shares,
		     const struct token_pins *p, int initialised);

#endif
