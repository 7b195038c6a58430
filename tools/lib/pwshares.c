/* pwshares.c - sc-hsm-tool's Shamir password shares and their screens. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "error.h"
#include "pwshares.h"
#include "secret.h"

/* A broken source that never gives a usable draw must not hang us: a good
 * one needs more than 64 draws with probability below 2^-64. */
#define MAX_DRAWS 64

static int rand_priv(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	if (len > INT32_MAX || RAND_priv_bytes(buf, (int)len) != 1)
		return kskit_error_set(KSKIT_ECRYPTO, "RAND_priv_bytes failed");
	return 0;
}

static uint64_t get_be64(const uint8_t b[8])
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

static void put_be64(uint64_t v, uint8_t b[8])
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = (uint8_t)v;
}

static int bn_set_u64(BIGNUM *bn, uint64_t v)
{
	uint8_t b[8];
	int ok;

	put_be64(v, b);
	ok = BN_bin2bn(b, sizeof(b), bn) != NULL;
	OPENSSL_cleanse(b, sizeof(b));
	return ok;
}

static int bn_get_u64(const BIGNUM *bn, uint64_t *v)
{
	uint8_t b[8];

	if (BN_bn2binpad(bn, b, sizeof(b)) != (int)sizeof(b))
		return 0;
	*v = get_be64(b);
	OPENSSL_cleanse(b, sizeof(b));
	return 1;
}

/* A 64-bit prime: the only kind sc-hsm-tool makes. */
static int check_prime(uint64_t prime, BN_CTX *bn)
{
	BIGNUM *p;
	int r;

	if (!(prime >> 63))
		return kskit_error_set(KSKIT_EINVAL, "the prime has fewer than 64 bits");
	BN_CTX_start(bn);
	p = BN_CTX_get(bn);
	r = p && bn_set_u64(p, prime) ? BN_check_prime(p, bn, NULL) : -1;
	BN_CTX_end(bn);
	if (r < 0)
		return kskit_error_set(KSKIT_ECRYPTO, "BN_check_prime failed");
	if (r == 0)
		return kskit_error_set(KSKIT_EINVAL, "the prime is not prime (mistyped?)");
	return 0;
}

int kskit_pwshare_password(kskit_pwshare_rng rng, void *rng_ctx, uint8_t pw[KSKIT_PWSHARE_PWLEN])
{
	uint8_t buf[KSKIT_PWSHARE_PWLEN];
	int ret = 0, draws = 0;

	if (!rng)
		rng = rand_priv;
	do {
		if (draws++ == MAX_DRAWS) {
			ret = kskit_error_set(KSKIT_ECRYPTO, "the random source gives a first "
							     "byte of 0 or 0x80 every time");
			goto out;
		}
		ret = rng(rng_ctx, buf, sizeof(buf));
		if (ret != 0)
			goto out;
		buf[0] &= 0x7f;
	} while (buf[0] == 0);
	memcpy(pw, buf, sizeof(buf));
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	return ret;
}

/* A coefficient uniform in [0, p), by rejection: p > 2^63 accepts more
 * than half the draws. */
static int draw_below(kskit_pwshare_rng rng, void *rng_ctx, uint64_t p, BIGNUM *out)
{
	uint8_t b[8];
	uint64_t v = 0;
	int ret = 0, draws = 0;

	do {
		if (draws++ == MAX_DRAWS) {
			ret = kskit_error_set(KSKIT_ECRYPTO, "the random source never gives a "
							     "number below the prime");
			goto out;
		}
		ret = rng(rng_ctx, b, sizeof(b));
		if (ret != 0)
			goto out;
		v = get_be64(b);
	} while (v >= p);
	if (!bn_set_u64(out, v))
		ret = kskit_error_set(KSKIT_ENOMEM, "BIGNUM");
out:
	OPENSSL_cleanse(b, sizeof(b));
	OPENSSL_cleanse(&v, sizeof(v));
	return ret;
}

