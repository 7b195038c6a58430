/* token.h - one PKCS#11 token, found by a selection, with a session on it. */
#ifndef KSKIT_TOKEN_H
#define KSKIT_TOKEN_H

#include <stddef.h>
#include <p11-kit/pkcs11.h>

#include "alg.h"
#include "p11.h"

struct kskit_token;

enum kskit_token_flags {
	KSKIT_TOKEN_RW = 1 << 0,	    /* open a read/write session */
	KSKIT_TOKEN_NO_SESSION = 1 << 1,    /* open no session (C_InitToken needs none) */
	KSKIT_TOKEN_UNINITIALIZED = 1 << 2, /* uninitialised tokens may match too */
};

/* Find the one token of p11 that sel matches.  Tokens that are not
 * initialised are skipped unless KSKIT_TOKEN_UNINITIALIZED is given; when
 * only such tokens matched the result is KSKIT_ENOT_INITIALIZED.  Zero
 * matches give KSKIT_ENO_TOKEN, several KSKIT_EAMBIGUOUS_TOKEN.
 * The token borrows p11, which must outlive it. */
int kskit_token_open(struct kskit_p11 *p11, const struct kskit_sel *sel, unsigned flags,
		     struct kskit_token **out);

/* The token in one given slot of a module, with no session: for listing. */
int kskit_token_at(CK_FUNCTION_LIST *fl, const char *module_path, CK_SLOT_ID slot,
		   struct kskit_token **out);

/* Logs out, closes the session.  NULL is ignored. */
void kskit_token_close(struct kskit_token *tok);

CK_FUNCTION_LIST *kskit_token_module(const struct kskit_token *tok);
const char *kskit_token_module_path(const struct kskit_token *tok);
CK_SLOT_ID kskit_token_slot(const struct kskit_token *tok);
CK_SESSION_HANDLE kskit_token_session(const struct kskit_token *tok);

/* Token info as last read (by open or kskit_token_refresh). */
const CK_TOKEN_INFO *kskit_token_info(const struct kskit_token *tok);
int kskit_token_refresh(struct kskit_token *tok);

/* The token label without its padding; owned by tok. */
const char *kskit_token_label(const struct kskit_token *tok);

/* (Re)open the session after C_InitToken or a close. */
int kskit_token_session_open(struct kskit_token *tok, int rw);
void kskit_token_session_close(struct kskit_token *tok);

/* Log in as user (CKU_USER) or SO (CKU_SO).  pin may be NULL on a token with
 * a protected authentication path (PIN pad).  Already logged in is success.
 * On a wrong PIN the token info is refreshed so the caller can report
 * CKF_*_PIN_COUNT_LOW / FINAL_TRY / LOCKED. */
int kskit_token_login(struct kskit_token *tok, CK_USER_TYPE who, const char *pin, size_t pin_len);

/* C_SetPIN for whoever is logged in on the session (or the user, when no
 * one is and the token allows it). */
int kskit_token_set_pin(struct kskit_token *tok, const char *old_pin, const char *new_pin);

/* C_InitPIN: set the user PIN; needs an SO login. */
int kskit_token_init_pin(struct kskit_token *tok, const char *pin);

/* Log out (session stays open). */
void kskit_token_logout(struct kskit_token *tok);

/* Non-zero if the token lists mech; *info filled when info is not NULL. */
int kskit_token_has_mechanism(struct kskit_token *tok, CK_MECHANISM_TYPE mech,
			      CK_MECHANISM_INFO *info);

/* Non-zero when the token has a mechanism to sign with alg, for the key
 * sizes or curve alg needs (as far as C_GetMechanismInfo tells): for RSA,
 * 2048-bit keys. */
int kskit_token_offers(struct kskit_token *tok, const struct kskit_alg *alg);

/* The same for a key of this size (RSA modulus bits). */
int kskit_token_offers_bits(struct kskit_token *tok, const struct kskit_alg *alg, unsigned bits);

/* An RFC 7512 URI for the token (module-path included), malloc()ed; for a
 * token not yet initialised, the URI of its slot (slot-id=). */
char *kskit_token_uri(const struct kskit_token *tok);

/* Fill a token URI string for given infos; malloc()ed or NULL. */
char *kskit_token_info_uri(const CK_TOKEN_INFO *info, const char *module_path);

/* Copy a blank-padded PKCS#11 string into a NUL-terminated buffer of
 * n + 1 bytes, without the padding; control characters (a hostile card's
 * terminal escapes) become '?'. */
void kskit_p11_string(char *dst, const unsigned char *src, size_t n);

#endif
