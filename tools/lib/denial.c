/* denial.c - the NSEC or NSEC3 chain of a zone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "denial.h"
#include "error.h"

/* A name of the chain and what its bitmap lists. */
struct link {
	const ldns_rdf *name;
	ldns_rdf *hashed; /* NSEC3: the hashed owner */
	ldns_rr_type types[64];
	size_t n_types;
};

struct chain {
	struct link *links;
	size_t n, cap;
};

static struct link *add_link(struct chain *c, const ldns_rdf *name)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		struct link *more = realloc(c->links, cap * sizeof(*more));

		if (!more)
			return NULL;
		c->links = more;
		c->cap = cap;
	}
	c->links[c->n] = (struct link){ .name = name };
	return &c->links[c->n++];
}

static void add_type(struct link *l, ldns_rr_type t)
{
	for (size_t i = 0; i < l->n_types; i++)
		if (l->types[i] == t)
			return;
	if (l->n_types < sizeof(l->types) / sizeof(l->types[0]))
		l->types[l->n_types++] = t;
}

static const ldns_rdf *owner_of(const struct kskit_zone *z, size_t i)
{
	return ldns_rr_owner(ldns_rr_list_rr(z->sets[i].rrs, 0));
}

/* The names of the zone in the chain, each with its types. */
static int collect(const struct kskit_zone *z, const ldns_rr_type *apex_types, size_t n_apex,
		   const struct kskit_nsec3 *p, struct chain *c)
{
	for (size_t i = 0; i < z->n_sets;) {
		const ldns_rdf *name = owner_of(z, i);
		struct link l = { .name = name };
		int in = 0, signed_here = 0, delegation = 0, ds = 0;

		for (; i < z->n_sets && ldns_dname_compare(owner_of(z, i), name) == 0; i++) {
			const struct kskit_rrset *s = &z->sets[i];

			if (s->kind == KSKIT_NAME_GLUE)
				continue;
			in = 1;
			add_type(&l, s->type);
			signed_here |= s->kind != KSKIT_NAME_DELEGATION;
			delegation |= s->kind == KSKIT_NAME_DELEGATION;
			ds |= s->type == LDNS_RR_TYPE_DS;
		}
		if (!in || (p->on && p->opt_out && delegation && !ds))
			continue;
		if (ldns_dname_compare(name, z->origin) == 0) {
			for (size_t k = 0; k < n_apex; k++)
				add_type(&l, apex_types[k]);
			if (p->on)
				add_type(&l, LDNS_RR_TYPE_NSEC3PARAM);
		}
		/* NSEC: the NSEC record is signed at the name itself */
		if (signed_here || !p->on)
			add_type(&l, LDNS_RR_TYPE_RRSIG);
		if (!p->on)
			add_type(&l, LDNS_RR_TYPE_NSEC);
		if (!add_link(c, name))
			return KSKIT_ENOMEM;
		c->links[c->n - 1] = l;
	}
	return 0;
}

/* Is name the owner of an RRset of z (binary search, canonical order)? */
static int exists(const struct kskit_zone *z, const ldns_rdf *name)
{
	size_t lo = 0, hi = z->n_sets;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = ldns_dname_compare(owner_of(z, mid), name);

		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return ldns_dname_compare(((const struct link *)a)->name, ((const struct link *)b)->name);
}

static int by_hash(const void *a, const void *b)
{
	return ldns_dname_compare(((const struct link *)a)->hashed,
				  ((const struct link *)b)->hashed);
}

/* NSEC3: the empty non-terminals above the chain's names, as links with
 * no types; their names are kept in ents (freed by the caller). */
static int add_ents(const struct kskit_zone *z, struct chain *c, ldns_rr_list *ents)
{
	size_t n = c->n;

	for (size_t i = 0; i < n; i++) {
		ldns_rdf *up = ldns_dname_left_chop(c->links[i].name);

		while (up && ldns_dname_is_subdomain(up, z->origin) && !exists(z, up)) {
			ldns_rdf *next = ldns_dname_left_chop(up);
			ldns_rr *holder = ldns_rr_new();

			if (!holder || !ldns_rr_list_push_rr(ents, holder)) {
				ldns_rr_free(holder);
				ldns_rdf_deep_free(up);
				ldns_rdf_deep_free(next);
				return KSKIT_ENOMEM;
			}
			ldns_rr_set_owner(holder, up);
			if (!add_link(c, up))
				return KSKIT_ENOMEM;
			up = next;
		}
		ldns_rdf_deep_free(up);
	}
	/* one link per name */
	qsort(c->links, c->n, sizeof(*c->links), by_name);
	for (size_t i = 1, w = 1; i <= c->n; i++) {
		if (i == c->n) {
			c->n = w;
			break;
		}
		if (ldns_dname_compare(c->links[i].name, c->links[w - 1].name) != 0)
			c->links[w++] = c->links[i];
	}
	return 0;
}

