/* sigcache.c - last time's signatures in an open-addressing hash table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "sigcache.h"

struct kskit_sigcache {
	ldns_rr **slots; /* size a power of two, at most half full */
	size_t size, n;
};

/* FNV-1a over the owner in lower case, the type, the algorithm, the tag. */
static uint64_t hash(const ldns_rdf *owner, ldns_rr_type covered, uint8_t alg, uint16_t tag)
{
	const uint8_t *p = ldns_rdf_data(owner);
	uint64_t h = 0xcbf29ce484222325ULL;
	uint8_t tail[5] = { (uint8_t)(covered >> 8), (uint8_t)covered, alg, (uint8_t)(tag >> 8),
			    (uint8_t)tag };

	for (size_t i = 0; i < ldns_rdf_size(owner); i++)
		h = (h ^ (uint8_t)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i])) *
		    0x100000001b3ULL;
	for (size_t i = 0; i < sizeof(tail); i++)
		h = (h ^ tail[i]) * 0x100000001b3ULL;
	return h;
}

static int same(const ldns_rr *sig, const ldns_rdf *owner, ldns_rr_type covered, uint8_t alg,
		uint16_t tag)
{
	return ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(sig)) == covered &&
	       ldns_rdf2native_int8(ldns_rr_rrsig_algorithm(sig)) == alg &&
	       ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig)) == tag &&
	       ldns_dname_compare(ldns_rr_owner(sig), owner) == 0;
}

static size_t slot_of(const struct kskit_sigcache *c, const ldns_rdf *owner, ldns_rr_type covered,
		      uint8_t alg, uint16_t tag)
{
	size_t i = (size_t)hash(owner, covered, alg, tag) & (c->size - 1);

	while (c->slots[i] && !same(c->slots[i], owner, covered, alg, tag))
		i = (i + 1) & (c->size - 1);
	return i;
}

static uint32_t expiration(const ldns_rr *sig)
{
	return ldns_rdf2native_int32(ldns_rr_rrsig_expiration(sig));
}

static ldns_rr_type covered_of(const ldns_rr *sig)
{
	return ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(sig));
}

static int grow(struct kskit_sigcache *c)
{
	struct kskit_sigcache bigger = { .size = c->size ? 2 * c->size : 1024 };

	if (!(bigger.slots = calloc(bigger.size, sizeof(*bigger.slots))))
		return KSKIT_ENOMEM;
	for (size_t i = 0; i < c->size; i++) {
		ldns_rr *sig = c->slots[i];

		if (sig)
			bigger.slots[slot_of(&bigger, ldns_rr_owner(sig), covered_of(sig),
					     ldns_rdf2native_int8(ldns_rr_rrsig_algorithm(sig)),
					     ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig)))] =
				sig;
	}
	free(c->slots);
	*c = (struct kskit_sigcache){ bigger.slots, bigger.size, c->n };
	return 0;
}

/* Keep sig (taken over), or the one already there if it expires later. */
static int add(struct kskit_sigcache *c, ldns_rr *sig)
{
	size_t i;

	if (2 * (c->n + 1) > c->size && grow(c) != 0) {
		ldns_rr_free(sig);
		return KSKIT_ENOMEM;
	}
	i = slot_of(c, ldns_rr_owner(sig), covered_of(sig),
		    ldns_rdf2native_int8(ldns_rr_rrsig_algorithm(sig)),
		    ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig)));
	if (c->slots[i] && (int32_t)(expiration(c->slots[i]) - expiration(sig)) >= 0) {
		ldns_rr_free(sig);
		return 0;
	}
	if (c->slots[i])
		ldns_rr_free(c->slots[i]);
	else
		c->n++;
	c->slots[i] = sig;
	return 0;
}

/* The RRSIG a line holds, if it holds one of the zone. */
static ldns_rr *rrsig_of(const char *line, const ldns_rdf *origin)
{
	ldns_rr *rr = NULL;

	if (!strstr(line, "RRSIG") ||
	    ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL) != LDNS_STATUS_OK)
		return NULL;
	if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG || ldns_rr_rd_count(rr) != 9 ||
	    (ldns_dname_compare(ldns_rr_owner(rr), origin) != 0 &&
	     !ldns_dname_is_subdomain(ldns_rr_owner(rr), origin))) {
		ldns_rr_free(rr);
		return NULL;
	}
	return rr;
}

int kskit_sigcache_read(const char *path, const ldns_rdf *origin, struct kskit_sigcache **out)
{
	struct kskit_sigcache *c = calloc(1, sizeof(*c));
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int ret = c ? grow(c) : KSKIT_ENOMEM;

	if (ret == 0 && !f && errno != ENOENT)
		ret = kskit_error_set(KSKIT_EIO, "%s: %s", path, strerror(errno));
	while (ret == 0 && f && getline(&line, &cap, f) > 0) {
		ldns_rr *sig = rrsig_of(line, origin);

		if (sig)
			ret = add(c, sig);
	}
	if (ret == 0 && f && ferror(f))
		ret = kskit_error_set(KSKIT_EIO, "%s: %s", path, strerror(errno));
	free(line);
	if (f)
		fclose(f);
	if (ret) {
		kskit_sigcache_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

void kskit_sigcache_free(struct kskit_sigcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->size; i++)
		ldns_rr_free(c->slots[i]);
	free(c->slots);
	free(c);
}

size_t kskit_sigcache_count(const struct kskit_sigcache *c)
{
	return c ? c->n : 0;
}

const ldns_rr *kskit_sigcache_find(const struct kskit_sigcache *c, const ldns_rdf *owner,
				   ldns_rr_type covered, uint8_t alg, uint16_t tag)
{
	return c && c->n ? c->slots[slot_of(c, owner, covered, alg, tag)] : NULL;
}
