/* Fuzz target: the key backup file reader. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lib/backup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kskit_backup *b = NULL;
	size_t n = 0;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (kskit_backup_read(text, size, &b, &n) == 0) {
		for (size_t i = 0; i < n; i++)
			if (!b[i].pub || !b[i].alg || !b[i].wrapped ||
			    (b[i].kek == KSKIT_KEK_TRANSPORT && !b[i].transport))
				__builtin_trap(); /* a record read is a whole record */
		kskit_backup_free_all(b, n);
	}
	free(text);
	return 0;
}