int kskit_pwshare_split(const uint8_t pw[KSKIT_PWSHARE_PWLEN], unsigned threshold, unsigned total,
			kskit_pwshare_rng rng, void *rng_ctx, struct kskit_pwshare *shares)
{
	struct kskit_pwshare out[KSKIT_PWSHARE_MAX];
	BIGNUM *p, *x, *y, *coef[KSKIT_PWSHARE_MAX];
	BN_CTX *bn = NULL;
	uint64_t prime = 0;
	int ret = 0;

	if (threshold < 2 || threshold > total || total > KSKIT_PWSHARE_MAX)
		return kskit_error_set(KSKIT_EINVAL,
				       "a %u-of-%u split: need 2 <= threshold <= total <= %d",
				       threshold, total, KSKIT_PWSHARE_MAX);
	if (pw[0] & 0x80)
		return kskit_error_set(KSKIT_EINVAL, "the password's first byte has its top bit "
						     "set: not a sc-hsm-tool password");
	if (!rng)
		rng = rand_priv;
	if (!(bn = BN_CTX_secure_new()))
		return kskit_error_set(KSKIT_ENOMEM, "BN_CTX");
	BN_CTX_start(bn);
	p = BN_CTX_get(bn);
	x = BN_CTX_get(bn);
	y = BN_CTX_get(bn);
	for (unsigned j = 0; j < threshold; j++)
		coef[j] = BN_CTX_get(bn);
	if (!coef[threshold - 1]) {
		ret = kskit_error_set(KSKIT_ENOMEM, "BIGNUM");
		goto out;
	}
	if (BN_generate_prime_ex(p, 64, 1, NULL, NULL, NULL) != 1 || !bn_get_u64(p, &prime)) {
		ret = kskit_error_set(KSKIT_ECRYPTO, "BN_generate_prime_ex failed");
		goto out;
	}
	if (!BN_bin2bn(pw, KSKIT_PWSHARE_PWLEN, coef[0])) {
		ret = kskit_error_set(KSKIT_ENOMEM, "BIGNUM");
		goto out;
	}
	for (unsigned j = 1; j < threshold && ret == 0; j++)
		ret = draw_below(rng, rng_ctx, prime, coef[j]);
	if (ret != 0)
		goto out;
	for (unsigned i = 0; i < total; i++) {
		/* Horner: f(x) = (...(a[t-1] x + a[t-2]) x + ...) x + a[0] */
		int ok = BN_set_word(x, i + 1) && BN_copy(y, coef[threshold - 1]) != NULL;

		for (unsigned j = threshold - 1; ok && j-- > 0;)
			ok = BN_mod_mul(y, y, x, p, bn) && BN_mod_add(y, y, coef[j], p, bn);
		out[i].prime = prime;
		out[i].id = i + 1;
		if (!ok || !bn_get_u64(y, &out[i].value)) {
			ret = kskit_error_set(KSKIT_ECRYPTO, "BIGNUM arithmetic failed");
			goto out;
		}
	}
	memcpy(shares, out, total * sizeof(out[0]));
out:
	OPENSSL_cleanse(out, sizeof(out));
	BN_CTX_end(bn);
	BN_CTX_free(bn);
	return ret;
}

