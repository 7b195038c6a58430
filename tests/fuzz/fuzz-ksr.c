/* Fuzz target: the KSR/SKR text parser; what parses must format, in both
 * time styles, and parse again to as many bundles. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lib/ksr.h"

static void again(const struct kskit_ksr *ksr, int bind_times)
{
	struct kskit_ksr *back = NULL;
	char *text = NULL;

	if (kskit_ksr_format(ksr, bind_times, &text) != 0)
		__builtin_trap();
	if (kskit_ksr_parse(text, strlen(text), &back) != 0 || back->n_bundles != ksr->n_bundles ||
	    back->bind_times != bind_times)
		__builtin_trap();
	kskit_ksr_free(back);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kskit_ksr *ksr = NULL;

	if (kskit_ksr_parse((const char *)data, size, &ksr) != 0)
		return 0;
	again(ksr, 0);
	again(ksr, 1);
	kskit_ksr_free(ksr);
	return 0;
}
