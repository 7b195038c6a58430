/* Keybundles: cut from a Signed Key Response signed here (a ZSK rollover,
 * and the root's pattern of old, current and next ZSK), each ZSK in its
 * role and only active ones with their private key; written and read back
 * unchanged; every malformed or cut-short text refused with its line;
 * every altered or short-lived signature and a foreign trust anchor
 * refused.  CMS envelopes for a passphrase and for RSA and EC certificates
 * open with the right secret only, and only intact. */
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "soft.h"
#include "lib/bindkey.h"
#include "lib/dnsrr.h"
#include "lib/envelope.h"
#include "lib/error.h"
#include "lib/keybundle.h"
#include "lib/ksrbuild.h"
#include "lib/pkey.h"
#include "lib/secret.h"
#include "lib/skr.h"
#include "lib/utc.h"

#define DAY 86400
#define START 1798761600 /* 2027-01-01T00:00:00Z */
#define SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SOURCE "example.com.skr"

struct key {
	struct kskit_soft_key soft;
	ldns_rr *dnskey;
};

static void key_new(struct key *k, const char *zone, unsigned alg, uint16_t flags)
{
	k->soft.alg = kskit_alg_by_number(alg);
	k->soft.key = kskit_pkey_generate(k->soft.alg, 0);
	assert_non_null(k->soft.key);
	assert_int_equal(kskit_dnskey_rr(zone, 3600, k->soft.key, k->soft.alg, flags, &k->dnskey),
			 0);
}

static void key_free(struct key *k)
{
	ldns_rr_free(k->dnskey);
	EVP_PKEY_free(k->soft.key);
}

static uint16_t tag_of(const struct key *k)
{
	return ldns_calc_keytag(k->dnskey);
}

/* n ZSKs of distinct key tags. */
static void zsks_new(struct key *k, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int unique;

		do {
			key_new(&k[i], "example.com.", 13, 256);
			unique = 1;
			for (size_t j = 0; j < i; j++)
				unique &= tag_of(&k[j]) != tag_of(&k[i]);
			if (!unique)
				key_free(&k[i]);
		} while (!unique);
	}
}

/* A text KSR of nine bundles ten days apart, ZSK i in bundles
 * runs[i][0] to runs[i][1], signed by ksk with Knot's defaults (RRSIGs
 * for 14 days from 90 minutes back), CDS and CDNSKEY too. */
static struct kskit_ksr *signed_response(const struct key *zsks, const size_t (*runs)[2], size_t n,
					 struct key *ksk)
{
	const struct kskit_ksr_schedule s = { .form = KSKIT_KSR_KNOT,
					      .start = START,
					      .period = 10 * DAY,
					      .periods = 9,
					      .ttl = 3600,
					      .generated = START - DAY };
	const struct kskit_skr_params p = { .lifetime = 14 * DAY,
					    .refresh = 7200,
					    .backdate = 5400,
					    .cds_sha256 = 1,
					    .generated = START - DAY };
	struct kskit_ksr_zsk z[3];
	struct kskit_ksk k = { .dnskey = ksk->dnskey,
			       .alg = ksk->soft.alg,
			       .sign = kskit_soft_sign,
			       .ctx = &ksk->soft };
	struct kskit_skr_plan plan = { 0 };
	struct kskit_ksr *ksr = NULL, *skr = NULL;

	assert_true(n <= 3);
	for (size_t i = 0; i < n; i++)
		z[i] = (struct kskit_ksr_zsk){ .dnskey = zsks[i].dnskey,
					       .first = runs[i][0],
					       .last = runs[i][1],
					       .alg = zsks[i].soft.alg };
	kskit_ksk_always(&k);
	assert_int_equal(kskit_ksr_build(&s, z, n, &ksr), 0);
	assert_int_equal(kskit_skr_plan(ksr, &k, 1, &p, &plan), 0);
	assert_int_equal(kskit_skr_sign(ksr, &k, 1, &p, &plan, &skr), 0);
	assert_int_equal(skr->skr, 1);
	assert_int_equal(skr->n_bundles, 9);
	kskit_skr_plan_free(&plan);
	kskit_ksr_free(ksr);
	return skr;
}

static void keybundles_free(struct kskit_keybundle **kbs, size_t n)
{
	for (size_t i = 0; kbs && i < n; i++)
		kskit_keybundle_free(kbs[i]);
	free(kbs);
}

/* The rollover every test below works on: ZSK A in bundles 1-5, B in
 * 5-9, a KSK, and another KSK that signs nothing. */
struct fixture {
	struct key a, b, ksk, other;
	struct kskit_ksr *skr;
	struct kskit_keybundle **kbs;
};

