#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>

#include "dnskey.h"
#include "error.h"
#include "policy.h"
#include "rrsig.h"
#include "utc.h"

#define DAY 86400u
#define MAX_DURATION (3660u * DAY)

void kskit_policy_defaults(struct kskit_policy *p, int xml)
{
	static const unsigned root_keys[] = { 2, 1, 1, 1, 1, 1, 1, 1, 2 };

	*p = (struct kskit_policy){ 0 };
	p->horizon = 180 * DAY;
	if (!xml) {
		p->min_bundles = 1;
		p->max_bundles = 1000;
		p->max_interval = 366 * DAY;
		p->max_cycle = 366 * DAY;
		p->min_validity = 3600;
		p->max_validity = 90 * DAY;
		p->min_overlap = 3600;
		p->max_overlap = 90 * DAY;
		return;
	}
	p->domains[p->n_domains++] = strdup(".");
	p->min_bundles = p->max_bundles = 9;
	p->min_interval = 9 * DAY;
	p->max_interval = 11 * DAY;
	p->min_cycle = 79 * DAY;
	p->max_cycle = 81 * DAY;
	p->algs[0] = (struct kskit_policy_alg){
		.alg = 8, .bits = { 2048 }, .n_bits = 1, .exponents = { 3, 65537 }, .n_exponents = 2
	};
	p->n_algs = 1;
	p->min_validity = p->max_validity = 21 * DAY;
	p->min_overlap = 9 * DAY;
	p->max_overlap = 16 * DAY;
	memcpy(p->keys_per_bundle, root_keys, sizeof(root_keys));
	p->n_keys_per_bundle = sizeof(root_keys) / sizeof(root_keys[0]);
	p->distinct_keys = 3;
	p->proof_of_possession = 1;
	p->request_limits = 1;
}

void kskit_policy_clear(struct kskit_policy *p)
{
	for (size_t i = 0; i < p->n_domains; i++)
		free(p->domains[i]);
	p->n_domains = 0;
}

/* --- the policy file ---------------------------------------------------- */

struct line {
	size_t no;
	char *w[KSKIT_POLICY_MAX + 2];
	size_t n;
};

static int bad_line(const struct line *l, const char *what)
{
	return kskit_error_set(KSKIT_ECONFIG, "line %zu (%s): %s", l->no, l->n ? l->w[0] : "",
			       what);
}

static int duration(const struct line *l, size_t i, uint32_t *out)
{
	unsigned long v;

	if (i >= l->n || kskit_duration_parse(l->w[i], MAX_DURATION, &v) != 0)
		return bad_line(l, "expected a duration (seconds, or with s, m, h, d or w)");
	*out = (uint32_t)v;
	return 0;
}

static int number(const struct line *l, const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	*out = strtoul(s, &end, 10);
	if (!*s || *end || *s == '-' || *out > max)
		return bad_line(l, "expected a number");
	return 0;
}

/* MIN MAX durations, MIN <= MAX. */
static int range(const struct line *l, uint32_t *min, uint32_t *max)
{
	int ret;

	if (l->n != 3)
		return bad_line(l, "expected MIN MAX");
	ret = duration(l, 1, min);
	if (ret == 0)
		ret = duration(l, 2, max);
	if (ret == 0 && *min > *max)
		ret = bad_line(l, "the minimum exceeds the maximum");
	return ret;
}

static int yes_no(const struct line *l, int *out)
{
	if (l->n == 2 && (strcmp(l->w[1], "yes") == 0 || strcmp(l->w[1], "no") == 0)) {
		*out = l->w[1][0] == 'y';
		return 0;
	}
	return bad_line(l, "expected yes or no");
}

