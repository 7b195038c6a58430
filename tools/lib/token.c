#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <p11-kit/p11-kit.h>

#include "error.h"
#include "token.h"

struct kskit_token {
	struct kskit_p11 *p11;
	CK_FUNCTION_LIST *fl;
	const char *module_path;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE session;
	int has_session;
	int logged_in;
	CK_TOKEN_INFO info;
	char label[33];
	CK_MECHANISM_TYPE *mechs;
	CK_ULONG n_mechs;
	int mechs_read;
};

void kskit_p11_string(char *dst, const unsigned char *src, size_t n)
{
	size_t len = p11_kit_space_strlen(src, n);

	for (size_t i = 0; i < len; i++)
		dst[i] = src[i] < 0x20 || src[i] == 0x7f ? '?' : (char)src[i];
	dst[len] = '\0';
}

static int slot_matches(CK_FUNCTION_LIST *fl, CK_SLOT_ID slot, P11KitUri *uri, CK_TOKEN_INFO *ti)
{
	CK_SLOT_INFO si;
	CK_SLOT_ID want = p11_kit_uri_get_slot_id(uri);

	if (want != (CK_SLOT_ID)-1 && want != slot)
		return 0;
	if (fl->C_GetSlotInfo(slot, &si) != CKR_OK || !p11_kit_uri_match_slot_info(uri, &si))
		return 0;
	if (fl->C_GetTokenInfo(slot, ti) != CKR_OK)
		return 0;
	return p11_kit_uri_match_token_info(uri, ti);
}

/* Slots (readers) that hold no token, over all modules. */
static size_t empty_slots(struct kskit_p11 *p11)
{
	size_t empty = 0;

	for (size_t m = 0; m < kskit_p11_count(p11); m++) {
		CK_FUNCTION_LIST *fl = kskit_p11_module(p11, m);
		CK_ULONG all = 0, present = 0;

		if (fl->C_GetSlotList(CK_FALSE, NULL, &all) == CKR_OK &&
		    fl->C_GetSlotList(CK_TRUE, NULL, &present) == CKR_OK && all > present)
			empty += all - present;
	}
	return empty;
}

static int find_slot(struct kskit_token *tok, const struct kskit_sel *sel, unsigned flags)
{
	P11KitUri *uri = kskit_sel_uri(sel);
	size_t matches = 0, skipped = 0, empty;
	int ret = 0;

	for (size_t m = 0; m < kskit_p11_count(tok->p11); m++) {
		CK_FUNCTION_LIST *fl = kskit_p11_module(tok->p11, m);
		CK_SLOT_ID *slots = NULL;
		CK_ULONG n = 0;
		CK_INFO mi;
		CK_RV rv;

		if (fl->C_GetInfo(&mi) != CKR_OK || !p11_kit_uri_match_module_info(uri, &mi))
			continue;
		rv = fl->C_GetSlotList(CK_TRUE, NULL, &n);
		if (rv == CKR_OK && n > 0) {
			slots = calloc(n, sizeof(*slots));
			if (!slots)
				return KSKIT_ENOMEM;
			rv = fl->C_GetSlotList(CK_TRUE, slots, &n);
		}
		if (rv != CKR_OK) {
			free(slots);
			ret = kskit_p11_error("C_GetSlotList", rv);
			continue;
		}
		for (CK_ULONG i = 0; i < n; i++) {
			CK_TOKEN_INFO ti;

			if (!slot_matches(fl, slots[i], uri, &ti))
				continue;
			if (!(ti.flags & CKF_TOKEN_INITIALIZED) &&
			    !(flags & KSKIT_TOKEN_UNINITIALIZED)) {
				skipped++;
				continue;
			}
			if (matches++ == 0) {
				tok->fl = fl;
				tok->module_path = kskit_p11_module_path(tok->p11, m);
				tok->slot = slots[i];
				tok->info = ti;
			}
		}
		free(slots);
	}
	if (matches > 1)
		return kskit_error_set(KSKIT_EAMBIGUOUS_TOKEN, "%zu tokens match", matches);
	if (matches == 1)
		return 0;
	if (skipped > 0)
		return KSKIT_ENOT_INITIALIZED;
	if (ret)
		return ret;
	empty = empty_slots(tok->p11);
	if (empty > 0)
		return kskit_error_set(KSKIT_ENO_TOKEN,
				       "%zu slot%s without a token: no card inserted?", empty,
				       empty == 1 ? "" : "s");
	return KSKIT_ENO_TOKEN;
}

