/* zonesign.c - an unsigned zone, its chain and the period's keys into a
 * signed zone file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>

#include "error.h"
#include "rrsig.h"
#include "softsign.h"
#include "zonesign.h"

struct signing {
	const struct kskit_zsk *zsks;
	size_t n;
	const struct kskit_zonesign *p;
	const ldns_rdf *origin;
	uint64_t rng; /* xorshift state for the jitter: spread, not secret */
	FILE *out;
};

static uint32_t jitter(struct signing *s)
{
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return s->p->jitter ? (uint32_t)(s->rng % (s->p->jitter + 1ULL)) : 0;
}

static int print(struct signing *s, const ldns_rr *rr)
{
	ldns_rr_print_fmt(s->out, ldns_output_format_nocomments, rr);
	return ferror(s->out)
		       ? kskit_error_set(KSKIT_EIO, "writing the signed zone: %s", strerror(errno))
		       : 0;
}

static int print_list(struct signing *s, const ldns_rr_list *l)
{
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < ldns_rr_list_rr_count(l); i++)
		ret = print(s, ldns_rr_list_rr(l, i));
	return ret;
}

/* The RRset and its RRSIG by each ZSK. */
static int sign_set(struct signing *s, const ldns_rr_list *set)
{
	uint32_t exp = (uint32_t)(s->p->now + s->p->validity - jitter(s));
	int ret = print_list(s, set);

	for (size_t i = 0; ret == 0 && i < s->n; i++) {
		struct kskit_soft_key key = { s->zsks[i].alg, s->zsks[i].key };
		struct kskit_rrsig_params rp = { .alg = s->zsks[i].alg,
						 .key_tag = ldns_calc_keytag(s->zsks[i].dnskey),
						 .signer = s->origin,
						 .inception =
							 (uint32_t)(s->p->now - s->p->backdate),
						 .expiration = exp };
		ldns_rr *sig = NULL;

		ret = kskit_rrsig_make(set, &rp, kskit_soft_sign, &key, &sig);
		if (ret == 0)
			ret = print(s, sig);
		ldns_rr_free(sig);
	}
	return ret;
}

/* One record as an RRset of its own, signed. */
static int sign_one(struct signing *s, ldns_rr *rr)
{
	ldns_rr_list *one = ldns_rr_list_new();
	int ret = one && ldns_rr_list_push_rr(one, rr) ? sign_set(s, one) : KSKIT_ENOMEM;

	ldns_rr_list_free(one);
	return ret;
}

static void set_serial(struct kskit_zone *z, const struct kskit_zonesign *p)
{
	ldns_rr *soa = kskit_zone_soa(z);
	uint32_t old = ldns_rdf2native_int32(ldns_rr_rdf(soa, 2)), serial = old;

	if (p->serial == KSKIT_SERIAL_INCREMENT)
		serial = old + 1;
	else if (p->serial == KSKIT_SERIAL_UNIXTIME)
		serial = (int32_t)((uint32_t)p->now - old) > 0 ? (uint32_t)p->now : old + 1;
	if (p->serial != KSKIT_SERIAL_KEEP && p->have_published &&
	    (int32_t)(serial - p->published) <= 0)
		serial = p->published + 1;
	if (serial != old)
		ldns_rdf_deep_free(ldns_rr_set_rdf(
			soa, ldns_native2rdf_int32(LDNS_RDF_TYPE_INT32, serial), 2));
}

/* The keyset's types, for the apex's NSEC bitmap; each ZSK in its DNSKEYs. */
static int keyset_types(const ldns_rr_list *keyset, const struct kskit_zsk *zsks, size_t n,
			ldns_rr_type *types, size_t *n_types)
{
	*n_types = 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(keyset); i++) {
		ldns_rr_type t = ldns_rr_get_type(ldns_rr_list_rr(keyset, i));
		size_t j;

		for (j = 0; j < *n_types && types[j] != t; j++)
			;
		if (j == *n_types && t != LDNS_RR_TYPE_RRSIG && *n_types < 4)
			types[(*n_types)++] = t;
	}
	for (size_t k = 0; k < n; k++) {
		int found = 0;

		for (size_t i = 0; !found && i < ldns_rr_list_rr_count(keyset); i++)
			found = ldns_rr_compare(ldns_rr_list_rr(keyset, i), zsks[k].dnskey) == 0;
		if (!found)
			return kskit_error_set(KSKIT_EINVAL, "ZSK %u is not in the DNSKEY RRset",
					       ldns_calc_keytag(zsks[k].dnskey));
	}
	return 0;
}

/* The RRsets of one name with their signatures, then its NSEC. */
static int sign_name(struct signing *s, const struct kskit_zone *z, size_t *i,
		     const ldns_rr_list *keyset, const ldns_rr_list *chain, size_t *next_nsec)
{
	const ldns_rdf *name = ldns_rr_owner(ldns_rr_list_rr(z->sets[*i].rrs, 0));
	int ret = 0;

	if (ldns_dname_compare(name, s->origin) == 0)
		ret = print_list(s, keyset);
	for (; ret == 0 && *i < z->n_sets &&
	       ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(z->sets[*i].rrs, 0)), name) == 0;
	     (*i)++) {
		const struct kskit_rrset *set = &z->sets[*i];

		if (set->kind == KSKIT_NAME_APEX || set->kind == KSKIT_NAME_AUTH)
			ret = sign_set(s, set->rrs);
		else
			ret = print_list(s, set->rrs);
	}
	/* the NSEC of this name, signed on its own */
	if (ret == 0 && *next_nsec < ldns_rr_list_rr_count(chain)) {
		ldns_rr *nsec = ldns_rr_list_rr(chain, *next_nsec);

		if (ldns_rr_get_type(nsec) == LDNS_RR_TYPE_NSEC &&
		    ldns_dname_compare(ldns_rr_owner(nsec), name) == 0) {
			ret = sign_one(s, nsec);
			(*next_nsec)++;
		}
	}
	return ret;
}

int kskit_zone_sign(struct kskit_zone *z, const ldns_rr_list *keyset, const struct kskit_zsk *zsks,
		    size_t n, const struct kskit_zonesign *p, FILE *out)
{
	struct signing s = { .zsks = zsks, .n = n, .p = p, .origin = z->origin, .out = out };
	ldns_rr_type types[4];
	ldns_rr_list *chain = NULL;
	size_t n_types = 0, next_nsec = 0;
	int ret;

	if (RAND_bytes((unsigned char *)&s.rng, sizeof(s.rng)) != 1 || s.rng == 0)
		s.rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)p->now;
	ret = keyset_types(keyset, zsks, n, types, &n_types);
	if (ret == 0) {
		set_serial(z, p);
		ret = kskit_denial_chain(z, types, n_types, &p->nsec3, &chain);
	}
	for (size_t i = 0; ret == 0 && i < z->n_sets;)
		ret = sign_name(&s, z, &i, keyset, chain, &next_nsec);
	/* NSEC3PARAM and NSEC3 records, each signed */
	for (; ret == 0 && next_nsec < ldns_rr_list_rr_count(chain); next_nsec++)
		ret = sign_one(&s, ldns_rr_list_rr(chain, next_nsec));
	ldns_rr_list_deep_free(chain);
	if (ret == 0 && fflush(out) != 0)
		ret = kskit_error_set(KSKIT_EIO, "writing the signed zone: %s", strerror(errno));
	return ret;
}