/* " TYPE TYPE..." of l, for a record's text. */
static void types_text(const struct link *l, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < l->n_types && used < size; i++) {
		char *t = ldns_rr_type2str(l->types[i]);

		used += (size_t)snprintf(buf + used, size - used, " %s", t ? t : "");
		free(t);
	}
}

static int push_text(ldns_rr_list *out, const char *text)
{
	ldns_rr *rr = NULL;

	if (ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL) != LDNS_STATUS_OK)
		return kskit_error_set(KSKIT_EINVAL, "cannot build \"%.60s...\"", text);
	if (!ldns_rr_list_push_rr(out, rr)) {
		ldns_rr_free(rr);
		return KSKIT_ENOMEM;
	}
	return 0;
}

static int nsec_records(const struct chain *c, uint32_t ttl, ldns_rr_list *out)
{
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < c->n; i++) {
		char *name = ldns_rdf2str(c->links[i].name);
		char *next = ldns_rdf2str(c->links[(i + 1) % c->n].name), types[1024], *text = NULL;

		types_text(&c->links[i], types, sizeof(types));
		if (name && next &&
		    asprintf(&text, "%s %u IN NSEC %s%s", name, ttl, next, types) > 0)
			ret = push_text(out, text);
		else
			ret = KSKIT_ENOMEM;
		free(text);
		free(name);
		free(next);
	}
	return ret;
}

static int nsec3_records(const struct kskit_zone *z, struct chain *c, const struct kskit_nsec3 *p,
			 uint32_t ttl, ldns_rr_list *out)
{
	char salt[2 * 255 + 2] = "-", *zone = ldns_rdf2str(z->origin), *text = NULL;
	int ret = zone ? 0 : KSKIT_ENOMEM;

	for (size_t i = 0; i < p->salt_len; i++)
		snprintf(salt + 2 * i, 3, "%02x", p->salt[i]);
	for (size_t i = 0; ret == 0 && i < c->n; i++) {
		ldns_rdf *label = ldns_nsec3_hash_name(c->links[i].name, 1, p->iterations,
						       p->salt_len, p->salt);

		c->links[i].hashed = label ? ldns_dname_cat_clone(label, z->origin) : NULL;
		ldns_rdf_deep_free(label);
		if (!c->links[i].hashed)
			ret = KSKIT_ENOMEM;
	}
	if (ret == 0 &&
	    asprintf(&text, "%s %u IN NSEC3PARAM 1 0 %u %s", zone, ttl, p->iterations, salt) > 0)
		ret = push_text(out, text);
	free(text);
	if (ret == 0)
		qsort(c->links, c->n, sizeof(*c->links), by_hash);
	for (size_t i = 0; ret == 0 && i < c->n; i++) {
		char *owner = ldns_rdf2str(c->links[i].hashed);
		char *next = ldns_rdf2str(c->links[(i + 1) % c->n].hashed), types[1024];

		text = NULL;
		types_text(&c->links[i], types, sizeof(types));
		if (owner && next) {
			next[strcspn(next, ".")] = '\0';
			if (asprintf(&text, "%s %u IN NSEC3 1 %d %u %s %s%s", owner, ttl,
				     p->opt_out ? 1 : 0, p->iterations, salt, next, types) > 0)
				ret = push_text(out, text);
			else
				ret = KSKIT_ENOMEM;
		} else {
			ret = KSKIT_ENOMEM;
		}
		free(text);
		free(owner);
		free(next);
	}
	for (size_t i = 0; i < c->n; i++)
		ldns_rdf_deep_free(c->links[i].hashed);
	free(zone);
	return ret;
}

int kskit_denial_chain(const struct kskit_zone *z, const ldns_rr_type *apex_types, size_t n_apex,
		       const struct kskit_nsec3 *nsec3, ldns_rr_list **out)
{
	struct chain c = { 0 };
	ldns_rr_list *recs = ldns_rr_list_new(), *ents = ldns_rr_list_new();
	uint32_t ttl = z->soa_ttl < z->soa_minimum ? z->soa_ttl : z->soa_minimum;
	int ret = recs && ents ? 0 : KSKIT_ENOMEM;

	if (ret == 0)
		ret = collect(z, apex_types, n_apex, nsec3, &c);
	if (ret == 0 && nsec3->on)
		ret = add_ents(z, &c, ents);
	if (ret == 0)
		ret = nsec3->on ? nsec3_records(z, &c, nsec3, ttl, recs)
				: nsec_records(&c, ttl, recs);
	free(c.links);
	ldns_rr_list_deep_free(ents);
	if (ret) {
		ldns_rr_list_deep_free(recs);
		return ret;
	}
	*out = recs;
	return 0;
}