int kskit_token_open(struct kskit_p11 *p11, const struct kskit_sel *sel, unsigned flags,
		     struct kskit_token **out)
{
	struct kskit_token *tok;
	int ret;

	tok = calloc(1, sizeof(*tok));
	if (!tok)
		return KSKIT_ENOMEM;
	tok->p11 = p11;
	ret = find_slot(tok, sel, flags);
	if (ret)
		goto fail;
	kskit_p11_string(tok->label, tok->info.label, sizeof(tok->info.label));
	if (!(flags & KSKIT_TOKEN_NO_SESSION)) {
		ret = kskit_token_session_open(tok, flags & KSKIT_TOKEN_RW);
		if (ret)
			goto fail;
	}
	*out = tok;
	return 0;
fail:
	free(tok);
	return ret;
}

int kskit_token_at(CK_FUNCTION_LIST *fl, const char *module_path, CK_SLOT_ID slot,
		   struct kskit_token **out)
{
	struct kskit_token *tok;
	CK_RV rv;

	tok = calloc(1, sizeof(*tok));
	if (!tok)
		return KSKIT_ENOMEM;
	tok->fl = fl;
	tok->module_path = module_path;
	tok->slot = slot;
	rv = fl->C_GetTokenInfo(slot, &tok->info);
	if (rv != CKR_OK) {
		free(tok);
		return kskit_p11_error("C_GetTokenInfo", rv);
	}
	kskit_p11_string(tok->label, tok->info.label, sizeof(tok->info.label));
	*out = tok;
	return 0;
}

int kskit_token_session_open(struct kskit_token *tok, int rw)
{
	CK_FLAGS f = CKF_SERIAL_SESSION | (rw ? CKF_RW_SESSION : 0);
	CK_RV rv;

	kskit_token_session_close(tok);
	rv = tok->fl->C_OpenSession(tok->slot, f, NULL, NULL, &tok->session);
	if (rv != CKR_OK)
		return kskit_p11_error("C_OpenSession", rv);
	tok->has_session = 1;
	return 0;
}

void kskit_token_session_close(struct kskit_token *tok)
{
	if (!tok->has_session)
		return;
	if (tok->logged_in)
		(void)tok->fl->C_Logout(tok->session);
	(void)tok->fl->C_CloseSession(tok->session);
	tok->has_session = 0;
	tok->logged_in = 0;
}

void kskit_token_close(struct kskit_token *tok)
{
	if (!tok)
		return;
	kskit_token_session_close(tok);
	free(tok->mechs);
	free(tok);
}

CK_FUNCTION_LIST *kskit_token_module(const struct kskit_token *tok)
{
	return tok->fl;
}

const char *kskit_token_module_path(const struct kskit_token *tok)
{
	return tok->module_path;
}

CK_SLOT_ID kskit_token_slot(const struct kskit_token *tok)
{
	return tok->slot;
}

CK_SESSION_HANDLE kskit_token_session(const struct kskit_token *tok)
{
	return tok->session;
}

const CK_TOKEN_INFO *kskit_token_info(const struct kskit_token *tok)
{
	return &tok->info;
}

const char *kskit_token_label(const struct kskit_token *tok)
{
	return tok->label;
}

int kskit_token_refresh(struct kskit_token *tok)
{
	CK_RV rv = tok->fl->C_GetTokenInfo(tok->slot, &tok->info);

	if (rv != CKR_OK)
		return kskit_p11_error("C_GetTokenInfo", rv);
	kskit_p11_string(tok->label, tok->info.label, sizeof(tok->info.label));
	return 0;
}

int kskit_token_login(struct kskit_token *tok, CK_USER_TYPE who, const char *pin, size_t pin_len)
{
	CK_RV rv;
	int ret;

	if (!pin && !(tok->info.flags & CKF_PROTECTED_AUTHENTICATION_PATH))
		return KSKIT_ENO_PIN;
	rv = tok->fl->C_Login(tok->session, who, (CK_UTF8CHAR_PTR)pin, pin ? pin_len : 0);
	if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) {
		tok->logged_in = 1;
		return 0;
	}
	ret = kskit_p11_error("C_Login", rv);
	(void)kskit_token_refresh(tok);
	return kskit_error_set(ret, "C_Login: %s", kskit_ckr_name(rv));
}

int kskit_token_set_pin(struct kskit_token *tok, const char *old_pin, const char *new_pin)
{
	CK_RV rv = tok->fl->C_SetPIN(tok->session, (CK_UTF8CHAR_PTR)old_pin, strlen(old_pin),
				     (CK_UTF8CHAR_PTR)new_pin, strlen(new_pin));

	return rv == CKR_OK ? 0 : kskit_p11_error("C_SetPIN", rv);
}