static int setup(void **state)
{
	static const size_t runs[2][2] = { { 0, 4 }, { 4, 8 } };
	struct fixture *f = calloc(1, sizeof(*f));
	struct key zsks[2];
	EVP_PKEY *keys[2];
	const struct kskit_alg *algs[2];

	assert_non_null(f);
	zsks_new(zsks, 2);
	f->a = zsks[0];
	f->b = zsks[1];
	key_new(&f->ksk, "example.com.", 13, 257);
	key_new(&f->other, "example.com.", 13, 257);
	f->skr = signed_response(zsks, runs, 2, &f->ksk);
	keys[0] = f->a.soft.key;
	keys[1] = f->b.soft.key;
	algs[0] = algs[1] = f->a.soft.alg;
	assert_int_equal(kskit_keybundles_from_skr(f->skr, SHA, SOURCE, keys, algs, 2, &f->kbs), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	keybundles_free(f->kbs, f->skr->n_bundles);
	kskit_ksr_free(f->skr);
	key_free(&f->a);
	key_free(&f->b);
	key_free(&f->ksk);
	key_free(&f->other);
	free(f);
	return 0;
}

/* The ZSK of kb with the tag of k, or NULL. */
static const struct kskit_keybundle_zsk *zsk_of(const struct kskit_keybundle *kb,
						const struct key *k)
{
	for (size_t i = 0; i < kb->n_zsks; i++)
		if (kb->zsks[i].tag == tag_of(k))
			return &kb->zsks[i];
	return NULL;
}

/* z is k's DNSKEY as kb holds it, active with k's private key or not. */
static void assert_zsk(const struct kskit_keybundle *kb, const struct key *k, int active)
{
	const struct kskit_keybundle_zsk *z = zsk_of(kb, k);
	size_t in_records = 0;

	assert_non_null(z);
	assert_int_equal(z->active, active);
	assert_non_null(z->dnskey);
	assert_int_equal(ldns_rr_compare(z->dnskey, k->dnskey), 0);
	for (size_t i = 0; i < ldns_rr_list_rr_count(kb->records); i++)
		in_records += ldns_rr_list_rr(kb->records, i) == z->dnskey;
	assert_int_equal(in_records, 1);
	if (active) {
		assert_non_null(z->key);
		assert_int_equal(EVP_PKEY_eq(z->key, k->soft.key), 1);
		assert_ptr_equal(z->alg, k->soft.alg);
	} else {
		assert_null(z->key);
	}
}

/* The earliest RRSIG expiration among records. */
static time_t first_expiry(const ldns_rr_list *records)
{
	time_t t = 0;

	for (size_t i = 0; i < ldns_rr_list_rr_count(records); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(records, i);
		time_t e;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG)
			continue;
		e = (time_t)ldns_rdf2native_time_t(ldns_rr_rrsig_expiration(rr));
		if (!t || e < t)
			t = e;
	}
	assert_true(t > 0);
	return t;
}

static void rollover_bundles(void **state)
{
	struct fixture *f = *state;
	ldns_rr *ds = NULL;

	assert_int_equal(kskit_ds_rr(f->ksk.dnskey, KSKIT_DS_SHA256, &ds), 0);
	for (size_t i = 0; i < 9; i++) {
		const struct kskit_keybundle *kb = f->kbs[i];
		const ldns_rr_list *want = f->skr->bundles[i].records;

		assert_int_equal(ldns_dname_compare(kb->zone, f->skr->zone), 0);
		assert_string_equal(kb->source_sha256, SHA);
		assert_string_equal(kb->source_name, SOURCE);
		/* contiguous periods, the last ending as its first RRSIG does */
		assert_int_equal(kb->inception, START + (time_t)i * 10 * DAY);
		if (i < 8)
			assert_int_equal(kb->expiration, f->kbs[i + 1]->inception);
		else
			assert_int_equal(kb->expiration, first_expiry(kb->records));
		/* the response bundle's records, all of them, in its order */
		assert_int_equal(ldns_rr_list_rr_count(kb->records), ldns_rr_list_rr_count(want));
		for (size_t j = 0; j < ldns_rr_list_rr_count(want); j++)
			assert_int_equal(ldns_rr_compare(ldns_rr_list_rr(kb->records, j),
							 ldns_rr_list_rr(want, j)),
					 0);
		if (i == 4) {
			/* B pre-published: in the RRset, its secret not in the bundle */
			assert_int_equal(kb->n_zsks, 2);
			assert_zsk(kb, &f->a, 1);
			assert_zsk(kb, &f->b, 0);
		} else {
			assert_int_equal(kb->n_zsks, 1);
			assert_zsk(kb, i < 4 ? &f->a : &f->b, 1);
		}
		assert_int_equal(kskit_keybundle_verify(kb, NULL), 0);
		assert_int_equal(kskit_keybundle_verify(kb, f->ksk.dnskey), 0);
		assert_int_equal(kskit_keybundle_verify(kb, ds), 0);
		assert_int_equal(kskit_keybundle_verify(kb, f->other.dnskey), KSKIT_EVERIFY);
		assert_non_null(strstr(kskit_error_detail(KSKIT_EVERIFY), "trust anchor"));
	}
	assert_int_equal(f->kbs[8]->expiration, START + 8 * 10 * DAY + 14 * DAY);
	ldns_rr_free(ds);
}

static void missing_or_bad_input_is_refused(void **state)
{
	struct fixture *f = *state;
	struct kskit_keybundle **kbs = NULL;
	EVP_PKEY *keys[2] = { f->a.soft.key, f->ksk.soft.key };
	const struct kskit_alg *algs[2] = { f->a.soft.alg, f->ksk.soft.alg };
	struct kskit_ksr request = *f->skr;
	char want[64];

	/* B is active from bundle 6 on: without its key, bundle 6 stops it */
	assert_int_equal(kskit_keybundles_from_skr(f->skr, SHA, SOURCE, keys, algs, 2, &kbs),
			 KSKIT_EKEYBUNDLE);
	assert_null(kbs);
	snprintf(want, sizeof(want), "bundle 6: no private key for the active ZSK %u",
		 tag_of(&f->b));
	assert_string_equal(kskit_error_detail(KSKIT_EKEYBUNDLE), want);
	/* without A's, bundle 1 */
	keys[0] = f->b.soft.key;
	assert_int_equal(kskit_keybundles_from_skr(f->skr, SHA, SOURCE, keys, algs, 1, &kbs),
			 KSKIT_EKEYBUNDLE);
	assert_null(kbs);
	snprintf(want, sizeof(want), "bundle 1: no private key for the active ZSK %u",
		 tag_of(&f->a));
	assert_string_equal(kskit_error_detail(KSKIT_EKEYBUNDLE), want);
	assert_int_equal(kskit_keybundles_from_skr(f->skr, SHA, SOURCE, keys, algs, 0, &kbs),
			 KSKIT_EKEYBUNDLE);
	/* not a response, a short digest, a control character in the name */
	keys[0] = f->a.soft.key;
	keys[1] = f->b.soft.key;
	algs[1] = f->b.soft.alg;
	request.skr = 0;
	assert_int_equal(kskit_keybundles_from_skr(&request, SHA, SOURCE, keys, algs, 2, &kbs),
			 KSKIT_EINVAL);
	assert_int_equal(kskit_keybundles_from_skr(f->skr, "0123", SOURCE, keys, algs, 2, &kbs),
			 KSKIT_EINVAL);
	assert_int_equal(kskit_keybundles_from_skr(f->skr, SHA, "a\nb", keys, algs, 2, &kbs),
			 KSKIT_EINVAL);
	/* nor what the parser would refuse: capitals, no name */
	assert_int_equal(kskit_keybundles_from_skr(f->skr,
						   "0123456789ABCDEF0123456789abcdef"
						   "0123456789abcdef0123456789abcdef",
						   SOURCE, keys, algs, 2, &kbs),
			 KSKIT_EINVAL);
	assert_int_equal(kskit_keybundles_from_skr(f->skr, SHA, "", keys, algs, 2, &kbs),
			 KSKIT_EINVAL);
	assert_null(kbs);
}