int kskit_pwshare_combine(const struct kskit_pwshare *shares, size_t n,
			  uint8_t pw[KSKIT_PWSHARE_PWLEN])
{
	BIGNUM *p, *xi, *xj, *num, *den, *t, *y, *sum;
	BN_CTX *bn = NULL;
	uint64_t secret = 0;
	int ret = 0;

	if (n < 2 || n > KSKIT_PWSHARE_ID_MAX)
		return kskit_error_set(KSKIT_EINVAL, "%zu shares: need 2 to %d", n,
				       KSKIT_PWSHARE_ID_MAX);
	for (size_t i = 0; i < n; i++) {
		if (shares[i].prime != shares[0].prime)
			return kskit_error_set(KSKIT_EINVAL,
					       "share %zu has another prime than "
					       "share 1: not from the same split",
					       i + 1);
		if (shares[i].id < 1 || shares[i].id > KSKIT_PWSHARE_ID_MAX)
			return kskit_error_set(KSKIT_EINVAL, "share %zu: ID %u is not in 1..%d",
					       i + 1, shares[i].id, KSKIT_PWSHARE_ID_MAX);
		if (shares[i].value >= shares[i].prime)
			return kskit_error_set(KSKIT_EINVAL,
					       "share %zu (ID %u): the value is not "
					       "below the prime",
					       i + 1, shares[i].id);
		for (size_t j = 0; j < i; j++)
			if (shares[j].id == shares[i].id)
				return kskit_error_set(KSKIT_EINVAL, "share ID %u given twice",
						       shares[i].id);
	}
	if (!(bn = BN_CTX_secure_new()))
		return kskit_error_set(KSKIT_ENOMEM, "BN_CTX");
	BN_CTX_start(bn);
	ret = check_prime(shares[0].prime, bn);
	if (ret != 0)
		goto out;
	p = BN_CTX_get(bn);
	xi = BN_CTX_get(bn);
	xj = BN_CTX_get(bn);
	num = BN_CTX_get(bn);
	den = BN_CTX_get(bn);
	t = BN_CTX_get(bn);
	y = BN_CTX_get(bn);
	sum = BN_CTX_get(bn);
	if (!sum || !bn_set_u64(p, shares[0].prime)) {
		ret = kskit_error_set(KSKIT_ENOMEM, "BIGNUM");
		goto out;
	}
	BN_zero(sum);
	/* f(0) = sum_i y_i prod_{j != i} x_j / (x_j - x_i)  (mod p) */
	for (size_t i = 0; i < n; i++) {
		int ok = BN_set_word(xi, shares[i].id) && BN_one(num) && BN_one(den);

		for (size_t j = 0; ok && j < n; j++)
			if (j != i)
				ok = BN_set_word(xj, shares[j].id) &&
				     BN_mod_mul(num, num, xj, p, bn) &&
				     BN_mod_sub(t, xj, xi, p, bn) && BN_mod_mul(den, den, t, p, bn);
		ok = ok && BN_mod_inverse(den, den, p, bn) != NULL &&
		     BN_mod_mul(t, num, den, p, bn) && bn_set_u64(y, shares[i].value) &&
		     BN_mod_mul(t, t, y, p, bn) && BN_mod_add(sum, sum, t, p, bn);
		if (!ok) {
			ret = kskit_error_set(KSKIT_ECRYPTO, "BIGNUM arithmetic failed");
			goto out;
		}
	}
	if (!bn_get_u64(sum, &secret)) {
		ret = kskit_error_set(KSKIT_ECRYPTO, "BIGNUM arithmetic failed");
		goto out;
	}
	/* All 8 bytes, leading zeros too: sc-hsm-tool drops them. */
	put_be64(secret, pw);
out:
	BN_CTX_end(bn);
	BN_CTX_free(bn);
	OPENSSL_cleanse(&secret, sizeof(secret));
	return ret;
}

void kskit_pwshare_hex(uint64_t v, char buf[KSKIT_PWSHARE_HEX_SIZE])
{
	uint8_t b[8];
	char *p = buf;
	int i = 0;

	put_be64(v, b);
	while (i < 7 && b[i] == 0)
		i++;
	for (; i < 8; i++)
		p += sprintf(p, "%02x%s", b[i], i < 7 ? ":" : "");
	OPENSSL_cleanse(b, sizeof(b));
}

int kskit_pwshare_format(const struct kskit_pwshare *s, unsigned total, char **text)
{
	char prime[KSKIT_PWSHARE_HEX_SIZE], value[KSKIT_PWSHARE_HEX_SIZE];
	const size_t size = 160;
	char *buf = NULL;
	int n, ret = 0;

	if (s->id < 1 || s->id > total || total > KSKIT_PWSHARE_ID_MAX)
		return kskit_error_set(KSKIT_EINVAL,
				       "share ID %u of %u: need 1 <= ID <= total <= %d", s->id,
				       total, KSKIT_PWSHARE_ID_MAX);
	if (!(buf = kskit_secret_alloc(size)))
		return kskit_error_set(KSKIT_ENOMEM, "share screen");
	kskit_pwshare_hex(s->prime, prime);
	kskit_pwshare_hex(s->value, value);
	n = snprintf(buf, size + 1,
		     "Share %u of %u\n\n\nPrime       : %s\nShare ID    : %u\nShare value : %s\n",
		     s->id, total, prime, s->id, value);
	if (n < 0 || (size_t)n > size) {
		ret = kskit_error_set(KSKIT_ENOMEM, "share screen");
		goto out;
	}
	*text = buf;
	buf = NULL;
out:
	kskit_secret_free(buf);
	OPENSSL_cleanse(value, sizeof(value));
	return ret;
}

