/* Fuzz target: DNSKEY public key fields.  The first byte picks the
 * algorithm; a key that decodes must encode back to the same bytes. */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "fuzz.h"
#include "lib/alg.h"
#include "lib/dnskey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct kskit_alg *alg;
	EVP_PKEY *pkey = NULL;
	uint8_t *back = NULL;
	size_t n = 0, back_len = 0;

	if (size < 1)
		return 0;
	while (kskit_alg_at(n))
		n++;
	alg = kskit_alg_at(data[0] % n);
	if (kskit_dnskey_to_pkey(alg, data + 1, size - 1, &pkey) != 0)
		return 0;
	/* RSA keys with leading zero bytes or a long-form exponent length for a
	 * short exponent have other canonical encodings; compare those that are
	 * canonical. */
	if (kskit_dnskey_pubkey(pkey, alg, &back, &back_len) != 0)
		__builtin_trap();
	if (alg->key_type != CKK_RSA && (back_len != size - 1 || memcmp(back, data + 1, back_len)))
		__builtin_trap();
	free(back);
	EVP_PKEY_free(pkey);
	return 0;
}
