/* zonesign-chunk.c - a worker's part of kskit_zone_sign: a chunk of the
 * zone printed into memory, each RRset with its signatures, kept from the
 * last signed zone where they still hold, made where not. */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "sign.h"
#include "zonesign-job.h"

static int print(ldns_buffer *out, const ldns_rr *rr)
{
	if (ldns_rr2buffer_str_fmt(out, ldns_output_format_nocomments, rr) != LDNS_STATUS_OK)
		return KSKIT_ENOMEM;
	return 0;
}

static int print_list(ldns_buffer *out, const ldns_rr_list *l)
{
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < ldns_rr_list_rr_count(l); i++)
		ret = print(out, ldns_rr_list_rr(l, i));
	return ret;
}

static uint32_t jitter(struct zonesign_worker *w)
{
	uint32_t span = w->job->p->jitter;

	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return span ? (uint32_t)(w->rng % (span + 1ULL)) : 0;
}

static void note_expiration(struct zonesign_worker *w, uint32_t expiration)
{
	time_t t = w->job->p->now + (int32_t)(expiration - (uint32_t)w->job->p->now);

	if (!w->stats.earliest || t < w->stats.earliest)
		w->stats.earliest = t;
}

/* Last time's signature over set by ZSK k, if it can stay: every field
 * as it would be made now, inception passed, more than refresh left, and
 * it verifies over the RRset as it is now. */
static const ldns_rr *kept(const struct zonesign_job *j, const ldns_rr_list *set, size_t k)
{
	const struct kskit_zonesign *p = j->p;
	const ldns_rr *first = ldns_rr_list_rr(set, 0), *old;
	uint32_t now = (uint32_t)p->now;
	uint8_t *data = NULL;
	size_t len = 0;
	int ok;

	old = kskit_sigcache_find(p->previous, ldns_rr_owner(first), ldns_rr_get_type(first),
				  j->zsks[k].alg->number, j->tags[k]);
	if (!old ||
	    (int32_t)(ldns_rdf2native_int32(ldns_rr_rrsig_expiration(old)) - now) <=
		    (int32_t)p->refresh ||
	    (int32_t)(now - ldns_rdf2native_int32(ldns_rr_rrsig_inception(old))) < 0 ||
	    ldns_rdf2native_int32(ldns_rr_rrsig_origttl(old)) != ldns_rr_ttl(first) ||
	    ldns_rr_ttl(old) != ldns_rr_ttl(first) ||
	    ldns_rdf2native_int8(ldns_rr_rrsig_labels(old)) !=
		    kskit_rrsig_labels(ldns_rr_owner(first)) ||
	    ldns_dname_compare(ldns_rr_rrsig_signame(old), j->origin) != 0)
		return NULL;
	ok = kskit_rrsig_data(set, old, &data, &len) == 0 &&
	     kskit_verify(j->zsks[k].alg, j->pubs[k], data, len,
			  ldns_rdf_data(ldns_rr_rrsig_sig(old)),
			  ldns_rdf_size(ldns_rr_rrsig_sig(old))) == 0;
	free(data);
	return ok ? old : NULL;
}

/* A token ZSK's signature, one thread at a time. */
struct token_call {
	struct zonesign_job *job;
	const struct kskit_zsk *zsk;
};

static int token_sign(void *ctx, const uint8_t *data, size_t len, uint8_t **sig, size_t *sig_len)
{
	struct token_call *t = ctx;
	int ret;

	pthread_mutex_lock(&t->job->token);
	ret = t->zsk->sign(t->zsk->ctx, data, len, sig, sig_len);
	pthread_mutex_unlock(&t->job->token);
	return ret;
}

/* The RRSIG over set by ZSK k, kept or made, printed. */
static int signature(struct zonesign_worker *w, const ldns_rr_list *set, size_t k, ldns_buffer *out)
{
	struct zonesign_job *j = w->job;
	const struct kskit_zsk *z = &j->zsks[k];
	const ldns_rr *old = kept(j, set, k);
	struct token_call call = { j, z };
	struct kskit_rrsig_params rp = { .alg = z->alg,
					 .key_tag = j->tags[k],
					 .signer = j->origin,
					 .inception = (uint32_t)(j->p->now - j->p->backdate),
					 .expiration = (uint32_t)(j->p->now + j->p->validity -
								  jitter(w)) };
	ldns_rr *sig = NULL;
	int ret;

	if (old) {
		w->stats.kept++;
		note_expiration(w, ldns_rdf2native_int32(ldns_rr_rrsig_expiration(old)));
		return print(out, old);
	}
	ret = z->key ? kskit_rrsig_make(set, &rp, kskit_soft_signer_sign, w->soft[k], &sig)
		     : kskit_rrsig_make(set, &rp, token_sign, &call, &sig);
	if (ret == 0) {
		w->stats.made++;
		note_expiration(w, rp.expiration);
		ret = print(out, sig);
	}
	ldns_rr_free(sig);
	return ret;
}

static int run_chunk(struct zonesign_worker *w, size_t c, ldns_buffer *out)
{
	const struct zonesign_job *j = w->job;
	size_t end = (c + 1) * ZONESIGN_CHUNK < j->n_items ? (c + 1) * ZONESIGN_CHUNK : j->n_items;
	int ret = 0;

	for (size_t i = c * ZONESIGN_CHUNK; ret == 0 && i < end; i++) {
		const struct zonesign_item *it = &j->items[i];
		ldns_rr_list *one = NULL;
		const ldns_rr_list *set = it->set;

		if (it->single) {
			if (!(one = ldns_rr_list_new()) || !ldns_rr_list_push_rr(one, it->single))
				ret = KSKIT_ENOMEM;
			set = one;
		}
		if (ret == 0)
			ret = print_list(out, set);
		for (size_t k = 0; ret == 0 && it->sign && k < j->n; k++)
			ret = signature(w, set, k, out);
		ldns_rr_list_free(one);
	}
	return ret;
}

void zonesign_fail(struct zonesign_job *j, int ret)
{
	if (j->error)
		return;
	j->error = ret;
	snprintf(j->detail, sizeof(j->detail), "%s", kskit_error_detail(ret));
}

void *zonesign_work(void *worker)
{
	struct zonesign_worker *w = worker;
	struct zonesign_job *j = w->job;

	for (;;) {
		ldns_buffer *buf;
		size_t c;
		int ret;

		pthread_mutex_lock(&j->lock);
		while (!j->error && j->next < j->n_chunks && j->next >= j->written + j->window)
			pthread_cond_wait(&j->cond, &j->lock);
		if (j->error || j->next == j->n_chunks) {
			pthread_mutex_unlock(&j->lock);
			return NULL;
		}
		c = j->next++;
		pthread_mutex_unlock(&j->lock);

		buf = ldns_buffer_new(64 * ZONESIGN_CHUNK);
		ret = buf ? run_chunk(w, c, buf) : KSKIT_ENOMEM;
		if (ret == 0 && !ldns_buffer_status_ok(buf))
			ret = KSKIT_ENOMEM;
		pthread_mutex_lock(&j->lock);
		if (ret) {
			zonesign_fail(j, ret);
			ldns_buffer_free(buf);
		} else {
			j->done[c] = buf;
		}
		pthread_cond_broadcast(&j->cond);
		pthread_mutex_unlock(&j->lock);
	}
}