/* The root's pattern: old in bundle 1 only (post-published there), cur
 * throughout, next in bundle 9 only (pre-published). */
static void root_pattern(void **state)
{
	static const size_t runs[3][2] = { { 0, 0 }, { 0, 8 }, { 8, 8 } };
	struct key k[3], ksk;
	struct kskit_ksr *skr;
	struct kskit_keybundle **kbs = NULL;
	EVP_PKEY *keys[3];
	const struct kskit_alg *algs[3];

	(void)state;
	key_new(&ksk, "example.com.", 13, 257);
	zsks_new(k, 3);
	for (int i = 0; i < 3; i++) {
		keys[i] = k[i].soft.key;
		algs[i] = k[i].soft.alg;
	}
	skr = signed_response(k, runs, 3, &ksk);
	/* given every key, only cur's goes into a bundle */
	assert_int_equal(kskit_keybundles_from_skr(skr, SHA, SOURCE, keys, algs, 3, &kbs), 0);
	for (size_t i = 0; i < 9; i++) {
		assert_int_equal(kbs[i]->n_zsks, i == 0 || i == 8 ? 2 : 1);
		assert_zsk(kbs[i], &k[1], 1);
		assert_int_equal(kskit_keybundle_verify(kbs[i], ksk.dnskey), 0);
	}
	assert_zsk(kbs[0], &k[0], 0);
	assert_zsk(kbs[8], &k[2], 0);
	assert_null(zsk_of(kbs[1], &k[0]));
	assert_null(zsk_of(kbs[7], &k[2]));
	keybundles_free(kbs, skr->n_bundles);
	/* cur's key is all it takes */
	assert_int_equal(kskit_keybundles_from_skr(skr, SHA, SOURCE, &keys[1], &algs[1], 1, &kbs),
			 0);
	keybundles_free(kbs, skr->n_bundles);
	kskit_ksr_free(skr);
	for (int i = 0; i < 3; i++)
		key_free(&k[i]);
	key_free(&ksk);
}

/* Parse a copy of len bytes of text (a secret buffer, wiped after). */
static int parse_copy(const char *text, size_t len, struct kskit_keybundle **out)
{
	char *copy = kskit_secret_alloc(len);
	int ret;

	assert_non_null(copy);
	memcpy(copy, text, len);
	copy[len] = '\0';
	ret = kskit_keybundle_parse(copy, len, out);
	kskit_secret_free(copy);
	return ret;
}

/* kb's text, checked to be NUL-terminated; kskit_secret_free() it. */
static char *format(const struct kskit_keybundle *kb, size_t *len)
{
	char *text = NULL;

	assert_int_equal(kskit_keybundle_format(kb, &text, len), 0);
	assert_non_null(text);
	assert_int_equal(strlen(text), *len);
	return text;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (; (s = strstr(s, what)); s += strlen(what))
		n++;
	return n;
}

static void round_trip(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < 9; i++) {
		const struct kskit_keybundle *kb = f->kbs[i];
		struct kskit_keybundle *back = NULL;
		size_t len, len2;
		char *text = format(kb, &len), *again;

		assert_int_equal(
			strncmp(text, ";; kskit keybundle 1.0\n;; zone example.com.\n", 44), 0);
		/* a private key for each active ZSK, none for B before it signs */
		assert_int_equal(count(text, "PrivateKey:"), 1);
		assert_int_equal(count(text, ";; zsk "), kb->n_zsks);
		assert_int_equal(parse_copy(text, len, &back), 0);
		assert_int_equal(ldns_dname_compare(back->zone, kb->zone), 0);
		assert_int_equal(back->inception, kb->inception);
		assert_int_equal(back->expiration, kb->expiration);
		assert_string_equal(back->source_sha256, kb->source_sha256);
		assert_string_equal(back->source_name, kb->source_name);
		assert_int_equal(back->n_zsks, kb->n_zsks);
		for (size_t j = 0; j < kb->n_zsks; j++) {
			const struct kskit_keybundle_zsk *z = &kb->zsks[j], *y = &back->zsks[j];

			assert_int_equal(y->tag, z->tag);
			assert_int_equal(y->active, z->active);
			assert_int_equal(ldns_rr_compare(y->dnskey, z->dnskey), 0);
			if (z->active) {
				assert_ptr_equal(y->alg, z->alg);
				assert_int_equal(EVP_PKEY_eq(y->key, z->key), 1);
			} else {
				assert_null(y->key);
			}
		}
		assert_int_equal(ldns_rr_list_rr_count(back->records),
				 ldns_rr_list_rr_count(kb->records));
		for (size_t j = 0; j < ldns_rr_list_rr_count(kb->records); j++)
			assert_int_equal(ldns_rr_compare(ldns_rr_list_rr(back->records, j),
							 ldns_rr_list_rr(kb->records, j)),
					 0);
		assert_int_equal(kskit_keybundle_verify(back, f->ksk.dnskey), 0);
		/* and is written again byte for byte */
		again = format(back, &len2);
		assert_int_equal(len2, len);
		assert_memory_equal(again, text, len);
		kskit_secret_free(again);
		/* trailing blank lines are no text after the end */
		again = kskit_secret_alloc(len + 3);
		assert_non_null(again);
		memcpy(again, text, len);
		memcpy(again + len, "\n \n", 3);
		kskit_keybundle_free(back);
		assert_int_equal(parse_copy(again, len + 3, &back), 0);
		kskit_keybundle_free(back);
		/* nor is a missing final newline */
		assert_int_equal(parse_copy(text, len - 1, &back), 0);
		kskit_keybundle_free(back);
		kskit_secret_free(again);
		kskit_secret_free(text);
	}
}

