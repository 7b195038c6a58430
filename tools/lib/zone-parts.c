/* zone-parts.c - a zone file read in parts, one thread a part.  The file
 * is scanned once for where records start (outside parentheses, quotes
 * and comments) and for its $ORIGIN and $TTL lines, which ldns itself
 * reads there so that each part starts as ldns would have stood there;
 * then the parts are parsed side by side, and their records joined in
 * file order.  The first failing part (in file order) gives the error. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dnsrr.h"
#include "error.h"
#include "zone-parts.h"

#define MAX_PARTS 16
#define MIN_PART 4096 /* bytes: smaller files are read in one part */

struct part {
	const char *text;
	size_t len;
	int line; /* of its first line */
	ldns_rdf *origin;
	uint32_t ttl;
	const ldns_rdf *zone;
	ldns_rr **rrs;
	size_t n, cap, dropped;
	int ret;
	char detail[512];
};

static int is_dnssec(ldns_rr_type t)
{
	return t == LDNS_RR_TYPE_DNSKEY || t == LDNS_RR_TYPE_CDS || t == LDNS_RR_TYPE_CDNSKEY ||
	       t == LDNS_RR_TYPE_RRSIG || t == LDNS_RR_TYPE_NSEC || t == LDNS_RR_TYPE_NSEC3 ||
	       t == LDNS_RR_TYPE_NSEC3PARAM;
}

static int push(struct part *p, ldns_rr *rr)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 1024;
		ldns_rr **more = realloc(p->rrs, cap * sizeof(*more));

		if (!more)
			return KSKIT_ENOMEM;
		p->rrs = more;
		p->cap = cap;
	}
	p->rrs[p->n++] = rr;
	return 0;
}

/* One record read from f, or a directive taken in. */
static int read_one(struct part *p, FILE *f, ldns_rdf **prev, int *line)
{
	ldns_rr *rr = NULL;
	int at = *line, ret = 0;
	ldns_status st = ldns_rr_new_frm_fp_l(&rr, f, &p->ttl, &p->origin, prev, line);

	if (st == LDNS_STATUS_SYNTAX_EMPTY || st == LDNS_STATUS_SYNTAX_TTL ||
	    st == LDNS_STATUS_SYNTAX_ORIGIN)
		return 0;
	if (st == LDNS_STATUS_SYNTAX_INCLUDE)
		ret = kskit_error_set(KSKIT_EZONE, "line %d: $INCLUDE is not supported", at);
	else if (st != LDNS_STATUS_OK)
		ret = kskit_error_set(KSKIT_EZONE, "line %d: %s", at, ldns_get_errorstr_by_id(st));
	else if (ldns_dname_compare(ldns_rr_owner(rr), p->zone) != 0 &&
		 !ldns_dname_is_subdomain(ldns_rr_owner(rr), p->zone))
		ret = kskit_error_set(KSKIT_EZONE, "line %d: a record outside the zone", at);
	else if (!kskit_rr_complete(rr))
		ret = kskit_error_set(KSKIT_EZONE, "line %d: a record without all its fields", at);
	else if (is_dnssec(ldns_rr_get_type(rr)))
		p->dropped++;
	else if ((ret = push(p, rr)) == 0)
		rr = NULL;
	ldns_rr_free(rr);
	return ret;
}

static void *read_part(void *arg)
{
	struct part *p = arg;
	FILE *f = p->len ? fmemopen((void *)p->text, p->len, "r") : NULL;
	ldns_rdf *prev = NULL;
	int line = p->line;

	p->ret = p->len && !f ? KSKIT_ENOMEM : 0;
	while (p->ret == 0 && f && !feof(f))
		p->ret = read_one(p, f, &prev, &line);
	if (p->ret)
		snprintf(p->detail, sizeof(p->detail), "%s", kskit_error_detail(p->ret));
	if (f)
		fclose(f);
	ldns_rdf_deep_free(prev);
	return NULL;
}

/* A directive line ($ORIGIN, $TTL) taken in by ldns, as it would have. */
static void directive(const char *line, size_t len, ldns_rdf **origin, uint32_t *ttl)
{
	FILE *f = fmemopen((void *)line, len, "r");
	ldns_rr *rr = NULL;
	ldns_rdf *prev = NULL;
	int n = 0;

	if (!f)
		return;
	(void)ldns_rr_new_frm_fp_l(&rr, f, ttl, origin, &prev, &n);
	ldns_rr_free(rr);
	ldns_rdf_deep_free(prev);
	fclose(f);
}

/* Cut text into at most want parts, each starting at a line that starts
 * a record with its own owner, outside parentheses.  The state at the
 * start of each part: its line number, $ORIGIN and $TTL. */
static size_t cut(const char *text, size_t len, size_t want, const ldns_rdf *zone,
		  struct part *parts)
{
	ldns_rdf *origin = ldns_rdf_clone(zone);
	uint32_t ttl = 3600;
	size_t n = 1, depth = 0;
	int line = 1, quoted = 0;

