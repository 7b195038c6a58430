#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsrr.h"
#include "error.h"
#include "skr.h"

void kskit_ksk_always(struct kskit_ksk *k)
{
	k->publish = 0;
	k->active = 0;
	k->retire = KSKIT_NEVER;
	k->revoke = KSKIT_NEVER;
	k->remove = KSKIT_NEVER;
}

enum kskit_ksk_role kskit_ksk_role(const struct kskit_ksk *k, time_t t)
{
	if (t < k->publish || t >= k->remove)
		return KSKIT_ROLE_NONE;
	if (t >= k->revoke)
		return KSKIT_ROLE_REVOKE;
	if (t >= k->active && t < k->retire)
		return KSKIT_ROLE_SIGN;
	return KSKIT_ROLE_PUBLISH;
}

char kskit_ksk_role_letter(enum kskit_ksk_role role)
{
	return "-PSR"[role];
}

/* The first KSK timer after t, or KSKIT_NEVER. */
static time_t next_event(const struct kskit_ksk *ksks, size_t n, time_t t)
{
	time_t next = KSKIT_NEVER;

	for (size_t i = 0; i < n; i++) {
		const time_t ev[] = { ksks[i].publish, ksks[i].active, ksks[i].retire,
				      ksks[i].revoke, ksks[i].remove };

		for (size_t j = 0; j < sizeof(ev) / sizeof(ev[0]); j++)
			if (ev[j] > t && ev[j] < next)
				next = ev[j];
	}
	return next;
}

static int add_slot(struct kskit_skr_plan *plan, size_t *cap, const struct kskit_ksk *ksks,
		    size_t n, time_t t, time_t inception, time_t expiration, size_t request)
{
	struct kskit_skr_slot *s;
	int signers = 0;
	char when[32];

	if (plan->n_slots == *cap) {
		size_t more = *cap ? *cap * 2 : 16;

		s = realloc(plan->slots, more * sizeof(*s));
		if (!s)
			return KSKIT_ENOMEM;
		plan->slots = s;
		*cap = more;
	}
	s = &plan->slots[plan->n_slots];
	*s = (struct kskit_skr_slot){ t, inception, expiration, request, { 0 } };
	for (size_t i = 0; i < n; i++) {
		s->role[i] = kskit_ksk_role(&ksks[i], t);
		signers += s->role[i] == KSKIT_ROLE_SIGN || s->role[i] == KSKIT_ROLE_REVOKE;
	}
	if (!signers) {
		kskit_utc_format(t, KSKIT_UTC_ISO, when, sizeof(when));
		return kskit_error_set(KSKIT_EPOLICY, "no KSK signs the bundle of %s", when);
	}
	plan->n_slots++;
	return 0;
}

int kskit_skr_plan(const struct kskit_ksr *ksr, const struct kskit_ksk *ksks, size_t n,
		   const struct kskit_skr_params *p, struct kskit_skr_plan *plan)
{
	struct kskit_skr_plan out = { 0 };
	size_t cap = 0;
	int ret = 0;

	if (n == 0 || n > KSKIT_SKR_MAX_KSKS || ksr->n_bundles == 0)
		return KSKIT_EINVAL;
	if (!ksr->xml && p->refresh >= p->lifetime)
		return kskit_error_set(KSKIT_EINVAL, "the refresh interval must be shorter than "
						     "the signature lifetime");
	for (size_t i = 0; ret == 0 && i < ksr->n_bundles; i++) {
		const struct kskit_ksr_bundle *b = &ksr->bundles[i];
		time_t t = b->time, end = i + 1 < ksr->n_bundles ? ksr->bundles[i + 1].time : t + 1;

		if (ksr->xml) {
			ret = add_slot(&out, &cap, ksks, n, t, t, b->expiration, i);
			continue;
		}
		while (ret == 0 && t < end) {
			time_t next = t + (time_t)(p->lifetime - p->refresh), ev;

			ret = add_slot(&out, &cap, ksks, n, t, t - (time_t)p->backdate,
				       t + (time_t)p->lifetime, i);
			ev = next_event(ksks, n, t);
			t = ev < next ? ev : next;
		}
	}
	if (ret) {
		kskit_skr_plan_free(&out);
		return ret;
	}
	*plan = out;
	return 0;
}

void kskit_skr_plan_free(struct kskit_skr_plan *plan)
{
	free(plan->slots);
	plan->slots = NULL;
	plan->n_slots = 0;
}

/* A response bundle under construction: records and, for XML, their key
 * identifiers. */
struct draft {
	ldns_rr_list *records;
	char **ids;
	size_t cap;
};