/* A malloc()ed copy of text with the first from replaced by to. */
static char *edit(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	size_t head, len;
	char *out;

	if (!at)
		fail_msg("\"%s\" is not in the bundle", from);
	head = (size_t)(at - text);
	len = strlen(text) - strlen(from) + strlen(to);
	out = malloc(len + 1);
	assert_non_null(out);
	memcpy(out, text, head);
	memcpy(out + head, to, strlen(to));
	strcpy(out + head + strlen(to), at + strlen(from));
	return out;
}

/* The number of the line of text where what first is. */
static size_t line_of(const char *text, const char *what)
{
	const char *at = strstr(text, what);
	size_t n = 1;

	assert_non_null(at);
	for (const char *p = text; p < at; p++)
		n += *p == '\n';
	return n;
}

/* The whole line of text that starts with prefix, with its newline. */
static char *line_with(const char *text, const char *prefix)
{
	const char *at = strstr(text, prefix), *nl;

	assert_non_null(at);
	nl = strchr(at, '\n');
	assert_non_null(nl);
	return strndup(at, (size_t)(nl - at + 1));
}

struct mutation {
	const char *what;
	const char *from, *to; /* the first from replaced by to */
	const char *at;	       /* the detail names the line of this, or NULL */
	const char *says;      /* in the detail */
};

/* m applied to text is refused, the detail naming the line and what. */
static void refused(const char *text, const struct mutation *m)
{
	char *bad = edit(text, m->from, m->to), line[32] = "";
	struct kskit_keybundle *kb = (struct kskit_keybundle *)1;
	int ret = parse_copy(bad, strlen(bad), &kb);
	const char *detail = kskit_error_detail(KSKIT_EKEYBUNDLE);

	if (m->at)
		snprintf(line, sizeof(line), "line %zu: ", line_of(bad, m->at));
	if (ret != KSKIT_EKEYBUNDLE || kb || strncmp(detail, line, strlen(line)) != 0 ||
	    !strstr(detail, m->says))
		fail_msg("%s: %d (%s), want \"%s...%s\"", m->what, ret, detail, line, m->says);
	free(bad);
}

/* text cut to its first n bytes is refused at line with detail says. */
static void cut_short(const char *text, size_t n, size_t line, const char *says)
{
	struct kskit_keybundle *kb = (struct kskit_keybundle *)1;
	char want[300];

	snprintf(want, sizeof(want), "line %zu: %s", line, says);
	assert_int_equal(parse_copy(text, n, &kb), KSKIT_EKEYBUNDLE);
	assert_null(kb);
	assert_int_equal(strncmp(kskit_error_detail(KSKIT_EKEYBUNDLE), want, strlen(want)), 0);
}

