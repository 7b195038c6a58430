/* bindkey.h - BIND's key file pair K<zone>+<alg>+<tag>.key / .private,
 * as dnssec-keygen writes them (Private-key-format v1.3). */
#ifndef KSKIT_BINDKEY_H
#define KSKIT_BINDKEY_H

#include <time.h>
#include <ldns/ldns.h>
#include <openssl/evp.h>

#include "alg.h"

/* The RSA fields of a .private file, in file order, with OpenSSL's names
 * for them. */
struct kskit_bind_field {
	const char *field;
	const char *param;
};
#define KSKIT_BIND_RSA_FIELDS 8
extern const struct kskit_bind_field kskit_bind_rsa[KSKIT_BIND_RSA_FIELDS];

/* The .key file: comment lines and the DNSKEY record.  malloc()ed. */
char *kskit_bind_key_text(const ldns_rr *dnskey, time_t created);

/* The .private file of a software key: the key's components, base64.
 * *out is a secret buffer (kskit_secret_free()). */
int kskit_bind_private_text(EVP_PKEY *key, const struct kskit_alg *alg, time_t created, char **out);

/* The .private file of a key that stays on a token: no key material, the
 * token key's PKCS#11 URI as BIND's "Engine: pkcs11" / "Label:" fields.
 * malloc()ed. */
char *kskit_bind_token_private_text(const struct kskit_alg *alg, const char *uri, time_t created);

#endif
