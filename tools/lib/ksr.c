#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsrr.h"
#include "error.h"
#include "ksr.h"
#include "utc.h"

#define MAX_RECORD 65536

static const char *const kinds[] = { "KeySigningRequest", "SignedKeyResponse" };

struct parser {
	const char *p, *end;
	size_t line;
	struct kskit_ksr *ksr;
	size_t cap;
	int kind, style, closed;
	size_t header_line;
};

static int bad(const struct parser *ps, const char *what)
{
	return kskit_error_set(KSKIT_EKSR, "line %zu: %s", ps->line, what);
}

/* The next line without its newline (and carriage return); 0 at the end. */
static int next_line(struct parser *ps, const char **s, size_t *n)
{
	const char *nl;

	if (ps->p >= ps->end)
		return 0;
	nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
	*s = ps->p;
	*n = (size_t)((nl ? nl : ps->end) - ps->p);
	ps->p = nl ? nl + 1 : ps->end;
	if (*n && (*s)[*n - 1] == '\r')
		(*n)--;
	ps->line++;
	return 1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next whitespace-separated word of s[*i..n) into w (NUL-terminated,
 * cut at size - 1); 0 when there is none. */
static int word(const char *s, size_t n, size_t *i, char *w, size_t size)
{
	size_t k = 0;

	while (*i < n && is_space(s[*i]))
		(*i)++;
	if (*i >= n)
		return 0;
	while (*i < n && !is_space(s[*i])) {
		if (k + 1 < size)
			w[k++] = s[*i];
		(*i)++;
	}
	w[k] = '\0';
	return 1;
}

/* 0 for a KeySigningRequest, 1 for a SignedKeyResponse, else -1. */
static int kind_of(const char *w)
{
	for (int i = 0; i < 2; i++)
		if (strcmp(w, kinds[i]) == 0)
			return i;
	return -1;
}

/* "Sun Nov 22 07:01:09 2026" (ctime, read as UTC) from s[*i..n). */
static long long ctime_time(const char *s, size_t n, size_t *i)
{
	char w[5][16], joined[96];

	for (int k = 0; k < 5; k++)
		if (!word(s, n, i, w[k], sizeof(w[k])))
			return -1;
	snprintf(joined, sizeof(joined), "%s %s %s %s %s", w[0], w[1], w[2], w[3], w[4]);
	return kskit_utc_ctime(joined, strlen(joined));
}

static int last_bundle_has_records(struct parser *ps)
{
	struct kskit_ksr *k = ps->ksr;

	if (k->n_bundles && ldns_rr_list_rr_count(k->bundles[k->n_bundles - 1].records) == 0) {
		return kskit_error_set(KSKIT_EKSR, "line %zu: the bundle has no records",
				       ps->header_line);
	}
	return 0;
}

static int closing(struct parser *ps, const char *s, size_t n, size_t i)
{
	char w[32];
	long long t;
	size_t at;
	int ret;

	if (!word(s, n, &i, w, sizeof(w)) || strcmp(w, "at") != 0)
		return bad(ps, "closing line: \"generated\" without \"at\"");
	at = i;
	if (!word(s, n, &i, w, sizeof(w)))
		return bad(ps, "closing line: no generation time");
	t = kskit_utc_iso(w, strlen(w));
	if (t < 0)
		t = kskit_utc_compact(w, strlen(w));
	if (t < 0) {
		i = at;
		t = ctime_time(s, n, &i);
	}
	if (t < 0)
		return bad(ps, "closing line: malformed generation time");
	if (ps->ksr->n_bundles == 0)
		return bad(ps, "closing line before any bundle");
	ret = last_bundle_has_records(ps);
	if (ret)
		return ret;
	ps->ksr->generated = (time_t)t;
	ps->closed = 1;
	return 0;
}

static int header(struct parser *ps, int kind, const char *s, size_t n, size_t i)
{
	struct kskit_ksr *k = ps->ksr;
	char w[32] = "";
	long long t;
	size_t len;
	int ret, style;

	if (ps->kind >= 0 && kind != ps->kind) {
		return kskit_error_set(KSKIT_EKSR, "line %zu: a %s header in a %s", ps->line,
				       kinds[kind], kinds[ps->kind]);
	}
	ps->kind = kind;
	k->skr = kind;
	if (!word(s, n, &i, w, sizeof(w)) || strcmp(w, "1.0") != 0) {
		return kskit_error_set(KSKIT_EKSR, "line %zu: unknown version \"%s\" (only 1.0)",
				       ps->line, w);
	}
	if (!word(s, n, &i, w, sizeof(w)))
		return bad(ps, "header without a time");
	if (strcmp(w, "generated") == 0)
		return closing(ps, s, n, i);
	len = strlen(w);
	if (len == 14) {
		style = 1;
		t = kskit_utc_compact(w, len);
	} else {
		style = 0;
		t = kskit_utc_unix(w, len);
	}
	if (t < 0 || t > KSKIT_UTC_MAX)
		return bad(ps, "malformed timestamp in the header");
	if (ps->style >= 0 && style != ps->style)
		return bad(ps, "timestamp style differs from the first header's");
	ps->style = style;
	k->bind_times = style;
	ret = last_bundle_has_records(ps);
	if (ret)
		return ret;
	if (k->n_bundles && (time_t)t <= k->bundles[k->n_bundles - 1].time)
		return bad(ps, "timestamp not after the previous bundle's");
	if (k->n_bundles == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 8;
		struct kskit_ksr_bundle *b = realloc(k->bundles, cap * sizeof(*b));

		if (!b)
			return KSKIT_ENOMEM;
		k->bundles = b;
		ps->cap = cap;
	}
	k->bundles[k->n_bundles] = (struct kskit_ksr_bundle){ .time = (time_t)t };
	k->bundles[k->n_bundles].records = ldns_rr_list_new();
	if (!k->bundles[k->n_bundles].records)
		return KSKIT_ENOMEM;
	k->n_bundles++;
	ps->header_line = ps->line;
	return 0;
}

/* The record starting on line s, continued over lines while a parenthesis
 * is open, as one line without comments or parentheses. */
static int gather(struct parser *ps, const char *s, size_t n, char *buf)
{
	size_t start = ps->line, k = 0;
	int depth = 0, quote = 0;

	for (;;) {
		for (size_t i = 0; i < n; i++) {
			char c = s[i];

			if (k + 3 >= MAX_RECORD)
				return bad(ps, "record too long");
			if (c == '\\' && i + 1 < n) {
				buf[k++] = c;
				buf[k++] = s[++i];
				continue;
			}
			if (c == '"')
				quote = !quote;
			else if (!quote && c == ';')
				break;
			else if (!quote && (c == '(' || c == ')')) {
				depth += c == '(' ? 1 : -1;
				if (depth < 0)
					return bad(ps, "')' without '('");
				c = ' ';
			}
			buf[k++] = c;
		}
		if (depth == 0 && !quote)
			break;
		if (!next_line(ps, &s, &n)) {
			return kskit_error_set(KSKIT_EKSR, "line %zu: record never closes its %s",
					       start, quote ? "quote" : "'('");
		}
		buf[k++] = ' ';
	}
	buf[k] = '\0';
	return 0;
}

/* ldns takes a name without its final dot as absolute when there is no
 * origin; Knot and BIND would append the zone. */
static int owner_absolute(const char *rec)
{
	size_t n = strcspn(rec, " \t"), esc = 0;

	if (n == 0 || rec[n - 1] != '.')
		return 0;
	while (esc + 1 < n && rec[n - 2 - esc] == '\\')
		esc++;
	return esc % 2 == 0;
}

static int record(struct parser *ps, const char *s, size_t n, char *buf)
{
	struct kskit_ksr *k = ps->ksr;
	size_t line = ps->line;
	ldns_rr *rr = NULL;
	ldns_rr_type type;
	ldns_status st;
	int ret;

	if (ps->closed)
		return bad(ps, "text after the closing line");
	if (k->n_bundles == 0)
		return bad(ps, "a record before the first header");
	if (is_space(s[0]))
		return bad(ps, "a record must start with its owner name");
	ret = gather(ps, s, n, buf);
	if (ret)
		return ret;
	if (!owner_absolute(buf))
		return bad(ps, "relative owner name");
	st = ldns_rr_new_frm_str(&rr, buf, 0, NULL, NULL);
	if (st != LDNS_STATUS_OK) {
		return kskit_error_set(KSKIT_EKSR, "line %zu: record does not parse: %s", line,
				       ldns_get_errorstr_by_id(st));
	}
	ret = KSKIT_EKSR;
	type = ldns_rr_get_type(rr);
	if (!kskit_rr_complete(rr)) {
		kskit_error_set(ret, "line %zu: a record without all its fields", line);
		goto out;
	}
	if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
		kskit_error_set(ret, "line %zu: record of a class other than IN", line);
		goto out;
	}
	if (type != LDNS_RR_TYPE_DNSKEY &&
	    (!k->skr || (type != LDNS_RR_TYPE_RRSIG && type != LDNS_RR_TYPE_CDS &&
			 type != LDNS_RR_TYPE_CDNSKEY))) {
		char *name = ldns_rr_type2str(type);

		kskit_error_set(ret, "line %zu: record type %s not allowed in a %s", line,
				name ? name : "?", kinds[k->skr]);
		free(name);
		goto out;
	}
	if (!k->zone) {
		k->zone = ldns_rdf_clone(ldns_rr_owner(rr));
		if (!k->zone) {
			ret = KSKIT_ENOMEM;
			goto out;
		}
	} else if (ldns_dname_compare(k->zone, ldns_rr_owner(rr)) != 0) {
		kskit_error_set(ret, "line %zu: owner differs from the first record's", line);
		goto out;
	}
	if (!ldns_rr_list_push_rr(k->bundles[k->n_bundles - 1].records, rr)) {
		ret = KSKIT_ENOMEM;
		goto out;
	}
	rr = NULL;
	ret = 0;
out:
	ldns_rr_free(rr);
	return ret;
}