static void malformed_text_is_refused(void **state)
{
	struct fixture *f = *state;
	const struct kskit_keybundle *kb = f->kbs[4]; /* A active, B published */
	struct kskit_keybundle *out = NULL;
	unsigned ta = tag_of(&f->a), tb = tag_of(&f->b), none = 1;
	size_t len;
	char *text = format(kb, &len), *priv_a = NULL, *priv_ed = NULL, *period, *bad;
	char zsk_a[32], zsk_b[32], a_none[32], b_signing[32], b_junk[48], b_twice[64], extra[64],
		empty[64], backwards[64], no_line[48], not_in[48], a_says[32], b_says[48],
		a_text[4096], b_active[4096], other_alg[4096];
	struct key ed;

	/* a tag that is neither A's nor B's nor the KSK's */
	while (none == ta || none == tb || none == tag_of(&f->ksk))
		none++;
	key_new(&ed, "example.com.", 15, 256);
	assert_int_equal(
		kskit_bind_private_text(f->a.soft.key, f->a.soft.alg, kb->inception, &priv_a), 0);
	assert_int_equal(kskit_bind_private_text(ed.soft.key, ed.soft.alg, kb->inception, &priv_ed),
			 0);
	period = line_with(text, ";; period ");
	snprintf(zsk_a, sizeof(zsk_a), ";; zsk %u active\n", ta);
	snprintf(zsk_b, sizeof(zsk_b), ";; zsk %u published\n", tb);
	snprintf(a_text, sizeof(a_text), "%s%s", zsk_a, priv_a);
	snprintf(a_none, sizeof(a_none), ";; zsk %u published\n", ta);
	snprintf(b_active, sizeof(b_active), ";; zsk %u active\n%s", tb, priv_a);
	snprintf(other_alg, sizeof(other_alg), "%s%s", zsk_a, priv_ed);
	snprintf(b_signing, sizeof(b_signing), ";; zsk %u signing\n", tb);
	snprintf(b_junk, sizeof(b_junk), ";; zsk %u published now\n", tb);
	snprintf(b_twice, sizeof(b_twice), "%s%s", zsk_b, zsk_b);
	snprintf(extra, sizeof(extra), ";; zsk %u published\n;; records\n", none);
	snprintf(empty, sizeof(empty), ";; period %lld %lld\n", (long long)kb->inception,
		 (long long)kb->inception);
	snprintf(backwards, sizeof(backwards), ";; period %lld %lld\n", (long long)kb->inception,
		 (long long)kb->inception - 1);
	snprintf(no_line, sizeof(no_line), "ZSK %u has no zsk line", tb);
	snprintf(not_in, sizeof(not_in), "no ZSK %u in the DNSKEY RRset", none);
	snprintf(a_says, sizeof(a_says), "ZSK %u: ", ta);
	snprintf(b_says, sizeof(b_says), "ZSK %u: not the key of its DNSKEY", tb);
	assert_non_null(strstr(text, a_text));
	assert_non_null(strstr(text, zsk_b));

	const struct mutation cases[] = {
		{ "wrong magic", ";; kskit keybundle 1.0\n", ";; kskit keybundle 1.1\n", ";; kskit",
		  "not a kskit keybundle 1.0" },
		{ "another file", ";; kskit keybundle 1.0\n",
		  ";; SignedKeyResponse 1.0 1798761600\n", ";; Signed", "not a kskit" },
		{ "zone without final dot", ";; zone example.com.\n", ";; zone example.com\n",
		  ";; zone", "zone NAME." },
		{ "zone and more", ";; zone example.com.\n", ";; zone example.com. x\n", ";; zone",
		  "zone NAME." },
		{ "no zone", ";; zone example.com.\n", ";; zone\n", ";; zone", "zone NAME." },
		{ "empty period", period, empty, ";; period", "in order" },
		{ "period backwards", period, backwards, ";; period", "in order" },
		{ "period in words", period, ";; period soon later\n", ";; period", "period" },
		{ "negative period", period, ";; period -5 5\n", ";; period", "period" },
		{ "period past 2106", period, ";; period 1 4294967296\n", ";; period", "period" },
		{ "source in capitals", ";; source 0123", ";; source 0A23", ";; source",
		  "SHA-256" },
		{ "source not hex", ";; source 0123", ";; source x123", ";; source", "SHA-256" },
		{ "source short", ";; source " SHA, ";; source 0123", ";; source", "SHA-256" },
		{ "source without name", SHA " " SOURCE "\n", SHA " \n", ";; source",
		  "SHA-256 NAME" },
		{ "source name with a control character", SOURCE "\n", "example\001.skr\n",
		  ";; source", "SHA-256 NAME" },
		{ "source name with a carriage return", SOURCE "\n", SOURCE "\r\n", ";; source",
		  "SHA-256 NAME" },
		{ "zsk role unknown", zsk_b, b_signing, b_signing, "zsk TAG" },
		{ "zsk line with more", zsk_b, b_junk, b_junk, "zsk TAG" },
		{ "zsk tag too big", zsk_b, ";; zsk 65536 published\n", ";; zsk 65536", "zsk TAG" },
		{ "zsk tag not a number", zsk_b, ";; zsk x published\n", ";; zsk x", "zsk TAG" },
		{ "zsk line for a tag not in the RRset", ";; records\n", extra, NULL, not_in },
		{ "a ZSK named twice", zsk_b, b_twice, NULL, "in the DNSKEY RRset" },
		{ "a DNSKEY 256 without zsk line", zsk_b, "", NULL, no_line },
		{ "too many zsk lines", ";; records\n",
		  ";; zsk 1 published\n;; zsk 2 published\n;; zsk 3 published\n"
		  ";; zsk 4 published\n;; zsk 5 published\n;; zsk 6 published\n"
		  ";; zsk 7 published\n;; records\n",
		  ";; zsk 7 published", "too many ZSKs" },
		{ "private key of another ZSK", zsk_b, b_active, NULL, b_says },
		{ "private key of another algorithm", a_text, other_alg, NULL, a_says },
		{ "private key garbled", "PrivateKey: ", "PrivateKey: !!", "Activate:", a_says },
		{ "active ZSK without private key", a_text, zsk_a, zsk_a, a_says },
		{ "no active ZSK", a_text, a_none, NULL, "no active ZSK" },
		{ "record of another zone", "example.com.\t3600\tIN\tDNSKEY",
		  "example.net.\t3600\tIN\tDNSKEY", "example.net.", "another zone" },
		{ "record of a subdomain", "example.com.\t0\tIN\tCDS",
		  "www.example.com.\t0\tIN\tCDS", "www.", "another zone" },
		{ "an A record", ";; records\n",
		  ";; records\nexample.com.\t3600\tIN\tA\t192.0.2.1\n", "192.0.2.1",
		  "not a DNSKEY, CDS, CDNSKEY or RRSIG record" },
		{ "a DS record", ";; records\n",
		  ";; records\nexample.com.\t3600\tIN\tDS\t1 13 2 "
		  "185c408979453b8e38f7d6dc9580add1ed6283ffb725cd31587cc6c35f1f7a29\n",
		  "\tDS\t", "not a DNSKEY" },
		{ "not a record", ";; records\n", ";; records\nexample.com. DNSKEY what\n",
		  "DNSKEY what", "not a DNS record" },
		{ "a comment line", ";; records\n", ";; records\n; comment\n", "; comment",
		  "not a DNS record" },
		{ "a blank line", ";; records\n", ";; records\n \t\n", " \t\n",
		  "not a DNS record" },
		{ "a DNSKEY without its fields", ";; records\n",
		  ";; records\nexample.com.\t3600\tIN\tDNSKEY\t\\# 0\n", "\\# 0",
		  "without all its fields" },
		{ "a ZSK's DNSKEY without its key", ";; records\n",
		  ";; records\nexample.com.\t3600\tIN\tDNSKEY\t\\# 4 0100030d\n", "\\# 4",
		  "without all its fields" },
		{ "an RRSIG without its fields", ";; records\n",
		  ";; records\nexample.com.\t3600\tIN\tRRSIG\t\\# 2 0030\n", "\\# 2",
		  "without all its fields" },
		{ "a CDS without its fields", ";; records\n",
		  ";; records\nexample.com.\t0\tIN\tCDS\t\\# 0\n", "\\# 0",
		  "without all its fields" },
		{ "no \";; records\"", ";; records\n", "", "example.com.\t3600",
		  "zsk TAG active|published\" or \";; records\"" },
		{ "\";; end\" with more", ";; end\n", ";; end.\n", ";; end.", "not a DNS record" },
		{ "\";; end\" with CR LF", ";; end\n", ";; end\r\n", ";; end", "not a DNS record" },
		{ "no \";; end\"", ";; end\n", "", NULL, "cut short" },
		{ "a record after the end", ";; end\n",
		  ";; end\nexample.com.\t3600\tIN\tA\t192.0.2.1\n", ";; end", "text after" },
		{ "two ends", ";; end\n", ";; end\n;; end\n", ";; end", "text after" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		refused(text, &cases[i]);
	/* an RRSIG time more than 68 years ahead, which ldns would write as
	 * a date before 1970 and then refuse */
	if ((long long)time(NULL) + 0x80000000LL + 30 * DAY <= 0xffffffffLL) {
		const ldns_rr *sig =
			ldns_rr_list_rr(kb->records, ldns_rr_list_rr_count(kb->records) - 1);
		char was[32], late[32], at[48];
		struct mutation m = { "an RRSIG expiring too late", was, late, at,
				      "would not read back" };

		kskit_utc_format((time_t)ldns_rdf2native_time_t(ldns_rr_rrsig_expiration(sig)),
				 KSKIT_UTC_COMPACT, was, sizeof(was));
		kskit_utc_format(time(NULL) + 0x80000000LL + 30 * DAY, KSKIT_UTC_COMPACT, late,
				 sizeof(late));
		snprintf(at, sizeof(at), " %s ", late);
		strcat(was, " ");
		strcat(late, " ");
		assert_int_equal(ldns_rr_get_type(sig), LDNS_RR_TYPE_RRSIG);
		refused(text, &m);
	}
	/* a NUL byte anywhere */
	for (size_t at = 0; at < len; at += 97) {
		bad = strndup(text, len);
		assert_non_null(bad);
		bad[at] = '\0';
		out = (struct kskit_keybundle *)1;
		assert_int_equal(parse_copy(bad, len, &out), KSKIT_EKEYBUNDLE);
		assert_null(out);
		assert_string_equal(kskit_error_detail(KSKIT_EKEYBUNDLE),
				    "a NUL byte in the bundle");
		free(bad);
	}
	/* cut short anywhere before the end's newline */
	for (size_t cut = 0; cut + 1 < len; cut++) {
		out = (struct kskit_keybundle *)1;
		if (parse_copy(text, cut, &out) != KSKIT_EKEYBUNDLE || out)
			fail_msg("cut at %zu of %zu: not refused", cut, len);
	}
	/* where it is cut, what is missing */
	cut_short(text, 0, 0, "not a kskit keybundle 1.0");
	cut_short(text, (size_t)(strstr(text, ";; zone") - text), 1, "not \";; zone NAME.\"");
	cut_short(text, (size_t)(strstr(text, "PrivateKey: ") - text) + 20,
		  line_of(text, "PrivateKey: "), a_says);
	cut_short(text, (size_t)(strstr(text, ";; records") - text),
		  line_of(text, ";; records") - 1, "no \";; records\"");
	cut_short(text, (size_t)(strstr(text, ";; end") - text), line_of(text, ";; end") - 1,
		  "no \";; end\": the bundle is cut short");
	cut_short(text, len - 3, line_of(text, ";; end"), "not a DNS record");
	free(period);
	kskit_secret_free(priv_a);
	kskit_secret_free(priv_ed);
	kskit_secret_free(text);
	key_free(&ed);
}

/* The index in kb->records of the first RRSIG over type. */
static size_t rrsig_over(const struct kskit_keybundle *kb, ldns_rr_type type)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(kb->records); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(kb->records, i);

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG &&
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) == type)
			return i;
	}
	fail_msg("no RRSIG over %d", type);
	return 0;
}

