#include <string.h>

#include "error.h"
#include "keygen.h"
#include "object.h"
#include "quirks.h"

static const CK_BBOOL yes = CK_TRUE, no = CK_FALSE;

int kskit_keygen(struct kskit_token *tok, const struct kskit_keygen *p, CK_OBJECT_HANDLE *priv,
		 CK_OBJECT_HANDLE *pub, int *on_token)
{
	CK_FUNCTION_LIST *fl = kskit_token_module(tok);
	CK_MECHANISM mech = { p->alg->gen_mech, NULL, 0 };
	CK_ULONG bits = p->bits ? p->bits : p->alg->bits;
	static const CK_BYTE f4[] = { 0x01, 0x00, 0x01 };
	CK_BBOOL token = p->session_only ? CK_FALSE : CK_TRUE;
	CK_ATTRIBUTE pubt[8], privt[12];
	CK_ULONG npub = 0, npriv = 0;
	CK_RV rv;

	if (!kskit_token_has_mechanism(tok, mech.mechanism, NULL))
		return kskit_error_set(KSKIT_EMECHANISM, "%s: token lacks the generation mechanism",
				       p->alg->name);
#define ADD(t, n, type, ptr, len) t[n++] = (CK_ATTRIBUTE){ type, (void *)(ptr), len }
	ADD(pubt, npub, CKA_TOKEN, &token, sizeof(token));
	ADD(pubt, npub, CKA_VERIFY, &yes, sizeof(yes));
	ADD(privt, npriv, CKA_TOKEN, &token, sizeof(token));
	ADD(privt, npriv, CKA_PRIVATE, &yes, sizeof(yes));
	ADD(privt, npriv, CKA_SENSITIVE, &yes, sizeof(yes));
	ADD(privt, npriv, CKA_SIGN, &yes, sizeof(yes));
	if (!kskit_quirks_of(tok)->no_decrypt_false)
		ADD(privt, npriv, CKA_DECRYPT, &no, sizeof(no));
	ADD(privt, npriv, CKA_UNWRAP, &no, sizeof(no));
	ADD(privt, npriv, CKA_DERIVE, &no, sizeof(no));
	ADD(privt, npriv, CKA_EXTRACTABLE, p->extractable ? &yes : &no, sizeof(CK_BBOOL));
	if (p->alg->key_type == CKK_RSA) {
		ADD(pubt, npub, CKA_MODULUS_BITS, &bits, sizeof(bits));
		ADD(pubt, npub, CKA_PUBLIC_EXPONENT, f4, sizeof(f4));
	} else {
		ADD(pubt, npub, CKA_EC_PARAMS, p->alg->ec_params, p->alg->ec_params_len);
	}
	if (p->label) {
		ADD(pubt, npub, CKA_LABEL, p->label, strlen(p->label));
		ADD(privt, npriv, CKA_LABEL, p->label, strlen(p->label));
	}
	if (p->id && p->id_len) {
		ADD(pubt, npub, CKA_ID, p->id, p->id_len);
		ADD(privt, npriv, CKA_ID, p->id, p->id_len);
	}
#undef ADD
	*on_token = !p->session_only;
	rv = fl->C_GenerateKeyPair(kskit_token_session(tok), &mech, pubt, npub, privt, npriv, pub,
				   priv);
	if ((rv == CKR_TEMPLATE_INCONSISTENT || rv == CKR_ATTRIBUTE_VALUE_INVALID) &&
	    p->session_only) {
		token = CK_TRUE;
		*on_token = 1;
		rv = fl->C_GenerateKeyPair(kskit_token_session(tok), &mech, pubt, npub, privt,
					   npriv, pub, priv);
	}
	if (rv != CKR_OK)
		return kskit_p11_error("C_GenerateKeyPair", rv);
	/* Some stacks make token objects of a session key pair without a word
	 * (OpenSC on a SmartCard-HSM): what the token says counts. */
	if (!*on_token && kskit_attr_bool(tok, *priv, CKA_TOKEN) == 1)
		*on_token = 1;
	return 0;
}

int kskit_object_destroy(struct kskit_token *tok, CK_OBJECT_HANDLE obj)
{
	CK_RV rv = kskit_token_module(tok)->C_DestroyObject(kskit_token_session(tok), obj);

	return rv == CKR_OK ? 0 : kskit_p11_error("C_DestroyObject", rv);
}