/* Append rr (taken over) and a copy of id (may be NULL). */
static int put(struct draft *d, ldns_rr *rr, const char *id)
{
	size_t n = ldns_rr_list_rr_count(d->records);

	if (n == d->cap) {
		size_t more = d->cap ? d->cap * 2 : 16;
		char **ids = realloc(d->ids, more * sizeof(*ids));

		if (!ids)
			goto nomem;
		d->ids = ids;
		d->cap = more;
	}
	d->ids[n] = id ? strdup(id) : NULL;
	if ((id && !d->ids[n]) || !ldns_rr_list_push_rr(d->records, rr)) {
		free(d->ids[n]);
		goto nomem;
	}
	return 0;
nomem:
	ldns_rr_free(rr);
	return KSKIT_ENOMEM;
}

/* The KSK's DNSKEY as the bundle publishes it: request TTL, REVOKE bit. */
static int published(const struct kskit_ksk *k, enum kskit_ksk_role role, uint32_t ttl,
		     ldns_rr **out)
{
	ldns_rr *rr = ldns_rr_clone(k->dnskey);
	ldns_rdf *flags;

	if (!rr)
		return KSKIT_ENOMEM;
	ldns_rr_set_ttl(rr, ttl);
	if (role == KSKIT_ROLE_REVOKE) {
		flags = ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16,
					      ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)) |
						      LDNS_KEY_REVOKE_KEY);
		if (!flags) {
			ldns_rr_free(rr);
			return KSKIT_ENOMEM;
		}
		ldns_rdf_deep_free(ldns_rr_set_rdf(rr, flags, 0));
	}
	*out = rr;
	return 0;
}

/* A key identifier for the XML form: the label, or the key tag. */
static const char *key_id(const struct kskit_ksk *k, const ldns_rr *dnskey, char *buf, size_t size)
{
	if (k->label)
		return k->label;
	snprintf(buf, size, "%u", (unsigned)ldns_calc_keytag(dnskey));
	return buf;
}

/* CDNSKEY and CDS for every signing (not revoked) KSK. */
static int put_cds(struct draft *d, const struct kskit_ksk *ksks, size_t n,
		   const struct kskit_skr_slot *s, const struct kskit_skr_params *p)
{
	const int digests[] = { p->cds_sha256 ? KSKIT_DS_SHA256 : 0,
				p->cds_sha384 ? KSKIT_DS_SHA384 : 0 };
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < n; i++) {
		ldns_rr *rr = NULL;

		if (s->role[i] != KSKIT_ROLE_SIGN)
			continue;
		ret = kskit_rr_retype(ksks[i].dnskey, LDNS_RR_TYPE_CDNSKEY, &rr);
		if (ret == 0) {
			ldns_rr_set_ttl(rr, p->cds_ttl);
			ret = put(d, rr, NULL);
		}
	}
	for (size_t i = 0; ret == 0 && i < n; i++) {
		for (size_t j = 0; ret == 0 && j < 2; j++) {
			ldns_rr *ds = NULL, *rr = NULL;

			if (s->role[i] != KSKIT_ROLE_SIGN || !digests[j])
				continue;
			ret = kskit_ds_rr(ksks[i].dnskey, digests[j], &ds);
			if (ret == 0)
				ret = kskit_rr_retype(ds, LDNS_RR_TYPE_CDS, &rr);
			ldns_rr_free(ds);
			if (ret == 0) {
				ldns_rr_set_ttl(rr, p->cds_ttl);
				ret = put(d, rr, NULL);
			}
		}
	}
	return ret;
}

/* The RRSIG by KSK k (published as dnskey) over the records of type. */
static int put_rrsig(struct draft *d, ldns_rr_type type, const struct kskit_ksk *k,
		     const ldns_rr *dnskey, const struct kskit_skr_slot *s, const ldns_rdf *zone)
{
	struct kskit_rrsig_params rp = {
		.alg = k->alg,
		.key_tag = ldns_calc_keytag(dnskey),
		.signer = zone,
		.inception = (uint32_t)s->inception,
		.expiration = (uint32_t)s->expiration,
	};
	ldns_rr_list *set = kskit_rrs_of_type(d->records, type);
	ldns_rr *sig = NULL;
	char buf[8];
	int ret;

	if (!set)
		return KSKIT_ENOMEM;
	if (ldns_rr_list_rr_count(set) == 0) {
		ldns_rr_list_free(set);
		return 0;
	}
	ret = kskit_rrsig_make(set, &rp, k->sign, k->ctx, &sig);
	if (ret == 0 && (ret = kskit_rrsig_verify(set, sig, dnskey)) != 0)
		ret = kskit_error_set(KSKIT_EVERIFY, "the RRSIG by KSK %u does not verify",
				      (unsigned)rp.key_tag);
	if (ret == 0)
		ret = put(d, sig, key_id(k, dnskey, buf, sizeof(buf)));
	else
		ldns_rr_free(sig);
	ldns_rr_list_free(set);
	return ret;
}

