/* Fuzz target: the IANA KSR/SKR XML parser; what parses must format and
 * parse again to as many bundles with the same ids. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lib/ksrxml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kskit_ksr *ksr = NULL, *back = NULL;
	char *text = NULL;

	if (kskit_ksrxml_parse((const char *)data, size, &ksr) != 0)
		return 0;
	if (kskit_ksrxml_format(ksr, &text) != 0 ||
	    kskit_ksrxml_parse(text, strlen(text), &back) != 0 || back->n_bundles != ksr->n_bundles)
		__builtin_trap();
	for (size_t i = 0; i < ksr->n_bundles; i++)
		if (strcmp(ksr->bundles[i].id, back->bundles[i].id) != 0)
			__builtin_trap();
	kskit_ksr_free(back);
	kskit_ksr_free(ksr);
	free(text);
	return 0;
}
