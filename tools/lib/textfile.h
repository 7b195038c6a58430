/* textfile.h - the strict "name: value" line files kskit writes for the
 * people in a ceremony to read (DKEK shares, key backups): every line is
 * expected in its order, and anything else is refused with its line
 * number. */
#ifndef KSKIT_TEXTFILE_H
#define KSKIT_TEXTFILE_H

#include <stddef.h>
#include <stdint.h>

struct kskit_lines {
	const char *p, *end;
	unsigned line; /* of the last line read, for messages */
	int code;      /* the kskit code a malformed line returns */
};

void kskit_lines_init(struct kskit_lines *l, const char *text, size_t len, int code);

/* The next line, which must read "name: value" (value without its
 * newline, not NUL-terminated).  l->code with "line N: ..." otherwise. */
int kskit_lines_field(struct kskit_lines *l, const char *name, const char **val, size_t *len);

/* The next line, which must be exactly text. */
int kskit_lines_expect(struct kskit_lines *l, const char *text);

/* The value as hex of exactly n bytes into out. */
int kskit_lines_hex(struct kskit_lines *l, const char *name, uint8_t *out, size_t n);

/* The value as hex of 1 to max bytes into out, *n its length. */
int kskit_lines_hexvar(struct kskit_lines *l, const char *name, uint8_t *out, size_t max,
		       size_t *n);

/* The value as a decimal number within [min, max]. */
int kskit_lines_number(struct kskit_lines *l, const char *name, unsigned long min,
		       unsigned long max, unsigned long *out);

/* The value as a NUL-terminated string of printable characters (no
 * control characters) of at most max - 1 bytes into out. */
int kskit_lines_string(struct kskit_lines *l, const char *name, char *out, size_t max);

/* The value as base64 of at most max bytes into a malloc()ed *out. */
int kskit_lines_base64(struct kskit_lines *l, const char *name, size_t max, uint8_t **out,
		       size_t *len);

/* Nothing left (l->code otherwise). */
int kskit_lines_end(struct kskit_lines *l);

/* Lowercase hex of len bytes into out (2 * len + 1 bytes). */
void kskit_hex(char *out, const uint8_t *in, size_t len);

/* Non-zero when s (NUL-terminated) has no control characters, is not
 * empty and fits in max - 1 bytes. */
int kskit_printable(const char *s, size_t max);

#endif