/* algorithm NAME [bits=N,...] [exponent=N,...] */
static int algorithm(const struct line *l, struct kskit_policy *p)
{
	struct kskit_policy_alg a = { 0 };
	const struct kskit_alg *known;
	unsigned long v;

	if (l->n < 2 || !(known = kskit_alg_by_name(l->w[1])))
		return bad_line(l, "expected an algorithm kskit knows");
	if (p->n_algs == KSKIT_POLICY_MAX)
		return bad_line(l, "too many algorithms");
	a.alg = known->number;
	for (size_t i = 2; i < l->n; i++) {
		int bits = strncmp(l->w[i], "bits=", 5) == 0;
		char *save = NULL, *item;

		if (!bits && strncmp(l->w[i], "exponent=", 9) != 0)
			return bad_line(l, "expected bits= or exponent=");
		for (item = strtok_r(l->w[i] + (bits ? 5 : 9), ",", &save); item;
		     item = strtok_r(NULL, ",", &save)) {
			if (number(l, item, bits ? 16384 : 0xffffffffUL, &v) != 0)
				return KSKIT_ECONFIG;
			if ((bits ? a.n_bits : a.n_exponents) == KSKIT_POLICY_MAX)
				return bad_line(l, "too many values");
			if (bits)
				a.bits[a.n_bits++] = (unsigned)v;
			else
				a.exponents[a.n_exponents++] = v;
		}
	}
	p->algs[p->n_algs++] = a;
	return 0;
}

static int domain(const struct line *l, struct kskit_policy *p)
{
	kskit_policy_clear(p);
	if (l->n < 2)
		return bad_line(l, "expected at least one zone name");
	for (size_t i = 1; i < l->n; i++) {
		size_t len = strlen(l->w[i]);
		ldns_rdf *name = NULL;

		if (ldns_str2rdf_dname(&name, l->w[i]) != LDNS_STATUS_OK)
			return bad_line(l, "not a domain name");
		ldns_rdf_deep_free(name);
		if (p->n_domains == KSKIT_POLICY_MAX)
			return bad_line(l, "too many zones");
		if (asprintf(&p->domains[p->n_domains], "%s%s", l->w[i],
			     len && l->w[i][len - 1] == '.' ? "" : ".") < 0)
			return KSKIT_ENOMEM;
		p->n_domains++;
	}
	return 0;
}

/* keys-per-bundle N... | any */
static int keys_per_bundle(const struct line *l, struct kskit_policy *p)
{
	unsigned long v;

	p->n_keys_per_bundle = 0;
	if (l->n == 2 && strcmp(l->w[1], "any") == 0)
		return 0;
	if (l->n < 2 || l->n - 1 > sizeof(p->keys_per_bundle) / sizeof(p->keys_per_bundle[0]))
		return bad_line(l, "expected a count per bundle, or any");
	for (size_t i = 1; i < l->n; i++) {
		if (number(l, l->w[i], 64, &v) != 0)
			return KSKIT_ECONFIG;
		p->keys_per_bundle[p->n_keys_per_bundle++] = (unsigned)v;
	}
	return 0;
}

/* ksk TAG FROM UNTIL */
static int window(const struct line *l, struct kskit_policy *p)
{
	struct kskit_policy_window w;
	unsigned long tag;

	if (l->n != 4 || number(l, l->w[1], 65535, &tag) != 0 ||
	    kskit_utc_parse(l->w[2], &w.from) != 0 || kskit_utc_parse(l->w[3], &w.until) != 0)
		return bad_line(l, "expected TAG FROM UNTIL (times in UTC)");
	if (p->n_windows == KSKIT_POLICY_MAX)
		return bad_line(l, "too many KSKs");
	w.tag = (uint16_t)tag;
	p->windows[p->n_windows++] = w;
	return 0;
}