/* Drop record i of kb (not a ZSK's DNSKEY). */
static void drop(struct kskit_keybundle *kb, size_t i)
{
	ldns_rr *last = ldns_rr_list_pop_rr(kb->records), *gone = last;

	if (i < ldns_rr_list_rr_count(kb->records))
		gone = ldns_rr_list_set_rr(kb->records, last, i);
	ldns_rr_free(gone);
}

static void bad_signatures_are_refused(void **state)
{
	struct fixture *f = *state;
	struct kskit_keybundle *kb = f->kbs[2], *copy = NULL;
	const ldns_rr *sig = ldns_rr_list_rr(kb->records, rrsig_over(kb, LDNS_RR_TYPE_DNSKEY));
	time_t inception = kb->inception, expiration = kb->expiration;
	time_t sig_from = (time_t)ldns_rdf2native_time_t(ldns_rr_rrsig_inception(sig));
	time_t sig_to = (time_t)ldns_rdf2native_time_t(ldns_rr_rrsig_expiration(sig));
	ldns_rr_type types[3] = { LDNS_RR_TYPE_DNSKEY, LDNS_RR_TYPE_CDS, LDNS_RR_TYPE_CDNSKEY };
	size_t len;
	char *text;

	/* one byte of any RRSIG's signature flipped */
	for (int t = 0; t < 3; t++) {
		const ldns_rr *rr = ldns_rr_list_rr(kb->records, rrsig_over(kb, types[t]));
		uint8_t *bytes = ldns_rdf_data(ldns_rr_rdf(rr, 8));

		for (size_t at = 0; at < ldns_rdf_size(ldns_rr_rdf(rr, 8)); at += 21) {
			bytes[at] ^= 0x20;
			assert_int_equal(kskit_keybundle_verify(kb, NULL), KSKIT_EVERIFY);
			assert_non_null(
				strstr(kskit_error_detail(KSKIT_EVERIFY), "does not verify"));
			bytes[at] ^= 0x20;
		}
	}
	assert_int_equal(kskit_keybundle_verify(kb, f->ksk.dnskey), 0);
	/* RRSIGs that end before the period does, or start after it */
	assert_true(sig_to > expiration && sig_from < inception);
	kb->expiration = sig_to;
	assert_int_equal(kskit_keybundle_verify(kb, NULL), 0);
	kb->expiration = sig_to + 1;
	assert_int_equal(kskit_keybundle_verify(kb, NULL), KSKIT_EVERIFY);
	assert_non_null(strstr(kskit_error_detail(KSKIT_EVERIFY), "whole period"));
	kb->expiration = expiration;
	kb->inception = sig_from;
	assert_int_equal(kskit_keybundle_verify(kb, NULL), 0);
	kb->inception = sig_from - 1;
	assert_int_equal(kskit_keybundle_verify(kb, NULL), KSKIT_EVERIFY);
	assert_non_null(strstr(kskit_error_detail(KSKIT_EVERIFY), "whole period"));
	kb->inception = inception;
	assert_int_equal(kskit_keybundle_verify(kb, NULL), 0);

	/* no RRSIG over the DNSKEY RRset, the others intact */
	text = format(kb, &len);
	assert_int_equal(parse_copy(text, len, &copy), 0);
	drop(copy, rrsig_over(copy, LDNS_RR_TYPE_DNSKEY));
	assert_int_equal(kskit_keybundle_verify(copy, NULL), KSKIT_EVERIFY);
	assert_string_equal(kskit_error_detail(KSKIT_EVERIFY), "no KSK signs the DNSKEY RRset");
	assert_int_equal(kskit_keybundle_verify(copy, f->ksk.dnskey), KSKIT_EVERIFY);
	kskit_keybundle_free(copy);
	/* the KSK gone from the RRset: nothing verifies */
	assert_int_equal(parse_copy(text, len, &copy), 0);
	for (size_t i = 0; i < ldns_rr_list_rr_count(copy->records); i++)
		if (ldns_rr_compare(ldns_rr_list_rr(copy->records, i), f->ksk.dnskey) == 0)
			drop(copy, i);
	assert_int_equal(kskit_keybundle_verify(copy, NULL), KSKIT_EVERIFY);
	assert_non_null(strstr(kskit_error_detail(KSKIT_EVERIFY), "does not verify with a KSK"));
	kskit_keybundle_free(copy);
	kskit_secret_free(text);
}