/* Parsing works on [p, end): a prompt's answer or a screen line's value. */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void trim(const char **p, const char **end)
{
	while (*p < *end && is_blank(**p))
		(*p)++;
	while (*end > *p && is_blank((*end)[-1]))
		(*end)--;
}

/* Hex bytes of two digits each, one optional ':' or ' ' between them. */
static int parse_hex(const char *p, const char *end, const char *what, size_t *nbytes,
		     uint64_t *out)
{
	const char *start;
	uint64_t v = 0;
	size_t n = 0;
	int ret = 0;

	trim(&p, &end);
	start = p;
	if (p == end)
		return kskit_error_set(KSKIT_EINVAL, "%s: empty", what);
	for (;;) {
		if (end - p < 2 || hex_digit(p[0]) < 0 || hex_digit(p[1]) < 0) {
			ret = kskit_error_set(KSKIT_EINVAL,
					      "%s: not a pair of hex digits at character %zu", what,
					      (size_t)(p - start) + 1);
			goto out;
		}
		if (++n > 8) {
			ret = kskit_error_set(KSKIT_EINVAL, "%s: more than 8 bytes", what);
			goto out;
		}
		v = v << 8 | (uint64_t)(hex_digit(p[0]) << 4 | hex_digit(p[1]));
		p += 2;
		if (p == end)
			break;
		if (*p == ':' || *p == ' ')
			p++;
	}
	*nbytes = n;
	*out = v;
out:
	OPENSSL_cleanse(&v, sizeof(v));
	return ret;
}

static int parse_prime_range(const char *p, const char *end, uint64_t *prime)
{
	BN_CTX *bn = NULL;
	uint64_t v = 0;
	size_t n = 0;
	int ret = parse_hex(p, end, "prime", &n, &v);

	if (ret != 0)
		return ret;
	if (n != 8)
		return kskit_error_set(KSKIT_EINVAL, "prime: %zu bytes, not 8", n);
	if (!(bn = BN_CTX_new()))
		return kskit_error_set(KSKIT_ENOMEM, "BN_CTX");
	ret = check_prime(v, bn);
	BN_CTX_free(bn);
	if (ret == 0)
		*prime = v;
	return ret;
}

static int parse_value_range(const char *p, const char *end, uint64_t *value)
{
	uint64_t v = 0;
	size_t n = 0;
	int ret = parse_hex(p, end, "share value", &n, &v);

	if (ret == 0)
		*value = v;
	OPENSSL_cleanse(&v, sizeof(v));
	return ret;
}

static int parse_dec(const char *p, const char *end, const char *what, unsigned max, unsigned *out)
{
	unsigned v = 0;

	trim(&p, &end);
	if (p == end)
		return kskit_error_set(KSKIT_EINVAL, "%s: empty", what);
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return kskit_error_set(KSKIT_EINVAL, "%s: '%c' is not a decimal digit",
					       what, *p >= ' ' && *p <= '~' ? *p : '?');
		v = v * 10 + (unsigned)(*p - '0');
		if (v > max)
			return kskit_error_set(KSKIT_EINVAL, "%s: above %u", what, max);
	}
	if (v == 0)
		return kskit_error_set(KSKIT_EINVAL, "%s: 0", what);
	*out = v;
	return 0;
}

/* The end of a prompt's answer, without its "\n" or "\r\n". */
static const char *answer_end(const char *s)
{
	const char *end = s + strlen(s);

	if (end > s && end[-1] == '\n')
		end--;
	if (end > s && end[-1] == '\r')
		end--;
	return end;
}

int kskit_pwshare_parse_prime(const char *s, uint64_t *prime)
{
	return parse_prime_range(s, answer_end(s), prime);
}

int kskit_pwshare_parse_id(const char *s, unsigned *id)
{
	return parse_dec(s, answer_end(s), "share ID", KSKIT_PWSHARE_ID_MAX, id);
}

int kskit_pwshare_parse_value(const char *s, uint64_t *value)
{
	return parse_value_range(s, answer_end(s), value);
}

/* Does [p, end) start with word (case ignored), followed by a blank or the
 * end?  Moves p past it and the blanks. */
static int eat_word(const char **p, const char *end, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(end - *p) < n || strncasecmp(*p, word, n) != 0 ||
	    (*p + n < end && !is_blank((*p)[n])))
		return 0;
	*p += n;
	while (*p < end && is_blank(**p))
		(*p)++;
	return 1;
}