static int setting(const struct line *l, struct kskit_policy *p)
{
	const char *k = l->w[0];
	unsigned long v;
	uint32_t lo = 0, hi = 0;
	int ret;

	if (strcmp(k, "domain") == 0)
		return domain(l, p);
	if (strcmp(k, "algorithm") == 0)
		return algorithm(l, p);
	if (strcmp(k, "any-algorithm") == 0) {
		p->n_algs = 0;
		return l->n == 1 ? 0 : bad_line(l, "takes nothing");
	}
	if (strcmp(k, "keys-per-bundle") == 0)
		return keys_per_bundle(l, p);
	if (strcmp(k, "ksk") == 0)
		return window(l, p);
	if (strcmp(k, "proof-of-possession") == 0)
		return yes_no(l, &p->proof_of_possession);
	if (strcmp(k, "request-limits") == 0)
		return yes_no(l, &p->request_limits);
	if (strcmp(k, "horizon") == 0)
		return l->n == 2 ? duration(l, 1, &p->horizon) : bad_line(l, "expected a duration");
	if (strcmp(k, "distinct-keys") == 0) {
		if (l->n == 2 && strcmp(l->w[1], "any") == 0)
			v = 0;
		else if (l->n != 2 || number(l, l->w[1], 1000, &v) != 0)
			return bad_line(l, "expected a number, or any");
		p->distinct_keys = (unsigned)v;
		return 0;
	}
	if (strcmp(k, "bundles") == 0) {
		unsigned long lo_n, hi_n;

		if (l->n != 3 || number(l, l->w[1], 100000, &lo_n) ||
		    number(l, l->w[2], 100000, &hi_n) || lo_n > hi_n || lo_n == 0)
			return bad_line(l, "expected MIN MAX (1 or more, MIN <= MAX)");
		p->min_bundles = (unsigned)lo_n;
		p->max_bundles = (unsigned)hi_n;
		return 0;
	}
	static const struct {
		const char *name;
		size_t min, max;
	} ranges[] = {
		{ "bundle-interval", offsetof(struct kskit_policy, min_interval),
		  offsetof(struct kskit_policy, max_interval) },
		{ "cycle-length", offsetof(struct kskit_policy, min_cycle),
		  offsetof(struct kskit_policy, max_cycle) },
		{ "signature-validity", offsetof(struct kskit_policy, min_validity),
		  offsetof(struct kskit_policy, max_validity) },
		{ "validity-overlap", offsetof(struct kskit_policy, min_overlap),
		  offsetof(struct kskit_policy, max_overlap) },
	};
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		if (strcmp(k, ranges[i].name) != 0)
			continue;
		ret = range(l, &lo, &hi);
		if (ret == 0) {
			memcpy((char *)p + ranges[i].min, &lo, sizeof(lo));
			memcpy((char *)p + ranges[i].max, &hi, sizeof(hi));
		}
		return ret;
	}
	return bad_line(l, "unknown setting");
}

int kskit_policy_parse(const char *text, size_t len, struct kskit_policy *p)
{
	const char *s = text, *end = text + len;
	struct line l = { 0 };
	int ret = 0;

	while (ret == 0 && s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = (size_t)((nl ? nl : end) - s);
		char *copy = strndup(s, n), *save = NULL, *hash, *w;

		if (!copy)
			return KSKIT_ENOMEM;
		l.no++;
		l.n = 0;
		if ((hash = strchr(copy, '#')) != NULL)
			*hash = '\0';
		if (strlen(copy) != n && !hash)
			ret = bad_line(&l, "a NUL byte");
		for (w = strtok_r(copy, " \t\r", &save); ret == 0 && w;
		     w = strtok_r(NULL, " \t\r", &save)) {
			if (l.n == sizeof(l.w) / sizeof(l.w[0]))
				ret = bad_line(&l, "too many words");
			else
				l.w[l.n++] = w;
		}
		if (ret == 0 && l.n)
			ret = setting(&l, p);
		free(copy);
		s = nl ? nl + 1 : end;
	}
	return ret;
}

/* --- the checks -------------------------------------------------------- */

