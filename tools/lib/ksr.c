#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "ksr.h"

#define MAX_RECORD 65536
#define MAX_TIME 253402300799LL /* 9999-12-31T23:59:59Z */

static const char *const kinds[] = { "KeySigningRequest", "SignedKeyResponse" };
static const char *const wdays[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

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

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

static long long digits(const char *s, size_t n)
{
	long long v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Seconds since the epoch of a UTC civil time (H. Hinnant's days_from_civil);
 * -1 unless every field is in range and the year 1970 to 9999. */
static long long civil(long long y, long long mo, long long d, long long h, long long mi,
		       long long s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	long long era, yoe, doy, doe;

	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || s > 59)
		return -1;
	y -= mo <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return ((era * 146097 + doe - 719468) * 24 + h) * 3600 + mi * 60 + s;
}

/* YYYYMMDDhhmmss */
static long long compact_time(const char *w)
{
	if (strlen(w) != 14 || !all_digits(w, 14))
		return -1;
	return civil(digits(w, 4), digits(w + 4, 2), digits(w + 6, 2), digits(w + 8, 2),
		     digits(w + 10, 2), digits(w + 12, 2));
}

/* YYYY-MM-DDThh:mm:ssZ */
static long long iso_time(const char *w)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";

	if (strlen(w) != sizeof(shape) - 1)
		return -1;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? !all_digits(w + i, 1) : w[i] != shape[i])
			return -1;
	return civil(digits(w, 4), digits(w + 5, 2), digits(w + 8, 2), digits(w + 11, 2),
		     digits(w + 14, 2), digits(w + 17, 2));
}

static int name_index(const char *w, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(w, names[i]) == 0)
			return i;
	return -1;
}

/* "Sun Nov 22 07:01:09 2026" (ctime, read as UTC) from s[*i..n). */
static long long ctime_time(const char *s, size_t n, size_t *i)
{
	char wd[8], mon[8], day[8], hms[16], year[8];
	int m;

	if (!word(s, n, i, wd, sizeof(wd)) || !word(s, n, i, mon, sizeof(mon)) ||
	    !word(s, n, i, day, sizeof(day)) || !word(s, n, i, hms, sizeof(hms)) ||
	    !word(s, n, i, year, sizeof(year)))
		return -1;
	m = name_index(mon, months, 12);
	if (name_index(wd, wdays, 7) < 0 || m < 0 || strlen(day) > 2 ||
	    !all_digits(day, strlen(day)) || strlen(hms) != 8 || !all_digits(hms, 2) ||
	    hms[2] != ':' || !all_digits(hms + 3, 2) || hms[5] != ':' || !all_digits(hms + 6, 2) ||
	    strlen(year) != 4 || !all_digits(year, 4))
		return -1;
	return civil(digits(year, 4), m + 1, digits(day, strlen(day)), digits(hms, 2),
		     digits(hms + 3, 2), digits(hms + 6, 2));
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
	t = iso_time(w);
	if (t < 0)
		t = compact_time(w);
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
		t = compact_time(w);
	} else {
		style = 0;
		t = len <= 12 && all_digits(w, len) ? digits(w, len) : -1;
	}
	if (t < 0 || t > MAX_TIME)
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
	k->bundles[k->n_bundles].time = (time_t)t;
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
			   name_index(w, kinds, 2) >= 0) {
			ret = ps.closed ? bad(&ps, "text after the closing line")
					: header(&ps, name_index(w, kinds, 2), s, n, i);
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

/* t in the given style: 0 unix seconds, 1 YYYYMMDDhhmmss, 2 ISO 8601,
 * 3 ctime (UTC). */
static int put_time(FILE *f, time_t t, int style)
{
	struct tm tm;

	if (style == 0)
		return fprintf(f, "%lld", (long long)t);
	if (!gmtime_r(&t, &tm))
		return -1;
	if (style == 1) {
		return fprintf(f, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	}
	if (style == 2) {
		return fprintf(f, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
			       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	}
	return fprintf(f, "%s %s %2d %02d:%02d:%02d %04d", wdays[tm.tm_wday], months[tm.tm_mon],
		       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
}

int kskit_ksr_format(const struct kskit_ksr *ksr, int bind_times, char **out)
{
	const char *kind;
	char *text = NULL;
	size_t size = 0;
	FILE *f = NULL;
	int ret = KSKIT_EINVAL;

	if (!ksr || !out || ksr->n_bundles == 0 || ksr->generated < 0 || ksr->generated > MAX_TIME)
		return ret;
	for (size_t i = 0; i < ksr->n_bundles; i++)
		if (ksr->bundles[i].time < 0 || ksr->bundles[i].time > MAX_TIME)
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
		put_time(f, b->time, bind_times ? 1 : 0);
		fputs(" (", f);
		put_time(f, b->time, bind_times ? 3 : 2);
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
	put_time(f, ksr->generated, bind_times ? 3 : 2);
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
