/* error.h - kskit library result codes.
 *
 * Every library function returns 0 on success or one of these negative
 * codes.  kskit_strerror() gives a one-line description; for errors that
 * came from a PKCS#11 call, kskit_p11_failure() (p11.h) names the call and
 * its CKR_ value.
 */
#ifndef KSKIT_ERROR_H
#define KSKIT_ERROR_H

enum kskit_error {
	KSKIT_OK = 0,
	KSKIT_ENOMEM = -1,
	KSKIT_EINVAL = -2,
	KSKIT_EURI = -3,
	KSKIT_EURI_PIN_VALUE = -4,
	KSKIT_EURI_UNKNOWN = -5,
	KSKIT_EMODULE_MISSING = -6,
	KSKIT_EMODULE_LOAD = -7,
	KSKIT_EMODULE_NAME = -8,
	KSKIT_ENO_TOKEN = -9,
	KSKIT_EAMBIGUOUS_TOKEN = -10,
	KSKIT_ENO_OBJECT = -11,
	KSKIT_EAMBIGUOUS_OBJECT = -12,
	KSKIT_EPIN_INCORRECT = -13,
	KSKIT_EPIN_LOCKED = -14,
	KSKIT_ENO_PIN = -15,
	KSKIT_EPIN_SOURCE = -16,
	KSKIT_EPIN_POLICY = -17,
	KSKIT_ETOKEN_GONE = -18,
	KSKIT_EMECHANISM = -19,
	KSKIT_EALGORITHM = -20,
	KSKIT_EPKCS11 = -21,
	KSKIT_ECRYPTO = -22,
	KSKIT_EVERIFY = -23,
	KSKIT_EKEYFILE = -24,
	KSKIT_EIO = -25,
	KSKIT_EHEALTH_RCT = -26,
	KSKIT_EHEALTH_APT = -27,
	KSKIT_ENOT_INITIALIZED = -28,
	KSKIT_ECANCELED = -29,
	KSKIT_EPERM = -30,
	KSKIT_EKEY_TYPE = -31,
	KSKIT_EINIT_TOOL = -32,
	KSKIT_ELOGIN_REQUIRED = -33,
	KSKIT_EUSER_PIN_UNSET = -34,
	KSKIT_EPASSPHRASE = -35,
	KSKIT_EINTERRUPTED = -36,
	KSKIT_EEXIST = -37,
	KSKIT_EKSR = -38,
	KSKIT_EPOLICY = -39,
	KSKIT_ECONFIG = -40,
	KSKIT_EKEYBUNDLE = -41,
	KSKIT_EDECRYPT = -42,
	KSKIT_EZONE = -43,
	KSKIT_ESHARE = -44,
	KSKIT_ESHARES = -45,
	KSKIT_EBACKUP = -46,
	KSKIT_ERROR_MIN = -46,
};

/* A static, one-line description of code; never NULL. */
const char *kskit_strerror(int code);

/* What the failing library call that returned code found out beyond it: the
 * PKCS#11 function and CKR_ name, a p11-kit or OpenSSL message, a file and
 * line.  Empty when there is nothing to add (or the last detail recorded
 * belongs to another code).  Valid until the next library call in the same
 * thread. */
const char *kskit_error_detail(int code);

/* For the library's own use: record the detail of the error being returned.
 * Returns code, so `return kskit_error_set(code, "...", ...);` reads well. */
int kskit_error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