static int violation(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int violation(const char *name, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return kskit_error_set(KSKIT_EPOLICY, "%s: %s", name, msg);
}

static const char *when(time_t t, char *buf)
{
	kskit_utc_format(t, KSKIT_UTC_ISO, buf, 32);
	return buf;
}

static const char *days(uint32_t s, char *buf)
{
	if (s % DAY == 0)
		snprintf(buf, 32, "%ud", s / DAY);
	else if (s % 3600 == 0)
		snprintf(buf, 32, "%uh", s / 3600);
	else
		snprintf(buf, 32, "%us", s);
	return buf;
}

/* Is v within [min, max]?  Otherwise the violation, naming the bundle. */
static int within(const char *name, const char *what, size_t bundle, long long v, uint32_t min,
		  uint32_t max, const char *whose)
{
	char a[32], b[32], c[32];

	if (v >= (long long)min && v <= (long long)max)
		return 0;
	return violation(name, "bundle %zu: %s %s%s is not within %s to %s%s", bundle + 1, what,
			 v < 0 ? "-" : "", days((uint32_t)llabs(v), a), days(min, b), days(max, c),
			 whose);
}

static int is_dnskey(const ldns_rr *rr)
{
	return ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY;
}

static size_t count_keys(const struct kskit_ksr_bundle *b)
{
	size_t n = 0;

	for (size_t i = 0; i < ldns_rr_list_rr_count(b->records); i++)
		n += is_dnskey(ldns_rr_list_rr(b->records, i));
	return n;
}

/* Same key: same RDATA (the TTL may differ). */
static int same_key(const ldns_rr *a, const ldns_rr *b)
{
	ldns_rr *x = ldns_rr_clone(a), *y = ldns_rr_clone(b);
	int same;

	if (!x || !y) {
		ldns_rr_free(x);
		ldns_rr_free(y);
		return 0;
	}
	ldns_rr_set_ttl(x, 0);
	ldns_rr_set_ttl(y, 0);
	same = ldns_rr_compare(x, y) == 0;
	ldns_rr_free(x);
	ldns_rr_free(y);
	return same;
}

static int has_key(const struct kskit_ksr_bundle *b, const ldns_rr *key)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(b->records); i++)
		if (is_dnskey(ldns_rr_list_rr(b->records, i)) &&
		    same_key(ldns_rr_list_rr(b->records, i), key))
			return 1;
	return 0;
}

static int check_domain(const struct kskit_policy *p, const struct kskit_ksr *ksr)
{
	char *zone = ldns_rdf2str(ksr->zone);
	int ok = p->n_domains == 0;

	for (size_t i = 0; zone && i < p->n_domains; i++)
		ok |= strcasecmp(zone, p->domains[i]) == 0;
	if (!ok) {
		int ret = violation("KSR-DOMAIN", "%s is not a zone the policy names",
				    zone ? zone : "?");

		free(zone);
		return ret;
	}
	free(zone);
	return 0;
}

static int check_bundle_ids(const struct kskit_ksr *ksr, const struct kskit_ksr *prev)
{
	for (size_t i = 0; i < ksr->n_bundles; i++) {
		const char *id = ksr->bundles[i].id;

		for (size_t j = 0; id && j < i; j++)
			if (ksr->bundles[j].id && strcmp(id, ksr->bundles[j].id) == 0)
				return violation("KSR-BUNDLE-UNIQUE",
						 "bundles %zu and %zu share id %s", j + 1, i + 1,
						 id);
		for (size_t j = 0; id && prev && j < prev->n_bundles; j++)
			if (prev->bundles[j].id && strcmp(id, prev->bundles[j].id) == 0)
				return violation(
					"KSR-BUNDLE-UNIQUE",
					"bundle %zu has id %s, which the previous response "
					"has already",
					i + 1, id);
	}
	return 0;
}