int kskit_token_init_pin(struct kskit_token *tok, const char *pin)
{
	CK_RV rv = tok->fl->C_InitPIN(tok->session, (CK_UTF8CHAR_PTR)pin, strlen(pin));

	return rv == CKR_OK ? 0 : kskit_p11_error("C_InitPIN", rv);
}

void kskit_token_logout(struct kskit_token *tok)
{
	if (tok->has_session && tok->logged_in)
		(void)tok->fl->C_Logout(tok->session);
	tok->logged_in = 0;
}

static int read_mechanisms(struct kskit_token *tok)
{
	CK_ULONG n = 0;
	CK_RV rv;

	if (tok->mechs_read)
		return 0;
	rv = tok->fl->C_GetMechanismList(tok->slot, NULL, &n);
	if (rv == CKR_OK && n > 0) {
		free(tok->mechs);
		tok->mechs = calloc(n, sizeof(*tok->mechs));
		if (!tok->mechs)
			return KSKIT_ENOMEM;
		rv = tok->fl->C_GetMechanismList(tok->slot, tok->mechs, &n);
	}
	if (rv != CKR_OK)
		return kskit_p11_error("C_GetMechanismList", rv);
	tok->n_mechs = n;
	tok->mechs_read = 1;
	return 0;
}

int kskit_token_has_mechanism(struct kskit_token *tok, CK_MECHANISM_TYPE mech,
			      CK_MECHANISM_INFO *info)
{
	if (mech == KSKIT_MECH_NONE || read_mechanisms(tok) != 0)
		return 0;
	for (CK_ULONG i = 0; i < tok->n_mechs; i++) {
		if (tok->mechs[i] != mech)
			continue;
		if (info && tok->fl->C_GetMechanismInfo(tok->slot, mech, info) != CKR_OK)
			memset(info, 0, sizeof(*info));
		return 1;
	}
	return 0;
}

/* Key sizes in mechanism info are bits by the standard; some EC tokens
 * report bytes.  A range that says nothing (0) allows anything. */
static int size_ok(const CK_MECHANISM_INFO *mi, unsigned bits, int ec)
{
	if (mi->ulMaxKeySize == 0)
		return 1;
	if (bits >= mi->ulMinKeySize && bits <= mi->ulMaxKeySize)
		return 1;
	return ec && bits / 8 >= mi->ulMinKeySize && bits / 8 <= mi->ulMaxKeySize;
}

int kskit_token_offers_bits(struct kskit_token *tok, const struct kskit_alg *alg, unsigned bits)
{
	CK_MECHANISM_INFO mi;

	if (!kskit_token_has_mechanism(tok, alg->raw_mech, &mi) &&
	    !kskit_token_has_mechanism(tok, alg->hash_mech, &mi))
		return 0;
	if (!(mi.flags & CKF_SIGN) && mi.flags != 0)
		return 0;
	return alg->key_type == CKK_EC_EDWARDS || size_ok(&mi, bits, alg->key_type == CKK_EC);
}

int kskit_token_offers(struct kskit_token *tok, const struct kskit_alg *alg)
{
	return kskit_token_offers_bits(tok, alg, alg->bits);
}

char *kskit_token_info_uri(const CK_TOKEN_INFO *info, const char *module_path)
{
	P11KitUri *uri = p11_kit_uri_new();
	char *s = NULL;

	if (!uri)
		return NULL;
	memcpy(p11_kit_uri_get_token_info(uri), info, sizeof(*info));
	if (module_path)
		p11_kit_uri_set_module_path(uri, module_path);
	if (p11_kit_uri_format(uri, P11_KIT_URI_FOR_TOKEN, &s) != P11_KIT_URI_OK)
		s = NULL;
	p11_kit_uri_free(uri);
	return s;
}

char *kskit_token_uri(const struct kskit_token *tok)
{
	P11KitUri *uri;
	char *s = NULL;

	if (tok->info.flags & CKF_TOKEN_INITIALIZED)
		return kskit_token_info_uri(&tok->info, tok->module_path);
	uri = p11_kit_uri_new();
	if (!uri)
		return NULL;
	p11_kit_uri_set_slot_id(uri, tok->slot);
	if (tok->module_path)
		p11_kit_uri_set_module_path(uri, tok->module_path);
	if (p11_kit_uri_format(uri, P11_KIT_URI_FOR_SLOT, &s) != P11_KIT_URI_OK)
		s = NULL;
	p11_kit_uri_free(uri);
	return s;
}
