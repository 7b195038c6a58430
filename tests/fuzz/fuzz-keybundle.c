/* Fuzz target: the keybundle parser; what parses must format and parse
 * again to as many ZSKs and records. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lib/keybundle.h"
#include "lib/secret.h"

static void again(const struct kskit_keybundle *kb)
{
	struct kskit_keybundle *back = NULL;
	char *text = NULL;
	size_t len = 0;

	if (kskit_keybundle_format(kb, &text, &len) != 0)
		__builtin_trap();
	if (kskit_keybundle_parse(text, len, &back) != 0 || back->n_zsks != kb->n_zsks ||
	    ldns_rr_list_rr_count(back->records) != ldns_rr_list_rr_count(kb->records))
		__builtin_trap();
	kskit_keybundle_free(back);
	kskit_secret_free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kskit_keybundle *kb = NULL;
	char *text = malloc(size + 1); /* the parser wants a NUL after the text */

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (kskit_keybundle_parse(text, size, &kb) == 0) {
		again(kb);
		kskit_keybundle_free(kb);
	}
	explicit_bzero(text, size + 1);
	free(text);
	return 0;
}