/* Each identifier one key throughout; ZSK flags; keyTag right. */
static int check_bundle_keys(const struct kskit_ksr *ksr)
{
	for (size_t i = 0; i < ksr->n_bundles; i++) {
		const struct kskit_ksr_bundle *b = &ksr->bundles[i];

		for (size_t j = 0; j < ldns_rr_list_rr_count(b->records); j++) {
			const ldns_rr *rr = ldns_rr_list_rr(b->records, j);
			const char *id = b->key_ids ? b->key_ids[j] : NULL;

			if (!is_dnskey(rr))
				continue;
			if (ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)) != 256)
				return violation("KSR-BUNDLE-KEYS",
						 "bundle %zu: key %u has flags %u, not 256 (a ZSK)",
						 i + 1, ldns_calc_keytag(rr),
						 ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)));
			for (size_t k = 0; id && k <= i; k++) {
				const struct kskit_ksr_bundle *o = &ksr->bundles[k];

				for (size_t m = 0; m < ldns_rr_list_rr_count(o->records); m++) {
					const ldns_rr *x = ldns_rr_list_rr(o->records, m);

					if (o->key_ids && o->key_ids[m] && is_dnskey(x) &&
					    strcmp(o->key_ids[m], id) == 0 && !same_key(x, rr))
						return violation("KSR-BUNDLE-KEYS",
								 "key %s differs between bundles "
								 "%zu and %zu",
								 id, k + 1, i + 1);
				}
			}
		}
	}
	return 0;
}

/* XML: every RRSIG verifies over its bundle's DNSKEY RRset with a key of
 * the bundle, and every key made one. */
static int check_possession(const struct kskit_ksr *ksr)
{
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < ksr->n_bundles; i++) {
		const ldns_rr_list *recs = ksr->bundles[i].records;
		ldns_rr_list *set = ldns_rr_list_new();
		size_t n = ldns_rr_list_rr_count(recs);
		unsigned char *proven = calloc(n ? n : 1, 1);

		if (!set || !proven) {
			ldns_rr_list_free(set);
			free(proven);
			return KSKIT_ENOMEM;
		}
		for (size_t j = 0; j < n; j++)
			if (is_dnskey(ldns_rr_list_rr(recs, j)))
				ldns_rr_list_push_rr(set, ldns_rr_list_rr(recs, j));
		for (size_t j = 0; ret == 0 && j < n; j++) {
			const ldns_rr *sig = ldns_rr_list_rr(recs, j);
			int good = 0;

			if (ldns_rr_get_type(sig) != LDNS_RR_TYPE_RRSIG)
				continue;
			for (size_t k = 0; !good && k < n; k++) {
				const ldns_rr *key = ldns_rr_list_rr(recs, k);

				if (is_dnskey(key) &&
				    ldns_calc_keytag(key) ==
					    ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig)) &&
				    kskit_rrsig_verify(set, sig, key) == 0)
					good = 1, proven[k] = 1;
			}
			if (!good)
				ret = violation(
					"KSR-BUNDLE-POP",
					"bundle %zu: the signature by key %u does not verify",
					i + 1, ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig)));
		}
		for (size_t j = 0; ret == 0 && j < n; j++)
			if (is_dnskey(ldns_rr_list_rr(recs, j)) && !proven[j])
				ret = violation("KSR-BUNDLE-POP",
						"bundle %zu: key %u signs nothing (no proof of "
						"possession)",
						i + 1, ldns_calc_keytag(ldns_rr_list_rr(recs, j)));
		ldns_rr_list_free(set);
		free(proven);
	}
	return ret;
}

static int check_cycle(const struct kskit_policy *p, const struct kskit_ksr *ksr)
{
	size_t n = ksr->n_bundles;
	int ret = 0;

	if (n < p->min_bundles || n > p->max_bundles)
		return violation("KSR-BUNDLE-COUNT", "%zu bundles, not %u to %u", n, p->min_bundles,
				 p->max_bundles);
	ret = within("KSR-BUNDLE-CYCLE-DURATION", "first to last inception", n - 1,
		     (long long)(ksr->bundles[n - 1].time - ksr->bundles[0].time), p->min_cycle,
		     p->max_cycle, "");
	for (size_t i = 1; ret == 0 && i < n; i++)
		ret = within("KSR-POLICY-BUNDLE-INTERVAL", "interval from the previous bundle", i,
			     (long long)(ksr->bundles[i].time - ksr->bundles[i - 1].time),
			     p->min_interval, p->max_interval, "");
	return ret;
}

