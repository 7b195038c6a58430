/* Fuzz target: the private key file parser (BIND .private and PEM). */
#include <string.h>
#include <openssl/evp.h>

#include "fuzz.h"
#include "lib/keyfile.h"
#include "lib/secret.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct kskit_alg *alg = NULL;
	EVP_PKEY *key = NULL;
	char *text = kskit_secret_alloc(size);

	if (!text)
		return 0;
	memcpy(text, data, size);
	if (kskit_keyfile_parse(text, size, NULL, NULL, &key, &alg) == 0 && (!key || !alg))
		__builtin_trap(); /* success must give a key and its algorithm */
	EVP_PKEY_free(key);
	kskit_secret_free(text);
	return 0;
}
