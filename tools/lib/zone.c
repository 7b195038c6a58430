/* zone.c - an unsigned zone file read, sorted into RRsets and classified. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "zone-parts.h"
#include "zone.h"

/* Canonical order: owner (RFC 4034 6.1), type, then RDATA. */
static int compare(const void *a, const void *b)
{
	const ldns_rr *x = *(ldns_rr *const *)a, *y = *(ldns_rr *const *)b;
	int c = ldns_dname_compare(ldns_rr_owner(x), ldns_rr_owner(y));

	if (c)
		return c;
	if (ldns_rr_get_type(x) != ldns_rr_get_type(y))
		return ldns_rr_get_type(x) < ldns_rr_get_type(y) ? -1 : 1;
	return ldns_rr_compare(x, y);
}

void kskit_zone_free(struct kskit_zone *z)
{
	if (!z)
		return;
	for (size_t i = 0; i < z->n_sets; i++)
		ldns_rr_list_deep_free(z->sets[i].rrs);
	free(z->sets);
	ldns_rdf_deep_free(z->origin);
	free(z);
}

ldns_rr *kskit_zone_soa(const struct kskit_zone *z)
{
	return ldns_rr_list_rr(z->sets[z->soa].rrs, 0);
}

/* The sorted records as RRsets, duplicates dropped, TTLs made the RRset's
 * lowest; the records move into the sets. */
static int group(ldns_rr **rrs, size_t n, struct kskit_zone *z)
{
	if (!(z->sets = calloc(n, sizeof(*z->sets))))
		return KSKIT_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		ldns_rr *rr = rrs[i];
		struct kskit_rrset *s = z->n_sets ? &z->sets[z->n_sets - 1] : NULL;
		const ldns_rr *last =
			s ? ldns_rr_list_rr(s->rrs, ldns_rr_list_rr_count(s->rrs) - 1) : NULL;

		rrs[i] = NULL;
		if (last && ldns_rr_get_type(last) == ldns_rr_get_type(rr) &&
		    ldns_dname_compare(ldns_rr_owner(last), ldns_rr_owner(rr)) == 0) {
			if (ldns_rr_compare(last, rr) == 0) {
				ldns_rr_free(rr);
				continue;
			}
		} else {
			s = &z->sets[z->n_sets++];
			s->type = ldns_rr_get_type(rr);
			if (!(s->rrs = ldns_rr_list_new())) {
				ldns_rr_free(rr);
				return KSKIT_ENOMEM;
			}
		}
		if (!ldns_rr_list_push_rr(s->rrs, rr)) {
			ldns_rr_free(rr);
			return KSKIT_ENOMEM;
		}
		z->n_records++;
	}
	for (size_t i = 0; i < z->n_sets; i++) {
		ldns_rr_list *l = z->sets[i].rrs;
		uint32_t ttl = ldns_rr_ttl(ldns_rr_list_rr(l, 0));

		for (size_t j = 1; j < ldns_rr_list_rr_count(l); j++)
			if (ldns_rr_ttl(ldns_rr_list_rr(l, j)) < ttl)
				ttl = ldns_rr_ttl(ldns_rr_list_rr(l, j));
		for (size_t j = 0; j < ldns_rr_list_rr_count(l); j++)
			ldns_rr_set_ttl(ldns_rr_list_rr(l, j), ttl);
	}
	return 0;
}

static const ldns_rdf *owner(const struct kskit_rrset *s)
{
	return ldns_rr_owner(ldns_rr_list_rr(s->rrs, 0));
}

/* Mark each RRset; check the SOA and CNAMEs.  Below a delegation (NS not
 * at the apex) or a DNAME everything is glue; at a delegation the NS is
 * the delegation, a DS is the zone's, anything else glue. */
static int classify(struct kskit_zone *z)
{
	const ldns_rdf *cut = NULL; /* the last delegation or DNAME */
	size_t soas = 0;

	for (size_t i = 0; i < z->n_sets; i++) {
		struct kskit_rrset *s = &z->sets[i];
		const ldns_rdf *name = owner(s);
		int apex = ldns_dname_compare(name, z->origin) == 0, delegation = 0;
		size_t first = i, last = i;

		while (first > 0 && ldns_dname_compare(owner(&z->sets[first - 1]), name) == 0)
			first--;
		while (last + 1 < z->n_sets &&
		       ldns_dname_compare(owner(&z->sets[last + 1]), name) == 0)
			last++;
		for (size_t j = first; j <= last; j++)
			delegation |= !apex && z->sets[j].type == LDNS_RR_TYPE_NS;
		if (s->type == LDNS_RR_TYPE_SOA &&
		    (!apex || ++soas > 1 || ldns_rr_list_rr_count(s->rrs) != 1))
			return kskit_error_set(KSKIT_EZONE,
					       "more than one SOA, or one not at the apex");
		if (s->type == LDNS_RR_TYPE_SOA)
			z->soa = i;
		if (s->type == LDNS_RR_TYPE_CNAME && (apex || first != last)) {
			char *n = ldns_rdf2str(name);
			int ret = kskit_error_set(KSKIT_EZONE, "a CNAME beside other data at %s",
						  n ? n : "?");

			free(n);
			return ret;
		}
		if (cut && ldns_dname_is_subdomain(name, cut))
			s->kind = KSKIT_NAME_GLUE;
		else if (apex)
			s->kind = KSKIT_NAME_APEX;
		else if (delegation)
			s->kind = s->type == LDNS_RR_TYPE_NS   ? KSKIT_NAME_DELEGATION
				  : s->type == LDNS_RR_TYPE_DS ? KSKIT_NAME_AUTH
							       : KSKIT_NAME_GLUE;
		else
			s->kind = KSKIT_NAME_AUTH;
		if (s->kind != KSKIT_NAME_GLUE && (delegation || s->type == LDNS_RR_TYPE_DNAME))
			cut = name;
	}
	if (soas != 1)
		return kskit_error_set(KSKIT_EZONE, "no SOA record at the apex");
	return 0;
}

int kskit_zone_read(const char *path, const char *origin, struct kskit_zone **out)
{
	struct kskit_zone *z = calloc(1, sizeof(*z));
	ldns_rr **rrs = NULL;
	size_t n = 0;
	int ret = z ? 0 : KSKIT_ENOMEM;

	*out = NULL;
	if (ret == 0 && (ldns_str2rdf_dname(&z->origin, origin) != LDNS_STATUS_OK ||
			 !ldns_dname_str_absolute(origin)))
		ret = kskit_error_set(KSKIT_EINVAL, "%s: not an absolute zone name", origin);
	if (ret == 0)
		ret = kskit_zone_records(path, z->origin, &rrs, &n, &z->dropped);
	if (ret == 0 && n == 0)
		ret = kskit_error_set(KSKIT_EZONE, "no records");
	if (ret == 0) {
		qsort(rrs, n, sizeof(*rrs), compare);
		ret = group(rrs, n, z);
	}
	if (ret == 0)
		ret = classify(z);
	if (ret == 0) {
		const ldns_rr *soa = kskit_zone_soa(z);

		z->soa_ttl = ldns_rr_ttl(soa);
		z->soa_minimum = ldns_rdf2native_int32(ldns_rr_rdf(soa, 6));
	}
	for (size_t i = 0; i < n; i++)
		ldns_rr_free(rrs[i]);
	free(rrs);
	if (ret) {
		kskit_zone_free(z);
		return ret;
	}
	*out = z;
	return 0;
}