static int check_key_counts(const struct kskit_policy *p, const struct kskit_ksr *ksr)
{
	size_t distinct = 0;

	if (p->n_keys_per_bundle) {
		if (p->n_keys_per_bundle != ksr->n_bundles)
			return violation("KSR-POLICY-KEYS",
					 "%zu bundles, the policy counts keys for %zu",
					 ksr->n_bundles, p->n_keys_per_bundle);
		for (size_t i = 0; i < ksr->n_bundles; i++)
			if (count_keys(&ksr->bundles[i]) != p->keys_per_bundle[i])
				return violation(
					"KSR-POLICY-KEYS", "bundle %zu has %zu keys, not %u", i + 1,
					count_keys(&ksr->bundles[i]), p->keys_per_bundle[i]);
	}
	if (!p->distinct_keys)
		return 0;
	for (size_t i = 0; i < ksr->n_bundles; i++) {
		const ldns_rr_list *recs = ksr->bundles[i].records;

		for (size_t j = 0; j < ldns_rr_list_rr_count(recs); j++) {
			const ldns_rr *key = ldns_rr_list_rr(recs, j);
			int seen = 0;

			for (size_t k = 0; is_dnskey(key) && !seen && k < i; k++)
				seen = has_key(&ksr->bundles[k], key);
			for (size_t m = 0; is_dnskey(key) && !seen && m < j; m++)
				seen = same_key(ldns_rr_list_rr(recs, m), key);
			distinct += is_dnskey(key) && !seen;
		}
	}
	if (distinct != p->distinct_keys)
		return violation("KSR-POLICY-KEYS", "%zu distinct keys, not %u", distinct,
				 p->distinct_keys);
	return 0;
}

/* RFC 8624: must not sign with these. */
static int deprecated(unsigned alg)
{
	return alg <= 3 || alg == 5 || alg == 6 || alg == 7 || alg == 12;
}

static int check_alg_key(const struct kskit_policy *p, const ldns_rr *rr, size_t bundle)
{
	unsigned number = ldns_rdf2native_int8(ldns_rr_rdf(rr, 2)), bits;
	const struct kskit_alg *alg = kskit_alg_by_number(number);
	const struct kskit_policy_alg *pa = NULL;
	EVP_PKEY *pk = NULL;
	BIGNUM *e = NULL;
	unsigned long exponent = 0;
	int ok;

	if (deprecated(number))
		return violation("KSR-POLICY-ALG",
				 "bundle %zu: algorithm %u is deprecated (RFC 8624)", bundle + 1,
				 number);
	if (!alg)
		return violation("KSR-POLICY-ALG", "bundle %zu: algorithm %u is not supported",
				 bundle + 1, number);
	for (size_t i = 0; i < p->n_algs && !pa; i++)
		if (p->algs[i].alg == number)
			pa = &p->algs[i];
	if (p->n_algs && !pa)
		return violation("KSR-POLICY-ALG", "bundle %zu: %s is not allowed", bundle + 1,
				 alg->name);
	if (kskit_dnskey_to_pkey(alg, ldns_rdf_data(ldns_rr_rdf(rr, 3)),
				 ldns_rdf_size(ldns_rr_rdf(rr, 3)), &pk) != 0)
		return violation("KSR-POLICY-ALG", "bundle %zu: key %u is not a valid %s key",
				 bundle + 1, ldns_calc_keytag(rr), alg->name);
	bits = (unsigned)EVP_PKEY_get_bits(pk);
	if (alg->key_type == CKK_RSA && EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) == 1)
		exponent = BN_num_bits(e) <= 32 ? BN_get_word(e) : 0;
	BN_free(e);
	EVP_PKEY_free(pk);
	ok = !pa || pa->n_bits == 0;
	for (size_t i = 0; pa && i < pa->n_bits; i++)
		ok |= pa->bits[i] == bits;
	if (!ok)
		return violation("KSR-POLICY-ALG", "bundle %zu: key %u has %u bits", bundle + 1,
				 ldns_calc_keytag(rr), bits);
	ok = !pa || pa->n_exponents == 0 || alg->key_type != CKK_RSA;
	for (size_t i = 0; !ok && i < pa->n_exponents; i++)
		ok |= pa->exponents[i] == exponent;
	if (!ok)
		return violation("KSR-POLICY-ALG", "bundle %zu: key %u has exponent %lu",
				 bundle + 1, ldns_calc_keytag(rr), exponent);
	return 0;
}

