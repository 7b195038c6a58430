#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

static _Thread_local char detail[512];
static _Thread_local int detail_code;

static const char *const messages[] = {
	[-KSKIT_OK] = "success",
	[-KSKIT_ENOMEM] = "out of memory",
	[-KSKIT_EINVAL] = "invalid argument",
	[-KSKIT_EURI] = "malformed PKCS#11 URI",
	[-KSKIT_EURI_PIN_VALUE] =
		"pin-value in a URI is refused: a PIN never travels on a command line "
		"(use pin-source=file:..., KSKIT_PIN, or the prompt)",
	[-KSKIT_EURI_UNKNOWN] = "PKCS#11 URI has an attribute kskit does not understand",
	[-KSKIT_EMODULE_MISSING] = "PKCS#11 module not found",
	[-KSKIT_EMODULE_LOAD] =
		"cannot load PKCS#11 module (not a PKCS#11 module, or it failed to initialise)",
	[-KSKIT_EMODULE_NAME] = "no PKCS#11 module of that name in the p11-kit registry",
	[-KSKIT_ENO_TOKEN] = "no token matches the URI",
	[-KSKIT_EAMBIGUOUS_TOKEN] = "several tokens match the URI; add token=, serial= or slot-id=",
	[-KSKIT_ENO_OBJECT] = "no object matches the URI",
	[-KSKIT_EAMBIGUOUS_OBJECT] = "several objects match the URI; add object=, id= or type=",
	[-KSKIT_EPIN_INCORRECT] = "wrong PIN",
	[-KSKIT_EPIN_LOCKED] = "PIN is locked",
	[-KSKIT_ENO_PIN] = "no PIN: no terminal to prompt on; set KSKIT_PIN or pin-source=file:...",
	[-KSKIT_EPIN_SOURCE] = "cannot read the PIN from pin-source",
	[-KSKIT_EPIN_POLICY] = "PIN rejected by the token (length or characters)",
	[-KSKIT_ETOKEN_GONE] = "token removed or not responding",
	[-KSKIT_EMECHANISM] = "the token does not offer the mechanism needed",
	[-KSKIT_EALGORITHM] = "unknown or unsupported DNSSEC algorithm",
	[-KSKIT_EPKCS11] = "PKCS#11 call failed",
	[-KSKIT_ECRYPTO] = "cryptographic operation failed",
	[-KSKIT_EVERIFY] = "the token's signature does not verify in software",
	[-KSKIT_EKEYFILE] = "malformed key file",
	[-KSKIT_EIO] = "input/output error",
	[-KSKIT_EHEALTH_RCT] = "random source failed the repetition count test (SP 800-90B 4.4.1)",
	[-KSKIT_EHEALTH_APT] =
		"random source failed the adaptive proportion test (SP 800-90B 4.4.2)",
	[-KSKIT_ENOT_INITIALIZED] = "token is not initialised",
	[-KSKIT_ECANCELED] = "canceled: confirmation not given",
	[-KSKIT_EPERM] = "permission denied",
	[-KSKIT_EKEY_TYPE] = "key type not usable for DNSSEC",
	[-KSKIT_EINIT_TOOL] = "the token's own tool failed",
	[-KSKIT_ELOGIN_REQUIRED] = "the token requires a login for this",
	[-KSKIT_EPASSPHRASE] = "wrong passphrase",
	[-KSKIT_EINTERRUPTED] = "interrupted",
	[-KSKIT_EEXIST] = "the file exists already: kskit does not overwrite it",
	[-KSKIT_EKSR] = "malformed key signing request or response",
	[-KSKIT_EPOLICY] = "refused by the signing policy",
	[-KSKIT_ECONFIG] = "malformed policy file",
	[-KSKIT_EKEYBUNDLE] = "malformed or unusable keybundle",
	[-KSKIT_EZONE] = "malformed zone",
	[-KSKIT_ESHARE] = "malformed or damaged DKEK share file",
	[-KSKIT_ESHARES] = "these DKEK shares do not rebuild a DKEK",
	[-KSKIT_EBACKUP] = "malformed or damaged key backup file",
	[-KSKIT_EDECRYPT] = "cannot decrypt: wrong passphrase or key, or the bundle was altered",
	[-KSKIT_EUSER_PIN_UNSET] =
		"the token says its user PIN is not set (an opencryptoki TPM token says so too "
		"when OCK_SRK_MODE/OCK_SRK_SECRET are missing, its TOK_OBJ directory is "
		"missing, or the TPM is gone)",
};

const char *kskit_strerror(int code)
{
	if (code > 0 || code < KSKIT_ERROR_MIN || !messages[-code])
		return "unknown error";
	return messages[-code];
}

const char *kskit_error_detail(int code)
{
	return code == detail_code ? detail : "";
}

int kskit_error_set(int code, const char *fmt, ...)
{
	char text[sizeof(detail)]; /* the arguments may be the detail itself */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	memcpy(detail, text, sizeof(detail));
	detail_code = code;
	return code;
}