static int bad_line(unsigned line)
{
	return kskit_error_set(KSKIT_EINVAL,
			       "line %u: neither \"Share N of M\" nor \"Prime\", "
			       "\"Share ID\" or \"Share value\" and a ':'",
			       line);
}

/* "Share N of M" */
static int parse_heading(const char *p, const char *end, unsigned *nth, unsigned *of)
{
	const char *q;
	int ret;

	if (!eat_word(&p, end, "Share") || p == end || *p < '0' || *p > '9')
		return kskit_error_set(KSKIT_EINVAL, "neither \"Share N of M\" nor \"Prime\", "
						     "\"Share ID\" or \"Share value\" and a ':'");
	for (q = p; q < end && !is_blank(*q); q++)
		;
	ret = parse_dec(p, q, "share number", KSKIT_PWSHARE_ID_MAX, nth);
	if (ret != 0)
		return ret;
	for (p = q; p < end && is_blank(*p); p++)
		;
	if (!eat_word(&p, end, "of"))
		return kskit_error_set(KSKIT_EINVAL, "\"Share N of M\" without \"of\"");
	return parse_dec(p, end, "share count", KSKIT_PWSHARE_ID_MAX, of);
}

enum field { PRIME, ID, VALUE, HEADING, NFIELDS };

int kskit_pwshare_parse(const char *text, size_t len, struct kskit_pwshare *s, unsigned *total)
{
	static const char *const labels[] = { [PRIME] = "Prime",
					      [ID] = "Share ID",
					      [VALUE] = "Share value",
					      [HEADING] = "Share N of M" };
	const char *p = text, *end = text + len;
	struct kskit_pwshare got = { 0, 0, 0 };
	unsigned line = 0, nth = 0, of = 0;
	int seen[NFIELDS] = { 0 }, ret = 0;

	if (memchr(text, '\0', len))
		return kskit_error_set(KSKIT_EINVAL, "a NUL byte in the share screen");
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *next = eol ? eol + 1 : end, *lend = eol ? eol : end, *colon;
		enum field f;
		size_t llen;

		line++;
		if (lend > p && lend[-1] == '\r')
			lend--;
		trim(&p, &lend);
		if (p == lend) {
			p = next;
			continue;
		}
		colon = memchr(p, ':', (size_t)(lend - p));
		f = HEADING;
		if (colon) {
			const char *lab = p, *labend = colon;

			trim(&lab, &labend);
			llen = (size_t)(labend - lab);
			for (f = PRIME; f < HEADING; f++)
				if (strlen(labels[f]) == llen &&
				    strncasecmp(lab, labels[f], llen) == 0)
					break;
			if (f == HEADING) {
				ret = bad_line(line);
				goto out;
			}
		}
		if (seen[f]) {
			ret = kskit_error_set(KSKIT_EINVAL, "line %u: a second \"%s\" line", line,
					      labels[f]);
			goto out;
		}
		seen[f] = 1;
		if (f == PRIME)
			ret = parse_prime_range(colon + 1, lend, &got.prime);
		else if (f == ID)
			ret = parse_dec(colon + 1, lend, "share ID", KSKIT_PWSHARE_ID_MAX, &got.id);
		else if (f == VALUE)
			ret = parse_value_range(colon + 1, lend, &got.value);
		else
			ret = parse_heading(p, lend, &nth, &of);
		if (ret != 0) {
			ret = kskit_error_set(ret, "line %u: %s", line, kskit_error_detail(ret));
			goto out;
		}
		p = next;
	}
	for (enum field f = PRIME; f < HEADING; f++)
		if (!seen[f]) {
			ret = kskit_error_set(KSKIT_EINVAL, "no \"%s\" line", labels[f]);
			goto out;
		}
	if (got.value >= got.prime) {
		ret = kskit_error_set(KSKIT_EINVAL, "the share value is not below the prime");
		goto out;
	}
	if (seen[HEADING] && (nth != got.id || nth > of)) {
		ret = kskit_error_set(KSKIT_EINVAL,
				      "\"Share %u of %u\" does not go with share ID %u", nth, of,
				      got.id);
		goto out;
	}
	*s = got;
	if (total)
		*total = seen[HEADING] ? of : 0;
out:
	OPENSSL_cleanse(&got, sizeof(got));
	return ret;
}