static int line_of(const char *text, const char *at)
{
	int line = 1;

	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

int kskit_ksr_parse(const char *text, size_t len, struct kskit_ksr **out)
{
	struct parser ps = { .p = text, .end = text + len, .kind = -1, .style = -1 };
	const char *nul, *s;
	char *buf = NULL;
	size_t n;
	int ret = KSKIT_EKSR, content = 0;

	if (!text || !out)
		return KSKIT_EINVAL;
	nul = memchr(text, '\0', len);
	if (nul)
		return kskit_error_set(ret, "line %d: NUL byte", line_of(text, nul));
	ps.ksr = calloc(1, sizeof(*ps.ksr));
	buf = malloc(MAX_RECORD);
	if (!ps.ksr || !buf) {
		ret = KSKIT_ENOMEM;
		goto out;
	}
	while (next_line(&ps, &s, &n)) {
		size_t i = 0;
		char w[32];

		while (i < n && is_space(s[i]))
			i++;
		if (i == n)
			continue;
		content = 1;
		if (s[i] != ';') {
			ret = record(&ps, s, n, buf);
		} else if (i + 1 < n && s[i + 1] == ';' && (i += 2, word(s, n, &i, w, sizeof(w))) &&
			   kind_of(w) >= 0) {
			ret = ps.closed ? bad(&ps, "text after the closing line")
					: header(&ps, kind_of(w), s, n, i);
		} else {
			ret = ps.closed ? bad(&ps, "text after the closing line") : 0;
		}
		if (ret)
			goto out;
	}
	ret = KSKIT_EKSR;
	if (!content) {
		kskit_error_set(ret, "empty input");
		goto out;
	}
	if (ps.kind < 0) {
		kskit_error_set(ret,
				"no \";; KeySigningRequest\" or \";; SignedKeyResponse\" header");
		goto out;
	}
	if (!ps.closed) {
		kskit_error_set(ret,
				"line %zu: no closing line \";; %s 1.0 generated at ...\" "
				"(truncated?)",
				ps.line, kinds[ps.kind]);
		goto out;
	}
	*out = ps.ksr;
	ps.ksr = NULL;
	ret = 0;
out:
	free(buf);
	kskit_ksr_free(ps.ksr);
	return ret;
}

void kskit_ksr_free(struct kskit_ksr *ksr)
{
	if (!ksr)
		return;
	for (size_t i = 0; i < ksr->n_bundles; i++) {
		struct kskit_ksr_bundle *b = &ksr->bundles[i];

		if (b->key_ids)
			for (size_t j = 0; j < ldns_rr_list_rr_count(b->records); j++)
				free(b->key_ids[j]);
		free(b->key_ids);
		free(b->id);
		ldns_rr_list_deep_free(b->records);
	}
	free(ksr->id);
	free(ksr->bundles);
	ldns_rdf_deep_free(ksr->zone);
	free(ksr);
}

static void put_time(FILE *f, time_t t, enum kskit_utc_style style)
{
	char buf[32];

	kskit_utc_format(t, style, buf, sizeof(buf));
	fputs(buf, f);
}

int kskit_ksr_format(const struct kskit_ksr *ksr, int bind_times, char **out)
{
	const char *kind;
	char *text = NULL;
	size_t size = 0;
	FILE *f = NULL;
	int ret = KSKIT_EINVAL;

	if (!ksr || !out || ksr->n_bundles == 0 || ksr->generated < 0 ||
	    ksr->generated > KSKIT_UTC_MAX)
		return ret;
	for (size_t i = 0; i < ksr->n_bundles; i++)
		if (ksr->bundles[i].time < 0 || ksr->bundles[i].time > KSKIT_UTC_MAX)
			return ret;
	kind = kinds[ksr->skr ? 1 : 0];
	f = open_memstream(&text, &size);
	if (!f)
		return KSKIT_ENOMEM;
	ret = KSKIT_ENOMEM;
	for (size_t i = 0; i < ksr->n_bundles; i++) {
		const struct kskit_ksr_bundle *b = &ksr->bundles[i];

		if (i && ksr->skr && bind_times)
			fputc('\n', f);
		fprintf(f, ";; %s 1.0 ", kind);
		put_time(f, b->time, bind_times ? KSKIT_UTC_COMPACT : KSKIT_UTC_UNIX);
		fputs(" (", f);
		put_time(f, b->time, bind_times ? KSKIT_UTC_CTIME : KSKIT_UTC_ISO);
		fputs(bind_times ? ")\n" : ") =========\n", f);
		for (size_t j = 0; j < ldns_rr_list_rr_count(b->records); j++) {
			char *rr = ldns_rr2str_fmt(ldns_output_format_nocomments,
						   ldns_rr_list_rr(b->records, j));

			if (!rr)
				goto out;
			fputs(rr, f);
			free(rr);
		}
	}
	fprintf(f, ";; %s 1.0 generated at ", kind);
	put_time(f, ksr->generated, bind_times ? KSKIT_UTC_CTIME : KSKIT_UTC_ISO);
	fputs(" by kskit\n", f);
	if (ferror(f))
		goto out;
	ret = 0;
out:
	if (fclose(f) != 0 && ret == 0)
		ret = KSKIT_ENOMEM;
	if (ret == 0)
		*out = text;
	else
		free(text);
	return ret;
}
