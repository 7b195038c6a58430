/* textfile.c - strict "name: value" line files. */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "error.h"
#include "textfile.h"

void kskit_lines_init(struct kskit_lines *l, const char *text, size_t len, int code)
{
	l->p = text;
	l->end = text + len;
	l->line = 0;
	l->code = code;
}

static int next_line(struct kskit_lines *l, const char **s, size_t *len)
{
	const char *nl;

	if (l->p >= l->end)
		return kskit_error_set(l->code, "ends after line %u", l->line);
	nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	if (!nl)
		return kskit_error_set(l->code, "line %u has no newline", l->line + 1);
	*s = l->p;
	*len = (size_t)(nl - l->p);
	l->p = nl + 1;
	l->line++;
	return 0;
}

int kskit_lines_expect(struct kskit_lines *l, const char *text)
{
	const char *s;
	size_t len;
	int ret = next_line(l, &s, &len);

	if (ret)
		return ret;
	if (len != strlen(text) || memcmp(s, text, len) != 0)
		return kskit_error_set(l->code, "line %u: expected \"%s\"", l->line, text);
	return 0;
}

int kskit_lines_field(struct kskit_lines *l, const char *name, const char **val, size_t *len)
{
	size_t n = strlen(name), linelen;
	const char *s;
	int ret = next_line(l, &s, &linelen);

	if (ret)
		return ret;
	if (linelen < n + 2 || memcmp(s, name, n) != 0 || s[n] != ':' || s[n + 1] != ' ')
		return kskit_error_set(l->code, "line %u: expected \"%s: \"", l->line, name);
	*val = s + n + 2;
	*len = linelen - n - 2;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int unhex(struct kskit_lines *l, const char *name, const char *v, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(v[2 * i]), lo = hexval(v[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return kskit_error_set(l->code, "line %u: %s: not hex", l->line, name);
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int kskit_lines_hex(struct kskit_lines *l, const char *name, uint8_t *out, size_t n)
{
	const char *v;
	size_t len;
	int ret = kskit_lines_field(l, name, &v, &len);

	if (ret)
		return ret;
	if (len != 2 * n)
		return kskit_error_set(l->code, "line %u: %s: %zu hex digits, not %zu", l->line,
				       name, len, 2 * n);
	return unhex(l, name, v, n, out);
}

int kskit_lines_hexvar(struct kskit_lines *l, const char *name, uint8_t *out, size_t max, size_t *n)
{
	const char *v;
	size_t len;
	int ret = kskit_lines_field(l, name, &v, &len);

	if (ret)
		return ret;
	if (len == 0 || len % 2 != 0 || len / 2 > max)
		return kskit_error_set(l->code, "line %u: %s: not hex of 1 to %zu bytes", l->line,
				       name, max);
	ret = unhex(l, name, v, len / 2, out);
	if (ret == 0)
		*n = len / 2;
	return ret;
}

int kskit_lines_number(struct kskit_lines *l, const char *name, unsigned long min,
		       unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	const char *s;
	size_t len;
	int ret = kskit_lines_field(l, name, &s, &len);

	if (ret)
		return ret;
	if (len == 0 || len > 10 || (len > 1 && s[0] == '0'))
		goto bad;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < min || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	return kskit_error_set(l->code, "line %u: %s: not a number from %lu to %lu", l->line, name,
			       min, max);
}

int kskit_lines_string(struct kskit_lines *l, const char *name, char *out, size_t max)
{
	const char *s;
	size_t len;
	int ret = kskit_lines_field(l, name, &s, &len);

	if (ret)
		return ret;
	if (len == 0 || len >= max)
		return kskit_error_set(l->code, "line %u: %s: empty or longer than %zu bytes",
				       l->line, name, max - 1);
	memcpy(out, s, len);
	out[len] = '\0';
	if (!kskit_printable(out, max))
		return kskit_error_set(l->code, "line %u: %s: control characters", l->line, name);
	return 0;
}

int kskit_lines_base64(struct kskit_lines *l, const char *name, size_t max, uint8_t **out,
		       size_t *len)
{
	const char *s;
	size_t n, pad = 0;
	uint8_t *buf;
	int got, ret = kskit_lines_field(l, name, &s, &n);

	if (ret)
		return ret;
	if (n == 0 || n % 4 != 0 || n / 4 * 3 > max)
		return kskit_error_set(l->code, "line %u: %s: not base64 of at most %zu bytes",
				       l->line, name, max);
	while (pad < 2 && s[n - 1 - pad] == '=')
		pad++;
	for (size_t i = 0; i < n - pad; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '/'))
			return kskit_error_set(l->code, "line %u: %s: not base64", l->line, name);
	}
	buf = malloc(n / 4 * 3 + 1);
	if (!buf)
		return KSKIT_ENOMEM;
	got = EVP_DecodeBlock(buf, (const unsigned char *)s, (int)n);
	if (got < 0) {
		free(buf);
		return kskit_error_set(l->code, "line %u: %s: not base64", l->line, name);
	}
	*out = buf;
	*len = (size_t)got - pad;
	return 0;
}

int kskit_lines_end(struct kskit_lines *l)
{
	if (l->p != l->end)
		return kskit_error_set(l->code, "line %u: more than the format has", l->line + 1);
	return 0;
}

void kskit_hex(char *out, const uint8_t *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

int kskit_printable(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n >= max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}
