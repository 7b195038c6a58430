/* soft.h - what several unit tests share: reading a data file, parsing a
 * KSR file, and the software signer of lib/softsign.h.  Included once per
 * test program. */
#ifndef KSKIT_UNIT_SOFT_H
#define KSKIT_UNIT_SOFT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "unit.h"
#include "lib/alg.h"
#include "lib/ksr.h"
#include "lib/softsign.h"

/* UNIT_DATA/name, NUL-terminated (*len without the NUL); free(). */
__attribute__((unused)) static char *slurp(const char *name, size_t *len)
{
	char path[512], *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", UNIT_DATA, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* UNIT_DATA/name parsed as a KSR or SKR in text form. */
__attribute__((unused)) static struct kskit_ksr *ksr_file(const char *name)
{
	struct kskit_ksr *ksr = NULL;
	size_t len;
	char *text = slurp(name, &len);

	assert_int_equal(kskit_ksr_parse(text, len, &ksr), 0);
	free(text);
	return ksr;
}

#endif