static int make_bundle(const struct kskit_ksr *ksr, const struct kskit_ksk *ksks, size_t n,
		       const struct kskit_skr_params *p, const struct kskit_skr_slot *s,
		       struct draft *d)
{
	static const ldns_rr_type signed_types[] = { LDNS_RR_TYPE_DNSKEY, LDNS_RR_TYPE_CDS,
						     LDNS_RR_TYPE_CDNSKEY };
	const struct kskit_ksr_bundle *req = &ksr->bundles[s->request];
	ldns_rr *pub[KSKIT_SKR_MAX_KSKS] = { 0 };
	uint32_t ttl = 0;
	char buf[8];
	int ret = 0, have_ttl = 0;

	for (size_t i = 0; ret == 0 && i < ldns_rr_list_rr_count(req->records); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(req->records, i);
		ldns_rr *copy;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_DNSKEY)
			continue;
		if (!have_ttl) {
			ttl = ldns_rr_ttl(rr);
			have_ttl = 1;
		}
		copy = ldns_rr_clone(rr);
		ret = copy ? put(d, copy, req->key_ids ? req->key_ids[i] : NULL) : KSKIT_ENOMEM;
	}
	for (size_t i = 0; ret == 0 && i < n; i++) {
		ldns_rr *copy = NULL;

		if (s->role[i] == KSKIT_ROLE_NONE)
			continue;
		ret = published(&ksks[i], s->role[i], ttl, &pub[i]);
		if (ret == 0)
			ret = published(&ksks[i], s->role[i], ttl, &copy);
		if (ret == 0)
			ret = put(d, copy, key_id(&ksks[i], pub[i], buf, sizeof(buf)));
	}
	if (ret == 0 && (p->cds_sha256 || p->cds_sha384))
		ret = put_cds(d, ksks, n, s, p);
	for (size_t t = 0; ret == 0 && t < sizeof(signed_types) / sizeof(signed_types[0]); t++)
		for (size_t i = 0; ret == 0 && i < n; i++)
			if (s->role[i] == KSKIT_ROLE_SIGN || s->role[i] == KSKIT_ROLE_REVOKE)
				ret = put_rrsig(d, signed_types[t], &ksks[i], pub[i], s, ksr->zone);
	for (size_t i = 0; i < n; i++)
		ldns_rr_free(pub[i]);
	return ret;
}

static void draft_free(struct draft *d)
{
	for (size_t i = 0; d->ids && i < ldns_rr_list_rr_count(d->records); i++)
		free(d->ids[i]);
	free(d->ids);
	ldns_rr_list_deep_free(d->records);
}

int kskit_skr_sign(const struct kskit_ksr *ksr, const struct kskit_ksk *ksks, size_t n,
		   const struct kskit_skr_params *p, const struct kskit_skr_plan *plan,
		   struct kskit_ksr **skr)
{
	struct kskit_ksr *out = calloc(1, sizeof(*out));
	int ret = KSKIT_ENOMEM;

	if (!out)
		return ret;
	out->skr = 1;
	out->bind_times = ksr->bind_times;
	out->xml = ksr->xml;
	out->serial = ksr->serial;
	out->zsk_policy = ksr->zsk_policy;
	out->generated = p->generated;
	out->zone = ldns_rdf_clone(ksr->zone);
	out->id = ksr->id ? strdup(ksr->id) : NULL;
	out->bundles = calloc(plan->n_slots, sizeof(*out->bundles));
	if (!out->zone || (ksr->id && !out->id) || !out->bundles)
		goto out;
	for (size_t i = 0; i < plan->n_slots; i++) {
		const struct kskit_skr_slot *s = &plan->slots[i];
		const struct kskit_ksr_bundle *req = &ksr->bundles[s->request];
		struct kskit_ksr_bundle *b = &out->bundles[i];
		struct draft d = { .records = ldns_rr_list_new() };

		ret = d.records ? make_bundle(ksr, ksks, n, p, s, &d) : KSKIT_ENOMEM;
		if (ret == 0 && req->id && !(b->id = strdup(req->id)))
			ret = KSKIT_ENOMEM;
		if (ret) {
			draft_free(&d);
			goto out;
		}
		b->time = s->time;
		b->expiration = ksr->xml ? s->expiration : 0;
		b->records = d.records;
		if (ksr->xml) {
			b->key_ids = d.ids;
		} else {
			for (size_t j = 0; j < ldns_rr_list_rr_count(d.records); j++)
				free(d.ids[j]);
			free(d.ids);
		}
		out->n_bundles++;
	}
	ret = 0;
out:
	if (ret)
		kskit_ksr_free(out);
	else
		*skr = out;
	return ret;
}
