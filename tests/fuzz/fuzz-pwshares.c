/* Fuzz target: a custodian's password share screen (sc-hsm-tool n-of-m),
 * whole and field by field. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lib/error.h"
#include "lib/pwshares.h"
#include "lib/secret.h"

/* A screen that parses formats and parses again to the same share, and
 * combines with a second share of the same prime. */
static void screen(const uint8_t *data, size_t size)
{
	struct kskit_pwshare s, again, two[2];
	unsigned total = 0, total2 = 0;
	uint8_t pw[KSKIT_PWSHARE_PWLEN];
	char *text = NULL;

	if (kskit_pwshare_parse((const char *)data, size, &s, &total) != 0)
		return;
	if (kskit_pwshare_format(&s, total ? total : s.id, &text) != 0 ||
	    kskit_pwshare_parse(text, strlen(text), &again, &total2) != 0 ||
	    again.prime != s.prime || again.id != s.id || again.value != s.value ||
	    total2 != (total ? total : s.id))
		__builtin_trap();
	kskit_secret_free(text);
	two[0] = s;
	two[1] = s;
	two[1].id = s.id % KSKIT_PWSHARE_ID_MAX + 1;
	if (kskit_pwshare_combine(two, 2, pw) != 0)
		__builtin_trap();
}

/* Each line as an answer to each of sc-hsm-tool's prompts. */
static void answers(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1), *p, *save = NULL;
	uint64_t v;
	unsigned id;

	if (!line)
		return;
	memcpy(line, data, size);
	line[size] = '\0';
	for (p = strtok_r(line, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		if (kskit_pwshare_parse_prime(p, &v) == 0 && !(v >> 63))
			__builtin_trap();
		if (kskit_pwshare_parse_id(p, &id) == 0 && (id < 1 || id > KSKIT_PWSHARE_ID_MAX))
			__builtin_trap();
		(void)kskit_pwshare_parse_value(p, &v);
	}
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	screen(data, size);
	answers(data, size);
	return 0;
}