static EVP_PKEY *ec_key(void)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");

	assert_non_null(k);
	return k;
}

/* A self-signed certificate for key, md NULL for EdDSA. */
static X509 *self_signed(EVP_PKEY *key, long serial, const char *cn, const EVP_MD *md)
{
	X509 *x = X509_new();
	X509_NAME *name;

	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), serial), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), 0));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), DAY));
	name = X509_get_subject_name(x);
	assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
						    (const unsigned char *)cn, -1, -1, 0),
			 1);
	assert_int_equal(X509_set_issuer_name(x, name), 1);
	assert_int_equal(X509_set_pubkey(x, key), 1);
	assert_true(X509_sign(x, key, md) > 0);
	return x;
}

/* Opening der fails with one of two codes and leaves the output alone. */
static void does_not_open(const uint8_t *der, size_t len, EVP_PKEY *key, X509 *cert,
			  const char *pass, int code, int or_code)
{
	char *out = (char *)"untouched";
	size_t out_len = 4242;
	int ret = kskit_envelope_open(der, len, key, cert, pass, &out, &out_len);

	if (ret != code && ret != or_code)
		fail_msg("opened with %d, want %d or %d", ret, code, or_code);
	assert_string_equal(out, "untouched");
	assert_int_equal(out_len, 4242);
}

static void opens_to(const uint8_t *der, size_t len, EVP_PKEY *key, X509 *cert, const char *pass,
		     const char *want, size_t want_len)
{
	char *out = NULL;
	size_t out_len = 0;

	assert_int_equal(kskit_envelope_open(der, len, key, cert, pass, &out, &out_len), 0);
	assert_int_equal(out_len, want_len);
	assert_memory_equal(out, want, want_len);
	assert_int_equal(out[out_len], '\0');
	kskit_secret_free(out);
}