	parts[0] = (struct part){
		.text = text, .line = 1, .origin = ldns_rdf_clone(origin), .ttl = ttl
	};
	if (len && text[0] == '$') {
		const char *end = memchr(text, '\n', len);

		directive(text, end ? (size_t)(end - text) + 1 : len, &origin, &ttl);
	}
	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (c == '\n') {
			line++;
			quoted = 0;
			if (depth == 0 && i + 1 < len && text[i + 1] == '$') {
				const char *end = memchr(text + i + 1, '\n', len - i - 1);

				directive(text + i + 1,
					  end ? (size_t)(end - text - i) : len - i - 1, &origin,
					  &ttl);
				continue;
			} else if (depth == 0 && n < want && i + 1 >= n * len / want &&
				   i + 1 < len && !strchr(" \t\r\n;$(", text[i + 1])) {
				parts[n - 1].len = (size_t)(text + i + 1 - parts[n - 1].text);
				parts[n++] = (struct part){ .text = text + i + 1,
							    .line = line,
							    .origin = ldns_rdf_clone(origin),
							    .ttl = ttl };
			}
		} else if (quoted) {
			if (c == '\\' && i + 1 < len && text[i + 1] != '\n')
				i++;
			else if (c == '"')
				quoted = 0;
		} else if (c == '"') {
			quoted = 1;
		} else if (c == ';') {
			const char *end = memchr(text + i, '\n', len - i);

			i = end ? (size_t)(end - text) - 1 : len;
		} else if (c == '(') {
			depth++;
		} else if (c == ')' && depth) {
			depth--;
		} else if (c == '\\' && i + 1 < len && text[i + 1] != '\n') {
			i++;
		}
	}
	parts[n - 1].len = (size_t)(text + len - parts[n - 1].text);
	ldns_rdf_deep_free(origin);
	return n;
}

static int slurp(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "r");
	size_t cap = 1 << 16, n = 0;
	char *buf = NULL;
	int ret = 0;

	if (!f)
		return kskit_error_set(KSKIT_EIO, "%s: cannot open", path);
	for (;;) {
		if (n == cap || !buf) {
			char *more = realloc(buf, cap = buf ? 2 * cap : cap);

			if (!more) {
				ret = KSKIT_ENOMEM;
				break;
			}
			buf = more;
		}
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (got == 0) {
			if (ferror(f))
				ret = kskit_error_set(KSKIT_EIO, "%s: %s", path, strerror(errno));
			break;
		}
	}
	fclose(f);
	if (ret) {
		free(buf);
		return ret;
	}
	*text = buf;
	*len = n;
	return 0;
}

/* The parts' records in order into one array. */
static int join(struct part *parts, size_t n_parts, ldns_rr ***rrs, size_t *n, size_t *dropped)
{
	size_t total = 0, at = 0;

	for (size_t i = 0; i < n_parts; i++) {
		total += parts[i].n;
		*dropped += parts[i].dropped;
	}
	if (!(*rrs = malloc((total ? total : 1) * sizeof(**rrs))))
		return KSKIT_ENOMEM;
	for (size_t i = 0; i < n_parts; i++) {
		if (parts[i].n)
			memcpy(*rrs + at, parts[i].rrs, parts[i].n * sizeof(**rrs));
		at += parts[i].n;
		parts[i].n = 0;
	}
	*n = total;
	return 0;
}

int kskit_zone_records(const char *path, const ldns_rdf *origin, ldns_rr ***rrs, size_t *n,
		       size_t *dropped)
{
	struct part parts[MAX_PARTS];
	pthread_t threads[MAX_PARTS];
	int started[MAX_PARTS] = { 0 };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = cpus > 1 ? (size_t)(cpus < MAX_PARTS ? cpus : MAX_PARTS) : 1, n_parts;
	char *text = NULL;
	size_t len = 0;
	int ret = slurp(path, &text, &len);

	*rrs = NULL;
	*n = *dropped = 0;
	if (ret)
		return ret;
	if (want > len / MIN_PART)
		want = len / MIN_PART ? len / MIN_PART : 1;
	n_parts = cut(text, len, want, origin, parts);
	for (size_t i = 0; i < n_parts; i++) {
		parts[i].zone = origin;
		if (i > 0)
			started[i] = pthread_create(&threads[i], NULL, read_part, &parts[i]) == 0;
		if (i > 0 && !started[i])
			read_part(&parts[i]);
	}
	read_part(&parts[0]);
	for (size_t i = 1; i < n_parts; i++)
		if (started[i])
			pthread_join(threads[i], NULL);
	for (size_t i = 0; ret == 0 && i < n_parts; i++)
		if (parts[i].ret)
			ret = kskit_error_set(parts[i].ret, "%s", parts[i].detail);
	if (ret == 0)
		ret = join(parts, n_parts, rrs, n, dropped);
	for (size_t i = 0; i < n_parts; i++) {
		for (size_t j = 0; j < parts[i].n; j++)
			ldns_rr_free(parts[i].rrs[j]);
		free(parts[i].rrs);
		ldns_rdf_deep_free(parts[i].origin);
	}
	free(text);
	return ret;
}