static int check_algorithms(const struct kskit_policy *p, const struct kskit_ksr *ksr)
{
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < ksr->n_bundles; i++)
		for (size_t j = 0; ret == 0 && j < ldns_rr_list_rr_count(ksr->bundles[i].records);
		     j++)
			if (is_dnskey(ldns_rr_list_rr(ksr->bundles[i].records, j)))
				ret = check_alg_key(p, ldns_rr_list_rr(ksr->bundles[i].records, j),
						    i);
	return ret;
}

static int check_signatures(const struct kskit_policy *p, const struct kskit_policy_input *in)
{
	const struct kskit_skr_plan *plan = in->plan;
	const struct kskit_ksr_policy *claim = &in->ksr->zsk_policy;
	int claims = p->request_limits && in->ksr->xml && claim->present;
	char a[32], b[32];
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < plan->n_slots; i++) {
		const struct kskit_skr_slot *s = &plan->slots[i];
		long long validity = (long long)(s->expiration - s->inception);

		ret = within("KSR-POLICY-SIG-VALIDITY", "validity", i, validity, p->min_validity,
			     p->max_validity, "");
		if (ret == 0 && claims)
			ret = within("KSR-POLICY-SIG-VALIDITY", "validity", i, validity,
				     claim->min_sig_validity, claim->max_sig_validity,
				     " (the request's own limits)");
		if (ret == 0 && i > 0) {
			long long overlap =
				(long long)(plan->slots[i - 1].expiration - s->inception);

			ret = within("KSR-POLICY-SIG-OVERLAP", "overlap with the previous bundle",
				     i, overlap, p->min_overlap, p->max_overlap, "");
			if (ret == 0 && claims)
				ret = within("KSR-POLICY-SIG-OVERLAP",
					     "overlap with the previous bundle", i, overlap,
					     claim->min_overlap, claim->max_overlap,
					     " (the request's own limits)");
		}
		if (ret == 0 && s->expiration <= in->now)
			ret = violation("KSR-POLICY-SIG-HORIZON",
					"bundle %zu expired at %s, before now (%s); is the clock "
					"right?",
					i + 1, when(s->expiration, a), when(in->now, b));
		if (ret == 0 && s->expiration - in->now > (time_t)p->horizon)
			ret = violation("KSR-POLICY-SIG-HORIZON",
					"bundle %zu expires at %s, more than %s from now", i + 1,
					when(s->expiration, a), days(p->horizon, b));
	}
	return ret;
}

/* The latest RRSIG expiration in a response bundle: XML says it. */
static time_t bundle_expiration(const struct kskit_ksr_bundle *b)
{
	time_t latest = b->expiration;

	for (size_t i = 0; i < ldns_rr_list_rr_count(b->records); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(b->records, i);

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG &&
		    (time_t)ldns_rdf2native_time_t(ldns_rr_rrsig_expiration(rr)) > latest)
			latest = (time_t)ldns_rdf2native_time_t(ldns_rr_rrsig_expiration(rr));
	}
	return latest;
}