static void envelope_for_a_passphrase(void **state)
{
	struct fixture *f = *state;
	const struct kskit_recipients to = { .passphrase = "correct horse", .iterations = 1000 };
	const struct kskit_recipients both = { .certs = NULL,
					       .n_certs = 1,
					       .passphrase = "correct horse" },
				      neither = { 0 };
	static const uint8_t garbage[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
	uint8_t *der = NULL, *longer;
	size_t der_len = 0, len;
	char *text = format(f->kbs[4], &len), *what = NULL;
	struct kskit_keybundle *kb = NULL;

	assert_int_equal(kskit_envelope_seal(text, len, &to, &der, &der_len), 0);
	assert_true(der_len > len);
	assert_null(memmem(der, der_len, "PrivateKey", 10));
	opens_to(der, der_len, NULL, NULL, "correct horse", text, len);
	does_not_open(der, der_len, NULL, NULL, "correct horsf", KSKIT_EDECRYPT, KSKIT_EDECRYPT);
	does_not_open(der, der_len, NULL, NULL, "", KSKIT_EDECRYPT, KSKIT_EDECRYPT);
	assert_int_equal(kskit_envelope_describe(der, der_len, &what), 0);
	assert_non_null(strstr(what, "EnvelopedData"));
	assert_null(strstr(what, "AuthEnvelopedData"));
	assert_non_null(strstr(what, "\nrecipient: password"));
	assert_int_equal(count(what, "recipient:"), 1);
	free(what);
	/* what opens is the keybundle */
	{
		char *out = NULL;
		size_t out_len = 0;

		assert_int_equal(kskit_envelope_open(der, der_len, NULL, NULL, "correct horse",
						     &out, &out_len),
				 0);
		assert_int_equal(kskit_keybundle_parse(out, out_len, &kb), 0);
		assert_int_equal(kskit_keybundle_verify(kb, f->ksk.dnskey), 0);
		kskit_keybundle_free(kb);
		kskit_secret_free(out);
	}
	/* not DER, or cut short, or with more after it: not an envelope */
	does_not_open(garbage, sizeof(garbage), NULL, NULL, "correct horse", KSKIT_EKEYBUNDLE,
		      KSKIT_EKEYBUNDLE);
	does_not_open((const uint8_t *)text, len, NULL, NULL, "correct horse", KSKIT_EKEYBUNDLE,
		      KSKIT_EKEYBUNDLE);
	does_not_open(der, 0, NULL, NULL, "correct horse", KSKIT_EKEYBUNDLE, KSKIT_EKEYBUNDLE);
	for (size_t cut = 1; cut < der_len; cut += 1 + cut / 3)
		does_not_open(der, cut, NULL, NULL, "correct horse", KSKIT_EKEYBUNDLE,
			      KSKIT_EKEYBUNDLE);
	longer = malloc(der_len + 1);
	assert_non_null(longer);
	memcpy(longer, der, der_len);
	longer[der_len] = 0;
	does_not_open(longer, der_len + 1, NULL, NULL, "correct horse", KSKIT_EKEYBUNDLE,
		      KSKIT_EKEYBUNDLE);
	free(longer);
	what = (char *)"untouched";
	assert_int_equal(kskit_envelope_describe(garbage, sizeof(garbage), &what),
			 KSKIT_EKEYBUNDLE);
	assert_int_equal(kskit_envelope_describe(der, der_len - 1, &what), KSKIT_EKEYBUNDLE);
	assert_string_equal(what, "untouched");
	OPENSSL_free(der);
	/* a passphrase and certificates, or neither */
	der = NULL;
	assert_int_equal(kskit_envelope_seal(text, len, &both, &der, &der_len), KSKIT_EINVAL);
	assert_int_equal(kskit_envelope_seal(text, len, &neither, &der, &der_len), KSKIT_EINVAL);
	assert_null(der);
	kskit_secret_free(text);
}

static void envelope_for_certificates(void **state)
{
	EVP_PKEY *ec = ec_key(), *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	EVP_PKEY *stranger = ec_key(), *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	X509 *certs[2], *stranger_cert, *ed_cert;
	const char data[] = ";; kskit keybundle 1.0\nnot really\n;; end\n";
	struct kskit_recipients to = { .n_certs = 2 };
	uint8_t *der = NULL;
	size_t der_len = 0;
	char *what = NULL;

	(void)state;
	assert_non_null(rsa);
	assert_non_null(ed);
	certs[0] = self_signed(ec, 1, "kskit-test-ec", EVP_sha256());
	certs[1] = self_signed(rsa, 2, "kskit-test-rsa", EVP_sha256());
	stranger_cert = self_signed(stranger, 3, "kskit-test-stranger", EVP_sha256());
	ed_cert = self_signed(ed, 4, "kskit-test-ed25519", NULL);
	to.certs = certs;
	assert_int_equal(kskit_envelope_seal(data, sizeof(data) - 1, &to, &der, &der_len), 0);
	assert_null(memmem(der, der_len, "not really", 10));
	/* each recipient opens it, with its certificate or without */
	opens_to(der, der_len, ec, certs[0], NULL, data, sizeof(data) - 1);
	opens_to(der, der_len, rsa, certs[1], NULL, data, sizeof(data) - 1);
	opens_to(der, der_len, ec, NULL, NULL, data, sizeof(data) - 1);
	opens_to(der, der_len, rsa, NULL, NULL, data, sizeof(data) - 1);
	/* nobody else, nor a passphrase */
	does_not_open(der, der_len, stranger, stranger_cert, NULL, KSKIT_EDECRYPT, KSKIT_EDECRYPT);
	does_not_open(der, der_len, stranger, NULL, NULL, KSKIT_EDECRYPT, KSKIT_EDECRYPT);
	does_not_open(der, der_len, ec, certs[1], NULL, KSKIT_EDECRYPT, KSKIT_EDECRYPT);
	does_not_open(der, der_len, NULL, NULL, "correct horse", KSKIT_EDECRYPT, KSKIT_EDECRYPT);
	/* one byte of the tail (ciphertext, tag) flipped: refused, for either key */
	assert_true(der_len > 32);
	for (size_t i = der_len - 32; i < der_len; i++) {
		der[i] ^= 0x01;
		does_not_open(der, der_len, ec, certs[0], NULL, KSKIT_EDECRYPT, KSKIT_EKEYBUNDLE);
		does_not_open(der, der_len, rsa, certs[1], NULL, KSKIT_EDECRYPT, KSKIT_EKEYBUNDLE);
		der[i] ^= 0x01;
	}
	opens_to(der, der_len, rsa, certs[1], NULL, data, sizeof(data) - 1);
	assert_int_equal(kskit_envelope_describe(der, der_len, &what), 0);
	assert_int_equal(strncmp(what, "AuthEnvelopedData", 17), 0);
	assert_int_equal(count(what, "\nrecipient: certificate "), 2);
	assert_non_null(strstr(what, "of /CN=kskit-test-ec"));
	assert_non_null(strstr(what, "of /CN=kskit-test-rsa"));
	assert_null(strstr(what, "password"));
	free(what);
	OPENSSL_free(der);
	/* one recipient; an Ed25519 certificate is refused */
	to.n_certs = 1;
	assert_int_equal(kskit_envelope_seal(data, sizeof(data) - 1, &to, &der, &der_len), 0);
	opens_to(der, der_len, ec, certs[0], NULL, data, sizeof(data) - 1);
	does_not_open(der, der_len, rsa, certs[1], NULL, KSKIT_EDECRYPT, KSKIT_EDECRYPT);
	OPENSSL_free(der);
	der = NULL;
	to.certs = &ed_cert;
	assert_int_equal(kskit_envelope_seal(data, sizeof(data) - 1, &to, &der, &der_len),
			 KSKIT_EINVAL);
	assert_null(der);
	X509_free(certs[0]);
	X509_free(certs[1]);
	X509_free(stranger_cert);
	X509_free(ed_cert);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(stranger);
	EVP_PKEY_free(ed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rollover_bundles),
		cmocka_unit_test(missing_or_bad_input_is_refused),
		cmocka_unit_test(root_pattern),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(malformed_text_is_refused),
		cmocka_unit_test(bad_signatures_are_refused),
		cmocka_unit_test(envelope_for_a_passphrase),
		cmocka_unit_test(envelope_for_certificates),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
