/* Fuzz target: the DKEK custodian share file reader (without the KDF: a
 * share that reads is opened with a passphrase only by the people). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lib/dkekshare.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kskit_dkek_share s;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (kskit_dkek_share_read(text, size, &s) == 0 &&
	    (s.index < 1 || s.index > s.total || s.threshold > s.total || s.threshold < 2))
		__builtin_trap(); /* a share read is a consistent share */
	free(text);
	return 0;
}