static int check_chain(const struct kskit_policy *p, const struct kskit_policy_input *in)
{
	const struct kskit_ksr *ksr = in->ksr, *prev = in->previous;
	const struct kskit_ksr_bundle *last = &prev->bundles[prev->n_bundles - 1];
	const ldns_rr_list *first = ksr->bundles[0].records;
	char a[32], b[32];
	int ret;

	if (ksr->xml && prev->id && ksr->id && strcmp(ksr->id, prev->id) == 0)
		return violation("KSR-ID", "the previous response answered request %s already",
				 ksr->id);
	if (!ksr->xml && ksr->bundles[0].time < last->time)
		return violation("KSR-ID",
				 "the request starts at %s, before the previous response's last "
				 "bundle (%s): signed already?",
				 when(ksr->bundles[0].time, a), when(last->time, b));
	ret = check_bundle_ids(ksr, prev);
	for (size_t i = 0; ret == 0 && i < ldns_rr_list_rr_count(first); i++)
		if (is_dnskey(ldns_rr_list_rr(first, i)) &&
		    !has_key(last, ldns_rr_list_rr(first, i)))
			ret = violation("KSR-CHAIN-KEYS",
					"ZSK %u of the first bundle is not in the previous "
					"response's last bundle",
					ldns_calc_keytag(ldns_rr_list_rr(first, i)));
	if (ret == 0)
		ret = within("KSR-CHAIN-OVERLAP",
			     "overlap with the previous response's last bundle", 0,
			     (long long)(bundle_expiration(last) - in->plan->slots[0].inception),
			     p->min_overlap, p->max_overlap, "");
	for (size_t i = 0; ret == 0 && in->on_token && i < ldns_rr_list_rr_count(last->records);
	     i++) {
		const ldns_rr *sig = ldns_rr_list_rr(last->records, i);
		const ldns_rr *key = NULL;

		if (ldns_rr_get_type(sig) != LDNS_RR_TYPE_RRSIG ||
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(sig)) != LDNS_RR_TYPE_DNSKEY)
			continue;
		for (size_t j = 0; !key && j < ldns_rr_list_rr_count(last->records); j++) {
			const ldns_rr *k = ldns_rr_list_rr(last->records, j);

			if (is_dnskey(k) &&
			    ldns_calc_keytag(k) == ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig)))
				key = k;
		}
		if (!key || in->on_token(in->ctx, key) != 0)
			ret = violation("KSR-CHAIN-KSK",
					"KSK %u, which signed the previous response's last bundle, "
					"is not on the token",
					ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig)));
	}
	return ret;
}

static int check_windows(const struct kskit_policy *p, const struct kskit_policy_input *in)
{
	char a[32], b[32];

	for (size_t i = 0; i < in->plan->n_slots; i++) {
		const struct kskit_skr_slot *s = &in->plan->slots[i];

		for (size_t k = 0; k < in->n_ksks; k++) {
			uint16_t tag = ldns_calc_keytag(in->ksks[k].dnskey);

			if (s->role[k] != KSKIT_ROLE_SIGN && s->role[k] != KSKIT_ROLE_REVOKE)
				continue;
			for (size_t w = 0; w < p->n_windows; w++)
				if (p->windows[w].tag == tag &&
				    (s->inception < p->windows[w].from ||
				     s->expiration > p->windows[w].until))
					return violation("SKR-KSK-VALIDITY",
							 "bundle %zu: KSK %u may sign from %s "
							 "until %s only",
							 i + 1, tag, when(p->windows[w].from, a),
							 when(p->windows[w].until, b));
		}
	}
	return 0;
}

int kskit_policy_check(const struct kskit_policy *p, const struct kskit_policy_input *in)
{
	int ret = check_domain(p, in->ksr);

	if (ret == 0)
		ret = check_bundle_ids(in->ksr, NULL);
	if (ret == 0)
		ret = check_bundle_keys(in->ksr);
	if (ret == 0 && in->ksr->xml && p->proof_of_possession)
		ret = check_possession(in->ksr);
	if (ret == 0)
		ret = check_cycle(p, in->ksr);
	if (ret == 0)
		ret = check_key_counts(p, in->ksr);
	if (ret == 0)
		ret = check_algorithms(p, in->ksr);
	if (ret == 0)
		ret = check_signatures(p, in);
	if (ret == 0 && in->previous && in->previous->n_bundles)
		ret = check_chain(p, in);
	if (ret == 0)
		ret = check_windows(p, in);
	return ret;
}
